# SPDX-License-Identifier: GPL-3.0-or-later
"""Enrolment and failure modes 8–11, 22 (forwarding), 26 and 31 of sync-design §3.16."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from datetime import timedelta

import pyrage
import pytest
from sqlalchemy import func, select

from kaltim_desktop.errors import KaltimError, ValidationError
from kaltim_desktop.models import Household, SyncHeldOp
from kaltim_desktop.services import sync_trust
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.sync_identity import list_devices
from kaltim_desktop.services.sync_trust import (
    approve_request,
    enroll,
    request_enrolment,
    revoke_device,
    rotate_encryption_key,
)
from kaltim_desktop.sync.bundles import envelope
from kaltim_desktop.sync.bundles.errors import (
    E_CERT_NOT_TRUSTED,
    E_NOT_FOR_US,
    E_REGISTRY_ROLLBACK,
    E_UNKNOWN_DEVICE,
)
from kaltim_desktop.sync.oplog import this_device
from kaltim_desktop.trust import enrolment
from kaltim_desktop.trust import keys as device_keys
from kaltim_desktop.trust.province_keys import load_province_keys
from kaltim_desktop.trust.registry import DeviceEntry
from tests.conftest import HEAD_NIK, family
from tests.sync.bundles.conftest import data_hash, enrol_laptop, make_site, set_regency
from tests.sync.bundles.helpers import (
    craft,
    export_one,
    import_data,
    members,
    ops_of,
    sender_of,
    this_device_id,
)


def test_enrolment_needs_the_fingerprint_read_aloud(province, template_db, tmp_path):
    laptop = make_site(template_db, tmp_path, "other")
    set_regency(laptop, "64.03")
    request = request_enrolment(laptop.db, laptop.data_dir, laptop.actor, tmp_path / "out")
    assert len(request.fingerprint.split()) == 8
    with pytest.raises(ValidationError):
        approve_request(
            province.db, province.data_dir, province.actor, request.path, "0000 " * 8, tmp_path
        )
    approval = approve_request(
        province.db, province.data_dir, province.actor, request.path,
        request.fingerprint.lower().replace(" ", ""), tmp_path,
    )  # fmt: skip
    assert approval.device.scope == ("64.03",)
    # The answer cannot be used by a third laptop.
    third = make_site(template_db, tmp_path, "third")
    with pytest.raises(KaltimError):
        enroll(third.db, third.data_dir, third.actor, approval.path)
    done = enroll(laptop.db, laptop.data_dir, laptop.actor, approval.path)
    assert done.scope == ("64.03",) and done.registry_version == approval.registry_version
    rows = {d.device_id: d for d in list_devices(province.db)}
    assert rows[done.device_id].scope == ("64.03",) and not rows[done.device_id].revoked
    laptop.db.dispose()
    third.db.dispose()


def test_private_keys_stay_out_of_the_database(province, laptop):
    for site in (province, laptop):
        raw = site.db.path.read_bytes()
        assert b"PRIVATE KEY" not in raw and b"AGE-SECRET-KEY" not in raw
    keys = load_province_keys(province.data_dir)
    secret = keys.decryption[0].identity_text.encode()
    assert secret not in province.db.path.read_bytes()


def _foreign_sender(laptop, template_db, tmp_path):
    """A laptop enrolled with *another* province: valid signature, untrusted root."""
    fake_province = make_site(template_db, tmp_path, "fake-province")
    sync_trust.province_init(
        fake_province.db, fake_province.data_dir, fake_province.actor, tmp_path / "fake-escrow"
    )
    stranger = make_site(template_db, tmp_path, "stranger")
    enrol_laptop(fake_province, stranger, "64.72")
    return stranger


def test_a_laptop_of_another_root_is_not_trusted(province, laptop, template_db, tmp_path):
    stranger = _foreign_sender(laptop, template_db, tmp_path)
    save_household(stranger.db, stranger.actor, family())
    data = craft(stranger, province, ops_of(stranger))
    before = data_hash(province.db)
    result = import_data(province, data)
    assert (result.status, result.code) == ("rejected", E_CERT_NOT_TRUSTED)
    assert "unknown or revoked laptop" in result.message or "certificate" in result.message
    assert data_hash(province.db) == before


def test_self_made_or_laptop_signed_certificates_are_not_trusted(province, laptop):
    save_household(laptop.db, laptop.actor, family())
    honest = sender_of(laptop)
    key = device_keys.load_or_create(laptop.data_dir)
    entry = DeviceEntry.from_dict(json.loads(envelope.parse(honest.certificate,
                                                            envelope.CERT_TYPE).body))  # fmt: skip
    self_signed = enrolment.issue_certificate(dataclasses.replace(entry, scope=("64",)),
                                              key.private_key)  # fmt: skip
    before = data_hash(province.db)
    for certificate in (self_signed,):
        data = craft(laptop, province, ops_of(laptop),
                     sender=dataclasses.replace(honest, certificate=certificate))  # fmt: skip
        result = import_data(province, data)
        assert (result.status, result.code) == ("rejected", E_CERT_NOT_TRUSTED)
    # Signed by the province root, but for a device the registry does not list.
    root = load_province_keys(province.data_dir).root
    ghost = enrolment.issue_certificate(dataclasses.replace(entry, device_id="L-GHOST"), root)
    data = craft(
        laptop,
        province,
        ops_of(laptop),
        sender=dataclasses.replace(honest, certificate=ghost, device_id="L-GHOST"),
    )
    result = import_data(province, data)
    assert (result.status, result.code) == ("rejected", E_UNKNOWN_DEVICE)
    assert data_hash(province.db) == before


def test_revoked_laptop_changes_after_the_cut_are_held(province, laptop):
    save_household(laptop.db, laptop.actor, family())
    with laptop.db.read() as s:
        origin = this_device(s).origin
    cut = len(ops_of(laptop))
    save_household(laptop.db, laptop.actor, family(kk_number=None, rt=9,
                   members=(dataclasses.replace(family().members[0], nik=None),)),
                   confirm_warnings=True)  # fmt: skip
    total = len(ops_of(laptop))
    revoke_device(province.db, province.data_dir, province.actor,
                  origin.rpartition("#")[0], "lost", {origin: cut})  # fmt: skip
    result = import_data(province, export_one(laptop).read_bytes())
    assert result.status == "applied"
    assert result.report["applied"] == cut
    assert result.report["held_revoked"] == total - cut
    assert "W_REVOKED" in result.report["warnings"]
    with province.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 1
        held = s.scalars(select(SyncHeldOp.reason)).all()
    assert held == ["revoked"] * (total - cut)
    assert list_devices(province.db)[-1].revoked


def test_an_expired_registry_only_warns(province, laptop, monkeypatch):
    monkeypatch.setattr(sync_trust, "REGISTRY_VALIDITY", timedelta(days=-1))
    with province.db.read() as s:
        device_id = this_device(s).device_id
    rotate_encryption_key(province.db, province.data_dir, province.actor)  # publishes a registry
    assert device_id
    back = export_one(province)
    result = import_data(laptop, back.read_bytes())
    assert result.status == "applied"
    assert "W_REGISTRY_EXPIRED" in result.report["warnings"]


def test_an_older_registry_is_refused(province, laptop, template_db, tmp_path):
    old = export_one(province)  # carries registry version 2
    other = make_site(template_db, tmp_path, "second")
    enrol_laptop(province, other, "64.72")  # registry version 3
    new = export_one(province, device_id=this_device_id(laptop))
    assert import_data(laptop, new.read_bytes()).status == "applied"
    before = data_hash(laptop.db)
    result = import_data(laptop, old.read_bytes())
    assert (result.status, result.code) == ("rejected", E_REGISTRY_ROLLBACK)
    assert data_hash(laptop.db) == before
    other.db.dispose()


def test_a_forwarded_bundle_is_not_for_us(province, laptop, template_db, tmp_path):
    save_household(province.db, province.actor, family())  # province data for 64.72
    second = make_site(template_db, tmp_path, "second")
    enrol_laptop(province, second, "64.72")
    for_laptop = export_one(province, device_id=this_device_id(laptop))
    plain = pyrage.decrypt(
        for_laptop.read_bytes(), [enrolment.device_encryption_key(laptop.data_dir).identity()]
    )
    assert next(n for n, _ in members(plain)) == "manifest.dsse.json"
    recipient = enrolment.device_encryption_key(second.data_dir).recipient
    forwarded = pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(recipient)])
    before = data_hash(second.db)
    result = import_data(second, forwarded)
    assert (result.status, result.code) == ("rejected", E_NOT_FOR_US)
    assert data_hash(second.db) == before
    second.db.dispose()


def test_key_rotation_keeps_old_bundles_readable(province, laptop, tmp_path):
    save_household(laptop.db, laptop.actor, family())
    to_old_key = export_one(laptop)
    rotate_encryption_key(province.db, province.data_dir, province.actor)
    assert import_data(laptop, export_one(province).read_bytes()).status == "applied"
    save_household(laptop.db, laptop.actor, family(nik=None) if False else family(
        kk_number=None, members=(dataclasses.replace(family().members[0], nik=None,
                                                     name="Rahmat Hidayat"),)),
                   confirm_warnings=True)  # fmt: skip
    to_new_key = export_one(laptop)
    keys = load_province_keys(province.data_dir).decryption
    new_key, old_key = sorted(keys, key=lambda k: k.key_id == _primary_id(province))[::-1]
    pyrage.decrypt(to_new_key.read_bytes(), [new_key.identity()])
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(to_new_key.read_bytes(), [old_key.identity()])
    # Escrow alone opens both (the age tool, as in an emergency).
    escrow = tmp_path / "safe" / "escrow.txt"
    for path in (to_old_key, to_new_key):
        subprocess.run(["age", "-d", "-i", str(escrow), "-o", "/dev/null", str(path)], check=True)
    assert import_data(province, to_old_key.read_bytes()).status == "applied"
    assert import_data(province, to_new_key.read_bytes()).status == "applied"
    with province.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == 2
    assert HEAD_NIK


def _primary_id(province) -> str:
    with province.db.read() as s:
        registry = sync_trust.stored_registry(s)
    return next(k["key_id"] for k in registry.enc_keys if k["use"] == "primary")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Building honest and hostile bundles for the tests, with the real keys of the two sites."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pyrage
from sqlalchemy import select

from kaltim_desktop import __version__
from kaltim_desktop.models import ReviewItem
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles
from kaltim_desktop.services.sync_trust import get_trust, stored_registry
from kaltim_desktop.sync.bundles import envelope, writer
from kaltim_desktop.sync.bundles.importer import ImportResult
from kaltim_desktop.sync.oplog import ChangeSet, this_device
from kaltim_desktop.sync.ops import SYNC_SCHEMA
from kaltim_desktop.sync.replay import read_ops
from kaltim_desktop.trust import keys as device_keys
from kaltim_desktop.trust.province_keys import load_province_keys
from tests.conftest import VILLAGE
from tests.sync.bundles.conftest import Site

_counter = iter(range(1, 10**6))


def export_one(site: Site, **kwargs) -> Path:
    (exported,) = export_bundles(
        site.db, site.data_dir, site.actor, site.data_dir / f"usb{next(_counter)}", **kwargs
    )
    (part,) = exported.parts
    return part.path


def import_data(site: Site, data: bytes, name: str = "bundle.ksb", **kwargs) -> ImportResult:
    path = site.inbox / f"{next(_counter)}-{name}"
    path.write_bytes(data)
    (result,) = import_bundles(site.db, site.data_dir, site.actor, [path], **kwargs)
    return result


def province_identities(province: Site) -> list:
    return [k.identity() for k in load_province_keys(province.data_dir).decryption]


def province_recipients(province: Site) -> list:
    with province.db.read() as session:
        registry = stored_registry(session)
    return [pyrage.x25519.Recipient.from_str(r) for r in registry.recipients()]


def reencrypt_for_province(province: Site, plain: bytes) -> bytes:
    """What an attacker holding only the province's public keys can do."""
    return pyrage.encrypt(plain, province_recipients(province))


def members(plain: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are the point of a test
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for name, data in entries:
                archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def sender_of(site: Site, role: str = "district") -> writer.Sender:
    with site.db.read() as session:
        certificate = get_trust(session, "device_cert")
        registry = stored_registry(session)
        device_id = this_device(session).device_id
    return writer.Sender(
        device_keys.load_or_create(site.data_dir), device_id, role, certificate,
        registry.devices[device_id].scope, __version__, SYNC_SCHEMA,
    )  # fmt: skip


def to_province(province: Site) -> writer.Addressees:
    with province.db.read() as session:
        registry = stored_registry(session)
    return writer.Addressees(tuple(registry.recipients()), tuple(registry.recipient_ids()))


def ops_of(site: Site) -> list[dict]:
    with site.db.read() as session:
        return list(read_ops(session))


def craft(
    laptop: Site, province: Site, ops: list[dict], header: dict | None = None,
    sender: writer.Sender | None = None,
) -> bytes:  # fmt: skip
    """A bundle signed by ``laptop``'s real key holding exactly ``ops`` (any content)."""
    chunks = writer._chunks(ops)
    data, _manifest = writer.build_part(
        sender or sender_of(laptop), to_province(province), chunks,
        {"vv_applied": {}, "set_id": "s", "part": 1, "parts": 1, **(header or {})}, None,
    )  # fmt: skip
    return data


def signed_zip(laptop: Site, manifest: dict, entries: list[tuple[str, bytes]]) -> bytes:
    """A ZIP whose manifest is validly signed by ``laptop`` (for reader-limit tests)."""
    key = device_keys.load_or_create(laptop.data_dir)
    signed = envelope.sign(envelope.MANIFEST_TYPE, manifest, key.private_key)
    return make_zip([("manifest.dsse.json", signed.encode()), *entries])


def many_households(site: Site, count: int) -> None:
    """``count`` households without NIKs (distinct names, so the ops do not repeat)."""
    import dataclasses

    from kaltim_desktop.services.households import save_household
    from tests.conftest import family

    head = family().members[0]
    for number in range(count):
        member = dataclasses.replace(head, nik=None, name=f"Warga Nomor {number:04d} Samarinda")
        save_household(
            site.db, site.actor, family(members=(member,), kk_number=None, rt=number % 30 + 1),
            confirm_warnings=True,
        )  # fmt: skip


def this_device_id(site) -> str:
    with site.db.read() as session:
        return this_device(session).device_id


def send(source, target, province) -> None:
    """One trip of a bundle: a laptop's to the province, or the province's to one laptop."""
    if source is province:
        path = export_one(province, device_id=this_device_id(target))
    else:
        path = export_one(source)
    result = import_data(target, path.read_bytes())
    assert result.status in ("applied", "already"), result.message


def edit(site, entity: str, entity_id: str, fields: dict, *, action: str = "update") -> None:
    """Write through the op log as the services do (the family's village as partition)."""
    with site.db.transaction() as session:
        changes = ChangeSet(session, actor=site.actor.officer_id, action="test.edit")
        if action == "delete":
            changes.delete(entity, entity_id, partition=VILLAGE)
        elif action == "resolve":
            changes.resolve(entity, entity_id, fields, partition=VILLAGE)
        else:
            changes.update(entity, entity_id, fields, partition=VILLAGE)
        changes.commit()


def items(site) -> list[tuple]:
    """The review items as every replica must have them (local timestamps left out)."""
    with site.db.read() as session:
        rows = session.scalars(select(ReviewItem).order_by(ReviewItem.id)).all()
        return [(r.id, r.kind, r.status, r.entity, r.entity_id, r.field, r.detail) for r in rows]


def row(site, model, record_id):
    with site.db.read() as session:
        return session.get(model, record_id)

# SPDX-License-Identifier: GPL-3.0-or-later
"""After enrolment, documents signed by any laptop of the province verify everywhere the
registry has reached; before it, the stand-in trust (the laptop's own key) stays."""

from __future__ import annotations

from kaltim_desktop.services.sync_trust import revoke_device
from kaltim_desktop.sync.oplog import this_device
from kaltim_desktop.trust.payload import Claims, sign_claims, verify_text
from kaltim_desktop.trust.store import device_key, trust_store
from tests.sync.bundles.conftest import enrol_laptop, make_site
from tests.sync.bundles.helpers import export_one, import_data


def _signed_by(site) -> str:
    with site.db.read() as session:
        origin = this_device(session).origin
    key = device_key(site.data_dir)
    claims = Claims("400.9/0001.X/Adbang/2026", "rlh_certificate", "Ahmad Fauzi",
                    "6472********0001", "RLH 2026", "2026-11-28", origin, key.key_id)  # fmt: skip
    return sign_claims(claims, key)


def test_laptop_documents_verify_at_the_province_until_revoked(province, laptop, template_db,
                                                               tmp_path):  # fmt: skip
    text = _signed_by(laptop)
    at_province = verify_text(text, trust_store(province.data_dir))
    assert at_province.valid and at_province.anchor == "certificate"
    assert verify_text(text, trust_store(laptop.data_dir)).valid  # its own certificate

    stranger = make_site(template_db, tmp_path, "stranger")  # never enrolled: stand-in only
    stranger_text = _signed_by(stranger)
    assert verify_text(stranger_text, trust_store(stranger.data_dir)).valid
    refused = verify_text(stranger_text, trust_store(province.data_dir))
    assert not refused.valid and refused.problem == "unknown_key"

    witness = make_site(template_db, tmp_path, "witness")
    enrol_laptop(province, witness, "64.72")
    assert verify_text(text, trust_store(witness.data_dir)).valid  # another laptop's document
    with laptop.db.read() as session:
        device_id = this_device(session).device_id
    revoke_device(province.db, province.data_dir, province.actor, device_id, "stolen")
    assert verify_text(text, trust_store(province.data_dir)).problem == "unknown_key"
    # Other laptops learn the revocation from the province's next bundle.
    assert import_data(witness, export_one(province).read_bytes()).status == "applied"
    assert verify_text(text, trust_store(witness.data_dir)).problem == "unknown_key"
    stranger.db.dispose()
    witness.db.dispose()

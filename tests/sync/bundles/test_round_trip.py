# SPDX-License-Identifier: GPL-3.0-or-later
"""A laptop's changes reach the province and come back acknowledged."""

from __future__ import annotations

from sqlalchemy import func, select

from kaltim_desktop.models import Household, Person
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles, sync_status
from tests.conftest import family
from tests.sync.bundles.conftest import data_hash


def test_laptop_to_province_and_back(province, laptop):
    saved = save_household(laptop.db, laptop.actor, family())
    before = sync_status(laptop.db)
    assert before.enrolled and before.unsent_ops > 0

    sets = export_bundles(laptop.db, laptop.data_dir, laptop.actor, laptop.data_dir / "usb")
    assert len(sets) == 1 and len(sets[0].parts) == 1
    path = sets[0].parts[0].path
    results = import_bundles(province.db, province.data_dir, province.actor, [path])
    assert [r.status for r in results] == ["applied"]
    assert results[0].report["applied"] == before.unsent_ops
    with province.db.read() as s:
        assert s.get(Household, saved.id) is not None
        assert s.scalar(select(func.count()).select_from(Person)) == 3

    # The same file again: "already imported", nothing changes.
    snapshot = data_hash(province.db)
    again = import_bundles(province.db, province.data_dir, province.actor, [path])
    assert again[0].status == "already"
    assert data_hash(province.db) == snapshot

    # The province answers: acknowledgement + registry; the laptop has nothing unsent.
    back = export_bundles(province.db, province.data_dir, province.actor, province.data_dir / "out")
    assert [s.peer for s in back] == [before.device_id]
    assert back[0].ops == 0
    got = import_bundles(laptop.db, laptop.data_dir, laptop.actor, [back[0].parts[0].path])
    assert got[0].status == "applied", got[0]
    after = sync_status(laptop.db)
    assert after.unsent_ops == 0 and after.acknowledged_seq == before.unsent_ops

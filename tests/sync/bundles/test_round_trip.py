# SPDX-License-Identifier: GPL-3.0-or-later
"""A laptop's changes reach the province and come back acknowledged."""

from __future__ import annotations

from sqlalchemy import func, select

from kaltim_desktop.models import Household, Person
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles, sync_status
from kaltim_desktop.sync.oplog import this_device
from tests.conftest import family
from tests.sync.bundles.conftest import data_hash, enrol_laptop, make_site, replica_hash
from tests.sync.bundles.helpers import ops_of


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


def test_the_province_relays_a_regency_to_its_laptops_only(province, laptop, template_db, tmp_path):
    colleague = make_site(template_db, tmp_path, "colleague")  # same regency, 64.72
    enrol_laptop(province, colleague, "64.72")
    elsewhere = make_site(template_db, tmp_path, "elsewhere")  # Paser, 64.01
    enrol_laptop(province, elsewhere, "64.01")
    save_household(laptop.db, laptop.actor, family())
    path = export_bundles(laptop.db, laptop.data_dir, laptop.actor, tmp_path / "a")[0].parts[0]
    assert import_bundles(province.db, province.data_dir, province.actor, [path.path])[0].status \
        == "applied"  # fmt: skip
    sets = {s.peer: s for s in export_bundles(province.db, province.data_dir, province.actor,
                                              tmp_path / "out")}  # fmt: skip
    assert len(sets) == 3
    by_id = {}
    for site in (laptop, colleague, elsewhere):
        with site.db.read() as s:
            by_id[site.name] = this_device(s).device_id
    assert sets[by_id["laptop"]].ops == 0  # its own changes are not sent back
    assert sets[by_id["elsewhere"]].ops == 0  # nothing of Samarinda leaves for Paser
    relayed = sets[by_id["colleague"]]
    assert relayed.ops == len(ops_of(laptop)) > 0
    result = import_bundles(colleague.db, colleague.data_dir, colleague.actor,
                            [relayed.parts[0].path])[0]  # fmt: skip
    assert result.status == "applied" and result.report["applied"] == relayed.ops
    assert replica_hash(colleague.db) == replica_hash(laptop.db)
    colleague.db.dispose()
    elsewhere.db.dispose()


def test_photo_records_travel_with_their_household(province, laptop, tmp_path):
    from PIL import Image

    from kaltim_desktop.models import Photo
    from kaltim_desktop.services.photos import add_photo, photos_dir

    saved = save_household(laptop.db, laptop.actor, family())
    source = tmp_path / "rumah.png"
    Image.new("RGB", (640, 480), (120, 90, 60)).save(source, "PNG")
    photo = add_photo(laptop.db, laptop.actor, saved.id, source, "Tampak depan",
                      folder=photos_dir(laptop.data_dir))  # fmt: skip
    path = export_bundles(laptop.db, laptop.data_dir, laptop.actor, tmp_path / "usb")[0].parts[0]
    result = import_bundles(province.db, province.data_dir, province.actor, [path.path])[0]
    assert result.status == "applied" and result.report["per_entity"]["photo.create"] == 1
    with province.db.read() as s:
        assert s.get(Photo, photo.id).sha256 == photo.sha256
    assert replica_hash(province.db) == replica_hash(laptop.db)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The same person registered on two laptops (sync-design §3.16 case 15), with real bundles:
both records kept, one duplicate item, a merge that reaches every replica, and a laptop's
later change to the merged person moved over to the survivor by the province."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import func, select

from kaltim_desktop.models import Handover, Membership, Person, ReviewItem, SyncOp
from kaltim_desktop.services.handovers import HandoverInput, create_handover
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.merging import merge_records
from tests.conftest import HEAD_NIK, family
from tests.sync.bundles.conftest import replica_hash
from tests.sync.bundles.helpers import edit, row, send


def _second_family():
    """Another family on the other laptop whose head carries the same NIK (a migrant
    registered again, name spelt differently)."""
    head = dataclasses.replace(family().members[0], name="Achmad Fauzi", person_id=None)
    return family(members=(head,), kk_number="6472060101150099", rt=7)


def _duplicates(site) -> list[ReviewItem]:
    with site.db.read() as session:
        return session.scalars(select(ReviewItem).where(ReviewItem.kind == "duplicate")).all()


def test_same_nik_on_two_laptops_is_one_review_item_then_one_merge(trio):
    province, first, second, saved = trio
    # The check while typing warned about the NIK; the officer saved anyway.
    other = save_household(second.db, second.actor, _second_family(), confirm_warnings=True)
    twin = other.members[0].person_id
    original = saved.members[0].person_id
    send(second, province, province)  # no constraint error: both persons are kept
    send(second, province, province)  # a second delivery adds no second item
    with province.db.read() as session:
        niks = session.scalars(select(Person.id).where(Person.nik == HEAD_NIK)).all()
    assert sorted(niks) == sorted([original, twin])
    (item,) = _duplicates(province)
    assert {item.entity_id, item.other_id} == {original, twin}
    assert (item.status, item.level) == ("open", "duplicate")
    assert "same_nik" in item.detail

    # Before the merge reaches it, the second laptop records a house for its twin and
    # notes the twin's new job.
    edit(second, "person", twin, {"occupation": "Buruh bangunan"})
    create_handover(
        second.db, second.actor,
        HandoverInput(household_id=other.id, funder="CSR PT Contoh", building_partner="Kodim",
                      house_type="type36_concrete", cost_rupiah=90_000_000,
                      surveyed_on=date(2025, 2, 1), recipient_person_id=twin),
        confirm_warnings=True,
    )  # fmt: skip

    result = merge_records(province.db, province.actor, "person", twin, original, item_id=item.id)
    assert result.survivor_id == original
    (item,) = _duplicates(province)
    assert item.status == "resolved"

    send(second, province, province)  # the late handover names the merged twin...
    with province.db.read() as session:
        handover = session.scalars(select(Handover)).one()
        assert handover.recipient_person_id == original  # ...and is moved to the survivor
        moves = session.scalar(
            select(func.count()).select_from(SyncOp).where(SyncOp.entity_id == handover.id)
        )
        assert moves == 2  # the laptop's create and the province's redirect
    for site in (first, second):
        send(province, site, province)
    send(first, province, province)
    send(second, province, province)
    for site in (first, second):
        send(province, site, province)
    for site in (province, first, second):
        assert row(site, Person, twin).merged_into == original  # both ids stay resolvable
        # The late edit was forwarded to the survivor, and its report settled everywhere.
        assert row(site, Person, original).occupation == "Buruh bangunan"
        with site.db.read() as session:
            (late,) = session.scalars(select(ReviewItem).where(ReviewItem.kind == "redirected"))
        assert late.status == "resolved"
        assert row(site, Person, original).merged_into is None
        with site.db.read() as session:
            current = session.scalars(
                select(Membership.household_id).where(
                    Membership.person_id == twin, Membership.current()
                )
            ).all()
            assert current == []  # the twin's membership moved to the survivor
    # ...who is now a current member of two households: a breach to review, on every replica
    # (each derives it from the same data), not a refused bundle.
    for site in (province, first, second):
        with site.db.read() as session:
            breach = session.scalars(select(ReviewItem).where(ReviewItem.kind == "invariant")).one()
        assert (breach.entity_id, breach.status, breach.field) == (original, "open", "households")
    assert replica_hash(province.db) == replica_hash(first.db) == replica_hash(second.db)


def test_a_pair_decided_not_duplicate_is_not_raised_again(trio):
    from kaltim_desktop.sync.checks_review import record_duplicates
    from kaltim_desktop.sync.oplog import ChangeSet

    province, _first, second, saved = trio
    other = save_household(second.db, second.actor, _second_family(), confirm_warnings=True)
    send(second, province, province)
    (item,) = _duplicates(province)
    pair = sorted([saved.members[0].person_id, other.members[0].person_id])
    with province.db.transaction() as session:
        session.delete(session.get(ReviewItem, item.id))  # forget the item, keep the decision
        changes = ChangeSet(session, actor=None, action="duplicate.distinct")
        changes.create("duplicate_decision", {"entity": "person", "first_id": pair[0],
                       "second_id": pair[1], "decision": "distinct"})  # fmt: skip
        changes.commit()
    with province.db.transaction() as session:
        assert record_duplicates(session) == 0
    assert _duplicates(province) == []


def test_a_large_import_leaves_duplicates_to_the_full_scan_and_says_so(
    province, laptop, monkeypatch
):
    from kaltim_desktop.sync import checks_review
    from tests.sync.bundles.helpers import export_one, import_data, many_households

    monkeypatch.setattr(checks_review, "FOCUS_LIMIT", 5)  # a first download, in small
    many_households(laptop, 4)
    result = import_data(province, export_one(laptop).read_bytes())
    assert result.status == "applied"
    assert result.report["duplicates_new"] is None
    assert "W_DUPLICATE_SCAN_DEFERRED" in result.report["warnings"]
    assert result.report["invariants_open"] == 0  # checked everywhere instead


def test_what_an_import_touched_is_kept_only_while_it_is_few(monkeypatch):
    from kaltim_desktop.sync import checks_review

    monkeypatch.setattr(checks_review, "FOCUS_LIMIT", 3)
    touched = checks_review.Touched()
    touched.add("person", "p1", {})
    touched.add("membership", "m1", {"household_id": "h1", "person_id": "p2"})
    assert (touched.persons, touched.households, touched.many) == ({"p1", "p2"}, {"h1"}, False)
    touched.add("household", "h2", {})
    assert touched.many and not touched.persons and not touched.households

# SPDX-License-Identifier: GPL-3.0-or-later
"""Merging two households or two persons: children follow the survivor, nothing is deleted,
both ids stay resolvable, and the rules a merge may break become review items."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from kaltim_desktop.errors import NotFound, PermissionDenied, ValidationError
from kaltim_desktop.models import AuditEntry, Handover, Household, Membership, Person, ReviewItem
from kaltim_desktop.services.handovers import HandoverInput, create_handover
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.merging import merge_records
from tests.conftest import family


def _house(db, actor, household_id, person_id=None):
    return create_handover(
        db, actor,
        HandoverInput(household_id=household_id, funder="CSR PT Contoh", building_partner="Kodim",
                      house_type="type36_concrete", cost_rupiah=95_000_000,
                      surveyed_on=date(2025, 2, 1), recipient_person_id=person_id),
        confirm_warnings=True,
    )  # fmt: skip


def _current(db, person_id):
    with db.read() as session:
        return session.scalars(
            select(Membership.household_id).where(
                Membership.person_id == person_id, Membership.current()
            )
        ).all()


def test_merging_a_household_moves_its_members_and_house_to_the_survivor(db, supervisor):
    survivor = save_household(db, supervisor, family())
    # The same family registered again, with the head and one new child.
    head = dataclasses.replace(survivor.members[0], person_id=None)
    child = dataclasses.replace(
        survivor.members[2], name="Rina", nik=None, person_id=None, birth_date=date(2015, 6, 1)
    )
    copy = save_household(db, supervisor, family(members=(head, child), kk_number=None),
                          confirm_warnings=True)  # fmt: skip
    house = _house(db, supervisor, copy.id)

    result = merge_records(db, supervisor, "household", copy.id, survivor.id)

    assert result.survivor_id == survivor.id and result.moved >= 3
    with db.read() as session:
        assert session.get(Household, copy.id).merged_into == survivor.id
        assert not session.get(Household, copy.id).deleted  # merged, not deleted
        assert session.get(Handover, house.id).household_id == survivor.id
    new_child = copy.members[1].person_id
    assert _current(db, new_child) == [survivor.id]
    # The copy's head (another person row) moved too; the survivor's own head is untouched.
    assert _current(db, copy.members[0].person_id) == [survivor.id]
    assert _current(db, survivor.members[0].person_id) == [survivor.id]
    with db.read() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert audit.action == "household.merge" and audit.entity_id == copy.id


def test_a_person_already_in_the_survivors_household_keeps_one_membership(db, supervisor):
    first = save_household(db, supervisor, family())
    twin_head = dataclasses.replace(first.members[0], person_id=None, nik=None)
    second = save_household(db, supervisor, family(members=(twin_head,), kk_number=None),
                            confirm_warnings=True)  # fmt: skip
    # Merge the persons: the twin's membership moves to the survivor, who is now in both
    # households: a broken rule to review, not an error.
    merge_records(db, supervisor, "person", second.members[0].person_id, first.members[0].person_id)
    survivor = first.members[0].person_id
    assert sorted(_current(db, survivor)) == sorted([first.id, second.id])
    with db.read() as session:
        (breach,) = session.scalars(select(ReviewItem).where(ReviewItem.kind == "invariant"))
        assert (breach.entity_id, breach.field, breach.status) == (survivor, "households", "open")
    # Merging the households then leaves the person in one of them, and the rule holds again.
    merge_records(db, supervisor, "household", second.id, first.id)
    assert _current(db, survivor) == [first.id]
    with db.read() as session:
        (breach,) = session.scalars(select(ReviewItem).where(ReviewItem.kind == "invariant"))
        assert breach.status == "resolved"


def test_the_survivor_takes_over_what_only_the_loser_knew(db, supervisor):
    first = save_household(db, supervisor, family())
    unknown = dataclasses.replace(first.members[0], person_id=None, nik=None, birth_place=None)
    second = save_household(db, supervisor, family(members=(unknown,), kk_number=None),
                            confirm_warnings=True)  # fmt: skip
    loser = first.members[0].person_id  # has NIK and birth place
    survivor = second.members[0].person_id  # has neither
    result = merge_records(db, supervisor, "person", loser, survivor)
    assert {"nik", "birth_place"} <= set(result.taken_over)
    with db.read() as session:
        kept = session.get(Person, survivor)
        assert (kept.nik, kept.birth_place) == (first.members[0].nik, "Samarinda")


def test_chains_of_merges_end_at_the_last_survivor(db, supervisor):
    a, b, c = (save_household(db, supervisor, family(members=(dataclasses.replace(
        family().members[0], nik=None, name=name),), kk_number=None), confirm_warnings=True)
        for name in ("Ahmad Fauzi", "Achmad Fauzi", "Ahmad Fauzy"))  # fmt: skip
    merge_records(db, supervisor, "household", a.id, b.id)
    house = _house(db, supervisor, a.id)  # a late change to the merged household (a laptop's)
    with pytest.raises(NotFound):
        merge_records(db, supervisor, "household", c.id, a.id)  # a is merged already
    merge_records(db, supervisor, "household", b.id, c.id)
    with db.read() as session:
        assert session.get(Handover, house.id).household_id == c.id  # a → b → c


def test_merging_is_refused_clearly(db, supervisor, operator):
    first = save_household(db, supervisor, family())
    person = first.members[0].person_id
    with pytest.raises(PermissionDenied):
        merge_records(db, operator, "household", first.id, first.id)
    with pytest.raises(ValidationError):
        merge_records(db, supervisor, "household", first.id, first.id)
    with pytest.raises(ValidationError):
        merge_records(db, supervisor, "grant_award", person, first.id)
    with pytest.raises(NotFound):
        merge_records(db, supervisor, "person", person, "00000000-0000-7000-8000-000000000000")


def test_a_merged_household_is_listed_and_found_once_as_its_survivor(db, supervisor):
    from kaltim_desktop.services.household_list import ListQuery, list_households
    from kaltim_desktop.services.search import search_households

    survivor = save_household(db, supervisor, family())
    copy = save_household(db, supervisor, family(kk_number=None, rt=8), confirm_warnings=True)
    village = "64.72.06.1001"
    listed = {row.id for row in list_households(db, ListQuery(region=village)).rows}
    assert listed == {survivor.id, copy.id}
    merge_records(db, supervisor, "household", copy.id, survivor.id)
    listed = {row.id for row in list_households(db, ListQuery(region=village)).rows}
    assert listed == {survivor.id}
    assert {h.id for h in search_households(db, region=village)} == {survivor.id}
    assert {h.id for h in search_households(db, "Ahmad Fauzi")} == {survivor.id}


def test_a_merged_household_cannot_be_edited_any_more(db, supervisor):
    from kaltim_desktop.services.household_views import get_household

    survivor = save_household(db, supervisor, family())
    copy = save_household(db, supervisor, family(kk_number=None, rt=8), confirm_warnings=True)
    merge_records(db, supervisor, "household", copy.id, survivor.id)
    stale = get_household(db, copy.id)  # the old id still opens (certificates, audit)
    assert stale.id == copy.id
    edited = dataclasses.replace(family(kk_number=None, rt=9), id=copy.id)
    with pytest.raises(NotFound, match="merged into another"):
        save_household(db, supervisor, edited, confirm_warnings=True)

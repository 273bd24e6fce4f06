# SPDX-License-Identifier: GPL-3.0-or-later
"""Household search: numbers, names, regions, deleted and moved records, duplicate prompts."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import text

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.services import search, search_sources
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import move_member, save_household
from kaltim_desktop.services.search import find_possible_duplicates, search_households
from kaltim_desktop.sync.oplog import ChangeSet
from tests.conftest import CHILD_NIK, HEAD_NIK, KK, VILLAGE, WIFE_NIK, family

BALIKPAPAN_VILLAGE = "64.71.01.1001"
OTHER_SAMARINDA_VILLAGE = "64.72.01.1001"


def nik(district: str, born: date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "F" else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def register(
    db, actor, name: str, *, born=date(1975, 2, 3), sex="M", serial=11, village=VILLAGE,
    district="647206",
):  # fmt: skip
    """A one-person household with a valid NIK and no KK; returns its detail."""
    head = MemberInput(
        name=name, sex=sex, relation="head", nik=nik(district, born, sex, serial), birth_date=born
    )
    data = family(
        members=(head,),
        village_code=village,
        kk_number=None,
        rw=None if village.startswith("64.71") else 1,
    )
    return save_household(db, actor, data, confirm_warnings=True)


def ids(rows) -> list[str]:
    return [row.id for row in rows]


@pytest.fixture
def fauzi(db, operator):
    return save_household(db, operator, family())


def test_full_nik_finds_household_with_masked_nik(db, fauzi):
    [row] = search_households(db, HEAD_NIK)
    assert row.id == fauzi.id
    assert row.matched_nik_masked == HEAD_NIK[:4] + "********" + HEAD_NIK[-4:]
    assert (row.head_name, row.kk_number, row.member_count) == ("Ahmad Fauzi", KK, 3)
    assert (row.village_name, row.district_name, row.regency_name) == (
        "Loa Bakung",
        "Sungai Kunjang",
        "Kota Samarinda",
    )
    assert (row.rt, row.rw) == (3, 1)


def test_nik_with_separators_and_prefix(db, fauzi):
    assert ids(search_households(db, "6472 06.15-05")) == [fauzi.id]
    [row] = search_households(db, WIFE_NIK[:10])
    assert row.matched_nik_masked.endswith(WIFE_NIK[-4:])


def test_nik_last_digits(db, fauzi, operator):
    other = register(db, operator, "Budi Santoso", serial=2)  # also ends in ...0002
    found = search_households(db, WIFE_NIK[-6:])  # "850002": only the wife's NIK
    assert ids(found) == [fauzi.id]
    assert {r.id for r in search_households(db, "0002")} == {fauzi.id, other.id}


def test_kk_prefix_matches_without_nik(db, fauzi):
    [row] = search_households(db, KK[:12])
    assert row.id == fauzi.id and row.matched_nik_masked is None


def test_too_short_or_unknown_numbers_find_nothing(db, fauzi):
    assert search_households(db, "647") == []
    assert search_households(db, "9999999") == []


def test_name_ignores_case_and_accents(db, fauzi):
    assert ids(search_households(db, "AHMAD fauzi")) == [fauzi.id]
    assert ids(search_households(db, "Áhmad Fäuzi")) == [fauzi.id]
    assert ids(search_households(db, "fau")) == [fauzi.id]


def test_muhammad_variants_and_titles(db, operator):
    ridwan = register(db, operator, "H. Muhammad Ridwan, S.Pd.")
    for query in ("MOH. RIDWAN", "Moch Ridwan", "m. ridw", "muhamad", "Ridwan"):
        assert ids(search_households(db, query)) == [ridwan.id], query


def test_every_word_must_match_some_name_word(db, fauzi, operator):
    register(db, operator, "Siti Aminah", sex="F", serial=3)
    assert ids(search_households(db, "siti rah")) == [fauzi.id]  # the wife, Siti Rahmah
    assert ids(search_households(db, "rah siti")) == [fauzi.id]
    assert search_households(db, "siti budi") == []


def test_a_single_letter_alone_lists_nothing(db, fauzi):
    assert search_households(db, "a") == []
    assert ids(search_households(db, "a fauzi")) == [fauzi.id]


def test_short_words_with_many_expansions_still_match(db, fauzi, monkeypatch):
    monkeypatch.setattr(search_sources, "_MAX_EXPANSION", 0)  # as if "r" started a hundred words
    assert ids(search_households(db, "siti r")) == [fauzi.id]
    assert search_households(db, "siti q") == []


def test_household_listed_once_with_active_members_counted(db, fauzi):
    # "6472" matches all three members and the KK number.
    [row] = search_households(db, "6472")
    assert row.member_count == 3
    assert row.matched_nik_masked == search.mask_nik(CHILD_NIK)  # the smallest matching NIK


def test_results_ordered_by_head_name_and_limited(db, operator):
    for serial, name in enumerate(("Zainal", "Abdul Rahman", "Maria Lusia", "Budi"), start=1):
        register(db, operator, name, serial=serial)
    names = [r.head_name for r in search_households(db, region="64.72")]
    assert names == ["Abdul Rahman", "Budi", "Maria Lusia", "Zainal"]
    assert [r.head_name for r in search_households(db, "", limit=2)] == ["Abdul Rahman", "Budi"]


def test_region_filter_accepts_regency_district_and_village(db, fauzi, operator):
    bpp = register(db, operator, "Ahmad Yani", village=BALIKPAPAN_VILLAGE, district="647101")
    other = register(db, operator, "Ahmad Dahlan", village=OTHER_SAMARINDA_VILLAGE, serial=5)
    assert set(ids(search_households(db, "ahmad"))) == {fauzi.id, bpp.id, other.id}
    assert set(ids(search_households(db, "ahmad", region="64.72"))) == {fauzi.id, other.id}
    assert set(ids(search_households(db, "ahmad", region="6472"))) == {fauzi.id, other.id}
    assert ids(search_households(db, "ahmad", region="64.72.06")) == [fauzi.id]
    assert ids(search_households(db, "ahmad", region=VILLAGE)) == [fauzi.id]
    assert ids(search_households(db, region="64.71")) == [bpp.id]
    with pytest.raises(KaltimError):
        search_households(db, "ahmad", region="64.99")


def test_region_name_lists_its_households(db, fauzi, operator):
    other = register(db, operator, "Budi", village=OTHER_SAMARINDA_VILLAGE, serial=5)
    assert ids(search_households(db, "loa bakung")) == [fauzi.id]
    assert set(ids(search_households(db, "Samarinda"))) == {fauzi.id, other.id}


def test_deleted_households_are_excluded(db, fauzi, operator):
    kept = register(db, operator, "Ahmad Dahlan", serial=5)
    with db.transaction() as session:
        changes = ChangeSet(session, actor=operator.officer_id, action="household.delete")
        changes.delete("household", fauzi.id)
        changes.commit()
    assert ids(search_households(db, "ahmad")) == [kept.id]
    assert search_households(db, HEAD_NIK) == []
    assert set(ids(search_households(db, "ahmad", include_deleted=True))) == {fauzi.id, kept.id}


def delete_person(db, actor, person_id):
    with db.transaction() as session:
        changes = ChangeSet(session, actor=actor.officer_id, action="person.delete")
        changes.delete("person", person_id)
        changes.commit()


@pytest.mark.parametrize("spare", [0, 10])
def test_deleted_persons_do_not_lead_to_their_household(db, operator, monkeypatch, spare):
    monkeypatch.setattr(search_sources, "_SPARE_ROWS", spare)  # 0 forces the exact second query
    first = register(db, operator, "Budi Arman", serial=1)
    second = register(db, operator, "Budi Basuki", serial=2)
    delete_person(db, operator, first.members[0].person_id)
    assert ids(search_households(db, "budi", limit=1)) == [second.id]
    assert ids(search_households(db, "budi")) == [second.id]
    assert search_households(db, first.members[0].nik) == []


def test_moved_member_is_found_in_the_new_household_only(db, fauzi, operator):
    new_home = register(db, operator, "Budi Santoso", serial=5)
    child = next(m for m in fauzi.members if m.relation == "child")
    move_member(db, operator, child.person_id, new_home.id, "other")
    assert ids(search_households(db, CHILD_NIK)) == [new_home.id]
    [old] = search_households(db, HEAD_NIK)
    assert old.member_count == 2


def test_possible_duplicates_by_nik_anywhere(db, fauzi):
    [row] = find_possible_duplicates(db, "6472-0615-0580-0001", "Someone Else", BALIKPAPAN_VILLAGE)
    assert row.id == fauzi.id and row.matched_nik_masked is not None
    assert find_possible_duplicates(db, HEAD_NIK, "x", None, exclude_household=fauzi.id) == []


def test_possible_duplicates_by_name_in_the_same_village(db, operator):
    ridwan = register(db, operator, "Muhammad Ridwan")
    [row] = find_possible_duplicates(db, None, "H. MOH. RIDWAN", VILLAGE)
    assert row.id == ridwan.id and row.matched_nik_masked is None
    assert find_possible_duplicates(db, None, "Muhammad Ridwan", OTHER_SAMARINDA_VILLAGE) == []
    # Same words are not enough: the whole normalised name must be equal.
    assert find_possible_duplicates(db, None, "Muhammad Ridwan Saleh", VILLAGE) == []
    assert find_possible_duplicates(db, None, "Ridwan", VILLAGE) == []


def test_queries_use_indexes(db, fauzi):
    """Every source query is an index search, never a scan of a whole table (a listing of a
    whole regency is the exception: reading the table in order is faster there)."""
    area = search.region_tree().get("64.72.06")
    q = search_sources.SearchQuery(area, 50, include_deleted=False)
    with db.read() as session:
        statements = [
            *search_sources.number_sources(q, "647206"),
            q.via_persons(person_ids=search_sources._person_ids(session, ["ahmad", "fau"])),
            q.via_persons(person_ids=search_sources._person_ids(session, ["fau", "siti"])),
            q.via_memberships(search_sources._person_ids(session, ["fau"]), 60),
            q.households(),
            q.households(search_sources.in_region(area)),
        ]
        for statement in statements:
            sql = str(
                statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
            )
            plan = [row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
            scans = [step for step in plan if step.startswith("SCAN") and "anon" not in step]
            assert not scans, plan


def test_summary_is_frozen(db, fauzi):
    [row] = search_households(db, HEAD_NIK)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.head_name = "x"

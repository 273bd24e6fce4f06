# SPDX-License-Identifier: GPL-3.0-or-later
"""The keyset-paged household list behind the desktop's household table (no Qt)."""

from __future__ import annotations

from datetime import date

import pytest

from kaltim_desktop.models import Grant, Handover, Household, Person
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.household_list import (
    TEXT_LIMIT,
    ListQuery,
    count_households,
    list_households,
)
from kaltim_desktop.services.households import save_household
from tests.conftest import HEAD_NIK, family

TODAY = date(2025, 7, 1)


@pytest.fixture
def demo_db(db):
    generate_demo(db, households=450, seed=3, today=TODAY)
    return db


def read_all(db, query: ListQuery, limit: int = 37):
    rows, cursor, pages = [], None, 0
    while True:
        page = list_households(db, query, after=cursor, limit=limit)
        rows += page.rows
        pages += 1
        if page.next is None:
            return rows, pages
        cursor = page.next


def expected_ids(db, query: ListQuery) -> list[str]:
    """The same list computed the plain way: every row read and sorted in Python."""
    with db.read() as session:
        households = session.query(Household).all()
        handed = {h.household_id for h in session.query(Handover) if h.stage == "handed_over"}
        granted = {g.household_id for g in session.query(Grant) if g.stage != "void"}
    rows = [h for h in households if not h.deleted]
    if query.region:
        rows = [h for h in rows if h.village_code.startswith(query.region)]
    if query.programme == "house":
        rows = [h for h in rows if h.id in handed]
    if query.programme == "grant":
        rows = [h for h in rows if h.id in granted]
    value = {
        "head_name": lambda h: h.head_name,
        "kk_number": lambda h: h.kk_number,
        "region": lambda h: h.village_code,
        "registered": lambda h: "",
    }[query.sort]
    # SQLite puts NULL first in ascending order.
    ordered = sorted(rows, key=lambda h: (value(h) is not None, value(h) or "", h.id))
    if query.descending:
        ordered.reverse()
    return [h.id for h in ordered]


@pytest.mark.parametrize("sort", ["head_name", "kk_number", "region", "registered"])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_join_into_the_whole_sorted_list(demo_db, sort, descending):
    query = ListQuery(sort=sort, descending=descending)
    rows, pages = read_all(demo_db, query)
    assert [r.id for r in rows] == expected_ids(demo_db, query)
    assert pages == len(rows) // 37 + 1
    assert count_households(demo_db, query) == len(rows) == 450


def test_nulls_are_paged_in_both_directions(demo_db):
    # Households without a KK number sort first (ascending) or last (descending).
    with demo_db.transaction() as session:
        for h in session.query(Household).limit(40):
            h.kk_number = None
    for descending in (False, True):
        query = ListQuery(sort="kk_number", descending=descending)
        rows, _pages = read_all(demo_db, query, limit=15)
        assert [r.id for r in rows] == expected_ids(demo_db, query)


def test_region_and_programme_filters(demo_db):
    for query in (
        ListQuery(region="64.72"),
        ListQuery(region="64.72.06"),
        ListQuery(programme="house"),
        ListQuery(programme="grant", sort="registered"),
    ):
        rows, _pages = read_all(demo_db, query)
        assert [r.id for r in rows] == expected_ids(demo_db, query)
        assert count_households(demo_db, query) == len(rows)
    house = {r.id for r in read_all(demo_db, ListQuery(programme="house"))[0]}
    none = {r.id for r in read_all(demo_db, ListQuery(programme="none"))[0]}
    assert house and none and not house & none


def test_search_text_lists_matches_with_masked_nik(db, operator):
    saved = save_household(db, operator, family(), confirm_warnings=True, today=TODAY)
    page = list_households(db, ListQuery(text=HEAD_NIK))
    assert [r.id for r in page.rows] == [saved.id]
    row = page.rows[0]
    assert row.matched_nik_masked == "6472********0001"
    assert (row.member_count, row.village_name, row.regency_name) == (
        3,
        "Loa Bakung",
        "Kota Samarinda",
    )
    assert list_households(db, ListQuery(text="ahmad fau")).rows[0].id == saved.id
    assert list_households(db, ListQuery(text="ahmad", status="deleted")).rows == ()
    assert count_households(db, ListQuery(text="nobody here")) == 0


def test_vague_search_text_is_truncated(demo_db):
    page = list_households(demo_db, ListQuery(text="Kota Samarinda"))
    everything = read_all(demo_db, ListQuery(region="64.72"))[0]
    assert len(everything) > 0
    assert len(page.rows) == min(len(everything), TEXT_LIMIT)
    assert page.truncated == (len(everything) > TEXT_LIMIT)


@pytest.mark.parametrize("broad_from", [1, 10**9])
def test_broad_and_narrow_plans_find_the_same_households(demo_db, monkeypatch, broad_from):
    """The walk through the list (broad prefixes) and the search service (narrow ones) are two
    plans for one answer: the first households by head name with a matching member."""
    from kaltim_desktop.services import household_text_search as text_search
    from kaltim_desktop.services.search import search_households

    monkeypatch.setattr(text_search, "BROAD_FROM", broad_from)
    monkeypatch.setattr(text_search, "BROAD_WORD_FROM", broad_from)
    with demo_db.read() as session:
        person = session.query(Person).filter(Person.nik.is_not(None)).first()
        kk = session.query(Household.kk_number).filter(Household.kk_number.is_not(None)).first()[0]
    word = person.name.split()[-1]
    for typed in (person.nik[:4], person.nik[:6], person.nik[-5:], kk[:8], word, word[:3]):
        expected = search_households(demo_db, typed, limit=40)
        found = text_search.find_for_list(
            demo_db, typed, region=None, include_deleted=False, limit=40
        )
        assert [f[0] for f in found] == [h.id for h in expected], typed
        assert [f[1] for f in found] == [h.matched_nik_masked for h in expected], typed


def test_short_words_are_checked_on_the_candidates(demo_db):
    from kaltim_desktop.services.household_text_search import find_for_list
    from kaltim_desktop.services.search import search_households

    with demo_db.read() as session:
        names = [p.name for p in session.query(Person).limit(200) if len(p.name.split()) >= 2]
    checked = 0
    for name in names[:30]:
        first, second = name.split()[:2]
        if len(first) < 3:
            continue
        typed = f"{first} {second[:1]}"  # "Masnah R": the last word is still being typed
        expected = [h.id for h in search_households(demo_db, typed, limit=TEXT_LIMIT)]
        found = find_for_list(demo_db, typed, region=None, include_deleted=False, limit=TEXT_LIMIT)
        assert [f[0] for f in found] == expected, typed
        checked += 1
    assert checked >= 10

# SPDX-License-Identifier: GPL-3.0-or-later
"""The household list of the desktop: filtered, sorted and read page by page.

Browsing pages with *keyset* cursors: each page starts after the sort key of the previous
page's last row (``(head_name, id) > (:last_name, :last_id)``), which is an index range on
``ix_household_head_name_id``, ``ix_household_kk_number``, ``ix_household_village_code`` or the
primary key. Unlike ``OFFSET``, the cost of a page does not grow with its position, so the
100,000th row comes as fast as the first.

A search text switches to :func:`~kaltim_desktop.services.search.search_households` (NIK,
KK, names, place names): its first :data:`TEXT_LIMIT` matches are filtered and sorted here and
returned as one page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Enrolment, Grant, Handover, Household, Membership, Person
from kaltim_desktop.services.household_text_search import find_for_list
from kaltim_desktop.services.search_sources import in_region

__all__ = [
    "PAGE_SIZE",
    "PROGRAMMES",
    "SORT_KEYS",
    "STATUSES",
    "TEXT_LIMIT",
    "HouseholdListRow",
    "HouseholdPage",
    "ListCursor",
    "ListQuery",
    "count_households",
    "list_households",
]

PAGE_SIZE = 200
TEXT_LIMIT = 200
"""A search text lists at most this many households; more means the text is too vague."""
STATUSES = ("active", "deleted", "all")
PROGRAMMES = ("any", "house", "grant", "training", "none")
SORT_KEYS = ("head_name", "kk_number", "region", "registered")


@dataclass(frozen=True)
class ListQuery:
    """What the officer asked the list for.

    Attributes:
        text: a search text (NIK, KK number, name, place); empty lists every household.
        region: a regency, district or village code; None for the whole province.
        status: ``"active"``, ``"deleted"`` or ``"all"`` records.
        programme: ``"house"`` (a house handed over), ``"grant"`` (a grant not void),
            ``"training"`` (a member enrolled and not dropped out), ``"none"`` (none of these)
            or ``"any"``.
        sort: one of :data:`SORT_KEYS`; ``"registered"`` is the id order, which is the order
            of registration (UUIDv7).
    """

    text: str = ""
    region: str | None = None
    status: str = "active"
    programme: str = "any"
    sort: str = "head_name"
    descending: bool = False


@dataclass(frozen=True)
class ListCursor:
    """Where the next page starts: the sort value and id of the last row read."""

    value: str | None
    id: str


@dataclass(frozen=True)
class HouseholdListRow:
    id: str
    head_name: str | None
    kk_number: str | None
    village_code: str
    village_name: str
    district_name: str
    regency_name: str
    rt: int | None
    rw: int | None
    member_count: int
    registered_on: date
    deleted: bool
    matched_nik_masked: str | None = None


@dataclass(frozen=True)
class HouseholdPage:
    """One page of rows; ``next`` is None on the last page. ``truncated`` says a search text
    matched more than :data:`TEXT_LIMIT` households."""

    rows: tuple[HouseholdListRow, ...]
    next: ListCursor | None
    truncated: bool = False


def _sort_column(sort: str):
    return {
        "head_name": Household.head_name,
        "kk_number": Household.kk_number,
        "region": Household.village_code,
        "registered": None,
    }[sort]


def _check(query: ListQuery) -> None:
    if (
        query.status not in STATUSES
        or query.programme not in PROGRAMMES
        or query.sort not in SORT_KEYS
    ):
        raise ValueError(f"unknown list option in {query!r}")
    if query.region and region_tree().get(query.region) is None:
        raise KaltimError(_("The region code is not known. Choose a region from the list."))


def _programme_filter(programme: str) -> ColumnElement[bool] | None:
    house = exists().where(
        Handover.household_id == Household.id,
        Handover.stage == "handed_over",
        Handover.deleted == false(),
    )
    grant = exists().where(
        Grant.household_id == Household.id, Grant.stage != "void", Grant.deleted == false()
    )
    training = exists().where(
        Membership.household_id == Household.id,
        Membership.current(),
        exists().where(
            Enrolment.person_id == Membership.person_id,
            Enrolment.status != "dropped",
            Enrolment.deleted == false(),
        ),
    )
    return {
        "any": None,
        "house": house,
        "grant": grant,
        "training": training,
        "none": not_(or_(house, grant, training)),
    }[programme]


def _filters(query: ListQuery) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if query.status == "active":
        # A household merged into another is listed once, as its survivor.
        filters.extend((Household.deleted == false(), Household.merged_into.is_(None)))
    elif query.status == "deleted":
        filters.append(Household.deleted == true())
    if query.region:
        filters.append(in_region(region_tree().get(query.region)))
    programme = _programme_filter(query.programme)
    if programme is not None:
        filters.append(programme)
    return filters


def _after(query: ListQuery, cursor: ListCursor) -> ColumnElement[bool]:
    """Rows strictly after ``cursor`` in the query's order. SQLite sorts NULL first, so an
    ascending list has its NULLs at the start and a descending one at the end."""
    key, last = _sort_column(query.sort), cursor.id
    if key is None:
        return Household.id < last if query.descending else Household.id > last
    if not query.descending:
        if cursor.value is None:
            return or_(and_(key.is_(None), Household.id > last), key.is_not(None))
        return tuple_(key, Household.id) > tuple_(cursor.value, last)
    if cursor.value is None:
        return and_(key.is_(None), Household.id < last)
    return or_(tuple_(key, Household.id) < tuple_(cursor.value, last), key.is_(None))


def _order(query: ListQuery) -> list:
    key = _sort_column(query.sort)
    columns = [Household.id] if key is None else [key, Household.id]
    return [c.desc() for c in columns] if query.descending else columns


def _member_counts(session: Session, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    return {
        household_id: n
        for household_id, n in session.execute(
            select(Membership.household_id, func.count())
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.household_id.in_(ids),
                Membership.current(),
                Person.deleted == false(),
            )
            .group_by(Membership.household_id)
        )
    }


@lru_cache(maxsize=4096)
def _place_names(village_code: str) -> tuple[str, str, str]:
    """Village, district and regency names of a village. A page repeats few villages, and
    walking the region tree for each of its 200 rows costs a millisecond or two."""
    tree = region_tree()
    names = [r.name for r in tree.ancestors(village_code)]  # province, regency, district
    village = tree.get(village_code)
    return (
        village.name if village else "",
        names[2] if len(names) > 2 else "",
        names[1] if len(names) > 1 else "",
    )


def _row(h, count: int, nik_masked: str | None = None) -> HouseholdListRow:
    village_name, district_name, regency_name = _place_names(h.village_code)
    return HouseholdListRow(
        id=h.id,
        head_name=h.head_name,
        kk_number=h.kk_number,
        village_code=h.village_code,
        village_name=village_name,
        district_name=district_name,
        regency_name=regency_name,
        rt=h.rt,
        rw=h.rw,
        member_count=count,
        registered_on=h.created_at.date(),
        deleted=bool(h.deleted),
        matched_nik_masked=nik_masked,
    )


_COLUMNS = (
    Household.id,
    Household.head_name,
    Household.kk_number,
    Household.village_code,
    Household.rt,
    Household.rw,
    Household.created_at,
    Household.deleted,
)


_MEMBER_COUNT = (
    select(func.count())
    .select_from(Membership)
    .join(Person, Person.id == Membership.person_id)
    .where(Membership.household_id == Household.id, Membership.current(), Person.deleted == false())
    .correlate(Household)
    .scalar_subquery()
    .label("members")
)
"""The household's current, non-deleted members (as :func:`_member_counts` counts them)."""
_JSON_IDS = select(text("value FROM json_each(:ids)"))


def list_households(
    db: Database, query: ListQuery, *, after: ListCursor | None = None, limit: int = PAGE_SIZE
) -> HouseholdPage:
    """Read one page of the household list.

    Args:
        db: the database.
        query: filters, search text and order.
        after: the ``next`` cursor of the previous page; None for the first page.
        limit: rows per page.

    Raises:
        KaltimError: the region code is unknown.
    """
    _check(query)
    if query.text.strip():
        return _text_page(db, query) if after is None else HouseholdPage((), None)
    stmt = select(*_COLUMNS).where(*_filters(query)).order_by(*_order(query)).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(_after(query, after))
    with db.read() as session:
        found = session.execute(stmt).all()
        more = len(found) > limit
        found = found[:limit]
        counts = _member_counts(session, [h.id for h in found])
    rows = tuple(_row(h, counts.get(h.id, 0)) for h in found)
    cursor = None
    if more:
        key = _sort_column(query.sort)
        last = found[-1]
        cursor = ListCursor(None if key is None else getattr(last, key.key), last.id)
    return HouseholdPage(rows, cursor)


def _text_page(db: Database, query: ListQuery) -> HouseholdPage:
    found = find_for_list(
        db,
        query.text,
        region=query.region,
        include_deleted=query.status != "active",
        limit=TEXT_LIMIT + 1,
    )
    truncated = len(found) > TEXT_LIMIT
    found = found[:TEXT_LIMIT]
    if not found:
        return HouseholdPage((), None)
    ids = [f[0] for f in found]
    with db.read() as session:
        # One statement, the ids as one JSON parameter: an IN list of 200 bound values costs
        # SQLAlchemy more to build than SQLite takes to answer, and a second query to count
        # the members would cost as much again.
        kept = {
            h.id: h
            for h in session.execute(
                select(*_COLUMNS, _MEMBER_COUNT).where(
                    Household.id.in_(_JSON_IDS), *_filters(query)
                ),
                {"ids": json.dumps(ids)},
            )
        }
    rows = [_row(kept[i], kept[i].members, nik) for i, nik, _count in found if i in kept]
    key = {
        "head_name": lambda r: (r.head_name is not None, r.head_name or "", r.id),
        "kk_number": lambda r: (r.kk_number is not None, r.kk_number or "", r.id),
        "region": lambda r: (r.village_code, r.id),
        "registered": lambda r: r.id,
    }[query.sort]
    rows.sort(key=key, reverse=query.descending)
    return HouseholdPage(tuple(rows), None, truncated)


def count_households(db: Database, query: ListQuery) -> int:
    """How many households the list holds (for a search text: how many it shows)."""
    _check(query)
    if query.text.strip():
        return len(_text_page(db, query).rows)
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Household).where(*_filters(query)))

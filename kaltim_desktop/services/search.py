# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding households by NIK, KK number, member name or region, and possible duplicates.

Every lookup is an index range: a NIK prefix on ``person.nik``, a NIK suffix (the last digits,
as printed on masked papers) on ``person.nik_reversed``, a KK prefix on ``household.kk_number``,
a name-word prefix on ``person_name_token`` and a region on ``household.village_code``. Ranges
are written ``col >= p AND col < next(p)`` rather than ``LIKE 'p%'``, because SQLite only turns
``LIKE`` into an index range under case-sensitivity settings we do not control.

A person leads to the household they are an active member of; moved members are found in their
new household only. Each kind of match is a separate query returning its own first ``limit``
households by head name; merging those lists gives exactly the first ``limit`` of the union.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    Row,
    Select,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.dedup.names import close_names, name_key
from kaltim_desktop.domain.names import name_tokens
from kaltim_desktop.domain.nik import mask_nik, strip_separators
from kaltim_desktop.domain.regions import Region, RegionTree, normalize_code, region_tree
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Household, Membership, Person
from kaltim_desktop.services.search_sources import (
    SearchQuery,
    in_region,
    name_rows,
    number_sources,
)

__all__ = [
    "MIN_NUMBER_DIGITS",
    "MIN_WORD_LETTERS",
    "HouseholdSummary",
    "find_possible_duplicates",
    "search_household_matches",
    "search_households",
]

MIN_NUMBER_DIGITS = 4
"""Shorter numbers match too much to be useful (and "12" is more likely an RT than a NIK)."""
MIN_WORD_LETTERS = 2
"""A name search needs one word of at least this many letters (shorter ones still filter)."""
_REGENCY_PREFIXES = ("kabupaten ", "kota ")


@dataclass(frozen=True)
class HouseholdSummary:
    """One row of a household list.

    Attributes:
        matched_nik_masked: for a number search, the masked NIK of the member it matched
            (``"6472********0001"``); ``None`` for other matches.
        member_count: active, non-deleted members.
    """

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
    matched_nik_masked: str | None


def _resolve_region(code: str) -> Region:
    region = region_tree().get(normalize_code(code))
    if region is None:
        raise KaltimError(_("The region code is not known. Choose a region from the list."))
    return region


def _regions_named(typed: str) -> list[Region]:
    """Regions whose name is exactly ``typed`` (case and spacing ignored); a regency also
    matches without its "Kabupaten"/"Kota" prefix."""
    return list(_regions_named_in(region_tree(), " ".join(typed.split()).casefold()))


def _regions_named_in(tree: RegionTree, key: str) -> tuple[Region, ...]:
    return _region_names(tree).get(key, ())


@lru_cache(maxsize=2)
def _region_names(tree: RegionTree) -> dict[str, tuple[Region, ...]]:
    """Regions by name key, as :meth:`RegionTree.find` matches them (in code order), then the
    regencies by their name without "Kabupaten"/"Kota". Built once: finding a name by
    comparing it with every region's costs a millisecond on every keystroke."""
    by_name: dict[str, list[Region]] = {}
    for region in tree:  # code order
        by_name.setdefault(" ".join(region.name.split()).casefold(), []).append(region)
    for regency in tree.regencies():
        name = regency.name.casefold()
        for prefix in _REGENCY_PREFIXES:
            if name.startswith(prefix):
                named = by_name.setdefault(name[len(prefix) :], [])
                if regency not in named:
                    named.append(regency)
    return {key: tuple(regions) for key, regions in by_name.items()}


def _run(results: list[Iterable[Row]], limit: int) -> list[tuple[str, str | None]]:
    """Merge the sources' rows into the first ``limit`` households, keeping the matched NIK."""
    found: dict[str, tuple[str | None, str | None]] = {}
    for rows in results:
        for household_id, head_name, nik in rows:
            _, known_nik = found.get(household_id, (None, None))
            found[household_id] = (head_name, min(filter(None, (known_nik, nik)), default=None))
    # Same order as the SQL (NULL head names first, as SQLite sorts them).
    ordered = sorted(
        found.items(), key=lambda item: (item[1][0] is not None, item[1][0] or "", item[0])
    )
    return [(household_id, nik) for household_id, (_, nik) in ordered[:limit]]


def _summaries(session: Session, rows: list[tuple[str, str | None]]) -> list[HouseholdSummary]:
    if not rows:
        return []
    ids = [household_id for household_id, _ in rows]
    households = {
        h.id: h
        for h in session.execute(
            select(
                Household.id,
                Household.head_name,
                Household.kk_number,
                Household.village_code,
                Household.rt,
                Household.rw,
            ).where(Household.id.in_(ids))
        )
    }
    counts = dict(
        session.execute(
            select(Membership.household_id, func.count())
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.household_id.in_(ids),
                Membership.current(),
                Person.deleted.is_(False),
            )
            .group_by(Membership.household_id)
        ).all()
    )
    tree = region_tree()
    out = []
    for household_id, nik in rows:
        h = households[household_id]
        names = [r.name for r in tree.ancestors(h.village_code)]  # province, regency, district
        village = tree.get(h.village_code)
        out.append(
            HouseholdSummary(
                id=h.id,
                head_name=h.head_name,
                kk_number=h.kk_number,
                village_code=h.village_code,
                village_name=village.name if village else "",
                district_name=names[2] if len(names) > 2 else "",
                regency_name=names[1] if len(names) > 1 else "",
                rt=h.rt,
                rw=h.rw,
                member_count=counts.get(household_id, 0),
                matched_nik_masked=mask_nik(nik) if nik else None,
            )
        )
    return out


def search_households(
    db: Database,
    query: str = "",
    *,
    region: str | None = None,
    limit: int = 50,
    include_deleted: bool = False,
) -> list[HouseholdSummary]:
    """Find households by number, name or region.

    Args:
        db: the database.
        query: digits (spaces, dots and dashes ignored; at least 4) match the start or the end
            of a member's NIK, or the start of the KK number; text matches members' names word
            by word, each query word being the start of a name word, ignoring case, accents,
            titles and Muhammad/Siti spellings ("MOH. RIDWAN" finds "H. Muhammad Ridwan");
            at least one word needs 2 letters ("a" alone lists nothing, "siti a" works).
            Text that is exactly a region's name ("Loa Bakung", "Samarinda") also lists the
            households of that region. Empty: every household (of ``region``).
        region: only households whose village lies in this region (a regency ``"64.72"``,
            district ``"64.72.06"`` or village code, dotted or plain).
        limit: the most rows returned.
        include_deleted: also list deleted households.

    Returns:
        Distinct households ordered by head name, then id.

    Raises:
        KaltimError: ``region`` is not a known region code.
    """
    with db.read() as session:
        return _summaries(session, _matches(session, query, region, limit, include_deleted))


def search_household_matches(
    db: Database,
    query: str = "",
    *,
    region: str | None = None,
    limit: int = 50,
    include_deleted: bool = False,
) -> list[tuple[str, str | None]]:
    """The households :func:`search_households` finds, as ``(id, masked matched NIK or None)``
    in the same order, without reading their details (for callers that read their own)."""
    with db.read() as session:
        return [
            (household_id, mask_nik(nik) if nik else None)
            for household_id, nik in _matches(session, query, region, limit, include_deleted)
        ]


def _matches(
    session: Session, query: str, region: str | None, limit: int, include_deleted: bool
) -> list[tuple[str, str | None]]:
    """The first ``limit`` households matching ``query``, with the matched (raw) NIK."""
    area = _resolve_region(region) if region else None
    q = SearchQuery(area, limit, include_deleted)
    typed = (query or "").strip()
    if limit <= 0:
        return []
    sources: list[Select] = []
    tokens: list[str] = []
    digits = strip_separators(typed)
    if not typed:
        sources.append(q.households())
    elif digits.isascii() and digits.isdigit():
        if len(digits) < MIN_NUMBER_DIGITS:
            return []
        sources += number_sources(q, digits)
    else:
        tokens = name_tokens(typed)
        if all(len(t) < MIN_WORD_LETTERS for t in tokens):
            tokens = []  # "a" starts the name of most people: nothing useful to list
        named = _regions_named(typed)
        if named:
            sources.append(q.households(or_(*(in_region(r) for r in named))))
    if not sources and not tokens:
        return []
    results = [session.execute(source).all() for source in sources]
    if tokens:
        results.append(name_rows(session, q, sorted(set(tokens))))
    return _run(results, limit)


def find_possible_duplicates(
    db: Database,
    nik: str | None,
    name: str,
    village_code: str | None,
    *,
    exclude_household: str | None = None,
) -> list[HouseholdSummary]:
    """Households that may already hold the person being registered.

    A household qualifies when an active member has exactly this NIK (anywhere in the
    province), or has a close name (:func:`kaltim_desktop.dedup.names.close_names`: the same
    name apart from titles, spelling variants such as Muhammad/M./Moh. or Soekarno/Sukarno,
    word order and a typo; "Ridwan" is not close to "Muhammad Ridwan") and lives in the same
    village. Deleted households, deleted persons and persons merged into another are ignored.

    Args:
        db: the database.
        nik: the NIK as typed (separators ignored), or None.
        name: the person's name as typed.
        village_code: the village of the household being registered, or None.
        exclude_household: the household being edited, left out.

    Returns:
        The households found, ordered by head name, then id; for a NIK match with the masked
        NIK.
    """
    q = SearchQuery(None, 1000, include_deleted=False)
    sources: list[Select] = []
    digits = strip_separators((nik or "").strip())
    if len(digits) == 16 and digits.isascii() and digits.isdigit():
        sources.append(q.via_persons(Person.nik == digits, Person.merged_into.is_(None)))
    village = region_tree().get(village_code) if village_code else None
    if name_key(name or "") and village is not None and village.level == "village":
        # Driven by the village index: a few hundred households, whose names are compared in
        # memory (their keys are cached, so the next keystroke costs microseconds per name).
        with db.read() as session:
            residents = session.execute(
                select(Person.id, Person.name)
                .join(Membership, Membership.person_id == Person.id)
                .join(Household, Household.id == Membership.household_id)
                .where(
                    Household.village_code == village.code,
                    Household.deleted.is_(False),
                    Membership.current(),
                    Person.deleted.is_(False),
                    Person.merged_into.is_(None),
                )
            ).all()
        close = close_names(name, residents)
        if close:
            source = q.via_persons(Person.id.in_(close))
            # A name match is not a NIK match: drop the NIK column.
            sources.append(source.with_only_columns(Household.id, Household.head_name, None))
    if not sources:
        return []
    with db.read() as session:
        results = [session.execute(source).all() for source in sources]
        rows = [row for row in _run(results, q.limit) if row[0] != exclude_household]
        return _summaries(session, rows)

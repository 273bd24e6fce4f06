# SPDX-License-Identifier: GPL-3.0-or-later
"""Scanning the persons of a database for duplicates (province scan, bundle import).

The persons are read in one set-based query with their active household's village
(:meth:`Membership.current`); deleted persons and persons merged into another
(``merged_into``) are left out. When only a few persons are to be checked (``person_ids``, at
bundle import), only the persons that can share a block with them are read: the same NIK, a
birth date among their date keys, a NIK whose date digits are among them, or a home in one of
their districts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from kaltim_desktop.dedup.detector import find_candidates
from kaltim_desktop.dedup.records import PersonRecord, make_record, swapped
from kaltim_desktop.dedup.scoring import Candidate
from kaltim_desktop.domain.nik import FEMALE_DAY_OFFSET
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.models import Household, Membership, Person
from kaltim_desktop.progress import Progress

FOCUS_LIMIT = 1_000
"""Up to this many persons to check, only their neighbours are read; more read everything."""
FULL_READ_FROM = 100_000
"""Neighbours beyond this many are read with one pass over everything instead (faster)."""
_CHUNK = 500  # values per IN list, well under every database's parameter limit


def _query():
    household = and_(Household.id == Membership.household_id, Household.deleted.is_(False))
    return (
        select(
            Person.id,
            Person.nik,
            Person.name,
            Person.sex,
            # As text: "yyyy-mm-dd" is all the detector needs, without building date objects.
            cast(Person.birth_date, String),
            Household.village_code,
            Household.id,
        )
        .select_from(Person)
        .outerjoin(Membership, and_(Membership.person_id == Person.id, Membership.current()))
        .outerjoin(Household, household)
        .where(Person.deleted.is_(False), Person.merged_into.is_(None))
        # Streamed in slices: the ORM would otherwise buffer every row before the first.
        .execution_options(yield_per=10_000)
    )


def _records(
    rows: Iterable, this_year: int, progress: Progress | None = None
) -> list[PersonRecord]:
    """One record per person (the first active household read, should there be two); the
    rows are consumed as they come, never held all at once. A cancel is honoured while
    reading (half a million rows take seconds)."""
    records: list[PersonRecord] = []
    seen: set[str] = set()
    for person_id, nik, name, sex, born, village, household in rows:
        if person_id in seen:
            continue
        if progress is not None and len(seen) % 20_000 == 0:
            progress.check()
        seen.add(person_id)
        records.append(
            make_record(
                person_id, nik, name or "", sex, born, village, household, this_year=this_year
            )
        )
    return records


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _iso(key: int) -> str:
    return f"{key // 10_000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"


def _neighbour_ids(session: Session, targets: list[PersonRecord]) -> set[str]:
    """The persons that can share a block with ``targets``: the same NIK (by its index), a
    home in one of their districts (by the village index), and, in one pass over the person
    table, a birth date on one of their date keys (or its swap) or a NIK whose date digits
    spell one (either sex)."""
    niks = sorted({r.nik for r in targets if r.nik})
    keys = {k for r in targets for k in r.dates}
    births = sorted({_iso(k) for k in keys} | {_iso(s) for k in keys if (s := swapped(k))})
    segments = sorted(
        {
            f"{k % 100 + offset:02d}{k // 100 % 100:02d}{k // 10_000 % 100:02d}"
            for k in keys
            for offset in (0, FEMALE_DAY_OFFSET)
        }
    )
    tree = region_tree()
    villages = sorted(
        {v.code for r in targets if r.village for v in tree.children(r.village[:8])}
        | {r.village for r in targets if r.village}
    )
    found: set[str] = set()
    for chunk in _chunks(niks):
        found.update(session.scalars(select(Person.id).where(Person.nik.in_(chunk))))
    for chunk in _chunks(villages):
        found.update(
            session.scalars(
                select(Membership.person_id)
                .join(Household, Household.id == Membership.household_id)
                .where(Household.village_code.in_(chunk), Membership.current())
            )
        )
    dated = [cast(Person.birth_date, String).in_(chunk) for chunk in _chunks(births)]
    dated += [func.substr(Person.nik, 7, 6).in_(chunk) for chunk in _chunks(segments)]
    if dated:
        found.update(session.scalars(select(Person.id).where(or_(*dated))))
    return found


def _by_ids(session: Session, ids: list[str], this_year: int) -> list[PersonRecord]:
    query = _query()
    return _records(
        (
            row
            for chunk in _chunks(ids)
            for row in session.execute(query.where(Person.id.in_(chunk)))
        ),
        this_year,
    )


def _focused_records(session: Session, person_ids: list[str], this_year: int) -> list[PersonRecord]:
    """The targets and their possible neighbours; everything when the neighbours are most of
    the database anyway (targets spread over the whole province)."""
    targets = _by_ids(session, person_ids, this_year)
    if not targets:
        return []
    wanted = {r.id for r in targets}
    others = sorted(_neighbour_ids(session, targets) - wanted)
    if len(others) > FULL_READ_FROM:
        return _records(session.execute(_query()), this_year)
    return targets + _by_ids(session, others, this_year)


def scan_persons(
    session: Session,
    *,
    person_ids: Collection[str] | None = None,
    decided: Collection[frozenset[str]] = (),
    progress: Progress | None = None,
) -> list[Candidate]:
    """Find the pairs of persons that may be one person.

    Args:
        session: an open session (read-only use).
        person_ids: only pairs that involve at least one of these persons (the persons a bundle
            brought in); ``None``: every pair (the province-wide scan).
        decided: pairs already decided "not a duplicate" (``frozenset`` of two person ids);
            they are never returned.
        progress: reported to now and then and asked to :meth:`~Progress.check` for a cancel
            (which raises :class:`~kaltim_desktop.errors.Cancelled`).

    Returns:
        :class:`~kaltim_desktop.dedup.scoring.Candidate` pairs, highest score first. Every
        pair with the same NIK is among them, at the "duplicate" level.
    """
    this_year = date.today().year
    if progress is not None:
        progress.update(0, None, "")
        progress.check()
    if person_ids is not None and len(person_ids) <= FOCUS_LIMIT:
        ids = sorted(set(person_ids))
        if not ids:
            return []
        records = _focused_records(session, ids, this_year)
    else:
        records = _records(session.execute(_query()), this_year, progress)
    return find_candidates(records, focus=person_ids, decided=decided, progress=progress)

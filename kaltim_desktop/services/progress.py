# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme progress per regency or district: the figures behind the overview and the reports.

Read-only. One call, :func:`programme_progress`, runs a handful of aggregate queries in one read
transaction (``db.read()``, one WAL snapshot, so the figures agree with each other) and returns
frozen dataclasses:

* :class:`ProgrammeProgress` -- the whole answer: the filter it was asked for, one
  :class:`AreaProgress` per area (regencies of the province, or districts of one regency), a
  total over those areas, and a :class:`MonthFigures` series for charts.
* :class:`AreaProgress` -- for one area: households registered (and new in the period), their
  active members, households per DTSEN decile, houses (handovers) per stage with their cost,
  funders and building partners, grants per stage with count and total rupiah, trainings and
  enrolments (enrolled, completed, completed in the period).

Usage::

    progress = programme_progress(db)                                  # regencies, all time
    progress = programme_progress(db, regency_code="64.72")            # districts of Samarinda
    progress = programme_progress(db, period=Period.month(2025, 8))    # as of end of August

What the period means: stocks (households, members, deciles, records per stage, funders,
partners, enrolments) are counted **as they stand when the figures are read** -- a stage cannot
be reconstructed for a past day without replaying the op log, and records entered late (a
handover of August typed in in September) must still count. The period selects the flows: the
``*_in_period`` figures count milestones whose date falls inside it (houses handed over, grants
disbursed, enrolments completed) and households registered inside it (registration days taken in
WITA, UTC+8, the province's time zone). Deleted and merged records never count; cancelled
handovers and void grants are listed under their stage but left out of the funder and partner
lists and of the totals.

Areas come from the village code of the household (regency = first 5 characters of the dotted
code, district = first 8), so a handover, grant or enrolment counts where its household lives
now. Trainings have no district: ``trainings`` is the number of distinct trainings that have at
least one participant from the area.

Cost: five aggregate queries, each one pass with a GROUP BY. With 100,000 households (434,000
memberships) the whole call took 1.4 s on a 2-core machine busy with other work; most of it is
counting the members (one pass over the memberships) and the households.

The dataclasses live in :mod:`.progress_model` and the queries in :mod:`.progress_queries`;
import everything from here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime

from kaltim_desktop.db import Database
from kaltim_desktop.domain.regions import normalize_code, region_tree
from kaltim_desktop.errors import NotFound
from kaltim_desktop.i18n import _
from kaltim_desktop.services.progress_model import (
    DECILES,
    GRANT_STAGES,
    HANDOVER_STAGES,
    SERIES_MONTHS,
    WITA,
    AreaProgress,
    MonthFigures,
    NamedCount,
    Period,
    ProgrammeProgress,
    StageFigures,
)
from kaltim_desktop.services.progress_queries import Area, Reader, series

__all__ = [
    "DECILES",
    "GRANT_STAGES",
    "HANDOVER_STAGES",
    "SERIES_MONTHS",
    "WITA",
    "AreaProgress",
    "MonthFigures",
    "NamedCount",
    "Period",
    "ProgrammeProgress",
    "StageFigures",
    "programme_progress",
]


def programme_progress(
    db: Database,
    *,
    regency_code: str | None = None,
    period: Period | None = None,
    level: str | None = None,
) -> ProgrammeProgress:
    """Programme figures per area; see the module docstring for what each figure counts.

    Args:
        db: the database (read only).
        regency_code: only this regency (dotted or plain code); areas are then its districts
            unless ``level="regency"`` is asked for.
        period: the reporting period; ``None`` = everything up to now.
        level: ``"regency"`` or ``"district"``; default: district with a regency filter,
            otherwise regency.

    Raises:
        NotFound: ``regency_code`` is not a regency of East Kalimantan.
    """
    tree = region_tree()
    period = period or Period()
    regency = None
    if regency_code is not None:
        regency = tree.get(normalize_code(regency_code))
        if regency is None or regency.level != "regency":
            raise NotFound(_("The regency was not found."))
    level = level or ("district" if regency else "regency")
    if level not in ("regency", "district"):
        raise ValueError(f"unknown level {level!r}")
    if level == "regency":
        regions = [regency] if regency else tree.regencies()
    else:
        parents = [regency] if regency else tree.regencies()
        regions = [d for p in parents for d in sorted(tree.children(p.code), key=lambda r: r.code)]
    width = 5 if level == "regency" else 8
    areas: dict[str, Area] = defaultdict(Area)
    months: dict[tuple[int, int], Counter] = defaultdict(Counter)
    with db.read() as session:
        reader = Reader(session, width, regency.code if regency else None, period)
        reader.households(areas)
        reader.members(areas)
        reader.handovers(areas, months)
        reader.grants(areas, months)
        reader.enrolments(areas, months)
    total = Area()
    frozen = []
    for region in regions:
        accumulated = areas.get(region.code, Area())
        total.add(accumulated)
        frozen.append(accumulated.freeze(region.code, region.name, level))
    total_name = regency.name if regency else tree.get("64").name
    return ProgrammeProgress(
        level=level,
        regency_code=regency.code if regency else None,
        period=period,
        areas=tuple(frozen),
        total=total.freeze(regency.code if regency else "64", total_name, "total"),
        # The province's today, not the laptop's: a report made at 07:00 WITA is one of today.
        months=series(months, period.end or datetime.now(WITA).date()),
        generated_at=datetime.now(UTC),
    )

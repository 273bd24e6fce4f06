# SPDX-License-Identifier: GPL-3.0-or-later
"""The frozen answers of :mod:`kaltim_desktop.services.progress` (see its docstring)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from kaltim_desktop.domain import vocab
from kaltim_desktop.i18n import _

WITA = timezone(timedelta(hours=8))
DECILES = tuple(range(1, 11))
HANDOVER_STAGES = tuple(vocab.HANDOVER_STAGE)
GRANT_STAGES = tuple(vocab.GRANT_STAGE)
SERIES_MONTHS = 12


@dataclass(frozen=True)
class Period:
    """An inclusive range of days; either end may be open (``None``)."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    def contains(self, day: date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class StageFigures:
    """Records at one stage: how many and their rupiah total (0 where there is no amount)."""

    stage: str
    count: int
    amount_rupiah: int = 0

    @property
    def label(self) -> str:
        labels = {**vocab.HANDOVER_STAGE, **vocab.GRANT_STAGE}
        return _(labels.get(self.stage, self.stage))


@dataclass(frozen=True)
class NamedCount:
    """A funder or building partner and the number of houses it takes part in."""

    name: str
    count: int


@dataclass(frozen=True)
class AreaProgress:
    """Figures for one regency, district, or the total (``level == "total"``).

    Attributes:
        by_decile: households per DTSEN decile, index 0 = no decile recorded, 1..10 = decile.
        houses_by_stage: every handover stage in lifecycle order, zeros included; the amount is
            the recorded construction cost.
        grants_by_stage: every grant stage in order, zeros included, amount = grant value.
    """

    code: str
    name: str
    level: str
    households: int = 0
    households_in_period: int = 0
    members: int = 0
    by_decile: tuple[int, ...] = (0,) * 11
    houses_by_stage: tuple[StageFigures, ...] = ()
    houses_handed_over_in_period: int = 0
    funders: tuple[NamedCount, ...] = ()
    partners: tuple[NamedCount, ...] = ()
    grants_by_stage: tuple[StageFigures, ...] = ()
    grants_disbursed_in_period: int = 0
    grants_disbursed_in_period_rupiah: int = 0
    trainings: int = 0
    enrolments: int = 0
    enrolments_completed: int = 0
    enrolments_completed_in_period: int = 0

    def houses(self, stage: str) -> int:
        return next((s.count for s in self.houses_by_stage if s.stage == stage), 0)

    def grants(self, stage: str) -> StageFigures:
        return next(
            (s for s in self.grants_by_stage if s.stage == stage), StageFigures(stage, 0, 0)
        )

    @property
    def houses_total(self) -> int:
        """Handovers that are not cancelled."""
        return sum(s.count for s in self.houses_by_stage if s.stage != "cancelled")

    @property
    def grants_total(self) -> StageFigures:
        """Grants that are not void, with their total value."""
        live = [s for s in self.grants_by_stage if s.stage != "void"]
        return StageFigures("all", sum(s.count for s in live), sum(s.amount_rupiah for s in live))


@dataclass(frozen=True)
class MonthFigures:
    """Milestones of one calendar month, for the charts of the monthly report."""

    year: int
    month: int
    houses_handed_over: int = 0
    grants_disbursed: int = 0
    grants_disbursed_rupiah: int = 0
    enrolments_completed: int = 0


@dataclass(frozen=True)
class ProgrammeProgress:
    """The answer of :func:`programme_progress`.

    Attributes:
        level: ``"regency"`` (areas are the regencies) or ``"district"``.
        regency_code: the regency filter, ``None`` for the whole province.
        areas: one entry per area of the chosen level, in code order, zeros included.
        total: the sum over ``areas`` (funders and partners merged).
        months: the :data:`SERIES_MONTHS` months up to the end of the period (or today).
        generated_at: when the figures were read (UTC).
    """

    level: str
    regency_code: str | None
    period: Period
    areas: tuple[AreaProgress, ...]
    total: AreaProgress
    months: tuple[MonthFigures, ...]
    generated_at: datetime

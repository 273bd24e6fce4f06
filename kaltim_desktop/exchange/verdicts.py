# SPDX-License-Identifier: GPL-3.0-or-later
"""What a dry run answers: the verdict of every row and the households ready to import."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from kaltim_desktop.exchange.mapping import ColumnMapping
from kaltim_desktop.exchange.villages import VillageQuestion
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_rules import HouseholdInput

ACCEPTED, WARNING, REJECTED, SKIPPED = "accepted", "warning", "rejected", "skipped"


def verdict_label(verdict: str) -> str:
    labels = {
        ACCEPTED: _("Accepted"),
        WARNING: _("Accepted with warnings"),
        REJECTED: _("Rejected"),
        SKIPPED: _("Skipped"),
    }
    return labels[verdict]


@dataclass(frozen=True)
class ImportOptions:
    """Choices made before the dry run.

    Attributes:
        regency_code: match villages within this regency (else the regency column, else the
            whole province).
        village_choices: answers to village questions, :func:`~.villages.spelling_key` →
            village code.
        kk_as_of: date of the KK copies the list was made from.
        dtsen_as_of: period of the DTSEN deciles in the list.
    """

    regency_code: str | None = None
    village_choices: Mapping[str, str] = field(default_factory=dict)
    kk_as_of: date | None = None
    dtsen_as_of: date | None = None
    today: date | None = None


@dataclass(frozen=True)
class RowVerdict:
    row: int
    verdict: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedHousehold:
    rows: tuple[int, ...]
    data: HouseholdInput


@dataclass(frozen=True)
class ImportPlan:
    """The result of a dry run; :func:`~.importer.run_import` writes its ``households``."""

    source_name: str
    sheet: str | None
    headers: tuple[str, ...]
    mapping: ColumnMapping
    options: ImportOptions
    rows: tuple[RowVerdict, ...]
    households: tuple[PlannedHousehold, ...]
    questions: tuple[VillageQuestion, ...]
    empty_rows: int
    notes: tuple[str, ...]

    @property
    def counts(self) -> Counter:
        return Counter(v.verdict for v in self.rows)

    @property
    def persons(self) -> int:
        return sum(len(h.data.members) for h in self.households)

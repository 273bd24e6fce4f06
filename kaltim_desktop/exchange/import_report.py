# SPDX-License-Identifier: GPL-3.0-or-later
"""The import report as an xlsx file: a summary, the verdict of every row, villages to confirm.

The report names rows by their number in the officer's own sheet and gives the reasons in the
current language; it repeats no NIK or name, so it can be passed around to get a sheet fixed.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from kaltim_desktop.exchange.plan import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    WARNING,
    ImportPlan,
    verdict_label,
)
from kaltim_desktop.i18n import _

_FILLS = {
    ACCEPTED: "E2F0D9",
    WARNING: "FFF2CC",
    REJECTED: "F8CBAD",
    SKIPPED: "EDEDED",
}
_BOLD = Font(bold=True)


def write_import_report(plan: ImportPlan, path: Path, *, imported: int | None = None) -> Path:
    """Save the report of ``plan`` to ``path``; ``imported`` = households written, if any."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")
    counts = plan.counts
    lines = [
        (_("File"), plan.source_name),
        (_("Sheet"), plan.sheet or ""),
        (_("Rows accepted"), counts[ACCEPTED]),
        (_("Rows accepted with warnings"), counts[WARNING]),
        (_("Rows rejected"), counts[REJECTED]),
        (_("Rows skipped"), counts[SKIPPED]),
        (_("Empty rows"), plan.empty_rows),
        (_("Households ready to import"), len(plan.households)),
        (_("Members ready to import"), plan.persons),
    ]
    if imported is not None:
        lines.append((_("Households imported"), imported))
    else:
        lines.append((_("Households imported"), _("none (dry run)")))
    for label, value in lines:
        summary.append([label, value])
        summary.cell(summary.max_row, 1).font = _BOLD
    for note in plan.notes:
        summary.append([_("Note"), note])
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 48

    rows = workbook.create_sheet(_("Rows"))
    rows.append([_("Row"), _("Verdict"), _("Reasons")])
    for verdict in plan.rows:
        rows.append([verdict.row, verdict_label(verdict.verdict), "\n".join(verdict.reasons)])
        fill = PatternFill("solid", fgColor=_FILLS[verdict.verdict])
        rows.cell(rows.max_row, 2).fill = fill
    _header(rows, (8, 24, 110))

    villages = workbook.create_sheet(_("Villages to confirm"))
    villages.append([_("Village as written"), _("District as written"), _("Rows"), _("Candidates")])
    for question in plan.questions:
        candidates = "; ".join(
            f"{c.name} ({c.district_name}) {c.code}" for c in question.candidates
        ) or _("no similar village in the regency")
        villages.append([question.spelling, question.district or "", question.rows, candidates])
    _header(villages, (28, 24, 8, 90))
    workbook.save(path)
    return path


def _header(sheet, widths: tuple[int, ...]) -> None:
    for cell in sheet[1]:
        cell.font = _BOLD
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width

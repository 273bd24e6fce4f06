# SPDX-License-Identifier: GPL-3.0-or-later
"""The import report as an xlsx file: a summary, the verdict of every row, villages to confirm.

The report names rows by their number in the officer's own sheet and gives the reasons in the
current language; it repeats no NIK or name, so it can be passed around to get a sheet fixed.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from kaltim_desktop.exchange.plan import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    WARNING,
    ImportPlan,
    verdict_label,
)
from kaltim_desktop.exchange.xlsx_table import sheet_title, write_cell
from kaltim_desktop.i18n import _

_FILLS = {
    ACCEPTED: "#E2F0D9",
    WARNING: "#FFF2CC",
    REJECTED: "#F8CBAD",
    SKIPPED: "#EDEDED",
}
_REASON_LINE = 100  # characters of a reason on one line of the 110-wide column
_LINE_HEIGHT = 15  # points


def write_import_report(plan: ImportPlan, path: Path, *, imported: int | None = None) -> Path:
    """Save the report of ``plan`` to ``path``; ``imported`` = households written, if any."""
    # in_memory: the report is small, and no temporary file with the officer's data is left.
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    fills = {
        verdict: workbook.add_format({"bg_color": colour, "pattern": 1, "valign": "top"})
        for verdict, colour in _FILLS.items()
    }
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})

    summary = workbook.add_worksheet(sheet_title(_("Summary")))
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
        (
            _("Households imported"),
            imported if imported is not None else _("none (dry run)"),
        ),
    ]
    for row, (label, value) in enumerate(lines):
        write_cell(summary, row, 0, label, bold)
        write_cell(summary, row, 1, value)
    for row, note in enumerate(plan.notes, start=len(lines)):
        write_cell(summary, row, 0, _("Note"))
        write_cell(summary, row, 1, note)
    summary.set_column(0, 0, 32)
    summary.set_column(1, 1, 48)

    rows = workbook.add_worksheet(sheet_title(_("Rows")))
    _header(rows, bold, [_("Row"), _("Verdict"), _("Reasons")], (8, 24, 110), len(plan.rows))
    rows.set_column(2, 2, 110, wrapped)
    for row, verdict in enumerate(plan.rows, start=1):
        rows.write_number(row, 0, verdict.row, top)
        write_cell(rows, row, 1, verdict_label(verdict.verdict), fills[verdict.verdict])
        write_cell(rows, row, 2, "\n".join(verdict.reasons), wrapped)
        lines = sum(1 + len(reason) // _REASON_LINE for reason in verdict.reasons)
        if lines > 1:
            # Neither XlsxWriter nor LibreOffice sizes a row to its wrapped text.
            rows.set_row(row, _LINE_HEIGHT * lines)

    villages = workbook.add_worksheet(sheet_title(_("Villages to confirm")))
    headers = [_("Village as written"), _("District as written"), _("Rows"), _("Candidates")]
    _header(villages, bold, headers, (28, 24, 8, 90), len(plan.questions))
    for row, question in enumerate(plan.questions, start=1):
        candidates = "; ".join(
            f"{c.name} ({c.district_name}) {c.code}" for c in question.candidates
        ) or _("no similar village in the regency")
        for column, value in enumerate(
            (question.spelling, question.district or "", question.rows, candidates)
        ):
            write_cell(villages, row, column, value)
    for sheet in workbook.worksheets():
        sheet.set_landscape()  # printed, every column fits the width of the page
        sheet.fit_to_pages(1, 0)
    workbook.close()
    return path


def _header(sheet, bold, labels: list[str], widths: tuple[int, ...], rows: int) -> None:
    for column, (label, width) in enumerate(zip(labels, widths, strict=True)):
        sheet.write_string(0, column, label, bold)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows, len(labels) - 1)

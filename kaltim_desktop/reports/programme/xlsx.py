# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme report as an xlsx workbook: the same content as the PDF, as numbers.

One sheet with the key figures and footnotes, one sheet per table (bold frozen header, filters,
a total row, rupiah as numbers with thousands separators) with a bar chart, and the monthly
series with its chart, so a supervisor can rework the figures.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kaltim_desktop.i18n import _
from kaltim_desktop.reports.programme.content import ReportContent, Table

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_FORMATS = {"int": "#,##0", "rupiah": "#,##0"}
_SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names


def write_xlsx(content: ReportContent, path: Path) -> Path:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")
    summary.append([content.title])
    summary["A1"].font = _TITLE
    summary.append([content.subtitle])
    summary.append([_("Area"), content.area_label])
    summary.append([_("Period"), content.period_label])
    summary.append([])
    for figure in content.figures:
        summary.append([figure.label, figure.value, figure.detail])
        summary.cell(summary.max_row, 1).font = _BOLD
    summary.append([])
    summary.append([_("Notes")])
    summary.cell(summary.max_row, 1).font = _BOLD
    for number, note in enumerate(content.notes, start=1):
        summary.append([f"{number}. {note}"])
    summary.append([content.generated_label])
    summary.column_dimensions["A"].width = 30
    summary.column_dimensions["B"].width = 24
    summary.column_dimensions["C"].width = 50

    for index, table in enumerate(content.tables):
        sheet = workbook.create_sheet(table.title[:_SHEET_NAME_LIMIT])
        _write_table(sheet, table)
        if index < 4 and table.rows:
            _chart(sheet, table)
    months = workbook.create_sheet(_("Per month"))
    months.append([_("Month"), _("Houses handed over"), _("Grants disbursed"),
                   _("Trainings completed")])  # fmt: skip
    for row in zip(content.month_labels, content.houses_per_month, content.grants_per_month,
                   content.completions_per_month, strict=True):  # fmt: skip
        months.append(list(row))
    _style_header(months, 4)
    chart = BarChart()
    chart.title = _("Per month")
    chart.add_data(Reference(months, min_col=2, max_col=4, min_row=1, max_row=months.max_row),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(months, min_col=1, min_row=2, max_row=months.max_row))
    chart.width, chart.height = 20, 9
    months.add_chart(chart, "F2")
    workbook.save(path)
    return path


def _write_table(sheet, table: Table) -> None:
    sheet.append(list(table.headers))
    for row in table.rows:
        sheet.append(list(row))
    if table.total is not None:
        sheet.append(list(table.total))
        for cell in sheet[sheet.max_row]:
            cell.font = _BOLD
            cell.fill = _TOTAL_FILL
    for column, kind in enumerate(table.kinds, start=1):
        number_format = _FORMATS.get(kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = number_format
    _style_header(sheet, len(table.headers))
    sheet.column_dimensions["A"].width = 32
    last = len(table.rows) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{last}"


def _style_header(sheet, width: int) -> None:
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16


def _chart(sheet, table: Table) -> None:
    """Bars of the first count columns per area (the total row is left out)."""
    chart = BarChart()
    chart.title = table.title
    last = len(table.rows) + 1
    counts = [i for i, kind in enumerate(table.kinds, start=1) if kind == "int"][:4]
    if not counts:
        return
    chart.add_data(Reference(sheet, min_col=counts[0], max_col=counts[-1], min_row=1,
                             max_row=last), titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.width, chart.height = 22, 10
    sheet.add_chart(chart, f"{get_column_letter(len(table.headers) + 2)}2")

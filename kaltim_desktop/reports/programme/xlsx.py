# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme report as an xlsx workbook: the same content as the PDF, as numbers.

One sheet with the key figures and footnotes, one sheet per table (bold frozen header, filters,
a total row, rupiah as numbers with thousands separators) with a bar chart, and the monthly
series with its chart, so a supervisor can rework the figures. Written with XlsxWriter, whose
native charts Excel and LibreOffice draw from the cells themselves.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from kaltim_desktop.exchange.xlsx_table import sheet_title, write_cell
from kaltim_desktop.i18n import _
from kaltim_desktop.reports.programme.content import ReportContent, Table

_FORMATS = {"int": "#,##0", "rupiah": "#,##0"}
_CM = 96 / 2.54  # XlsxWriter sizes charts in pixels at 96 dpi
_TABLE_CHART = {"width": round(22 * _CM), "height": round(10 * _CM)}
_MONTH_CHART = {"width": round(20 * _CM), "height": round(9 * _CM)}


class _Styles:
    """The workbook's cell formats: XlsxWriter formats belong to one workbook."""

    def __init__(self, workbook) -> None:
        self.bold = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "pattern": 1, "text_wrap": True, "valign": "top"}
        )
        self.numbers = {
            kind: workbook.add_format({"num_format": code}) for kind, code in _FORMATS.items()
        }
        self.totals = {
            kind: workbook.add_format(
                {"bold": True, "bg_color": "#F2F2F2", "pattern": 1, "num_format": code}
            )
            for kind, code in (*_FORMATS.items(), ("text", "General"))
        }


def write_xlsx(content: ReportContent, path: Path) -> Path:
    # in_memory: a report is small, and no temporary file with its figures is left behind.
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    styles = _Styles(workbook)
    _write_summary(workbook.add_worksheet(sheet_title(_("Summary"))), content, styles)
    for index, table in enumerate(content.tables):
        sheet = workbook.add_worksheet(sheet_title(table.title))
        _write_table(sheet, table, styles)
        if index < 4 and table.rows:
            _chart(workbook, sheet, table)
    months = workbook.add_worksheet(sheet_title(_("Per month")))
    headers = (_("Month"), _("Houses handed over"), _("Grants disbursed"),
               _("Trainings completed"))  # fmt: skip
    _write_header(months, headers, styles)
    series = zip(content.month_labels, content.houses_per_month, content.grants_per_month,
                 content.completions_per_month, strict=True)  # fmt: skip
    last = 0
    for last, values in enumerate(series, start=1):
        for column, value in enumerate(values):
            write_cell(months, last, column, value)
    chart = workbook.add_chart({"type": "column"})
    chart.set_title({"name": _("Per month")})
    for column in range(1, len(headers)):
        chart.add_series(_series(months.name, column, last))
    chart.set_size(_MONTH_CHART)
    months.insert_chart(1, 5, chart)
    for sheet in workbook.worksheets():
        # Printed (or converted to PDF), each sheet fits the width of a landscape page.
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
    workbook.close()
    return path


def _write_summary(summary, content: ReportContent, styles: _Styles) -> None:
    lines: list[tuple[tuple, object]] = [
        ((content.title,), styles.title),
        ((content.subtitle,), None),
        ((_("Area"), content.area_label), None),
        ((_("Period"), content.period_label), None),
        ((), None),
    ]
    lines += [((f.label, f.value, f.detail), styles.bold) for f in content.figures]
    lines += [((), None), ((_("Notes"),), styles.bold)]
    lines += [((f"{number}. {note}",), None) for number, note in enumerate(content.notes, 1)]
    lines.append(((content.generated_label,), None))
    for row, (values, first_format) in enumerate(lines):
        for column, value in enumerate(values):
            write_cell(summary, row, column, value, first_format if column == 0 else None)
    for column, width in enumerate((30, 24, 50)):
        summary.set_column(column, column, width)


def _write_header(sheet, headers, styles: _Styles) -> None:
    for column, label in enumerate(headers):
        sheet.write_string(0, column, label, styles.header)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, max(1, len(headers) - 1), 16)


def _write_table(sheet, table: Table, styles: _Styles) -> None:
    """Header, one row per area, the total row; filters over the areas only."""
    _write_header(sheet, table.headers, styles)
    for row, values in enumerate(table.rows, start=1):
        for column, (kind, value) in enumerate(zip(table.kinds, values, strict=True)):
            write_cell(sheet, row, column, value, styles.numbers.get(kind))
    if table.total is not None:
        row = len(table.rows) + 1
        for column, (kind, value) in enumerate(zip(table.kinds, table.total, strict=True)):
            total_format = styles.totals.get(kind, styles.totals["text"])
            if value is None or value == "":
                sheet.write_blank(row, column, None, total_format)
            else:
                write_cell(sheet, row, column, value, total_format)
    sheet.autofilter(0, 0, len(table.rows), len(table.headers) - 1)


def _series(sheet_name: str, column: int, last: int) -> dict:
    return {
        "name": [sheet_name, 0, column],
        "categories": [sheet_name, 1, 0, last, 0],
        "values": [sheet_name, 1, column, last, column],
    }


def _chart(workbook, sheet, table: Table) -> None:
    """Bars of the first count columns per area (the total row is left out)."""
    counts = [i for i, kind in enumerate(table.kinds) if kind == "int"][:4]
    if not counts:
        return
    chart = workbook.add_chart({"type": "column"})
    chart.set_title({"name": table.title})
    for column in range(counts[0], counts[-1] + 1):
        chart.add_series(_series(sheet.name, column, len(table.rows)))
    chart.set_size(_TABLE_CHART)
    sheet.insert_chart(1, len(table.headers) + 1, chart)

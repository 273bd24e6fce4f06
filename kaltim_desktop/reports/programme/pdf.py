# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme report as an A4 PDF, laid out to be put on a Kepala Biro's table.

Page 1: title, area and period, four key figures, houses by stage per area (chart), the monthly
milestones (chart), then the tables per subject; funders and partners; footnotes. Fonts are the
embedded DejaVu Serif of the documents (:mod:`kaltim_desktop.reports.documents.fonts`), so the
report prints the same on every laptop.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from kaltim_desktop.domain.formatting import format_rupiah
from kaltim_desktop.i18n import _
from kaltim_desktop.reports.documents.fonts import SERIF, SERIF_BOLD, register_fonts
from kaltim_desktop.reports.programme.charts import grouped_bars, stacked_bars
from kaltim_desktop.reports.programme.content import ReportContent, Table

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
HEADER_FILL = colors.HexColor("#DCE6F1")
TOTAL_FILL = colors.HexColor("#F2F2F2")
# Relative column widths by content: names need room, rupiah amounts more than counts.
_WEIGHTS = {"text": 2.3, "int": 1.0, "rupiah": 1.75}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=SERIF, fontSize=9, leading=12)
    return {
        "kop": ParagraphStyle(
            "kop", base, fontName=SERIF_BOLD, fontSize=10, alignment=TA_CENTER, leading=13
        ),
        "title": ParagraphStyle(
            "title",
            base,
            fontName=SERIF_BOLD,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceBefore=6,
        ),
        "subtitle": ParagraphStyle("subtitle", base, alignment=TA_CENTER, fontSize=10),
        "h2": ParagraphStyle(
            "h2", base, fontName=SERIF_BOLD, fontSize=10.5, spaceBefore=8, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9),
        "figure": ParagraphStyle(
            "figure", base, fontName=SERIF_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "figure_label": ParagraphStyle(
            "figure_label", base, fontSize=8, leading=10, alignment=TA_CENTER
        ),
        "note": ParagraphStyle("note", base, fontSize=7.5, leading=9.5, textColor=colors.grey),
    }


def _format(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "rupiah":
        return format_rupiah(value)
    if kind == "int":
        return f"{value:,}".replace(",", ".")
    return str(value)


def _table(table: Table, styles) -> PdfTable:
    header = [Paragraph(f"<b>{h}</b>", styles["cell"]) for h in table.headers]
    body = [[_format(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows]
    if not body:
        body = [[_("none")] + [""] * (len(table.headers) - 1)]
    rows = [header, *body]
    if table.total is not None:
        rows.append([_format(v, k) for v, k in zip(table.total, table.kinds, strict=True)])
    weights = [_WEIGHTS[k] for k in table.kinds]
    if len(weights) == 2:
        weights[0] = 6.0  # a name and a count: the name takes the room
    widths = [WIDTH * w / sum(weights) for w in weights]
    result = PdfTable(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), SERIF, 8),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#A6A6A6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if table.total is not None:
        style += [
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
            ("FONT", (0, -1), (-1, -1), SERIF_BOLD, 8),
        ]
    result.setStyle(TableStyle(style))
    return result


def _figures(content: ReportContent, styles) -> PdfTable:
    cells = [
        [
            Paragraph(f.value, styles["figure"]),
            Paragraph(f"<b>{f.label}</b><br/>{f.detail}", styles["figure_label"]),
        ]
        for f in content.figures
    ]
    grid = PdfTable([[c for c in cells]], colWidths=[WIDTH / len(cells)] * len(cells))
    grid.setStyle(
        TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#7F7F7F")),
            ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BFBFBF")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ])
    )  # fmt: skip
    return grid


def _on_page(canvas, document, footer: tuple[str, str]) -> None:
    canvas.saveState()
    canvas.setFont(SERIF, 7.5)
    canvas.setFillColor(colors.grey)
    title, generated = footer
    canvas.drawString(MARGIN, 11 * mm, title)
    canvas.drawString(MARGIN, 8 * mm, generated)
    canvas.drawRightString(A4[0] - MARGIN, 11 * mm, _("Page {page}").format(page=document.page))
    canvas.restoreState()


def write_pdf(content: ReportContent, path: Path, *, issuer: str | None = None) -> Path:
    """Render ``content`` to ``path``; ``issuer`` is the heading above the title."""
    register_fonts()
    styles = _styles()
    story: list = []
    kop = issuer or _("PROVINCIAL GOVERNMENT OF EAST KALIMANTAN<br/>REGIONAL SECRETARIAT — "
                      "DEVELOPMENT ADMINISTRATION BUREAU")  # fmt: skip
    story += [
        Paragraph(kop, styles["kop"]),
        Spacer(1, 2 * mm),
        Paragraph(content.title.upper(), styles["title"]),
        Paragraph(content.subtitle, styles["subtitle"]),
        Paragraph(
            f"{content.area_label} · {_('Period')}: <b>{content.period_label}</b>",
            styles["subtitle"],
        ),
        Spacer(1, 5 * mm),
        _figures(content, styles),
        Spacer(1, 4 * mm),
    ]
    chart_height = 62 * mm
    stages = stacked_bars(
        _("Decent houses by stage"),
        list(content.area_names),
        list(content.houses_by_stage),
        width=WIDTH / 2 - 3 * mm,
        height=chart_height,
        font=SERIF,
    )
    months = grouped_bars(
        _("Per month: houses handed over, grants disbursed"),
        list(content.month_labels),
        [
            (_("Houses handed over"), content.houses_per_month),
            (_("Grants disbursed"), content.grants_per_month),
        ],
        width=WIDTH / 2 - 3 * mm,
        height=chart_height,
        font=SERIF,
    )
    charts = PdfTable([[stages, months]], colWidths=[WIDTH / 2, WIDTH / 2])
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(charts)
    for table in content.tables:
        story.append(CondPageBreak(40 * mm))
        story += [Paragraph(table.title, styles["h2"]), _table(table, styles)]
    story.append(Spacer(1, 5 * mm))
    story.append(Paragraph(_("Notes"), styles["h2"]))
    for number, note in enumerate(content.notes, start=1):
        story.append(Paragraph(f"{number}. {note}", styles["note"]))
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=content.title,
        author="Kaltim Desktop",
    )
    footer = (f"{content.title} — {content.period_label}", content.generated_label)

    def on_page(canvas, doc) -> None:
        _on_page(canvas, doc, footer)

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path

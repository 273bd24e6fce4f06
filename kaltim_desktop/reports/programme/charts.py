# SPDX-License-Identifier: GPL-3.0-or-later
"""The charts of the programme report, as ReportLab drawings (vector graphics in the PDF)."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

# Colour-blind safe (Okabe-Ito), and distinguishable when printed in grey.
PALETTE = (
    colors.HexColor("#0072B2"),
    colors.HexColor("#E69F00"),
    colors.HexColor("#009E73"),
    colors.HexColor("#CC79A7"),
    colors.HexColor("#56B4E9"),
)


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def _chart(width: float, height: float, title: str, font: str) -> tuple[Drawing, VerticalBarChart]:
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 45
    chart.width, chart.height = width - 40, height - 88
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.angle = 35
    chart.categoryAxis.labels.dx = 4
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.strokeColor = colors.grey
    chart.categoryAxis.strokeColor = colors.grey
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    return drawing, chart


def _legend(drawing: Drawing, names: list[str], x: float, y: float, font: str) -> None:
    """Two rows of legend entries under the title, spread over the drawing's width."""
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"
    legend.columnMaximum = 2
    legend.deltay = 10
    legend.deltax = (drawing.width - x) / max(1, (len(names) + 1) // 2)
    legend.dx = legend.dy = 6
    legend.dxTextSpace = 4
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
    drawing.add(legend)


def stacked_bars(
    title: str,
    categories: list[str],
    series: list[tuple[str, tuple[int, ...]]],
    *,
    width: float,
    height: float,
    font: str,
) -> Drawing:
    """One stacked bar per category (e.g. houses by stage per regency), with a legend."""
    drawing, chart = _chart(width, height, title, font)
    chart.categoryAxis.style = "stacked"
    chart.data = [list(values) for _name, values in series] or [[0] * len(categories)]
    chart.categoryAxis.categoryNames = categories
    totals = [sum(col) for col in zip(*chart.data, strict=True)] if categories else [0]
    chart.valueAxis.valueMax = _nice_max(max(totals, default=0))
    chart.barWidth = 8
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    _legend(drawing, [name for name, _values in series], 30, height - 18, font)
    return drawing


def grouped_bars(
    title: str,
    categories: list[str],
    series: list[tuple[str, tuple[int, ...]]],
    *,
    width: float,
    height: float,
    font: str,
) -> Drawing:
    """Bars side by side per category (e.g. months), with a legend."""
    drawing, chart = _chart(width, height, title, font)
    chart.data = [list(values) for _name, values in series]
    chart.categoryAxis.categoryNames = categories
    chart.valueAxis.valueMax = _nice_max(max((max(v, default=0) for v in chart.data), default=0))
    chart.groupSpacing = 4
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    _legend(drawing, [name for name, _values in series], 30, height - 18, font)
    return drawing

# SPDX-License-Identifier: GPL-3.0-or-later
"""The charts of the overview (QtCharts): bars per area, stacked stages, grants by stage.

Each function takes the figures already read by :mod:`kaltim_desktop.services.progress` and
returns a :class:`QChart`; the page swaps charts into fixed :class:`QChartView` widgets, so a
refresh never rebuilds the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy

from kaltim_desktop.domain.formatting import format_rupiah
from kaltim_desktop.i18n import _, current_language
from kaltim_desktop.services.progress import AreaProgress, MonthFigures, StageFigures

# One colour per stage, from surveyed (pale) to done (strong); cancelled/void in grey.
STAGE_COLOURS = {
    "surveyed": "#9ecae1",
    "under_construction": "#6baed6",
    "completed": "#3182bd",
    "handed_over": "#08519c",
    "cancelled": "#bdbdbd",
    "proposed": "#c7e9c0",
    "verified": "#74c476",
    "approved": "#31a354",
    "disbursed": "#006d2c",
    "void": "#bdbdbd",
}
PRIMARY = "#2b6cb0"
SECONDARY = "#38a169"


def short_name(name: str) -> str:
    """``Kabupaten Kutai Kartanegara`` → ``Kab. Kutai Kartanegara``: axis labels stay short."""
    return name.replace("Kabupaten ", "Kab. ")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def nice_top(maximum: float, ticks: int = 4) -> tuple[int, int]:
    """The axis end and step: whole numbers in steps of 1, 2 or 5 × 10ⁿ, ``ticks`` steps."""
    raw = max(maximum, 1) / ticks
    magnitude = 10 ** max(len(str(int(raw))) - 1, 0)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return step * ticks, step


def _axes(chart: QChart, series, categories: Sequence[str], maximum: float) -> None:
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(list(categories))
    axis_y.setTruncateLabels(False)  # area names are the point of the chart
    small = QFont(axis_y.labelsFont())
    small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
    axis_y.setLabelsFont(small)
    axis_x = QValueAxis()
    axis_x.setLabelFormat("%d")
    top, _step = nice_top(maximum)
    axis_x.setRange(0, top)
    axis_x.setTickCount(5)
    axis_x.setLabelsFont(small)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_y)
    series.attachAxis(axis_x)


def _bar_set(label: str, values: Sequence[float], colour: str) -> QBarSet:
    bar_set = QBarSet(label)
    bar_set.append([float(v) for v in values])
    bar_set.setColor(QColor(colour))
    bar_set.setBorderColor(QColor(colour))
    return bar_set


def households_chart(areas: Sequence[AreaProgress]) -> QChart:
    """Households registered per area (the first area at the top)."""
    ordered = list(reversed(areas))  # horizontal bars are drawn bottom-up
    chart = _chart(_("Households registered"))
    series = QHorizontalBarSeries()
    series.append(_bar_set(_("Households"), [a.households for a in ordered], PRIMARY))
    series.setLabelsVisible(True)
    _axes(
        chart,
        series,
        [short_name(a.name) for a in ordered],
        max((a.households for a in areas), default=0),
    )
    chart.legend().setVisible(False)
    return chart


def houses_chart(areas: Sequence[AreaProgress], stages: Sequence[str]) -> QChart:
    """Houses per area, stacked by stage."""
    ordered = list(reversed(areas))
    chart = _chart(_("Houses by stage"))
    series = QHorizontalStackedBarSeries()
    for stage in stages:
        label = next(
            (s.label for a in areas[:1] for s in a.houses_by_stage if s.stage == stage), stage
        )
        series.append(
            _bar_set(label, [a.houses(stage) for a in ordered], STAGE_COLOURS.get(stage, PRIMARY))
        )
    total = max((sum(a.houses(s) for s in stages) for a in areas), default=0)
    _axes(chart, series, [short_name(a.name) for a in ordered], total)
    return chart


def grants_chart(stages: Sequence[StageFigures]) -> QChart:
    """Grants per stage: the count as the bar, the rupiah value in the label."""
    ordered = list(reversed(stages))
    chart = _chart(_("Grants by stage"))
    series = QHorizontalBarSeries()
    series.append(_bar_set(_("Grants"), [s.count for s in ordered], SECONDARY))
    series.setLabelsVisible(True)
    categories = [f"{s.label} · {format_rupiah(s.amount_rupiah)}" for s in ordered]
    _axes(chart, series, categories, max((s.count for s in stages), default=0))
    chart.legend().setVisible(False)
    return chart


def trainings_chart(areas: Sequence[AreaProgress]) -> QChart:
    """Training participants per area: enrolled in total and completed."""
    ordered = list(reversed(areas))
    chart = _chart(_("Training participants"))
    series = QHorizontalBarSeries()
    series.append(_bar_set(_("Enrolled"), [a.enrolments for a in ordered], "#a0aec0"))
    series.append(_bar_set(_("Completed"), [a.enrolments_completed for a in ordered], PRIMARY))
    _axes(
        chart,
        series,
        [short_name(a.name) for a in ordered],
        max((a.enrolments for a in areas), default=0),
    )
    return chart


def months_chart(months: Sequence[MonthFigures]) -> QChart:
    """Milestones of the last twelve months: houses handed over, grants disbursed, trainees
    who completed."""
    chart = _chart(_("Milestones per month"))
    series = QBarSeries()
    for label, values, colour in (
        (_("Houses handed over"), [m.houses_handed_over for m in months], "#08519c"),
        (_("Grants disbursed"), [m.grants_disbursed for m in months], "#006d2c"),
        (_("Trainees completed"), [m.enrolments_completed for m in months], "#a0aec0"),
    ):
        series.append(_bar_set(label, values, colour))
    chart.addSeries(series)
    locale = {"id": "id", "en": "en_GB"}.get(current_language(), "id")
    axis_x = QBarCategoryAxis()
    axis_x.append(
        [format_date(date(m.year, m.month, 1), "MMM yyyy", locale=locale) for m in months]
    )
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%d")
    peak = max(
        (max(m.houses_handed_over, m.grants_disbursed, m.enrolments_completed) for m in months),
        default=0,
    )
    axis_y.setRange(0, nice_top(peak)[0])
    axis_y.setTickCount(5)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    return chart


def prepare_view(view) -> None:
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(320, 220)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

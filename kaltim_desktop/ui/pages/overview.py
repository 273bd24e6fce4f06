# SPDX-License-Identifier: GPL-3.0-or-later
"""Beranda: the programmes at a glance, per regency (or per district of one regency).

Key figures on top, then four charts (households registered, houses by stage, grants by stage
with their value, training participants) and, on a second tab, the same figures per area as a
table. The figures come from :func:`kaltim_desktop.services.progress.programme_progress`, read
off the GUI thread every time the page is shown or something changes.
"""

from __future__ import annotations

from PySide6.QtCharts import QChartView
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain.formatting import format_date_long, format_rupiah
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.i18n import _
from kaltim_desktop.services.progress import (
    HANDOVER_STAGES,
    AreaProgress,
    ProgrammeProgress,
    programme_progress,
)
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page
from kaltim_desktop.ui.pages.overview_charts import (
    grants_chart,
    households_chart,
    houses_chart,
    months_chart,
    prepare_view,
    trainings_chart,
)
from kaltim_desktop.ui.pages.programme_widgets import fill_table, make_table

_SCOPE_KEY = "overview/regency"
COLUMNS = (
    "area",
    "households",
    "members",
    "houses",
    "handed_over",
    "grants",
    "grants_rupiah",
    "disbursed_rupiah",
    "enrolments",
    "completed",
)


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def area_cells(area: AreaProgress) -> list[str]:
    """One table row: the figures of ``area`` in :data:`COLUMNS` order."""
    grants = area.grants_total
    return [
        area.name,
        _number(area.households),
        _number(area.members),
        _number(area.houses_total),
        _number(area.houses("handed_over")),
        _number(grants.count),
        format_rupiah(grants.amount_rupiah),
        format_rupiah(area.grants("disbursed").amount_rupiah),
        _number(area.enrolments),
        _number(area.enrolments_completed),
    ]


class _Figure(QFrame):
    """A key figure: a large number over its caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class OverviewPage(Page):
    """Counts and progress of the programmes with charts."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.progress: ProgrammeProgress | None = None

        self.scope = QComboBox()
        self.scope.addItem(_("East Kalimantan, per regency/city"), None)
        for regency in region_tree().regencies():
            self.scope.addItem(_("{name}, per district").format(name=regency.name), regency.code)
        scope_caption = QLabel(_("&Area:"))
        scope_caption.setBuddy(self.scope)
        self.generated = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(scope_caption)
        bar.addWidget(self.scope)
        bar.addStretch(1)
        bar.addWidget(self.generated)

        self.figures = {
            "households": _Figure(_("households registered")),
            "houses": _Figure(_("houses handed over")),
            "building": _Figure(_("houses surveyed or being built")),
            "grants": _Figure(_("grants disbursed")),
            "trainings": _Figure(_("participants completed a training")),
        }
        figures = QHBoxLayout()
        for figure in self.figures.values():
            figures.addWidget(figure, 1)

        self.views = {key: QChartView() for key in ("households", "houses", "grants", "trainings")}
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, view in enumerate(self.views.values()):
            prepare_view(view)
            grid.addWidget(view, index // 2, index % 2)

        self.table = make_table(
            [
                _("Area"),
                _("Households"),
                _("Members"),
                _("Houses"),
                _("Handed over"),
                _("Grants"),
                _("Grant value"),
                _("Disbursed"),
                _("Trainees"),
                _("Completed"),
            ],
            stretch=0,
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(charts, _("&Charts"))
        self.tabs.addTab(self.table, _("&Table per area"))
        self.views["months"] = QChartView()
        prepare_view(self.views["months"])
        self.tabs.addTab(self.views["months"], _("Per &month"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(figures)
        layout.addWidget(self.tabs, 1)

        saved = ui.settings.value(_SCOPE_KEY)
        index = self.scope.findData(saved or None)
        if index > 0:
            self.scope.setCurrentIndex(index)
        self.scope.currentIndexChanged.connect(self.refresh)
        ui.events.data_changed.connect(self._on_data_changed)

    def title(self) -> str:
        return _("Overview")

    def activated(self) -> None:
        self.refresh()
        self.scope.setFocus()

    def refresh(self) -> None:
        regency = self.scope.currentData()
        self.ui.settings.setValue(_SCOPE_KEY, regency or "")
        db = self.ui.db
        self.ui.runner.run(
            lambda _progress: programme_progress(db, regency_code=regency),
            title=_("Counting the programme figures"),
            on_done=self._show,
            parent=self,
            progress_dialog=False,
        )

    def _on_data_changed(self, _entity: str) -> None:
        if self.isVisible():
            self.refresh()

    def _show(self, progress: ProgrammeProgress) -> None:
        if progress.regency_code != self.scope.currentData():
            return  # the officer chose another area meanwhile
        self.progress = progress
        total = progress.total
        building = sum(total.houses(s) for s in HANDOVER_STAGES[:3])
        disbursed = total.grants("disbursed")
        self.figures["households"].value.setText(_number(total.households))
        self.figures["houses"].value.setText(_number(total.houses("handed_over")))
        self.figures["building"].value.setText(_number(building))
        self.figures["grants"].value.setText(
            f"{_number(disbursed.count)} · {format_rupiah(disbursed.amount_rupiah)}"
        )
        self.figures["trainings"].value.setText(_number(total.enrolments_completed))
        self.generated.setText(
            _("Figures of {date}").format(date=format_date_long(progress.generated_at.date()))
        )
        areas = progress.areas
        self._set_chart("households", households_chart(areas))
        self._set_chart("houses", houses_chart(areas, HANDOVER_STAGES))
        self._set_chart("grants", grants_chart(total.grants_by_stage))
        self._set_chart("trainings", trainings_chart(areas))
        self._set_chart("months", months_chart(progress.months))
        rows = [(a.code, area_cells(a)) for a in areas]
        rows.append((total.code, [_("Total"), *area_cells(total)[1:]]))
        fill_table(self.table, rows, right=range(1, 10))
        bold = self.table.font()
        bold.setBold(True)
        for column in range(self.table.columnCount()):
            self.table.item(len(rows) - 1, column).setFont(bold)
        # Fit the figures and headers ("Diserahterimakan"), bold totals included, with room.
        self.table.resizeColumnsToContents()
        for column in range(1, self.table.columnCount()):
            self.table.setColumnWidth(column, self.table.columnWidth(column) + 12)

    def _set_chart(self, key: str, chart) -> None:
        view = self.views[key]
        old = view.chart()
        view.setChart(chart)  # the view takes ownership of the new chart
        if old is not None:
            old.deleteLater()

    def chart_values(self, key: str) -> dict[str, list[float]]:
        """The values drawn in chart ``key`` per bar set (tests compare them with counts)."""
        series = self.views[key].chart().series()[0]
        return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}

# SPDX-License-Identifier: GPL-3.0-or-later
"""Ekspor: write households, handovers, grants or trainings to xlsx or csv.

A screen opens it with its own filters (``ExportDialog(ui, kind="handovers",
filters=ExportFilter(region_code=..., status=...))``), so the file holds what the list shows.
The writing runs on the task runner with a progress dialog and Cancel.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.exchange.export import ExportFilter, ExportResult, export
from kaltim_desktop.exchange.export_queries import QUERIES
from kaltim_desktop.i18n import _
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.output_file import OutputFileField
from kaltim_desktop.ui.pages.programme_widgets import regency_combo, select_data

_STATUS_LABELS = {
    "households": {},
    "handovers": vocab.HANDOVER_STAGE,
    "grants": vocab.GRANT_STAGE,
    "trainings": vocab.ENROLMENT_STATUS,
}


class ExportDialog(QDialog):
    def __init__(
        self,
        ui: UiContext,
        parent: QWidget | None = None,
        *,
        kind: str = "households",
        filters: ExportFilter | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.result: ExportResult | None = None
        filters = filters or ExportFilter()
        self.setWindowTitle(_("Export a list"))
        self.kind = QComboBox(self)
        for key, query in QUERIES.items():
            self.kind.addItem(_(query.title), key)
        self.format = QComboBox(self)
        self.format.addItem(_("Excel workbook (.xlsx), for people"), "xlsx")
        self.format.addItem(_("CSV (.csv), for other programs"), "csv")
        self.region = regency_combo(_("All of East Kalimantan"))
        if filters.region_code and len(filters.region_code.replace(".", "")) > 4:
            # A district or village chosen on screen: kept as it is, shown by its code.
            self.region.addItem(filters.region_code, filters.region_code)
        select_data(self.region, filters.region_code)
        self.status = QComboBox(self)
        self.mask = QCheckBox(_("Mask NIK and KK numbers (for sharing outside the office)"), self)
        self.path = OutputFileField(
            _("Export a list"),
            suffix=lambda: f".{self.format.currentData()}",
            default_stem=lambda: self.kind.currentData(),
            parent=self,
        )
        form = QFormLayout()
        form.addRow(_("List"), self.kind)
        form.addRow(_("Format"), self.format)
        form.addRow(_("Region"), self.region)
        form.addRow(_("Stage or status"), self.status)
        form.addRow("", self.mask)
        form.addRow(_("File"), self.path)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._on_kind)
        select_data(self.kind, kind)
        self._on_kind()
        select_data(self.status, filters.status)
        self.path.textChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(620, self.sizeHint().height())

    def _on_kind(self) -> None:
        self.status.clear()
        self.status.addItem(_("All"), None)
        for code, label in _STATUS_LABELS[self.kind.currentData()].items():
            self.status.addItem(_(label), code)
        self.status.setEnabled(self.status.count() > 1)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.path.text().strip()))

    def accept(self) -> None:  # OK writes the file; the dialog closes when it is written
        path, fmt = self.path.path(), self.format.currentData()
        ui, kind, mask = self.ui, self.kind.currentData(), self.mask.isChecked()
        filters = ExportFilter(
            region_code=self.region.currentData(), status=self.status.currentData()
        )
        self.buttons.setEnabled(False)
        ui.runner.run(
            lambda progress: export(ui.db, ui.actor, kind, path, fmt=fmt, mask=mask,
                                    filters=filters, progress=progress),
            title=_("Exporting"), on_done=self._on_done, on_error=self._on_error, parent=self,
        )  # fmt: skip

    def _on_done(self, result: ExportResult) -> None:
        self.result = result
        self.buttons.setEnabled(True)
        super().accept()

    def _on_error(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.ui.errors.show(self, exc)

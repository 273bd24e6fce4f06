# SPDX-License-Identifier: GPL-3.0-or-later
"""Laporan: the programme progress report for a month (or everything), as PDF or xlsx.

The figures are read and the file written on the task runner; the dialog closes when the file
exists (``report_dialog.path``), so the caller can open it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import _
from kaltim_desktop.reports.programme import write_report
from kaltim_desktop.services.progress import Period, programme_progress
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.output_file import OutputFileField
from kaltim_desktop.ui.pages.programme_widgets import regency_combo


class ReportDialog(QDialog):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.path: Path | None = None
        self.setWindowTitle(_("Programme report"))
        self.regency = regency_combo(_("All of East Kalimantan (by regency)"))
        self.monthly = QCheckBox(_("One month:"), self)
        self.monthly.setChecked(True)
        self.month = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.month.setDisplayFormat("MM/yyyy")
        self.monthly.toggled.connect(self.month.setEnabled)
        self.format = QComboBox(self)
        self.format.addItem(_("PDF, to print"), ".pdf")
        self.format.addItem(_("Excel workbook, with the figures"), ".xlsx")
        self.file = OutputFileField(
            _("Programme report"),
            suffix=lambda: self.format.currentData(),
            default_stem=lambda: "laporan",
            parent=self,
        )
        form = QFormLayout()
        form.addRow(_("Area"), self.regency)
        form.addRow(self.monthly, self.month)
        form.addRow(_("Format"), self.format)
        form.addRow(_("File"), self.file)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.file.textChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(560, self.sizeHint().height())

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.file.text().strip()))

    def accept(self) -> None:  # OK writes the report; the dialog closes when it is written
        path = self.file.path()
        day = self.month.date().toPython()
        period = Period.month(day.year, day.month) if self.monthly.isChecked() else None
        db, regency = self.ui.db, self.regency.currentData()

        def work(_progress):
            progress = programme_progress(db, regency_code=regency, period=period)
            return write_report(progress, path)

        self.buttons.setEnabled(False)
        self.ui.runner.run(
            work, title=_("Writing the report"), on_done=self._on_done,
            on_error=self._on_error, parent=self,
        )  # fmt: skip

    def _on_done(self, path: Path) -> None:
        self.path = path
        self.buttons.setEnabled(True)
        super().accept()

    def _on_error(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.ui.errors.show(self, exc)

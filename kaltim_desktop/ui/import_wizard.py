# SPDX-License-Identifier: GPL-3.0-or-later
"""Impor: bring an officer's Excel or CSV list into the register, step by step.

File and sheet → which column holds what (guessed, remembered for next time) → a dry run that
changes nothing and judges every row (with villages to confirm) → the import of the accepted
families in one transaction, with progress and Cancel → the report as xlsx. The work itself is
:mod:`kaltim_desktop.exchange`; every step that reads the file or the database runs on the
task runner.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.exchange.import_report import write_import_report
from kaltim_desktop.exchange.importer import ImportResult, run_import
from kaltim_desktop.exchange.mapping import FIELD_LABELS, ColumnMapping, suggested_mapping
from kaltim_desktop.exchange.plan import ImportOptions, ImportPlan, dry_run
from kaltim_desktop.exchange.sheets import read_table, sheet_names
from kaltim_desktop.exchange.values import text
from kaltim_desktop.i18n import _
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.import_results import VerdictTableModel, VillageQuestionsTable

SAMPLE_ROWS = 3


def _optional_date(label: str, parent: QWidget) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox(label, parent)
    edit = QDateEdit(QDate.currentDate(), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


def _example(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return text(value)


def _date(check: QCheckBox, edit: QDateEdit) -> date | None:
    return edit.date().toPython() if check.isChecked() else None


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Choose the list"))
        self.setSubTitle(_("An Excel workbook (.xlsx) or a CSV file with one row per person."))
        self.path = QLineEdit(self)
        browse = QPushButton(_("Browse…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        self.sheet = QComboBox(self)
        self.regency = QComboBox(self)
        self.regency.addItem(_("From the sheet (Kabupaten/Kota column)"), None)
        for regency in region_tree().regencies():
            self.regency.addItem(regency.name, regency.code)
        self.kk_check, self.kk_date = _optional_date(_("KK copies dated"), self)
        self.dtsen_check, self.dtsen_date = _optional_date(_("DTSEN deciles of"), self)
        form = QFormLayout(self)
        form.addRow(_("File"), row)
        form.addRow(_("Sheet"), self.sheet)
        form.addRow(_("Villages in"), self.regency)
        form.addRow(self.kk_check, self.kk_date)
        form.addRow(self.dtsen_check, self.dtsen_date)
        self.path.textChanged.connect(self._on_path_changed)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the list"), "", _("Spreadsheets (*.xlsx *.csv)")
        )
        if path:
            self.path.setText(path)

    def _on_path_changed(self) -> None:
        self.sheet.clear()
        path = Path(self.path.text().strip())
        if path.is_file() and path.suffix.casefold() == ".xlsx":
            # A file that is not a workbook is reported, with the reason, when it is read.
            with contextlib.suppress(KaltimError):
                self.sheet.addItems(sheet_names(path))
        self.sheet.setEnabled(self.sheet.count() > 1)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return Path(self.path.text().strip()).is_file()

    def options(self) -> ImportOptions:
        return ImportOptions(
            regency_code=self.regency.currentData(),
            kk_as_of=_date(self.kk_check, self.kk_date),
            dtsen_as_of=_date(self.dtsen_check, self.dtsen_date),
        )


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Which column holds what"))
        self.setSubTitle(_("Guessed from the headers; correct it where needed. The choice is "
                           "remembered for the next list."))  # fmt: skip
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("Column"), _("Examples"), _("Field")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        self._loaded = False

    def initializePage(self) -> None:
        self._loaded = False
        self.table.setRowCount(0)
        self.status.setText(_("Reading the sheet…"))
        files: FilePage = self.wizard_.file_page
        path, sheet = Path(files.path.text().strip()), files.sheet.currentText() or None
        db = self.wizard_.ui.db

        def work(_progress):
            table = read_table(path, sheet)
            return table, suggested_mapping(db, table.headers)

        self.wizard_.ui.runner.run(
            work, title=_("Reading the sheet"), on_done=self._on_read,
            on_error=self._on_failed, parent=self,
        )  # fmt: skip

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(_("The sheet could not be read."))
        self.wizard_.ui.errors.show(self, exc)

    def _on_read(self, result) -> None:
        table, mapping = result
        self.wizard_.table = table
        samples = [cells for _row, cells in table.rows[: SAMPLE_ROWS * 4] if any(cells)]
        self.table.setRowCount(len(table.headers))
        for column, header in enumerate(table.headers):
            self.table.setItem(column, 0, QTableWidgetItem(header))
            examples = [_example(cells[column]) for cells in samples if cells[column] is not None]
            self.table.setItem(column, 1, QTableWidgetItem(" · ".join(examples[:SAMPLE_ROWS])))
            combo = QComboBox(self.table)
            combo.addItem(_("(not imported)"), None)
            for field, label in FIELD_LABELS.items():
                combo.addItem(_(label), field)
            combo.setCurrentIndex(max(0, combo.findData(mapping.columns[column])))
            combo.currentIndexChanged.connect(self._on_changed)
            self.table.setCellWidget(column, 2, combo)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self._loaded = True
        self._on_changed()

    def mapping(self) -> ColumnMapping:
        columns = [self.table.cellWidget(r, 2).currentData() for r in range(self.table.rowCount())]
        return ColumnMapping(tuple(columns))

    def _on_changed(self) -> None:
        missing = self.mapping().missing_required() if self._loaded else []
        if self._loaded:
            self.status.setText(
                _("Choose the columns of: {fields}.").format(
                    fields=", ".join(_(FIELD_LABELS[f]) for f in missing)
                )
                if missing
                else _("{count} rows below the header.").format(count=len(self.wizard_.table.rows))
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._loaded and not self.mapping().missing_required()


class DryRunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Check (nothing is changed yet)"))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = VerdictTableModel(self)
        self.rows = QTableView(self)
        self.rows.setModel(self.model)
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.verticalHeader().hide()
        self.villages = VillageQuestionsTable(self)
        self.villages.setMaximumHeight(150)
        self.recheck = QPushButton(_("Check again with these villages"), self)
        self.recheck.clicked.connect(self.check)
        self.save = QPushButton(_("Save the report…"), self)
        self.save.clicked.connect(lambda: self.wizard_.save_report(self))
        buttons = QHBoxLayout()
        buttons.addWidget(self.recheck)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 3)
        self.villages_label = QLabel(_("Villages to confirm"), self)
        layout.addWidget(self.villages_label)
        layout.addWidget(self.villages, 1)
        layout.addLayout(buttons)

    def initializePage(self) -> None:
        self.villages.set_questions(())
        self.check()

    def check(self) -> None:
        wizard = self.wizard_
        wizard.plan = None
        self.completeChanged.emit()
        self.summary.setText(_("Checking every row…"))
        base = wizard.file_page.options()
        options = ImportOptions(
            regency_code=base.regency_code, kk_as_of=base.kk_as_of,
            dtsen_as_of=base.dtsen_as_of, village_choices=self.villages.choices(),
        )  # fmt: skip
        table, mapping, ui = wizard.table, wizard.mapping_page.mapping(), wizard.ui
        ui.runner.run(
            lambda progress: dry_run(ui.db, ui.actor, table, mapping, options, progress=progress),
            title=_("Checking the rows"), on_done=self._on_checked, parent=self,
        )  # fmt: skip

    def _on_checked(self, plan: ImportPlan) -> None:
        self.wizard_.plan = plan
        self.model.set_rows(plan.rows)
        self.rows.resizeColumnsToContents()
        if plan.questions:
            self.villages.set_questions(plan.questions)
        self.villages.setVisible(bool(plan.questions))
        self.villages_label.setVisible(bool(plan.questions))
        self.recheck.setVisible(bool(plan.questions))
        counts = plan.counts
        lines = [
            _("{accepted} rows accepted, {warning} with warnings, {rejected} rejected, {skipped} "
              "skipped; {households} households ready.").format(
                accepted=counts["accepted"], warning=counts["warning"],
                rejected=counts["rejected"], skipped=counts["skipped"],
                households=len(plan.households),
            ),
            *plan.notes,
        ]  # fmt: skip
        if counts["rejected"]:
            lines.append(_("Rejected rows are not imported: correct them in the sheet and import "
                           "them later (rows already imported are recognised)."))  # fmt: skip
        self.summary.setText("\n".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.wizard_.plan is not None and bool(self.wizard_.plan.households)


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.wizard_ = wizard
        self.setTitle(_("Import"))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.start = QPushButton(_("Import now"), self)
        self.start.clicked.connect(self.run)
        self.save = QPushButton(_("Save the report…"), self)
        self.save.clicked.connect(lambda: self.wizard_.save_report(self))
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addStretch(1)
        row.addWidget(self.save)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        plan = self.wizard_.plan
        self.wizard_.result = None
        self.start.setEnabled(True)
        self.status.setText(
            _("{households} households with {persons} members will be written in one step; "
              "Cancel leaves the register as it was.").format(
                households=len(plan.households), persons=plan.persons
            )
        )  # fmt: skip

    def run(self) -> None:
        ui, plan = self.wizard_.ui, self.wizard_.plan
        self.start.setEnabled(False)
        ui.runner.run(
            lambda progress: run_import(ui.db, ui.actor, plan, progress=progress),
            title=_("Importing households"), on_done=self._on_done,
            on_error=self._on_failed, parent=self,
        )  # fmt: skip

    def _on_done(self, result: ImportResult) -> None:
        self.wizard_.result = result
        self.status.setText(_("{count} households imported.").format(count=result.households))
        self.wizard_.ui.events.data_changed.emit("household")
        self.completeChanged.emit()
        # Written: there is nothing left to go back to or cancel, only Finish (after the
        # wizard has updated its buttons for the completed page).
        self.wizard_.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.wizard_.button(QWizard.WizardButton.CancelButton).setEnabled(False)

    def _on_failed(self, exc: BaseException) -> None:
        self.start.setEnabled(True)
        self.wizard_.ui.errors.show(self, exc)

    def isComplete(self) -> bool:
        return self.wizard_.result is not None


class ImportWizard(QWizard):
    """Open with ``ImportWizard(ui, parent).show()``."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.table = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(_("Import a list"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.dry_run_page = DryRunPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.dry_run_page, self.import_page):
            self.addPage(page)
        self.resize(1000, 640)

    def save_report(self, parent: QWidget, path: str | None = None) -> None:
        """Ask where to save the report of the last dry run (or save to ``path``)."""
        if self.plan is None:
            return
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                parent, _("Save the report"), _("import-report.xlsx"), _("Excel (*.xlsx)")
            )
        if path:
            imported = self.result.households if self.result else None
            plan = self.plan
            self.ui.runner.run(
                lambda _progress: write_import_report(plan, Path(path), imported=imported),
                title=_("Saving the report"), parent=parent,
            )  # fmt: skip

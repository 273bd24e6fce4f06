# SPDX-License-Identifier: GPL-3.0-or-later
"""Small widgets shared by the programme screens (handovers, grants, trainings, overview).

Tables filled from frozen rows, a rupiah field with a validator, a date field, region and
vocabulary combos, and :class:`ServiceDialog`: a dialog whose OK runs one service call off the
GUI thread, keeps the dialog open with the error on a refusal, and asks before going on when
the service only found warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QByteArray, QDate, QRegularExpression, QSettings, Qt
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain.formatting import format_date_long
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.ui.context import UiContext

ID_ROLE = Qt.ItemDataRole.UserRole


def day_text(day: date | None) -> str:
    """``23 Agustus 2024``, or an empty cell."""
    return format_date_long(day) if day else ""


# ---- tables -----------------------------------------------------------------------------------


def make_table(headers: list[str], *, stretch: int | None = None) -> QTableWidget:
    """A read-only, row-selecting table; column ``stretch`` takes the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(
    table: QTableWidget, rows: Iterable[tuple[str, list[str]]], *, right: Iterable[int] = ()
) -> None:
    """Replace the rows; each is ``(id, cells)``, the id kept on the first cell. Columns in
    ``right`` (amounts, counts) are right-aligned. The selected id stays selected.

    The table's own signals are blocked meanwhile (the refill would otherwise report a cleared
    selection, then the same one again): callers update what depends on the selection."""
    keep = selected_id(table)
    aligned = set(right)
    rows = list(rows)
    blocked = table.blockSignals(True)
    table.setUpdatesEnabled(False)
    table.clearContents()
    table.setRowCount(len(rows))
    for r, (row_id, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c == 0:
                item.setData(ID_ROLE, row_id)
            if c in aligned:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.setUpdatesEnabled(True)
    if keep is not None:
        select_id(table, keep)
    table.blockSignals(blocked)


def selected_id(table: QTableWidget) -> str | None:
    row = table.currentRow()
    if row < 0 or not table.selectionModel().hasSelection():
        return None
    item = table.item(row, 0)
    return item.data(ID_ROLE) if item is not None else None


def select_id(table: QTableWidget, row_id: str) -> bool:
    for r in range(table.rowCount()):
        item = table.item(r, 0)
        if item is not None and item.data(ID_ROLE) == row_id:
            table.selectRow(r)
            return True
    return False


def fit_columns(table: QTableWidget, widths: Mapping[int, int]) -> None:
    for column, width in widths.items():
        table.setColumnWidth(column, width)


def remember_columns(table: QTableWidget, settings: QSettings, key: str) -> None:
    """Restore the column widths the officer left (UI state), and keep them as they change."""
    header = table.horizontalHeader()
    state = settings.value(key)
    if isinstance(state, QByteArray):
        header.restoreState(state)
    header.sectionResized.connect(lambda *_args: settings.setValue(key, header.saveState()))


# ---- inputs -----------------------------------------------------------------------------------


class MoneyEdit(QLineEdit):
    """Whole rupiah typed with or without thousands dots; shown as ``5.000.000``."""

    def __init__(self, value: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Up to a trillion rupiah: digits and the dots an officer may type between groups.
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9][0-9.]{0,16}")))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText("0")
        self.editingFinished.connect(self._reformat)
        if value is not None:
            self.set_value(value)

    def value(self) -> int | None:
        digits = self.text().replace(".", "")
        return int(digits) if digits else None

    def set_value(self, amount: int | None) -> None:
        self.setText("" if amount is None else f"{amount:,}".replace(",", "."))

    def _reformat(self) -> None:
        self.set_value(self.value())


def make_date_edit(value: date | None = None, *, latest: date | None = None) -> QDateEdit:
    """A date field with a calendar pop-up (dd/mm/yyyy), ``latest`` the last allowed day."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    if latest is not None:
        edit.setMaximumDate(QDate(latest.year, latest.month, latest.day))
    day = value or date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def date_of(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def set_date(edit: QDateEdit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def vocab_combo(labels: Mapping[str, str], *, everything: str | None = None) -> QComboBox:
    """A combo of translated vocabulary labels, the codes as item data; ``everything`` adds a
    first "all" entry with no code."""
    combo = QComboBox()
    if everything is not None:
        combo.addItem(everything, None)
    for code, label in labels.items():
        combo.addItem(_(label), code)
    return combo


def regency_combo(everything: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(everything, None)
    for regency in region_tree().regencies():
        combo.addItem(regency.name, regency.code)
    return combo


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def ask(parent: QWidget, title: str, text: str, on_yes: Callable[[], None]) -> QMessageBox:
    """A non-blocking Yes/No question; ``on_yes`` runs when the officer answers Yes."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.accepted.connect(on_yes)  # Yes is an accept role
    box.open()
    return box


# ---- dialogs ----------------------------------------------------------------------------------


class ServiceDialog(QDialog):
    """A form whose OK (or Ctrl+S) runs one service call; Esc cancels.

    Subclasses put their fields in :attr:`form` and implement :meth:`work`, which returns a
    function ``fn(confirm_warnings: bool)`` calling the service (it runs on a worker thread, so
    it reads the widgets' values beforehand). On success the dialog closes and
    :attr:`result_value` holds what the service returned.
    """

    def __init__(self, ui: UiContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setWindowTitle(title)
        self.setModal(True)
        self.result_value: Any = None
        self.question: QMessageBox | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.accept)
        # The form on the left; a subclass may add a panel on its right (self.body).
        self.body = QHBoxLayout()
        self.body.addLayout(self.form, 1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.body, 1)

    def finish_layout(self) -> None:
        """Add the buttons last, after whatever the subclass put below the form."""
        self.layout_.addWidget(self.buttons)

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def work(self) -> Callable[[bool], Any]:
        raise NotImplementedError

    def accept(self) -> None:  # the OK button submits; the dialog closes only on success
        if not self.ok_button.isEnabled():
            return
        self._submit(False)

    def _submit(self, confirm: bool) -> None:
        call = self.work()
        self.ok_button.setEnabled(False)
        self.ui.runner.run(
            lambda _progress: call(confirm),
            title=self.windowTitle(),
            on_done=self._on_done,
            on_error=self._on_error,
            parent=self,
        )

    def _on_done(self, value: Any) -> None:
        self.ok_button.setEnabled(True)
        self.result_value = value
        super().accept()

    def _on_error(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(error, WarningsNotConfirmed):
            text = "\n".join(f"• {issue.message}" for issue in error.issues)
            self.question = ask(
                self,
                _("Please confirm"),
                _("{warnings}\n\nSave anyway?").format(warnings=text),
                lambda: self._submit(True),
            )
            return
        self.ui.errors.show(self, error)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The widgets of the import wizard that show a dry run: the verdict list and the villages to
confirm."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from kaltim_desktop.exchange.plan import REJECTED, SKIPPED, WARNING, RowVerdict, verdict_label
from kaltim_desktop.exchange.villages import VillageQuestion
from kaltim_desktop.i18n import _

_COLOURS = {WARNING: "#FFF2CC", REJECTED: "#F8CBAD", SKIPPED: "#EDEDED"}


class VerdictTableModel(QAbstractTableModel):
    """Row number, verdict and reasons of every judged row; a model, because a sheet can have
    tens of thousands of rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowVerdict] = []

    def set_rows(self, rows: tuple[RowVerdict, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def verdict(self, row: int) -> RowVerdict:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_("Row"), _("Verdict"), _("Reasons"))[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        verdict = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return verdict.row
            if index.column() == 1:
                return verdict_label(verdict.verdict)
            return " · ".join(verdict.reasons)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return "\n".join(verdict.reasons) or None
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 1:
            colour = _COLOURS.get(verdict.verdict)
            return QBrush(QColor(colour)) if colour else None
        return None


class VillageQuestionsTable(QTableWidget):
    """One line per uncertain village spelling, with a list of candidates to choose from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([_("Village as written"), _("Rows"), _("Village meant")])
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self._keys: list[str] = []

    def set_questions(self, questions: tuple[VillageQuestion, ...]) -> None:
        self.setRowCount(0)
        self._keys = []
        for question in questions:
            row = self.rowCount()
            self.insertRow(row)
            spelling = question.spelling
            if question.district:
                spelling += f" ({question.district})"
            self.setItem(row, 0, QTableWidgetItem(spelling))
            self.setItem(row, 1, QTableWidgetItem(str(question.rows)))
            combo = QComboBox(self)
            combo.addItem(_("(not sure: leave the rows out)"), None)
            for candidate in question.candidates:
                combo.addItem(f"{candidate.name} — {candidate.district_name}", candidate.code)
            self.setCellWidget(row, 2, combo)
            self._keys.append(question.key)
        self.resizeColumnToContents(0)

    def choose(self, row: int, code: str) -> None:
        combo: QComboBox = self.cellWidget(row, 2)
        combo.setCurrentIndex(combo.findData(code))

    def choices(self) -> dict[str, str]:
        """The answers given: spelling key → village code."""
        answers = {}
        for row, key in enumerate(self._keys):
            code = self.cellWidget(row, 2).currentData()
            if code:
                answers[key] = code
        return answers

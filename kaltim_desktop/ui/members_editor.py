# SPDX-License-Identifier: GPL-3.0-or-later
"""The members roster of the household form and the dialog that edits one member.

The NIK is checked while it is typed (domain.md §1.3): errors (wrong length, impossible date,
serial 0000...) keep the dialog open, warnings (old region code, a birth date or sex that
differs from the NIK) are shown and confirmed when the household is saved.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long
from kaltim_desktop.domain.names import validate_name
from kaltim_desktop.domain.nik import parse_nik
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.ui.household_fields import DateField, IssueLabel, fill_codes, select_code


class MemberDialog(QDialog):
    """Edit one member. Opened with ``open()``; read :meth:`value` after ``accepted``."""

    def __init__(self, parent: QWidget, family_kk: str | None, member: MemberInput | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Edit member") if member else _("Add member"))
        self._family_kk = family_kk
        self._person_id = member.person_id if member else None
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.name_issues = IssueLabel()
        self.nik = QLineEdit()
        self.nik.setMaxLength(24)
        self.nik.setPlaceholderText(_("16 digits"))
        self.nik_issues = IssueLabel()
        self.sex = QComboBox()
        fill_codes(self.sex, vocab.SEX)
        self.relation = QComboBox()
        fill_codes(self.relation, vocab.RELATION, empty=False)
        self.birth_place = QLineEdit()
        self.birth_date = DateField()
        self.education = QComboBox()
        fill_codes(self.education, vocab.EDUCATION)
        self.occupation = QLineEdit()
        self.disability = QComboBox()
        fill_codes(self.disability, vocab.DISABILITY)
        self.skills = QLineEdit()
        self.domicile_since = DateField()
        self.date_issues = IssueLabel()

        form = QFormLayout()
        form.addRow(_("Name (as on the KTP)"), self.name)
        form.addRow("", self.name_issues)
        form.addRow(_("NIK"), self.nik)
        form.addRow("", self.nik_issues)
        form.addRow(_("Sex"), self.sex)
        form.addRow(_("Relation to the head"), self.relation)
        form.addRow(_("Place of birth"), self.birth_place)
        form.addRow(_("Date of birth"), self.birth_date)
        form.addRow(_("Education"), self.education)
        form.addRow(_("Occupation"), self.occupation)
        form.addRow(_("Disability"), self.disability)
        form.addRow(_("Skills"), self.skills)
        form.addRow(_("Living in Kaltim since"), self.domicile_since)
        form.addRow("", self.date_issues)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

        if member is not None:
            self.name.setText(member.name)
            self.nik.setText(member.nik or "")
            select_code(self.sex, member.sex)
            select_code(self.relation, member.relation)
            self.birth_place.setText(member.birth_place or "")
            self.birth_date.set_value(member.birth_date)
            select_code(self.education, member.education)
            self.occupation.setText(member.occupation or "")
            select_code(self.disability, member.disability)
            self.skills.setText(member.skills or "")
            self.domicile_since.set_value(member.domicile_since)
        for widget in (self.nik, self.birth_date):
            widget.textChanged.connect(self.check_nik)
        self.sex.currentIndexChanged.connect(self.check_nik)
        if member is not None:
            self.check_nik()  # an edited member shows the warnings of its NIK at once
        self.name.setFocus()

    def _dates(self) -> tuple[list[Issue], date | None, date | None]:
        issues, values = [], []
        for field, widget in (
            ("birth_date", self.birth_date),
            ("domicile_since", self.domicile_since),
        ):
            try:
                values.append(widget.value())
            except ValueError:
                values.append(None)
                issues.append(
                    Issue(field, "date.invalid", "error", _("Type a real date as dd-mm-yyyy."))
                )
        return issues, values[0], values[1]

    def check_nik(self) -> tuple[Issue, ...]:
        """Check the NIK against the declared birth date and sex; show the result."""
        _issues, birth_date, _domicile = self._dates()
        if not self.nik.text().strip():
            self.nik_issues.show_issues([])
            return ()
        info = parse_nik(
            self.nik.text(),
            declared_birth_date=birth_date,
            declared_sex=self.sex.currentData(),
            family_kk=self._family_kk,
        )
        self.nik_issues.show_issues(info.issues)
        return info.issues

    def accept(self) -> None:
        """Close only when nothing blocks: errors keep the dialog open, warnings do not."""
        name_issues = [i for i in validate_name(self.name.text()) if i.is_error]
        self.name_issues.show_issues(name_issues)
        date_issues, _birth, _domicile = self._dates()
        self.date_issues.show_issues(date_issues)
        nik_errors = [i for i in self.check_nik() if i.is_error]
        if self.sex.currentData() is None:
            name_issues.append(Issue("sex", "member.sex", "error", _("Choose male or female.")))
            self.name_issues.show_issues(name_issues)
        if name_issues:
            (
                self.sex
                if self.sex.currentData() is None and self.name.text().strip()
                else self.name
            ).setFocus()
        elif nik_errors:
            self.nik.setFocus()
            self.nik.selectAll()
        elif date_issues:
            self.birth_date.setFocus()
        else:
            super().accept()

    def value(self) -> MemberInput:
        _issues, birth_date, domicile = self._dates()
        return MemberInput(
            name=self.name.text().strip(),
            sex=self.sex.currentData(),
            relation=self.relation.currentData(),
            nik=self.nik.text().strip() or None,
            birth_place=self.birth_place.text().strip() or None,
            birth_date=birth_date,
            education=self.education.currentData(),
            occupation=self.occupation.text().strip() or None,
            disability=self.disability.currentData(),
            skills=self.skills.text().strip() or None,
            domicile_since=domicile,
            person_id=self._person_id,
        )


class MembersEditor(QWidget):
    """The roster: a table of members with Add (Insert), Edit (Enter, F2), Remove (Delete)."""

    changed = Signal()

    def __init__(self, family_kk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._family_kk = family_kk  # a callable giving the form's current KK number
        self.members: list[MemberInput] = []
        self.dialog: MemberDialog | None = None
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Name"), _("NIK"), _("Relation to the head"), _("Sex"), _("Date of birth")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setAccessibleName(_("Members"))
        self.add_button = QPushButton(_("&Add member"))
        self.edit_button = QPushButton(_("&Edit member"))
        self.remove_button = QPushButton(_("Re&move member"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        self.table.activated.connect(lambda _index: self.edit())
        for key, slot in (("Ins", self.add), ("F2", self.edit), ("Del", self.remove)):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self._update_buttons()

    def set_members(self, members: list[MemberInput]) -> None:
        self.members = list(members)
        self._refresh()

    def add(self) -> None:
        first = not self.members
        self._open(None, relation="head" if first else "child")

    def edit(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.members):
            self._open(row)

    def remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.members):
            del self.members[row]
            self._refresh()
            self.table.selectRow(min(row, len(self.members) - 1))
            self.changed.emit()

    def _open(self, row: int | None, relation: str | None = None) -> None:
        member = self.members[row] if row is not None else None
        dialog = MemberDialog(self, self._family_kk(), member)
        if relation:
            select_code(dialog.relation, relation)
        dialog.accepted.connect(lambda: self._accepted(dialog, row))
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _accepted(self, dialog: MemberDialog, row: int | None) -> None:
        value = dialog.value()
        if row is None:
            self.members.append(value)
            row = len(self.members) - 1
        else:
            self.members[row] = replace(value, person_id=self.members[row].person_id)
        self._refresh()
        self.table.selectRow(row)
        self.changed.emit()

    def _closed(self) -> None:
        self.dialog = None
        # Back to the roster, ready for the next Insert or Enter.
        self.window().activateWindow()
        self.table.setFocus()

    def _refresh(self) -> None:
        self.table.setRowCount(len(self.members))
        for row, m in enumerate(self.members):
            values = (
                m.name,
                m.nik or "",
                _(vocab.RELATION.get(m.relation, m.relation)),
                _(vocab.SEX.get(m.sex, m.sex or "")) if m.sex else "",
                format_date_long(m.birth_date) if m.birth_date else "",
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = bool(self.members)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

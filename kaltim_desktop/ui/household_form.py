# SPDX-License-Identifier: GPL-3.0-or-later
"""The household form: address, family card, contact, DTSEN decile, members and house survey.

Saving (Ctrl+S) follows domain.md: errors block and are shown next to their fields; warnings
are listed and saved only when the officer confirms them; a new household whose members may
already be registered (same NIK, or the same name in the same village) raises a "possible
existing record" prompt first. The household id is chosen when the form opens and Save is
disabled while a save runs, so a second click updates the same record and never creates another.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain.nik import parse_kk
from kaltim_desktop.errors import Issue, ValidationError, WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.models import new_id
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput, check_household
from kaltim_desktop.services.household_views import HouseholdDetail, MemberRow
from kaltim_desktop.services.households import save_household
from kaltim_desktop.ui.assessment_panel import AssessmentPanel
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.household_fields import DateField, IssueLabel, int_or_none
from kaltim_desktop.ui.household_prompts import (
    ask_discard,
    duplicate_prompt,
    find_duplicates,
    issue_text,
    warnings_prompt,
)
from kaltim_desktop.ui.members_editor import MembersEditor
from kaltim_desktop.ui.region_picker import RegionPicker


def member_input(m: MemberRow) -> MemberInput:
    """A stored member as form input (keeping the person id, so saving updates the person)."""
    return MemberInput(
        name=m.name, sex=m.sex, relation=m.relation, nik=m.nik, birth_place=m.birth_place,
        birth_date=m.birth_date, education=m.education, occupation=m.occupation,
        disability=m.disability, skills=m.skills, domicile_since=m.domicile_since,
        person_id=m.person_id,
    )  # fmt: skip


def _degrees_e6(text: str) -> int | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    return int((Decimal(text) * 1_000_000).to_integral_value())


def _degrees_text(value: int | None) -> str:
    return "" if value is None else str(Decimal(value) / 1_000_000)


class HouseholdForm(QWidget):
    """Signals: saved(id) after each successful save; closed() when the officer leaves;
    open_existing(id) when the duplicate prompt sends the officer to an existing record."""

    saved = Signal(str)
    closed = Signal()
    open_existing = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.household_id = new_id()
        self.is_new = True
        self.dirty = False
        self.saving = False
        self.prompt: QMessageBox | None = None
        self._duplicates_cleared = False

        self.region = RegionPicker()
        self.rt = QLineEdit()
        self.rw = QLineEdit()
        for field in (self.rt, self.rw):
            field.setMaxLength(3)
            field.setMaximumWidth(70)
        self.hamlet = QLineEdit()
        self.street = QLineEdit()
        self.kk_number = QLineEdit()
        self.kk_number.setMaxLength(24)
        self.kk_number.setPlaceholderText(_("16 digits"))
        self.kk_issues = IssueLabel()
        self.kk_as_of = DateField()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("e.g. 0812-3456-7890"))
        self.gps_lat = QLineEdit()
        self.gps_lat.setPlaceholderText(_("latitude, e.g. -0.502106"))
        self.gps_lon = QLineEdit()
        self.gps_lon.setPlaceholderText(_("longitude, e.g. 117.153709"))
        self.dtsen_decile = QComboBox()
        self.dtsen_decile.addItem("—", None)
        for decile in range(1, 11):
            self.dtsen_decile.addItem(str(decile), decile)
        self.dtsen_as_of = DateField()
        self.members = MembersEditor(lambda: self.kk_number.text().strip() or None)
        self.house = AssessmentPanel()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.issues = IssueLabel()
        self.back_button = QPushButton(_("Back (Esc)"))
        self.save_button = QPushButton(_("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        address = QFormLayout()
        address.addRow(_("Region"), self.region)
        rt_rw = QHBoxLayout()
        rt_rw.addWidget(self.rt)
        rt_rw.addWidget(self.rw)
        rt_rw.addStretch(1)
        address.addRow(_("RT / RW"), rt_rw)
        address.addRow(_("Hamlet (dusun)"), self.hamlet)
        address.addRow(_("Street, house number"), self.street)
        card = QFormLayout()
        card.addRow(_("KK number"), self.kk_number)
        card.addRow("", self.kk_issues)
        card.addRow(_("Date of the KK copy"), self.kk_as_of)
        card.addRow(_("Phone"), self.phone)
        gps = QHBoxLayout()
        gps.addWidget(self.gps_lat)
        gps.addWidget(self.gps_lon)
        card.addRow(_("GPS"), gps)
        decile = QHBoxLayout()
        decile.addWidget(self.dtsen_decile)
        decile.addWidget(self.dtsen_as_of, 1)
        card.addRow(_("DTSEN decile, as of"), decile)
        top = QHBoxLayout()
        top.addWidget(_group(_("Address"), address), 1)
        top.addWidget(_group(_("Family card and contact"), card), 1)
        members = QVBoxLayout()
        members.addWidget(self.members)
        house = QVBoxLayout()
        house.addWidget(self.house)
        notes = QVBoxLayout()
        notes.addWidget(self.notes)
        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(top)
        body.addWidget(_group(_("Members"), members))
        body.addWidget(_group(_("House condition"), house))
        body.addWidget(_group(_("Notes"), notes))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        buttons = QHBoxLayout()
        buttons.addWidget(self.issues, 1)
        buttons.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.region)

    def _connect(self) -> None:
        for field in (self.rt, self.rw, self.hamlet, self.street, self.kk_number, self.kk_as_of,
                      self.phone, self.gps_lat, self.gps_lon, self.dtsen_as_of):  # fmt: skip
            field.textEdited.connect(self._edited)
        self.kk_number.textChanged.connect(self._check_kk)
        self.region.changed.connect(self._edited)
        self.dtsen_decile.currentIndexChanged.connect(self._edited)
        self.members.changed.connect(self._edited)
        self.house.changed.connect(self._edited)
        self.notes.textChanged.connect(self._edited)
        self.save_button.clicked.connect(self.save)
        self.back_button.clicked.connect(self.leave)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.leave)

    def _edited(self, *_args) -> None:
        self.dirty = True

    def _check_kk(self) -> None:
        text = self.kk_number.text().strip()
        niks = [m.nik or "" for m in self.members.members]
        self.kk_issues.show_issues(parse_kk(text, member_niks=niks).issues if text else ())

    # -- loading -----------------------------------------------------------------------------

    def load_new(self) -> None:
        """A blank form for a new household (with a fresh id)."""
        self._load(None)

    def load(self, detail: HouseholdDetail) -> None:
        self._load(detail)

    def _load(self, d: HouseholdDetail | None) -> None:
        self.household_id = d.id if d else new_id()
        self.is_new = d is None
        self._duplicates_cleared = d is not None
        self.region.set_code(d.village_code if d else None)
        self.rt.setText(str(d.rt) if d and d.rt else "")
        self.rw.setText(str(d.rw) if d and d.rw else "")
        self.hamlet.setText(d.hamlet or "" if d else "")
        self.street.setText(d.street or "" if d else "")
        self.kk_number.setText(d.kk_number or "" if d else "")
        self.kk_as_of.set_value(d.kk_as_of if d else None)
        self.phone.setText(d.phone or "" if d else "")
        self.gps_lat.setText(_degrees_text(d.gps_lat_e6) if d else "")
        self.gps_lon.setText(_degrees_text(d.gps_lon_e6) if d else "")
        self.dtsen_decile.setCurrentIndex(self.dtsen_decile.findData(d.dtsen_decile if d else None))
        self.dtsen_as_of.set_value(d.dtsen_as_of if d else None)
        members = [member_input(m) for m in (d.members if d else ())]
        self.members.set_members(members)
        self.house.set_assessment(d.assessment if d else None)
        self.notes.setPlainText(d.notes or "" if d else "")
        self.issues.show_issues([])
        self.dirty = False
        self.region.setFocus()

    # -- reading the form --------------------------------------------------------------------

    def value(self) -> HouseholdInput:
        """The form as service input.

        Raises:
            ValidationError: a date or number cannot be read at all.
        """
        problems = []
        dates = {}
        for name, field in (("kk_as_of", self.kk_as_of), ("dtsen_as_of", self.dtsen_as_of),
                            ("house_assessed_on", self.house.assessed_on)):  # fmt: skip
            try:
                dates[name] = field.value()
            except ValueError:
                problems.append(
                    Issue(name, "date.invalid", "error", _("Type a real date as dd-mm-yyyy."))
                )
        try:
            lat, lon = _degrees_e6(self.gps_lat.text()), _degrees_e6(self.gps_lon.text())
        except InvalidOperation:
            lat = lon = None
            problems.append(
                Issue("gps", "gps.invalid", "error", _("These are not valid GPS coordinates."))
            )
        for name, field in (("rt", self.rt), ("rw", self.rw)):
            if field.text().strip() and not field.text().strip().isdigit():
                problems.append(
                    Issue(name, "address.rt_rw", "error", _("RT and RW are numbers from 1 to 999."))
                )
        if problems:
            raise ValidationError(problems)
        house = self.house.condition() if self.house.modified else None
        return HouseholdInput(
            id=self.household_id,
            village_code=self.region.village_code() or "",
            members=tuple(self.members.members),
            kk_number=self.kk_number.text().strip() or None,
            kk_as_of=dates["kk_as_of"],
            rt=int_or_none(self.rt),
            rw=int_or_none(self.rw),
            hamlet=self.hamlet.text().strip() or None,
            street=self.street.text().strip() or None,
            phone=self.phone.text().strip() or None,
            gps_lat_e6=lat,
            gps_lon_e6=lon,
            dtsen_decile=self.dtsen_decile.currentData(),
            dtsen_as_of=dates["dtsen_as_of"],
            notes=self.notes.toPlainText().strip() or None,
            house=house,
            house_assessed_on=dates["house_assessed_on"] if house else None,
        )

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        """Check, ask what must be asked, then save off the GUI thread."""
        if self.saving:
            return
        try:
            data = self.value()
        except ValidationError as exc:
            self._blocked(exc.issues)
            return
        cleaned = check_household(data, date.today())
        if any(i.is_error for i in cleaned.issues):
            self._blocked(cleaned.issues)
            return
        self.issues.show_issues(cleaned.issues)
        self._set_saving(True)
        if self.is_new and not self._duplicates_cleared:
            self.ui.runner.run(
                lambda _p: find_duplicates(self.ui.db, data),
                title=_("Looking for existing records"),
                on_done=lambda found: self._after_duplicates(data, cleaned.issues, found),
                on_error=self._failed,
                parent=self,
                progress_dialog=False,
            )
        else:
            self._after_duplicates(data, cleaned.issues, [])

    def _after_duplicates(self, data, warnings, found) -> None:
        if found:
            self.prompt = duplicate_prompt(self, found)
            self.prompt.finished.connect(lambda _r: self._duplicate_answer(data, warnings, found))
            self.prompt.open()
            return
        self._confirm_then_save(data, warnings)

    def _duplicate_answer(self, data, warnings, found) -> None:
        role = self.prompt.property("answer")
        self.prompt = None
        if role == "save":
            self._duplicates_cleared = True
            self._confirm_then_save(data, warnings)
        else:
            self._set_saving(False)
            if role == "open":
                self.open_existing.emit(found[0].id)

    def _confirm_then_save(self, data, warnings) -> None:
        if not warnings:
            self._write(data, confirm=False)
            return
        self.prompt = warnings_prompt(self, warnings, self.members.members)
        self.prompt.finished.connect(lambda _r: self._warnings_answer(data))
        self.prompt.open()

    def _warnings_answer(self, data) -> None:
        confirmed = self.prompt.property("answer") == "save"
        self.prompt = None
        if confirmed:
            self._write(data, confirm=True)
        else:
            self._set_saving(False)

    def _write(self, data: HouseholdInput, *, confirm: bool) -> None:
        db, actor = self.ui.db, self.ui.actor
        self.ui.runner.run(
            lambda _p: save_household(db, actor, data, confirm_warnings=confirm),
            title=_("Saving the household"),
            on_done=self._saved,
            on_error=lambda exc: self._save_failed(data, exc),
            parent=self,
        )

    def _save_failed(self, data: HouseholdInput, exc: BaseException) -> None:
        if isinstance(exc, WarningsNotConfirmed):
            # Warnings only the database can find (a NIK registered for another person).
            self.issues.show_issues(exc.issues)
            self._confirm_then_save(data, list(exc.issues))
        elif isinstance(exc, ValidationError):
            self._blocked(exc.issues)
        else:
            self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        self.ui.errors.show(self, exc)

    def _saved(self, detail: HouseholdDetail) -> None:
        self._set_saving(False)
        self.is_new = False
        self.dirty = False
        self.house.modified = False
        self.members.set_members([member_input(m) for m in detail.members])
        self.issues.show_issues([])
        self.issues.setText(_("Saved."))
        self.issues.show()
        self.ui.events.data_changed.emit("household")
        self.saved.emit(detail.id)

    def _blocked(self, issues) -> None:
        self._set_saving(False)
        errors = [i for i in issues if i.is_error] or list(issues)
        self.issues.show_issues(
            [
                Issue(i.field, i.code, i.severity, issue_text(i, self.members.members))
                for i in errors
            ]
        )
        self._focus_field(errors[0].field)

    def _focus_field(self, field: str) -> None:
        widgets = {
            "village_code": self.region, "rt": self.rt, "rw": self.rw, "kk_number": self.kk_number,
            "kk_as_of": self.kk_as_of, "phone": self.phone, "gps": self.gps_lat,
            "dtsen_decile": self.dtsen_decile, "dtsen_as_of": self.dtsen_as_of,
            "house_assessed_on": self.house.assessed_on,
        }  # fmt: skip
        if field.startswith("members"):
            self.members.table.setFocus()
            index = field[len("members[") :].split("]")[0] if field.startswith("members[") else ""
            if index.isdigit():
                self.members.table.selectRow(int(index))
            return
        widget = widgets.get(field) or self.house.combos.get(field)
        (widget or self.region).setFocus()

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(not saving)

    # -- leaving -----------------------------------------------------------------------------

    def confirm_leave(self) -> bool:
        """True when there is nothing unsaved, or the officer chose to discard it."""
        if self.saving:
            return False
        return not self.dirty or ask_discard(self)

    def leave(self) -> None:
        if self.members.dialog is not None or self.prompt is not None:
            return
        if self.confirm_leave():
            self.dirty = False
            self.closed.emit()


def _group(title: str, layout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box

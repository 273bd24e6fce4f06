# SPDX-License-Identifier: GPL-3.0-or-later
"""The household form: address, family card, contact, DTSEN decile, members and house survey.

Saving (Ctrl+S) follows domain.md: errors block and are shown next to their fields; warnings
are listed and saved only when the officer confirms them; a new household whose members may
already be registered (same NIK, or the same name in the same village) raises a "possible
existing record" prompt first. The household id is chosen when the form opens and Save is
disabled while a save runs, so a second click updates the same record and never creates another.
"""

from __future__ import annotations

import itertools
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain.nik import parse_kk
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import new_id
from kaltim_desktop.services.household_rules import HouseholdInput
from kaltim_desktop.services.household_views import HouseholdDetail
from kaltim_desktop.ui.assessment_panel import AssessmentPanel
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.household_fields import DateField, IssueLabel, int_or_none
from kaltim_desktop.ui.household_photos import HouseholdPhotos
from kaltim_desktop.ui.household_prompts import ask_discard
from kaltim_desktop.ui.household_saving import SaveFlow, member_input
from kaltim_desktop.ui.members_editor import MembersEditor
from kaltim_desktop.ui.region_picker import RegionPicker


def _degrees_e6(text: str) -> int | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    return int((Decimal(text) * 1_000_000).to_integral_value())


def _degrees_text(value: int | None) -> str:
    return "" if value is None else str(Decimal(value) / 1_000_000)


class HouseholdForm(SaveFlow, QWidget):
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
        self.gps_lat.setPlaceholderText(_("latitude"))
        self.gps_lon = QLineEdit()
        self.gps_lon.setPlaceholderText(_("longitude"))
        for field in (self.gps_lat, self.gps_lon):
            field.setToolTip(_("Decimal degrees, e.g. -0.502106 and 117.153709"))
        self.dtsen_decile = QComboBox()
        self.dtsen_decile.addItem("—", None)
        for decile in range(1, 11):
            self.dtsen_decile.addItem(str(decile), decile)
        self.dtsen_as_of = DateField()
        self.members = MembersEditor(lambda: self.kk_number.text().strip() or None)
        self.house = AssessmentPanel()
        self.photos = HouseholdPhotos(ui)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.issues = IssueLabel()
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
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
        top.addWidget(_group(_("Address"), address), 3)
        top.addWidget(_group(_("Family card and contact"), card), 2)
        members = QVBoxLayout()
        members.addWidget(self.members)
        house = QVBoxLayout()
        house.addWidget(self.house)
        photos = QVBoxLayout()
        photos.addWidget(self.photos)
        notes = QVBoxLayout()
        notes.addWidget(self.notes)
        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(top)
        body.addWidget(_group(_("Members"), members))
        body.addWidget(_group(_("House condition"), house))
        body.addWidget(_group(_("Photos of the house"), photos))
        body.addWidget(_group(_("Notes"), notes))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        buttons = QHBoxLayout()
        buttons.addWidget(self.issues, 1)
        buttons.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        policy = self.issues.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the buttons keep their size when it is empty
        self.issues.setSizePolicy(policy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.region)
        self._tab_order()

    def _tab_order(self) -> None:
        """Tab walks the form top to bottom, left column before right, as it reads."""
        chain = [
            self.region.regency, self.region.district, self.region.village, self.rt, self.rw,
            self.hamlet, self.street, self.kk_number, self.kk_as_of, self.phone, self.gps_lat,
            self.gps_lon, self.dtsen_decile, self.dtsen_as_of, self.members.table,
            self.members.add_button, self.members.edit_button, self.members.remove_button,
            *self.house.focus_chain(), *self.photos.focus_chain(), self.notes, self.back_button,
            self.save_button,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

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
        self.heading.setText(
            _("Edit household: {name}").format(name=d.head_name or "—") if d else _("New household")
        )
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
        self.photos.set_household(self.household_id, saved=d is not None)
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
        if self.members.dialog is not None or self.prompt is not None or self.photos.prompt:
            return
        if self.confirm_leave():
            self.dirty = False
            self.closed.emit()


def _group(title: str, layout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box

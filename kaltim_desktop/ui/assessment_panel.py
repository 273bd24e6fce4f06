# SPDX-License-Identifier: GPL-3.0-or-later
"""The house-condition survey of the household form, with the verdict computed as it is typed.

The verdict (domain.md §3.1) is advice for the officer, computed by
:func:`~kaltim_desktop.domain.rtlh.assess` from the fields, never typed; the service computes it
again when it stores the assessment.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long
from kaltim_desktop.domain.rtlh import HouseCondition, assess
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_views import AssessmentRow
from kaltim_desktop.ui.household_fields import (
    ERROR_COLOUR,
    DateField,
    fill_codes,
    int_or_none,
    select_code,
)

_AREA = re.compile(r"^\s*(\d{1,5})(?:[.,](\d{1,2}))?\s*$")
_YES_NO = {"yes": True, "no": False}

# (field, vocabulary) in survey order; None: a yes/no question.
_CHOICES = (
    ("roof_material", vocab.ROOF_MATERIAL),
    ("roof_condition", vocab.CONDITION),
    ("wall_material", vocab.WALL_MATERIAL),
    ("wall_condition", vocab.CONDITION),
    ("floor_material", vocab.FLOOR_MATERIAL),
    ("floor_condition", vocab.CONDITION),
    ("structure_condition", vocab.CONDITION),
    ("toilet", vocab.TOILET),
    ("toilet_gooseneck", None),
    ("septic_tank", None),
    ("water_source", vocab.WATER_SOURCE),
    ("electricity", vocab.ELECTRICITY),
)


def area_dm2(text: str) -> int | None:
    """``"45"`` → 4500, ``"7,2"`` → 720 (square metres with an optional decimal comma)."""
    match = _AREA.match(text)
    if not match:
        return None
    whole, fraction = match.groups()
    return int(whole) * 100 + int((fraction or "0").ljust(2, "0"))


def area_text(dm2: int | None) -> str:
    if dm2 is None:
        return ""
    whole, rest = divmod(dm2, 100)
    return str(whole) if not rest else f"{whole},{rest:02d}".rstrip("0")


class AssessmentPanel(QWidget):
    """Signals: changed() on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modified = False
        self.assessed_on = DateField()
        self.assessed_on.set_value(date.today())
        self.floor_area = QLineEdit()
        self.floor_area.setPlaceholderText(_("m², e.g. 36 or 42,5"))
        self.occupants = QLineEdit()
        self.occupants.setMaxLength(3)
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        entries: list[tuple[str, QWidget]] = [
            (_("Surveyed on"), self.assessed_on),
            (_("Floor area (m²)"), self.floor_area),
            (_("Occupants"), self.occupants),
        ]
        labels = _choice_labels()
        for name, vocabulary in _CHOICES:
            combo = QComboBox()
            if vocabulary is None:
                combo.addItem("—", None)
                combo.addItem(_("Yes"), "yes")
                combo.addItem(_("No"), "no")
            else:
                fill_codes(combo, vocabulary)
            combo.currentIndexChanged.connect(self._edited)
            self.combos[name] = combo
            entries.append((labels[name], combo))
        half = (len(entries) + 1) // 2
        for index, (label, widget) in enumerate(entries):
            column = 0 if index < half else 2
            row = index if index < half else index - half
            text = QLabel(label)
            text.setBuddy(widget)
            grid.addWidget(text, row, column)
            grid.addWidget(widget, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setObjectName("verdict")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.verdict)
        for field in (self.floor_area, self.occupants, self.assessed_on):
            field.textEdited.connect(self._edited)
        self._show_verdict()

    def focus_chain(self) -> list[QWidget]:
        """The fields in reading order (the grid fills the left column first)."""
        return [self.assessed_on, self.floor_area, self.occupants, *self.combos.values()]

    def _edited(self, *_args) -> None:
        self.modified = True
        self._show_verdict()
        self.changed.emit()

    def condition(self) -> HouseCondition | None:
        """The condition typed so far; None when nothing was recorded."""
        values = {}
        for name, combo in self.combos.items():
            code = combo.currentData()
            values[name] = (
                _YES_NO.get(code, code) if name in ("toilet_gooseneck", "septic_tank") else code
            )
        values["floor_area_dm2"] = area_dm2(self.floor_area.text())
        values["occupants"] = int_or_none(self.occupants)
        if all(v is None for v in values.values()):
            return None
        return HouseCondition(**values)

    def set_assessment(self, row: AssessmentRow | None) -> None:
        """Show a stored assessment (or a blank survey) without marking the panel modified."""
        condition = row.condition if row else HouseCondition()
        for name, combo in self.combos.items():
            value = getattr(condition, name)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            combo.blockSignals(True)
            select_code(combo, value)
            combo.blockSignals(False)
        self.floor_area.setText(area_text(condition.floor_area_dm2))
        self.occupants.setText(str(condition.occupants) if condition.occupants else "")
        self.assessed_on.set_value(row.assessed_on if row else date.today())
        self.modified = False
        self._show_verdict(row.assessed_on if row else None)

    def _show_verdict(self, stored_on: date | None = None) -> None:
        condition = self.condition()
        if condition is None:
            self.verdict.setText(_("No house survey recorded yet."))
            return
        verdict = assess(condition)
        if verdict.decent is True:
            head = '<b style="color:#1b6e20">' + _("Decent house (layak huni)") + "</b>"
        elif verdict.decent is False:
            head = f'<b style="color:{ERROR_COLOUR}">' + _("Not decent (RTLH)") + "</b>"
        else:
            head = "<b>" + _("Verdict incomplete: some fields are missing") + "</b>"
        if stored_on is not None:
            head += " — " + _("surveyed on {date}").format(date=format_date_long(stored_on))
        reasons = "".join(f"<li>{r.message}</li>" for r in verdict.reasons)
        self.verdict.setText(head + (f"<ul>{reasons}</ul>" if reasons else ""))


def _choice_labels() -> dict[str, str]:
    # Written out so that the extractor finds every label.
    return {
        "roof_material": _("Roof material"),
        "roof_condition": _("Roof condition"),
        "wall_material": _("Wall material"),
        "wall_condition": _("Wall condition"),
        "floor_material": _("Floor material"),
        "floor_condition": _("Floor condition"),
        "structure_condition": _("Structure (foundation, columns, beams)"),
        "toilet": _("Toilet"),
        "toilet_gooseneck": _("Gooseneck bowl (leher angsa)"),
        "septic_tank": _("Septic tank"),
        "water_source": _("Drinking water"),
        "electricity": _("Electricity"),
    }

# SPDX-License-Identifier: GPL-3.0-or-later
"""The questions the household form asks: possible existing record, warnings to confirm,
unsaved changes. Boxes are opened with ``open()`` and report the button chosen in their
``answer`` property, so tests can answer them without a nested event loop."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QMessageBox, QWidget

from kaltim_desktop.db import Database
from kaltim_desktop.domain.formatting import format_rt_rw
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput
from kaltim_desktop.services.search import HouseholdSummary, find_possible_duplicates

_MEMBER_FIELD = re.compile(r"^members\[(\d+)\](?:\.(\w+))?$")


def find_duplicates(db: Database, data: HouseholdInput) -> list[HouseholdSummary]:
    """Other households that may already hold one of the members (runs on a worker)."""
    found: dict[str, HouseholdSummary] = {}
    for member in data.members:
        for summary in find_possible_duplicates(
            db, member.nik, member.name, data.village_code, exclude_household=data.id
        ):
            found.setdefault(summary.id, summary)
    return list(found.values())


def _field_labels() -> dict[str, str]:
    return {
        "village_code": _("Village"),
        "rt": _("RT"),
        "rw": _("RW"),
        "kk_number": _("KK number"),
        "kk_as_of": _("Date of the KK copy"),
        "phone": _("Phone"),
        "gps": _("GPS"),
        "dtsen_decile": _("DTSEN decile"),
        "dtsen_as_of": _("DTSEN period"),
        "members": _("Members"),
        "nik": _("NIK"),
        "name": _("Name"),
        "sex": _("Sex"),
        "relation": _("Relation to the head"),
        "birth_date": _("Date of birth"),
        "domicile_since": _("Living in Kaltim since"),
        "house_assessed_on": _("Surveyed on"),
    }


def issue_text(issue: Issue, members: list[MemberInput]) -> str:
    """The issue's message prefixed with the field it concerns ("Member 2 (Siti), NIK: ...")."""
    labels = _field_labels()
    match = _MEMBER_FIELD.match(issue.field)
    if match:
        index = int(match.group(1))
        name = members[index].name if index < len(members) else ""
        where = _("Member {number} ({name})").format(number=index + 1, name=name)
        if match.group(2):
            where += ", " + labels.get(match.group(2), match.group(2))
    else:
        where = labels.get(issue.field, _("House condition"))
    return f"{where}: {issue.message}"


def _box(parent: QWidget, icon, title: str, text: str, details: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    box.buttonClicked.connect(lambda button: box.setProperty("answer", button.property("answer")))
    return box


def _button(box: QMessageBox, text: str, role, answer: str):
    button = box.addButton(text, role)
    button.setProperty("answer", answer)
    return button


def duplicate_prompt(parent: QWidget, found: list[HouseholdSummary]) -> QMessageBox:
    """ "This person may already be registered": open the existing record, save anyway, or
    go back. Answers: ``"open"``, ``"save"``, None."""
    lines = []
    for h in found[:8]:
        place = ", ".join(
            p for p in (format_rt_rw(h.rt, h.rw), h.village_name, h.district_name) if p
        )
        nik = _(" — NIK {nik}").format(nik=h.matched_nik_masked) if h.matched_nik_masked else ""
        lines.append(f"• {h.head_name or '—'} — {place}{nik}")
    box = _box(
        parent,
        QMessageBox.Icon.Question,
        _("Possible existing record"),
        _("A member of this household may already be registered:"),
        "\n".join(lines)
        + "\n\n"
        + _("Open the existing record to update it, or save this household as a new one."),
    )
    default = _button(box, _("Open existing record"), QMessageBox.ButtonRole.AcceptRole, "open")
    _button(box, _("Save as new household"), QMessageBox.ButtonRole.DestructiveRole, "save")
    _button(box, _("Back to the form"), QMessageBox.ButtonRole.RejectRole, "back")
    box.setDefaultButton(default)
    return box


def warnings_prompt(parent: QWidget, warnings: list[Issue], members=()) -> QMessageBox:
    """The warnings found, to be confirmed. Answers: ``"save"`` or ``"back"``/None."""
    text = "\n".join(f"• {issue_text(w, list(members))}" for w in warnings)
    box = _box(
        parent,
        QMessageBox.Icon.Warning,
        _("Please check"),
        _("Saving is possible, but please check these points first:"),
        text,
    )
    back = _button(box, _("Back to the form"), QMessageBox.ButtonRole.RejectRole, "back")
    _button(box, _("Checked, save anyway"), QMessageBox.ButtonRole.AcceptRole, "save")
    box.setDefaultButton(back)
    return box


def ask_discard(parent: QWidget) -> bool:
    """Ask whether unsaved changes may be thrown away (blocking: called from confirm_leave)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Unsaved changes"))
    box.setText(_("This household has unsaved changes. Discard them?"))
    discard = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is discard

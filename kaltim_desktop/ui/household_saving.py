# SPDX-License-Identifier: GPL-3.0-or-later
"""How the household form saves: check, ask, write.

1. Fields that cannot be read at all (a date like 31-02-2024) and the rules of
   :func:`~kaltim_desktop.services.household_rules.check_household` run first: errors block,
   are listed and the focus goes to the first one.
2. A new household is compared with the register (same NIK anywhere, same name in the same
   village): a possible existing record is offered before anything is written.
3. Warnings are listed and saved only when the officer confirms them; the database may add its
   own (a NIK registered for another person), which are confirmed the same way.
4. The write runs off the GUI thread with Save disabled; the form keeps the id it chose, so
   saving again updates the same record.
"""

from __future__ import annotations

from datetime import date

from kaltim_desktop.errors import Issue, ValidationError, WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput, check_household
from kaltim_desktop.services.household_views import HouseholdDetail, MemberRow
from kaltim_desktop.services.households import save_household
from kaltim_desktop.ui.household_prompts import (
    duplicate_prompt,
    find_duplicates,
    issue_text,
    warnings_prompt,
)


def member_input(m: MemberRow) -> MemberInput:
    """A stored member as form input (keeping the person id, so saving updates the person)."""
    return MemberInput(
        name=m.name, sex=m.sex, relation=m.relation, nik=m.nik, birth_place=m.birth_place,
        birth_date=m.birth_date, education=m.education, occupation=m.occupation,
        disability=m.disability, skills=m.skills, domicile_since=m.domicile_since,
        person_id=m.person_id,
    )  # fmt: skip


class SaveFlow:
    """The save steps of :class:`~kaltim_desktop.ui.household_form.HouseholdForm`."""

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
        self.window().activateWindow()
        if role == "save":
            self._duplicates_cleared = True
            self._confirm_then_save(data, warnings)
        else:
            self._set_saving(False)
            if role == "open":
                self.open_existing.emit(found[0].id)
            else:
                self.save_button.setFocus()

    def _confirm_then_save(self, data, warnings) -> None:
        if not warnings:
            self._write(data, confirm=False)
            return
        self.prompt = warnings_prompt(self, warnings, self.members.members)
        self.prompt.finished.connect(lambda _r: self._warnings_answer(data, warnings))
        self.prompt.open()

    def _warnings_answer(self, data, warnings) -> None:
        confirmed = self.prompt.property("answer") == "save"
        self.prompt = None
        self.window().activateWindow()
        if confirmed:
            self._write(data, confirm=True)
        else:
            self._set_saving(False)
            self._focus_field(warnings[0].field)  # back to the first point to check

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
        self.photos.set_household(detail.id, saved=True)  # photos can be added from now on
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

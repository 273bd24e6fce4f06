# SPDX-License-Identifier: GPL-3.0-or-later
"""The dialogs of the training screen: a new training, enrolling members of a household, and
recording that a participant completed the training."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QSpinBox, QWidget

from kaltim_desktop.domain import vocab
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_views import HouseholdDetail
from kaltim_desktop.services.installation import read_settings
from kaltim_desktop.services.training_rules import MAX_HOURS
from kaltim_desktop.services.trainings import (
    ParticipantRow,
    TrainingInput,
    TrainingRow,
    complete_enrolment,
    create_training,
    enrol,
)
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.member_picker import HouseholdPicker, member_label
from kaltim_desktop.ui.pages.programme_widgets import (
    ServiceDialog,
    date_of,
    make_date_edit,
    regency_combo,
    select_data,
    vocab_combo,
)

# The agencies that run trainings (Pergub Kaltim 3/2025 and the RLH programme).
TRAINING_AGENCIES = ("disperindagkop", "dinsos", "disnakertrans")


class NewTrainingDialog(ServiceDialog):
    """Create a training."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, _("New training"), parent)
        self.setMinimumWidth(600)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("e.g. Pelatihan Pengolahan Pangan Angkatan 1"))
        self.category = vocab_combo(vocab.SKILL_CATEGORY)
        self.agency = vocab_combo({k: vocab.AGENCY[k] for k in TRAINING_AGENCIES})
        self.start = make_date_edit()
        self.end = make_date_edit()
        self.place = QLineEdit()
        self.trainer = QLineEdit()
        self.hours = QSpinBox()
        self.hours.setRange(0, MAX_HOURS)
        self.hours.setSpecialValueText(_("not recorded"))
        self.regency = regency_combo(_("(choose the regency or city)"))
        self.form.addRow(_("&Title:"), self.title_edit)
        self.form.addRow(_("&Skill:"), self.category)
        self.form.addRow(_("&Agency:"), self.agency)
        self.form.addRow(_("&Starts on:"), self.start)
        self.form.addRow(_("&Ends on:"), self.end)
        self.form.addRow(_("&Place:"), self.place)
        self.form.addRow(_("T&rainer:"), self.trainer)
        self.form.addRow(_("&Hours (JP):"), self.hours)
        self.form.addRow(_("Re&gency/city:"), self.regency)
        self.finish_layout()
        # Most trainings take place in the laptop's own regency: start from it.
        ui.runner.run(
            lambda _progress: read_settings(ui.db).regency_code,
            title=_("New training"),
            on_done=lambda code: select_data(self.regency, code) if code else None,
            parent=self,
            progress_dialog=False,
        )
        self.title_edit.setFocus()

    def work(self):
        data = TrainingInput(
            title=self.title_edit.text(),
            skill_category=self.category.currentData(),
            agency=self.agency.currentData(),
            start_date=date_of(self.start),
            end_date=date_of(self.end),
            place=self.place.text(),
            trainer=self.trainer.text(),
            hours=self.hours.value() or None,
            regency_code=self.regency.currentData(),
        )
        db, actor = self.ui.db, self.ui.actor
        return lambda _confirm: create_training(db, actor, data)


class EnrolDialog(ServiceDialog):
    """Enrol one or more members of a household; age warnings are asked once for all."""

    def __init__(self, ui: UiContext, training: TrainingRow, parent: QWidget | None = None):
        super().__init__(ui, _("Enrol participants"), parent)
        self.training = training
        self.setMinimumWidth(640)
        self.form.addRow(_("Training:"), QLabel(training.title))
        self.picker = HouseholdPicker(ui)
        self.members = QListWidget()
        self.members.setMinimumHeight(110)
        self.form.addRow(_("&Household:"), self.picker)
        self.form.addRow(_("&Members:"), self.members)
        self.ok_button.setText(_("Enrol"))
        self.finish_layout()
        self.picker.household_changed.connect(self._on_household)
        self.picker.setFocus()

    def _on_household(self, detail: HouseholdDetail) -> None:
        self.members.clear()
        for member in detail.members:
            item = QListWidgetItem(member_label(member))
            item.setData(Qt.ItemDataRole.UserRole, member.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.members.addItem(item)
        if self.members.count():
            self.members.setCurrentRow(0)

    def chosen(self) -> list[str]:
        return [
            self.members.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.members.count())
            if self.members.item(i).checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        if not self.chosen():
            self.picker.status.setText(_("Tick the members to enrol (Space ticks)."))
            self.members.setFocus()
            return
        super().accept()

    def work(self):
        db, actor, training_id, people = self.ui.db, self.ui.actor, self.training.id, self.chosen()

        def call(confirm: bool):
            # Enrolling is idempotent, so going through the list again after a confirmation
            # leaves the members enrolled before the warning unchanged.
            return [enrol(db, actor, training_id, p, confirm_warnings=confirm) for p in people]

        return call


class CompleteDialog(ServiceDialog):
    """Record that a participant completed the training."""

    def __init__(
        self,
        ui: UiContext,
        training: TrainingRow,
        participant: ParticipantRow,
        parent: QWidget | None = None,
    ):
        super().__init__(ui, _("Training completed"), parent)
        self.participant = participant
        self.setMinimumWidth(480)
        self.form.addRow(_("Participant:"), QLabel(participant.name))
        self.on = make_date_edit(min(training.end_date, date.today()), latest=date.today())
        self.form.addRow(_("&Completed on:"), self.on)
        self.finish_layout()
        self.on.setFocus()

    def work(self):
        db, actor, enrolment, on = (
            self.ui.db,
            self.ui.actor,
            self.participant.enrolment_id,
            date_of(self.on),
        )
        return lambda _confirm: complete_enrolment(db, actor, enrolment, on)

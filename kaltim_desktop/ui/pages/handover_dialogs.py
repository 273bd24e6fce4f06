# SPDX-License-Identifier: GPL-3.0-or-later
"""The dialogs of the house handover screen: record a surveyed house, move it to its next
stage (with the BAST data at the handover), cancel it with a reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit, QWidget

from kaltim_desktop.domain import vocab
from kaltim_desktop.i18n import _
from kaltim_desktop.services.handover_rules import LIFECYCLE, HandoverInput, stage_label
from kaltim_desktop.services.handovers import (
    HandoverRow,
    advance_handover,
    cancel_handover,
    create_handover,
)
from kaltim_desktop.services.household_views import HouseholdDetail, get_household
from kaltim_desktop.services.programme_lists import handover_parties
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.member_picker import HouseholdPicker, member_label
from kaltim_desktop.ui.pages.programme_widgets import (
    MoneyEdit,
    ServiceDialog,
    date_of,
    make_date_edit,
    vocab_combo,
)

TYPICAL_COST = 115_000_000  # Rp115 juta per unit (domain.md §3.2)


def fill_members(combo: QComboBox, detail: HouseholdDetail | None, none_label: str) -> None:
    combo.clear()
    combo.addItem(none_label, None)
    for member in detail.members if detail else ():
        combo.addItem(member_label(member), member.person_id)


def next_stage(stage: str) -> str | None:
    """The stage after ``stage`` in the lifecycle, None at the end or when cancelled."""
    if stage not in LIFECYCLE or stage == LIFECYCLE[-1]:
        return None
    return LIFECYCLE[LIFECYCLE.index(stage) + 1]


class NewHandoverDialog(ServiceDialog):
    """Record a house-aid candidate as surveyed."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, _("New house handover"), parent)
        self.setMinimumWidth(640)
        self.picker = HouseholdPicker(ui)
        self.recipient = QComboBox()
        fill_members(self.recipient, None, _("(choose later)"))
        self.funder = QLineEdit()
        self.funder.setPlaceholderText(_("CSR company, e.g. PT ..."))
        self.partner = QLineEdit()
        self.partner.setPlaceholderText(_("e.g. Kodim 0901/Samarinda"))
        self.house_type = vocab_combo(vocab.HOUSE_TYPE)
        self.cost = MoneyEdit(TYPICAL_COST)
        self.surveyed_on = make_date_edit(latest=date.today())
        self.first_party_name = QLineEdit()
        self.first_party_nip = QLineEdit()
        # 18 digits, spaces allowed between the groups as printed on a decree.
        self.first_party_nip.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9 ]{0,24}"))
        )
        self.first_party_position = QLineEdit()
        self.partner_signatory = QLineEdit()
        self.form.addRow(_("&Household:"), self.picker)
        self.form.addRow(_("&Recipient:"), self.recipient)
        self.form.addRow(_("&Funder (CSR):"), self.funder)
        self.form.addRow(_("&Building partner:"), self.partner)
        self.form.addRow(_("House &type:"), self.house_type)
        self.form.addRow(_("&Cost (Rp):"), self.cost)
        self.form.addRow(_("&Surveyed on:"), self.surveyed_on)
        signatories = QLabel(_("BAST signatories (can be completed later)"))
        signatories.setStyleSheet("font-weight: bold; margin-top: 6px;")
        self.form.addRow(signatories)
        self.form.addRow(_("First party &name:"), self.first_party_name)
        self.form.addRow(_("First party NI&P:"), self.first_party_nip)
        self.form.addRow(_("First party &position:"), self.first_party_position)
        self.form.addRow(_("Building partner si&gnatory:"), self.partner_signatory)
        self.finish_layout()
        self.picker.household_changed.connect(
            lambda detail: fill_members(self.recipient, detail, _("(choose later)"))
        )
        ui.runner.run(
            lambda _progress: handover_parties(ui.db),
            title=_("Loading the house handovers"),
            on_done=self._on_parties,
            parent=self,
            progress_dialog=False,
        )
        self.picker.setFocus()

    def _on_parties(self, parties: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
        for edit, names in zip((self.funder, self.partner), parties, strict=True):
            completer = QCompleter(list(names), edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)

    def work(self):
        detail = self.picker.detail
        data = HandoverInput(
            household_id=detail.id if detail else "",
            funder=self.funder.text(),
            building_partner=self.partner.text(),
            house_type=self.house_type.currentData(),
            cost_rupiah=self.cost.value() if self.cost.value() is not None else -1,
            surveyed_on=date_of(self.surveyed_on),
            recipient_person_id=self.recipient.currentData(),
            first_party_name=self.first_party_name.text(),
            first_party_nip=self.first_party_nip.text(),
            first_party_position=self.first_party_position.text(),
            partner_signatory=self.partner_signatory.text(),
        )
        db, actor = self.ui.db, self.ui.actor
        return lambda confirm: create_handover(db, actor, data, confirm_warnings=confirm)

    def accept(self) -> None:
        if self.picker.detail is None:
            self.picker.status.setText(_("Search for the household and choose it first."))
            self.picker.setFocus()
            return
        super().accept()


class AdvanceDialog(ServiceDialog):
    """Move a handover to its next stage; the handover itself asks for the recipient and BAST."""

    def __init__(self, ui: UiContext, handover: HandoverRow, parent: QWidget | None = None):
        self.handover = handover
        self.stage = next_stage(handover.stage) or ""
        super().__init__(ui, _("Next stage: {stage}").format(stage=stage_label(self.stage)), parent)
        self.setMinimumWidth(520)
        self.form.addRow(_("Current stage:"), QLabel(stage_label(handover.stage)))
        self.form.addRow(_("New stage:"), QLabel(stage_label(self.stage)))
        self.on = make_date_edit(latest=date.today())
        self.form.addRow(_("&Date:"), self.on)
        self.recipient = QComboBox()
        self.bast_number = QLineEdit(handover.bast_number or "")
        self.bast_number.setMaxLength(80)
        if self.stage == "handed_over":
            fill_members(self.recipient, None, _("(choose the recipient)"))
            self.form.addRow(_("&Recipient:"), self.recipient)
            self.form.addRow(_("&BAST number:"), self.bast_number)
            ui.runner.run(
                lambda _progress: get_household(ui.db, handover.household_id),
                title=_("Loading the household"),
                on_done=self._on_household,
                parent=self,
                progress_dialog=False,
            )
        self.finish_layout()
        self.on.setFocus()

    def _on_household(self, detail: HouseholdDetail) -> None:
        fill_members(self.recipient, detail, _("(choose the recipient)"))
        index = self.recipient.findData(self.handover.recipient_person_id)
        if index >= 0:
            self.recipient.setCurrentIndex(index)

    def work(self):
        db, actor, handover_id, stage = self.ui.db, self.ui.actor, self.handover.id, self.stage
        on = date_of(self.on)
        recipient = self.recipient.currentData() if self.stage == "handed_over" else None
        bast = self.bast_number.text() if self.stage == "handed_over" else None
        return lambda _confirm: advance_handover(
            db, actor, handover_id, stage, on=on, bast_number=bast, recipient_person_id=recipient
        )


class CancelHandoverDialog(ServiceDialog):
    """Cancel a handover that has not been handed over; the reason is kept."""

    def __init__(self, ui: UiContext, handover: HandoverRow, parent: QWidget | None = None):
        self.handover = handover
        super().__init__(ui, _("Cancel the house handover"), parent)
        self.setMinimumWidth(480)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("e.g. the land is disputed"))
        self.form.addRow(_("&Reason:"), self.reason)
        self.ok_button.setText(_("Cancel the handover"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(_("Keep it"))
        self.finish_layout()
        self.reason.setFocus()

    def work(self):
        db, actor, handover_id = self.ui.db, self.ui.actor, self.handover.id
        reason = self.reason.text()
        return lambda _confirm: cancel_handover(db, actor, handover_id, reason)

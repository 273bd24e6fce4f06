# SPDX-License-Identifier: GPL-3.0-or-later
"""The dialogs of the business-grant screen: a proposal with its eligibility panel, the
ledger decisions (verify, approve, disburse) and voiding.

The eligibility panel lists every rule of Pergub Kaltim 3/2025 as the service evaluates it,
with ✓ or ✗ and the reason, so the officer sees the whole picture before proposing; Propose
stays disabled until the current choices are eligible.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_rupiah
from kaltim_desktop.i18n import _
from kaltim_desktop.services import grant_rules
from kaltim_desktop.services.grants import (
    Eligibility,
    GrantInput,
    GrantRow,
    approve_grant,
    check_eligibility,
    disburse_grant,
    propose_grant,
    verify_grant,
    void_grant,
)
from kaltim_desktop.services.household_views import HouseholdDetail
from kaltim_desktop.services.programme_lists import grant_eligibility
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.handover_dialogs import fill_members
from kaltim_desktop.ui.pages.member_picker import HouseholdPicker
from kaltim_desktop.ui.pages.programme_widgets import (
    MoneyEdit,
    ServiceDialog,
    date_of,
    make_date_edit,
    select_data,
    vocab_combo,
)
from kaltim_desktop.ui.tasks import Task

DEFAULT_PROGRAMME = "modal_usaha"
CHECK_DELAY_MS = 200
PASSED, FAILED, FLAGGED = "✓", "✗", "!"
_COLOURS = {PASSED: "#1b7f3b", FAILED: "#b3261e", FLAGGED: "#9a6700"}


def rule_title(code: str) -> str:
    return {
        grant_rules.HOUSE_HANDED_OVER: _("Decent house handed over"),
        grant_rules.RECIPIENT_MEMBER: _("Recipient lives in the household"),
        grant_rules.RECIPIENT_AGE: _("Minimum age"),
        grant_rules.RESIDENCE: _("Residence in East Kalimantan"),
        grant_rules.NO_DUPLICATE: _("No other grant this period"),
        grant_rules.EARLIER_HOUSE_AID: _("Earlier house aid (a check, not a refusal)"),
    }.get(code, code)


class EligibilityPanel(QGroupBox):
    """Every eligibility rule with its mark and explanation; :attr:`marks` for tests."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Eligibility"), parent)
        self.setMinimumWidth(380)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.marks: dict[str, str] = {}
        self.eligible_text = _("Eligible: the grant can be proposed.")
        self.show_result(None)

    def _clear(self) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.marks = {}

    def show_pending(self, text: str) -> None:
        self._clear()
        self.summary.setText(text)

    def show_result(self, eligibility: Eligibility | None) -> None:
        self._clear()
        if eligibility is None:
            self.summary.setText(_("Choose the household and the recipient to check the rules."))
            return
        if eligibility.eligible:
            self.summary.setText(self.eligible_text)
        else:
            self.summary.setText(_("Not eligible: the rules marked ✗ are not met."))
        for row, check in enumerate(eligibility.checks):
            mark = PASSED if check.passed else FAILED if check.blocking else FLAGGED
            self.marks[check.code] = mark
            sign = QLabel(mark)
            sign.setStyleSheet(f"color: {_COLOURS[mark]}; font-weight: bold;")
            sign.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
            text = QLabel(f"<b>{rule_title(check.code)}</b><br>{check.explanation}")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            self.grid.addWidget(sign, row, 0)
            self.grid.addWidget(text, row, 1)

    def explanation(self, code: str) -> str:
        """The text shown for the rule ``code`` (tests read the reason the officer reads)."""
        for index in range(self.grid.count()):
            widget = self.grid.itemAt(index).widget()
            if isinstance(widget, QLabel) and rule_title(code) in widget.text():
                return widget.text()
        return ""


class ProposeGrantDialog(ServiceDialog):
    """Propose a grant; the eligibility panel follows every change of the choices."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, _("Propose a business grant"), parent)
        self.setMinimumWidth(1060)
        self.eligibility: Eligibility | None = None
        self._check_task: Task | None = None
        self.picker = HouseholdPicker(ui)
        self.recipient = QComboBox()
        fill_members(self.recipient, None, _("(choose the recipient)"))
        self.programme = QLineEdit(DEFAULT_PROGRAMME)
        self.programme.setMaxLength(grant_rules.MAX_PROGRAMME)
        self.period = QSpinBox()
        self.period.setRange(grant_rules.PERIODS.start, grant_rules.PERIODS.stop - 1)
        self.period.setValue(date.today().year)
        self.form_combo = vocab_combo(vocab.GRANT_FORM)
        self.agency = vocab_combo(vocab.AGENCY)
        select_data(self.agency, "disperindagkop")
        self.amount = MoneyEdit()
        self.business_type = QLineEdit()
        self.business_type.setPlaceholderText(_("e.g. Warung sembako"))
        self.items = QPlainTextEdit()
        self.items.setPlaceholderText(_("Tools or materials, one per line"))
        self.items.setTabChangesFocus(True)
        self.items.setFixedHeight(64)
        self.proposed_on = make_date_edit(latest=date.today())
        self.form.addRow(_("&Household:"), self.picker)
        self.form.addRow(_("&Recipient:"), self.recipient)
        self.form.addRow(_("Pro&gramme:"), self.programme)
        self.form.addRow(_("&Period (year):"), self.period)
        self.form.addRow(_("&Form of aid:"), self.form_combo)
        self.form.addRow(_("A&gency:"), self.agency)
        self.form.addRow(_("&Amount (Rp):"), self.amount)
        self.form.addRow(_("&Business:"), self.business_type)
        self.form.addRow(_("&Items:"), self.items)
        self.form.addRow(_("Proposed &on:"), self.proposed_on)
        self.panel = EligibilityPanel()
        self.body.setStretch(0, 3)  # the form, where the long names are
        self.body.addWidget(self.panel, 2)
        self.finish_layout()
        self.ok_button.setText(_("Propose"))
        self.ok_button.setEnabled(False)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self._check)
        self.picker.household_changed.connect(self._on_household)
        self.recipient.currentIndexChanged.connect(self._schedule)
        self.programme.textChanged.connect(self._schedule)
        self.period.valueChanged.connect(self._schedule)
        self.proposed_on.dateChanged.connect(self._schedule)
        self.picker.setFocus()

    def _on_household(self, detail: HouseholdDetail) -> None:
        fill_members(self.recipient, detail, _("(choose the recipient)"))
        head = next((m for m in detail.members if m.relation == "head"), None)
        if head is not None:
            select_data(self.recipient, head.person_id)
        self._schedule()

    def _schedule(self, *_args) -> None:
        # The shown verdict no longer matches the choices: no proposing until re-checked.
        self.eligibility = None
        self.ok_button.setEnabled(False)
        self.panel.show_pending(_("Checking the rules…"))
        self._timer.start()

    def _check(self) -> None:
        if self._check_task is not None:
            self._check_task.discard()
        detail, person = self.picker.detail, self.recipient.currentData()
        if detail is None or person is None:
            self.panel.show_result(None)
            return
        db, programme, period = self.ui.db, self.programme.text(), self.period.value()
        on = date_of(self.proposed_on)
        self._check_task = self.ui.runner.run(
            lambda _progress: check_eligibility(db, detail.id, person, programme, period, on=on),
            title=_("Checking eligibility"),
            on_done=self._on_checked,
            parent=self,
            progress_dialog=False,
        )

    def _on_checked(self, eligibility: Eligibility) -> None:
        self._check_task = None
        self.eligibility = eligibility
        self.panel.show_result(eligibility)
        self.ok_button.setEnabled(eligibility.eligible)

    def work(self):
        detail = self.picker.detail
        data = GrantInput(
            household_id=detail.id if detail else "",
            recipient_person_id=self.recipient.currentData() or "",
            programme=self.programme.text(),
            period=self.period.value(),
            form=self.form_combo.currentData(),
            agency=self.agency.currentData(),
            amount_rupiah=self.amount.value() or 0,
            business_type=self.business_type.text(),
            items=tuple(self.items.toPlainText().splitlines()),
            proposed_on=date_of(self.proposed_on),
        )
        db, actor = self.ui.db, self.ui.actor
        return lambda _confirm: propose_grant(db, actor, data)


class DecisionDialog(ServiceDialog):
    """Verify, approve (with the SK number) or record the disbursement of a grant."""

    def __init__(self, ui: UiContext, grant: GrantRow, stage: str, parent: QWidget | None = None):
        titles = {
            "verified": _("Verify the grant"),
            "approved": _("Approve the grant"),
            "disbursed": _("Record the disbursement"),
        }
        super().__init__(ui, titles[stage], parent)
        self.grant, self.stage = grant, stage
        self.setMinimumWidth(520)
        recipient = grant.recipient_name or ""
        self.form.addRow(_("Recipient:"), QLabel(recipient))
        self.form.addRow(_("Amount:"), QLabel(format_rupiah(grant.amount_rupiah)))
        self.on = make_date_edit(latest=date.today())
        self.form.addRow(_("&Date:"), self.on)
        self.decision_number = QLineEdit()
        self.decision_number.setMaxLength(grant_rules.MAX_DECISION_NUMBER)
        if stage == "approved":
            self.decision_number.setPlaceholderText(_("e.g. 500/123/SK/Adbang/2025"))
            self.form.addRow(_("Decision letter (&SK) number:"), self.decision_number)
        self.ok_button.setText(titles[stage])
        self.panel: EligibilityPanel | None = None
        if stage in ("verified", "approved"):
            # Whoever decides sees the rules again, flags included, as of the decision date.
            # Room for six wrapped explanations: the panel fills after the dialog is shown.
            self.setMinimumSize(900, 460)
            self.panel = EligibilityPanel()
            self.panel.eligible_text = _("Eligible: every rule is met on this date.")
            self.body.addWidget(self.panel, 1)
            self.on.dateChanged.connect(lambda _d: self._check())
            self._check()
        self.finish_layout()
        self.on.setFocus()

    def _check(self) -> None:
        db, grant_id, on = self.ui.db, self.grant.id, date_of(self.on)
        self.panel.show_pending(_("Checking the rules…"))
        if self.stage == "approved":
            self.ok_button.setEnabled(False)
        self.ui.runner.run(
            lambda _progress: grant_eligibility(db, grant_id, on),
            title=_("Checking eligibility"),
            on_done=self._on_checked,
            parent=self,
            progress_dialog=False,
        )

    def _on_checked(self, eligibility: Eligibility) -> None:
        self.panel.show_result(eligibility)
        self.adjustSize()
        if self.stage == "approved":  # the approval re-checks the rules and would refuse
            self.ok_button.setEnabled(eligibility.eligible)

    def work(self):
        db, actor, grant_id, on = self.ui.db, self.ui.actor, self.grant.id, date_of(self.on)
        if self.stage == "verified":
            return lambda _confirm: verify_grant(db, actor, grant_id, on=on)
        if self.stage == "approved":
            number = self.decision_number.text()
            return lambda _confirm: approve_grant(
                db, actor, grant_id, decision_number=number, on=on
            )
        return lambda _confirm: disburse_grant(db, actor, grant_id, on=on)


class VoidGrantDialog(ServiceDialog):
    """Void a grant that has not been disbursed; the reason is kept."""

    def __init__(self, ui: UiContext, grant: GrantRow, parent: QWidget | None = None):
        super().__init__(ui, _("Void the grant"), parent)
        self.grant = grant
        self.setMinimumWidth(480)
        self.reason = QLineEdit()
        self.form.addRow(_("&Reason:"), self.reason)
        self.ok_button.setText(_("Void the grant"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(_("Keep it"))
        self.finish_layout()
        self.reason.setFocus()

    def work(self):
        db, actor, grant_id, reason = self.ui.db, self.ui.actor, self.grant.id, self.reason.text()
        return lambda _confirm: void_grant(db, actor, grant_id, reason)

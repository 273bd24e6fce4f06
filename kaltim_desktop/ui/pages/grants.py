# SPDX-License-Identifier: GPL-3.0-or-later
"""Bantuan Modal Usaha: business grants by stage and region, proposals and decisions.

A grant runs proposed → verified → approved → disbursed and can be voided before it is paid.
The screen offers only what the officer's role and the installation allow (approval belongs to
the province); the services enforce the same rules and their refusals are shown as they come.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_rupiah
from kaltim_desktop.i18n import _, ngettext
from kaltim_desktop.services.context import INSTALLATION_PROVINCE, ROLE_RANK
from kaltim_desktop.services.grant_rules import stage_label
from kaltim_desktop.services.grants import GrantRow, get_grant
from kaltim_desktop.services.preferences import get_installation_role
from kaltim_desktop.services.programme_lists import Listing, list_grant_rows
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.grant_dialogs import (
    DecisionDialog,
    ProposeGrantDialog,
    VoidGrantDialog,
)
from kaltim_desktop.ui.pages.ledger_page import LedgerPage
from kaltim_desktop.ui.pages.overview_charts import short_name
from kaltim_desktop.ui.pages.programme_widgets import (
    day_text,
    fill_table,
    fit_columns,
    make_table,
    regency_combo,
    remember_columns,
    select_id,
    selected_id,
    vocab_combo,
)

# The stage each decision needs the grant to be at.
_FROM = {"verified": "proposed", "approved": "verified", "disbursed": "approved"}


class GrantsPage(LedgerPage):
    """The grant ledger with a detail panel and the actions the officer may take."""

    entity = "grant"
    filter_key = "grants/filter"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.listing = Listing((), 0)
        self.current: GrantRow | None = None
        self.installation = "district"
        self.dialog = None
        self._select_after: str | None = None

        self.stage_filter = vocab_combo(vocab.GRANT_STAGE, everything=_("All stages"))
        self.region_filter = regency_combo(_("All regencies"))
        self.count_label = QLabel()
        bar = self._filter_bar()

        self.propose_button = QPushButton(_("&Propose…"))
        self.verify_button = QPushButton(_("&Verify…"))
        self.approve_button = QPushButton(_("&Approve…"))
        self.disburse_button = QPushButton(_("&Disburse…"))
        self.void_button = QPushButton(_("V&oid…"))
        self.household_button = QPushButton(_("Open &household"))
        actions = QHBoxLayout()
        actions.addStretch(1)
        for button in (
            self.propose_button,
            self.verify_button,
            self.approve_button,
            self.disburse_button,
            self.void_button,
            self.household_button,
        ):
            actions.addWidget(button)

        self.table = make_table(
            [
                _("Recipient"),
                _("Village"),
                _("Regency/city"),
                _("Period"),
                _("Form of aid"),
                _("Amount"),
                _("Stage"),
                _("Since"),
            ],
            stretch=4,
        )
        fit_columns(self.table, {0: 180, 1: 140, 2: 180, 3: 70, 5: 120, 6: 100, 7: 130})
        remember_columns(self.table, ui.settings, "grants/columns")

        self._detail_panel(
            _("Grant"),
            {
                "household": _("Household head:"),
                "programme": _("Programme:"),
                "agency": _("Agency:"),
                "business": _("Business:"),
            },
            {
                "items": _("Items:"),
                "dates": _("Dates:"),
                "decision": _("Decision letter (SK):"),
                "void": _("Void reason:"),
            },
        )
        self.propose_button.clicked.connect(self.propose)
        self.verify_button.clicked.connect(lambda: self.decide("verified"))
        self.approve_button.clicked.connect(lambda: self.decide("approved"))
        self.disburse_button.clicked.connect(lambda: self.decide("disbursed"))
        self.void_button.clicked.connect(self.void)
        self._assemble(bar, actions)

    def title(self) -> str:
        return _("Business grants")

    # ---- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        stage, region = self.stage_filter.currentData(), self.region_filter.currentData()
        self._save_filter(stage, region)
        db = self.ui.db

        def load(_progress):
            return list_grant_rows(db, stage=stage, region=region), get_installation_role(db)

        self.ui.runner.run(
            load,
            title=_("Loading the grants"),
            on_done=self._on_listing,
            parent=self,
            progress_dialog=False,
        )

    def _on_listing(self, result: tuple[Listing, str]) -> None:
        self.listing, self.installation = result
        self._apply_roles()
        fill_table(
            self.table,
            (
                (
                    row.id,
                    [
                        row.recipient_name or "",
                        row.place.village,
                        short_name(row.place.regency),
                        str(row.period),
                        _(vocab.GRANT_FORM.get(row.form, row.form)),
                        format_rupiah(row.amount_rupiah),
                        stage_label(row.stage),
                        day_text(row.stage_on),
                    ],
                )
                for row in self.listing.rows
            ),
            right=(3, 5),
        )
        text = ngettext(
            "{n} grant, {amount} not void", "{n} grants, {amount} not void", self.listing.total
        ).format(n=self.listing.total, amount=format_rupiah(self.listing.total_rupiah))
        if self.listing.truncated:
            text += " " + _("(the first {n} are shown)").format(n=len(self.listing.rows))
        self.count_label.setText(text)
        if self._select_after is not None:
            select_id(self.table, self._select_after)
            self._select_after = None
        if self.table.rowCount() and selected_id(self.table) is None:
            self.table.selectRow(0)
        self._on_selection()

    def _apply_roles(self) -> None:
        supervisor = ROLE_RANK.get(self.ui.actor.role, 0) >= ROLE_RANK["supervisor"]
        for button in (self.verify_button, self.disburse_button, self.void_button):
            button.setVisible(supervisor)
        self.approve_button.setVisible(supervisor and self.installation == INSTALLATION_PROVINCE)

    def _on_selection(self) -> None:
        grant_id = selected_id(self.table)
        if grant_id is None:
            self._show_detail(None)
            return
        self.ui.runner.run(
            lambda _progress: get_grant(self.ui.db, grant_id),
            title=_("Loading the grant"),
            on_done=self._show_detail,
            parent=self,
            progress_dialog=False,
        )

    def _on_data_changed(self, entity: str) -> None:
        if entity in ("grant", "handover", "household", "*") and self.isVisible():
            self.refresh()

    # ---- detail -------------------------------------------------------------------------------

    def _show_detail(self, row: GrantRow | None) -> None:
        if row is not None and row.id != selected_id(self.table):
            return  # an older selection's answer
        self.current = row
        stage = row.stage if row else None
        for target, button in (
            ("verified", self.verify_button),
            ("approved", self.approve_button),
            ("disbursed", self.disburse_button),
        ):
            button.setEnabled(stage == _FROM[target])
        self.void_button.setEnabled(row is not None and stage not in ("disbursed", "void"))
        self.household_button.setEnabled(row is not None)
        if row is None:
            for label in self.detail_labels.values():
                label.setText("")
            return
        dates = [
            (_("proposed"), row.proposed_on),
            (_("verified"), row.verified_on),
            (_("approved"), row.approved_on),
            (_("disbursed"), row.disbursed_on),
        ]
        household = next((r for r in self.listing.rows if r.id == row.id), None)
        values = {
            "household": household.head_name or "" if household else "",
            "programme": f"{row.programme} {row.period}",
            "agency": _(vocab.AGENCY.get(row.agency, row.agency)),
            "business": row.business_type or "",
            "items": ", ".join(row.items),
            "dates": "; ".join(f"{name} {day_text(day)}" for name, day in dates if day),
            "decision": row.decision_number or "",
            "void": row.void_reason or "",
        }
        for key, text in values.items():
            self.detail_labels[key].setText(text)

    # ---- actions ------------------------------------------------------------------------------

    def propose(self) -> ProposeGrantDialog:
        return self._open(ProposeGrantDialog(self.ui, self))

    def decide(self, stage: str) -> DecisionDialog | None:
        if self.current is None or self.current.stage != _FROM[stage]:
            return None
        return self._open(DecisionDialog(self.ui, self.current, stage, self))

    def void(self) -> VoidGrantDialog | None:
        if self.current is None:
            return None
        return self._open(VoidGrantDialog(self.ui, self.current, self))

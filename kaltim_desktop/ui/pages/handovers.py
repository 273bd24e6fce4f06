# SPDX-License-Identifier: GPL-3.0-or-later
"""Serah Terima Rumah: every house handover by stage and region, and its lifecycle.

A house is surveyed, built, completed and handed over with a BAST; a supervisor can cancel it
before the handover. The screen lists the handovers, shows the chosen one in full, and offers
only the actions its stage and the officer's role allow; the services still decide.
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
from kaltim_desktop.services.context import ROLE_RANK
from kaltim_desktop.services.handover_rules import stage_label
from kaltim_desktop.services.handovers import HandoverRow, get_handover
from kaltim_desktop.services.programme_lists import Listing, list_handover_rows
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.handover_dialogs import (
    AdvanceDialog,
    CancelHandoverDialog,
    NewHandoverDialog,
    next_stage,
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


class HandoversPage(LedgerPage):
    """The list of handovers with a detail panel and the lifecycle actions."""

    entity = "handover"
    filter_key = "handovers/filter"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.listing = Listing((), 0)
        self.current: HandoverRow | None = None
        self.dialog = None  # the open dialog, if any (tests fill it in)
        self._select_after: str | None = None

        self.stage_filter = vocab_combo(vocab.HANDOVER_STAGE, everything=_("All stages"))
        self.region_filter = regency_combo(_("All regencies"))
        self.count_label = QLabel()
        bar = self._filter_bar()

        actions = QHBoxLayout()  # a row of its own: "Next: Diserahterimakan…" is long
        actions.addStretch(1)
        self.new_button = QPushButton(_("&New handover…"))
        self.advance_button = QPushButton(_("Ne&xt stage…"))
        self.cancel_button = QPushButton(_("&Cancel handover…"))
        self.household_button = QPushButton(_("Open &household"))
        for button in (
            self.new_button,
            self.advance_button,
            self.cancel_button,
            self.household_button,
        ):
            actions.addWidget(button)

        self.table = make_table(
            [
                _("Head of household"),
                _("Village"),
                _("Regency/city"),
                _("Stage"),
                _("Since"),
                _("Funder"),
                _("Building partner"),
                _("Cost"),
            ],
            stretch=5,
        )
        fit_columns(self.table, {0: 170, 1: 120, 2: 160, 3: 145, 4: 130, 6: 170, 7: 110})
        remember_columns(self.table, ui.settings, "handovers/columns")

        self._detail_panel(
            _("Handover"),
            {
                "stage": _("Stage:"),
                "recipient": _("Recipient:"),
                "house": _("House:"),
                "funder": _("Funder:"),
                "partner": _("Building partner:"),
            },
            {
                "dates": _("Dates:"),
                "bast": _("BAST number:"),
                "first_party": _("First party:"),
                "signatory": _("Partner signatory:"),
                "cancel": _("Cancellation:"),
            },
        )
        self.new_button.clicked.connect(self.new_handover)
        self.advance_button.clicked.connect(self.advance)
        self.cancel_button.clicked.connect(self.cancel)
        self._assemble(bar, actions)

    def title(self) -> str:
        return _("House handovers")

    def _apply_roles(self) -> None:
        """Cancelling is for supervisors; run again when another officer takes over."""
        supervisor = ROLE_RANK.get(self.ui.actor.role, 0) >= ROLE_RANK["supervisor"]
        self.cancel_button.setVisible(supervisor)

    # ---- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        stage, region = self.stage_filter.currentData(), self.region_filter.currentData()
        self._save_filter(stage, region)
        self.ui.runner.run(
            lambda _progress: list_handover_rows(self.ui.db, stage=stage, region=region),
            title=_("Loading the house handovers"),
            on_done=self._on_listing,
            parent=self,
            progress_dialog=False,
        )

    def _on_listing(self, listing: Listing) -> None:
        self.listing = listing
        fill_table(
            self.table,
            (
                (
                    row.id,
                    [
                        row.head_name or "",
                        row.place.village,
                        short_name(row.place.regency),
                        stage_label(row.stage),
                        day_text(row.stage_on),
                        row.funder or "",
                        row.building_partner or "",
                        format_rupiah(row.cost_rupiah) if row.cost_rupiah is not None else "",
                    ],
                )
                for row in listing.rows
            ),
            right=(7,),
        )
        text = ngettext("{n} house handover", "{n} house handovers", listing.total).format(
            n=listing.total
        )
        if listing.truncated:
            text += " " + _("(the first {n} are shown)").format(n=len(listing.rows))
        self.count_label.setText(text)
        if self._select_after is not None:
            select_id(self.table, self._select_after)
            self._select_after = None
        if self.table.rowCount() and selected_id(self.table) is None:
            self.table.selectRow(0)
        self._on_selection()

    def _on_selection(self) -> None:
        handover_id = selected_id(self.table)
        if handover_id is None:
            self._show_detail(None)
            return
        self.ui.runner.run(
            lambda _progress: get_handover(self.ui.db, handover_id),
            title=_("Loading the house handover"),
            on_done=self._show_detail,
            parent=self,
            progress_dialog=False,
        )

    def _on_data_changed(self, entity: str) -> None:
        if entity in ("handover", "household", "*") and self.isVisible():
            self.refresh()

    # ---- detail -------------------------------------------------------------------------------

    def _show_detail(self, row: HandoverRow | None) -> None:
        if row is not None and row.id != selected_id(self.table):
            return  # an older selection's answer
        self.current = row
        stage = row.stage if row else None
        self.advance_button.setEnabled(row is not None and next_stage(stage) is not None)
        self.cancel_button.setEnabled(row is not None and stage not in ("handed_over", "cancelled"))
        self.household_button.setEnabled(row is not None)
        if row is None:
            for label in self.detail_labels.values():
                label.setText("")
            return
        house = _(vocab.HOUSE_TYPE.get(row.house_type, row.house_type or ""))
        if row.cost_rupiah is not None:
            house = f"{house}, {format_rupiah(row.cost_rupiah)}"
        dates = [
            (_("surveyed"), row.surveyed_on),
            (_("construction started"), row.construction_started_on),
            (_("completed"), row.completed_on),
            (_("handed over"), row.handed_over_on),
        ]
        first_party = ", ".join(
            v for v in (row.first_party_name, row.first_party_nip, row.first_party_position) if v
        )
        values = {
            "stage": stage_label(row.stage),
            "recipient": row.recipient_name or _("not chosen yet"),
            "house": house,
            "funder": row.funder or "",
            "partner": row.building_partner or "",
            "dates": "; ".join(f"{name} {day_text(day)}" for name, day in dates if day),
            "bast": row.bast_number or "",
            "first_party": first_party,
            "signatory": row.partner_signatory or "",
            "cancel": row.cancel_reason or "",
        }
        for key, text in values.items():
            self.detail_labels[key].setText(text)
        next_ = next_stage(row.stage)
        self.advance_button.setText(
            _("Ne&xt: {stage}…").format(stage=stage_label(next_)) if next_ else _("Ne&xt stage…")
        )

    # ---- actions ------------------------------------------------------------------------------

    def new_handover(self) -> NewHandoverDialog:
        return self._open(NewHandoverDialog(self.ui, self))

    def advance(self) -> AdvanceDialog | None:
        if self.current is None or next_stage(self.current.stage) is None:
            return None
        return self._open(AdvanceDialog(self.ui, self.current, self))

    def cancel(self) -> CancelHandoverDialog | None:
        if self.current is None:
            return None
        return self._open(CancelHandoverDialog(self.ui, self.current, self))

# SPDX-License-Identifier: GPL-3.0-or-later
"""The "held and quarantined" tab of the review page: changes held back by origin and reason,
origins blocked after a fork and quarantined bundles, each with its reason in words; changes
held for review (clock ahead, revoked laptop) can be applied anyway by a supervisor."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kaltim_desktop.i18n import N_, _
from kaltim_desktop.services.review_held import HeldOverview, held_overview
from kaltim_desktop.services.sync_exchange import release_held
from kaltim_desktop.sync.bundles.errors import message
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.programme_widgets import (
    ask,
    fill_table,
    make_table,
    selected_id,
)
from kaltim_desktop.ui.review_text import label, when_text

HELD_REASONS = {
    "gap": N_("waiting for earlier changes from this laptop"),
    "clock_skew": N_("the laptop's clock was far ahead"),
    "revoked": N_("sent after the laptop was revoked"),
}
BLOCK_REASONS = {"fork": N_("two different changes carry the same number")}


class HeldPanel(QWidget):
    """Reads through :func:`held_overview`; "Apply anyway" is ``sync_exchange.release_held``."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.overview: HeldOverview | None = None
        self.question = None
        self.held = make_table(
            [_("Laptop"), _("Reason"), _("Changes"), _("Numbers"), _("Received")], stretch=1
        )
        self.release_button = QPushButton(_("&Apply anyway…"))
        self.release_button.setEnabled(False)
        self.release_button.clicked.connect(self.ask_release)
        self.held.itemSelectionChanged.connect(self._on_selection)
        held_box = QGroupBox(_("Changes held back"))
        held_layout = QVBoxLayout(held_box)
        held_layout.addWidget(self.held)
        row = QHBoxLayout()
        self.held_note = QLabel(
            _("Changes waiting for earlier ones are applied by themselves when those arrive.")
        )
        self.held_note.setWordWrap(True)
        row.addWidget(self.held_note, 1)
        row.addWidget(self.release_button)
        held_layout.addLayout(row)

        self.quarantined = make_table([_("Received"), _("File"), _("From"), _("Reason")], stretch=3)
        quarantine_box = QGroupBox(_("Quarantined bundles (kept until an update can read them)"))
        QVBoxLayout(quarantine_box).addWidget(self.quarantined)
        self.blocked = make_table([_("Origin"), _("From change"), _("Reason"), _("Since")],
                                  stretch=2)  # fmt: skip
        blocked_box = QGroupBox(_("Laptops stopped after a conflict in their numbering"))
        QVBoxLayout(blocked_box).addWidget(self.blocked)
        # The reason columns take the spare width; the others fit their contents.
        for table, stretched in ((self.held, 1), (self.quarantined, 3), (self.blocked, 2)):
            table.setProperty("stretch", stretched)
        layout = QVBoxLayout(self)
        layout.addWidget(held_box, 2)
        layout.addWidget(quarantine_box, 1)
        layout.addWidget(blocked_box, 1)

    def refresh(self) -> None:
        db, actor = self.ui.db, self.ui.actor
        self.ui.runner.run(
            lambda _p: held_overview(db, actor), title=_("Loading held changes"),
            on_done=self._show, parent=self, progress_dialog=False,
        )  # fmt: skip

    def _show(self, overview: HeldOverview) -> None:
        self.overview = overview
        fill_table(
            self.held,
            (
                (f"{g.origin}|{g.reason}",
                 [g.device_id, label(HELD_REASONS, g.reason), str(g.count),
                  f"#{g.first_seq}–#{g.last_seq}", when_text(g.received_at)])
                for g in overview.held
            ),
            right=(2,),
        )  # fmt: skip
        fill_table(
            self.quarantined,
            (
                (str(i), [when_text(q.at), q.file_name or "", q.peer or "",
                          message(q.code) if q.code else ""])
                for i, q in enumerate(overview.quarantined)
            ),
        )  # fmt: skip
        fill_table(
            self.blocked,
            (
                (b.origin, [b.origin, f"#{b.from_seq}", label(BLOCK_REASONS, b.reason),
                            when_text(b.at)])
                for b in overview.blocked
            ),
        )  # fmt: skip
        for table in (self.held, self.quarantined, self.blocked):
            stretched = table.property("stretch")
            for column in range(table.columnCount()):
                if column != stretched:
                    table.resizeColumnToContents(column)
        self._on_selection()

    def _selected_group(self):
        key = selected_id(self.held)
        if key is None or self.overview is None:
            return None
        return next((g for g in self.overview.held if f"{g.origin}|{g.reason}" == key), None)

    def _on_selection(self) -> None:
        group = self._selected_group()
        self.release_button.setEnabled(group is not None and group.releasable)

    def ask_release(self) -> None:
        group = self._selected_group()
        if group is None or not group.releasable:
            return
        self.question = ask(
            self,
            _("Apply held changes"),
            _(
                "Apply the changes of laptop {device} held for review ({reason})? They were "
                "fully checked when they arrived; applying them is recorded in the audit trail."
            ).format(device=group.device_id, reason=label(HELD_REASONS, group.reason)),
            lambda: self.release(group.origin, group.reason),
        )

    def release(self, origin: str, reason: str) -> None:
        """Apply the changes held for the reason the supervisor was asked about, and no other."""
        db, actor = self.ui.db, self.ui.actor
        self.ui.runner.run(
            lambda _p: release_held(db, actor, origin, (reason,)),
            title=_("Applying held changes"),
            on_done=self._released, parent=self,
        )  # fmt: skip

    def _released(self, _count: int) -> None:
        self.ui.events.data_changed.emit("*")
        self.ui.events.status_changed.emit()
        self.refresh()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Tinjauan: what sync left for a supervisor to decide (sync-design §3.12).

Tabs for conflicts, duplicates, province rules, held and quarantined changes, and parallel
updates for information, each with its open count. A conflict or a duplicate pair opens in a
dialog that shows both sides and saves the decision through the review services.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import _, ngettext
from kaltim_desktop.services.province_checks import CheckResult, check_everything
from kaltim_desktop.services.review import PAGE_SIZE, ReviewCounts, ReviewListing, ReviewRow
from kaltim_desktop.services.review import list_items as list_review_items
from kaltim_desktop.services.review_conflicts import conflict_detail
from kaltim_desktop.services.review_duplicates import duplicate_pair
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page
from kaltim_desktop.ui.pages.programme_widgets import ID_ROLE, fill_table, make_table, selected_id
from kaltim_desktop.ui.pages.review_held import HeldPanel
from kaltim_desktop.ui.review_dialogs import ConflictDialog
from kaltim_desktop.ui.review_duplicate import DuplicateDialog
from kaltim_desktop.ui.review_text import (
    ENTITY_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    RULE_LABELS,
    STATUS_LABELS,
    field_label,
    label,
    when_text,
)


def _record(row: ReviewRow) -> str:
    """The record's name; both names for a pair."""
    name = row.label or label(ENTITY_LABELS, row.entity)
    return f"{name} ↔ {row.other_label}" if row.other_label else name


# Per group: column headers and the cells of a row.
COLUMNS: dict[str, tuple[Callable[[], list[str]], Callable[[ReviewRow], list[str]]]] = {
    "conflicts": (
        lambda: [_("Record"), _("What"), _("Field"), _("Place"), _("Since"), _("Status")],
        lambda r: [_record(r), label(KIND_LABELS, r.kind), field_label(r.field or ""), r.place,
                   when_text(r.created_at), label(STATUS_LABELS, r.status)],
    ),
    "duplicates": (
        lambda: [_("Record"), _("Kind"), _("Level"), _("Score"), _("Place"), _("Since"),
                 _("Status")],
        lambda r: [_record(r), label(ENTITY_LABELS, r.entity), label(LEVEL_LABELS, r.level),
                   "" if r.score is None else str(r.score), r.place, when_text(r.created_at),
                   label(STATUS_LABELS, r.status)],
    ),
    "invariants": (
        lambda: [_("Record"), _("Rule"), _("Place"), _("Since"), _("Status")],
        lambda r: [_record(r), label(RULE_LABELS, (r.field or "").split(":")[0]), r.place,
                   when_text(r.created_at), label(STATUS_LABELS, r.status)],
    ),
    "information": (
        lambda: [_("Record"), _("What"), _("Kind"), _("Place"), _("Since")],
        lambda r: [_record(r), label(KIND_LABELS, r.kind), label(ENTITY_LABELS, r.entity),
                   r.place, when_text(r.created_at)],
    ),
}  # fmt: skip


class ItemList(QWidget):
    """The items of one group, a page at a time; Enter or a double click opens one."""

    open_requested = Signal(object)
    """The :class:`ReviewRow` to open."""
    reload_requested = Signal()
    household_requested = Signal(str)

    def __init__(self, group: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        self.offset = 0
        self.listing = ReviewListing((), 0, ReviewCounts(0, 0, 0, 0))
        headers, self._cells = COLUMNS[group]
        names = headers()
        # The place takes the spare width; a name is rarely longer than 30 characters.
        self.place_column = names.index(_("Place"))
        self.table = make_table(names, stretch=self.place_column)
        self.table.setColumnWidth(0, 380 if group == "duplicates" else 240)  # a pair of names
        self.table.activated.connect(lambda _index: self._open())  # Enter or a double click
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.closed = QCheckBox(_("Show settled items"))
        self.closed.setVisible(group != "information")
        self.closed.toggled.connect(self._restart)
        self.count_label = QLabel()
        self.previous_button = QPushButton(_("◀ Previous"))
        self.next_button = QPushButton(_("Next ▶"))
        self.open_button = QPushButton(_("&Open…"))
        self.open_button.setVisible(group != "invariants")
        self.previous_button.clicked.connect(lambda: self._move(-PAGE_SIZE))
        self.next_button.clicked.connect(lambda: self._move(PAGE_SIZE))
        self.open_button.clicked.connect(self._open)
        # A broken province rule is repaired on the household's own screens.
        self.household_button = QPushButton(_("Open &household"))
        self.household_button.setVisible(group == "invariants")
        self.household_button.clicked.connect(self._open_household)
        bar = QHBoxLayout()
        bar.addWidget(self.closed)
        bar.addWidget(self.count_label, 1)
        for button in (self.previous_button, self.next_button, self.open_button,
                       self.household_button):  # fmt: skip
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def show_listing(self, listing: ReviewListing) -> None:
        self.listing = listing
        rows = {r.id: r for r in listing.rows}
        fill_table(self.table, ((r.id, self._cells(r)) for r in rows.values()))
        for row in range(self.table.rowCount()):
            item: QTableWidgetItem = self.table.item(row, 0)
            item.setToolTip(rows[item.data(ID_ROLE)].entity_id)
        for column in range(1, self.table.columnCount()):
            if column != self.place_column:
                self.table.resizeColumnToContents(column)
        if listing.total:
            last = self.offset + len(listing.rows)
            text = _("{first}–{last} of {total}").format(
                first=self.offset + 1, last=last, total=listing.total
            )
        else:
            text = _("Nothing to review here.")
        self.count_label.setText(text)
        self.previous_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(self.offset + len(listing.rows) < listing.total)
        if self.table.rowCount() and selected_id(self.table) is None:
            self.table.selectRow(0)
        self._on_selection()

    def selected_row(self) -> ReviewRow | None:
        item_id = selected_id(self.table)
        return next((r for r in self.listing.rows if r.id == item_id), None)

    def _on_selection(self) -> None:
        row = self.selected_row()
        self.open_button.setEnabled(row is not None)
        self.household_button.setEnabled(row is not None and row.entity == "household")

    def _open_household(self) -> None:
        row = self.selected_row()
        if row is not None and row.entity == "household":
            self.household_requested.emit(row.entity_id)

    def _open(self) -> None:
        row = self.selected_row()
        if row is not None and self.group != "invariants":
            self.open_requested.emit(row)

    def _move(self, step: int) -> None:
        self.offset = max(0, self.offset + step)
        self.reload_requested.emit()

    def _restart(self) -> None:
        self.offset = 0
        self.reload_requested.emit()


class ReviewPage(Page):
    """The review tabs; see the module docstring."""

    TABS = ("conflicts", "duplicates", "invariants", "held", "information")

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.dialog = None  # the open dialog (tests use it)
        self.counts: ReviewCounts | None = None
        self.lists = {group: ItemList(group) for group in COLUMNS}
        self.held = HeldPanel(ui)
        self.tabs = QTabWidget()
        for key in self.TABS:
            self.tabs.addTab(self.held if key == "held" else self.lists[key], "")
        for item_list in self.lists.values():
            item_list.reload_requested.connect(self.refresh)
            item_list.open_requested.connect(self.open_item)
            item_list.household_requested.connect(ui.events.open_household)
        self.tabs.currentChanged.connect(lambda _index: self.refresh())
        self._name_tabs()
        self.scan_button = QPushButton(_("&Check all data…"))
        self.scan_button.setToolTip(
            _("Look for possible duplicate persons and broken province rules in all the data.")
        )
        self.scan_button.clicked.connect(self.scan)
        self.tabs.setCornerWidget(self.scan_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ui.events.data_changed.connect(self._on_data_changed)

    def title(self) -> str:
        return _("Review")

    def activated(self) -> None:
        self.refresh()

    def current_group(self) -> str:
        return self.TABS[self.tabs.currentIndex()]

    def show_group(self, group: str) -> None:
        self.tabs.setCurrentIndex(self.TABS.index(group))

    def _name_tabs(self) -> None:
        counts = self.counts
        names = {
            "conflicts": (_("Conflicts"), counts.conflicts if counts else None),
            "duplicates": (_("Duplicates"), counts.duplicates if counts else None),
            "invariants": (_("Province rules"), counts.invariants if counts else None),
            "held": (_("Held and quarantined"), None),
            "information": (_("Information"), counts.information if counts else None),
        }
        for index, key in enumerate(self.TABS):
            name, count = names[key]
            self.tabs.setTabText(index, f"{name} ({count})" if count else name)

    # ---- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        group = self.current_group()
        if group == "held":
            self.held.refresh()
            return
        item_list = self.lists[group]
        db, actor = self.ui.db, self.ui.actor
        closed, offset = item_list.closed.isChecked(), item_list.offset
        self.ui.runner.run(
            lambda _p: list_review_items(
                db, actor, group=group, include_closed=closed, offset=offset
            ),
            title=_("Loading the review list"),
            on_done=lambda listing: self._show(item_list, listing),
            parent=self,
            progress_dialog=False,
        )

    def _show(self, item_list: ItemList, listing: ReviewListing) -> None:
        first = self.counts is None
        self.counts = listing.counts
        self._name_tabs()
        item_list.show_listing(listing)
        if first and not getattr(listing.counts, self.current_group(), 0):
            # Open where the work is: the first group with open items.
            waiting = [g for g in ("conflicts", "duplicates", "invariants")
                       if getattr(listing.counts, g)]  # fmt: skip
            if waiting:
                self.show_group(waiting[0])
        total = sum((listing.counts.conflicts, listing.counts.duplicates,
                     listing.counts.invariants))  # fmt: skip
        self.setToolTip(
            ngettext("{n} item to review", "{n} items to review", total).format(n=total)
        )

    def _on_data_changed(self, _entity: str) -> None:
        if self.isVisible():
            self.refresh()

    def scan(self) -> None:
        """The province's check of everything (minutes on 500,000 persons), with Cancel."""
        db, actor = self.ui.db, self.ui.actor
        self.ui.runner.run(
            lambda progress: check_everything(db, actor, progress=progress),
            title=_("Checking all data"), on_done=self._scanned, parent=self,
        )  # fmt: skip

    def _scanned(self, result: CheckResult) -> None:
        text = _("New possible duplicates: {new}. Broken province rules: {open}.").format(
            new=result.duplicates_new, open=result.invariants_open
        )
        self.dialog = QMessageBox(QMessageBox.Icon.Information, _("Check finished"), text,
                                  QMessageBox.StandardButton.Ok, self)  # fmt: skip
        self.dialog.open()
        self.ui.events.data_changed.emit("review_item")
        if not self.isVisible():
            self.refresh()

    # ---- dialogs -----------------------------------------------------------------------------

    def open_item(self, row: ReviewRow) -> None:
        """Load the item's detail off the GUI thread, then show its dialog."""
        db, actor = self.ui.db, self.ui.actor
        if row.kind == "duplicate":
            load, dialog = (lambda _p: duplicate_pair(db, actor, row.id)), DuplicateDialog
        else:
            load, dialog = (lambda _p: conflict_detail(db, actor, row.id)), ConflictDialog
        self.ui.runner.run(
            load, title=_("Loading the review item"), parent=self, progress_dialog=False,
            on_done=lambda detail: self._open_dialog(dialog(self.ui, detail, self)),
        )  # fmt: skip

    def _open_dialog(self, dialog) -> None:
        self.dialog = dialog
        dialog.decided.connect(self._decided)
        dialog.open()

    def _decided(self, _result) -> None:
        self.ui.events.data_changed.emit("*")
        if not self.isVisible():
            self.refresh()

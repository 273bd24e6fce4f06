# SPDX-License-Identifier: GPL-3.0-or-later
"""The Households screen: the list, one household's page (riwayat bantuan) and the form.

The three views share one stack: Enter on a list row opens the household's page, Ctrl+E edits
it, Esc goes back one step; Ctrl+N (from anywhere in the window) opens a blank form.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_history import read_history
from kaltim_desktop.services.households import get_household
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.household_form import HouseholdForm
from kaltim_desktop.ui.household_history import HouseholdHistoryView
from kaltim_desktop.ui.household_list_view import HouseholdListView
from kaltim_desktop.ui.pages.base import Page

# Entities whose changes show on this screen.
_SHOWN = {"household", "handover", "grant", "training", "enrolment", "*"}


class HouseholdsPage(Page):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.list_view = HouseholdListView(ui)
        self.history = HouseholdHistoryView()
        self.form = HouseholdForm(ui)
        self.stack = QStackedWidget()
        for view in (self.list_view, self.history, self.form):
            self.stack.addWidget(view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._stale = True

        self.list_view.open_requested.connect(self.open_household)
        self.list_view.new_requested.connect(self.new_household)
        self.history.edit_requested.connect(self.edit_household)
        self.history.back_requested.connect(self.show_list)
        self.form.saved.connect(self._saved)
        self.form.closed.connect(self._form_closed)
        self.form.open_existing.connect(self._open_existing)
        ui.events.data_changed.connect(self._data_changed)

    def title(self) -> str:
        return _("Households")

    def activated(self) -> None:
        if self._stale and self.stack.currentWidget() is self.list_view:
            self._stale = False
            self.list_view.reload()

    def confirm_leave(self) -> bool:
        return self.stack.currentWidget() is not self.form or self.form.confirm_leave()

    # -- navigation within the screen --------------------------------------------------------

    def _may_leave_form(self) -> bool:
        if self.stack.currentWidget() is self.form and not self.form.confirm_leave():
            return False
        self.form.dirty = False
        return True

    def show_list(self) -> None:
        if not self._may_leave_form():
            return
        self.stack.setCurrentWidget(self.list_view)
        if self._stale:
            self._stale = False
            self.list_view.reload()
        self.list_view.table.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F: the list, with the search text selected for typing over."""
        if not self._may_leave_form():
            return
        self.stack.setCurrentWidget(self.list_view)
        if self._stale:
            self._stale = False
            self.list_view.reload()
        self.list_view.search.setFocus()
        self.list_view.search.selectAll()

    def new_household(self) -> None:
        """Ctrl+N: a blank form."""
        if not self._may_leave_form():
            return
        self.form.load_new()
        self.stack.setCurrentWidget(self.form)
        self.form.region.setFocus()

    def open_household(self, household_id: str) -> None:
        """Show the household's page (read off the GUI thread)."""
        if not self._may_leave_form():
            return
        db = self.ui.db
        self.ui.runner.run(
            lambda _p: read_history(db, household_id),
            title=_("Opening the household"),
            on_done=self._show_history,
            parent=self,
            progress_dialog=False,
        )

    def _show_history(self, history) -> None:
        self.history.show_history(history)
        self.stack.setCurrentWidget(self.history)
        self.history.edit_button.setFocus()

    def edit_household(self, household_id: str) -> None:
        db = self.ui.db
        self.ui.runner.run(
            lambda _p: get_household(db, household_id),
            title=_("Opening the household"),
            on_done=self._edit_loaded,
            parent=self,
            progress_dialog=False,
        )

    def _edit_loaded(self, detail) -> None:
        self.form.load(detail)
        self.stack.setCurrentWidget(self.form)
        self.form.region.setFocus()

    # -- events ------------------------------------------------------------------------------

    def _saved(self, household_id: str) -> None:
        self._stale = True

    def _form_closed(self) -> None:
        if self.form.is_new:
            self.show_list()
        else:
            self.open_household(self.form.household_id)

    def _open_existing(self, household_id: str) -> None:
        self.form.dirty = False  # the officer chose the existing record over this form
        self.open_household(household_id)

    def _data_changed(self, entity: str) -> None:
        if entity not in _SHOWN:
            return
        self._stale = True
        if self.isVisible() and self.stack.currentWidget() is self.list_view:
            self._stale = False
            self.list_view.reload()
        elif self.stack.currentWidget() is self.history and self.history.household_id:
            self.open_household(self.history.household_id)

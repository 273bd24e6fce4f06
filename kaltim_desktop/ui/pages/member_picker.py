# SPDX-License-Identifier: GPL-3.0-or-later
"""Pick a household by search (name, NIK, KK number or place), then one of its members.

Used by the programme dialogs: a handover, a grant and an enrolment all start from a household.
The search runs off the GUI thread as the officer types (a newer query discards the older
one); choosing a result loads the household with its members.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long
from kaltim_desktop.i18n import _, ngettext
from kaltim_desktop.services.household_views import HouseholdDetail, MemberRow, get_household
from kaltim_desktop.services.search import HouseholdSummary, search_households
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.tasks import Task

ID_ROLE = Qt.ItemDataRole.UserRole
SEARCH_DELAY_MS = 250


def member_label(member: MemberRow) -> str:
    """``Siti Rahmah — Wife/husband, born 17 Agustus 1985``."""
    relation = _(vocab.RELATION.get(member.relation, member.relation))
    if member.birth_date is None:
        return f"{member.name} — {relation}"
    born = _("born {date}").format(date=format_date_long(member.birth_date))
    return f"{member.name} — {relation}, {born}"


class HouseholdPicker(QWidget):
    """A search field over a result list; :attr:`detail` is the chosen household."""

    household_changed = Signal(object)
    """The chosen household (:class:`HouseholdDetail`), or None when the choice was cleared."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.detail: HouseholdDetail | None = None
        self._search_task: Task | None = None
        self._load_task: Task | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Name, NIK, KK number or village"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(110)
        self.results.setMaximumHeight(140)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.status)
        self.setFocusProxy(self.search)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.results.currentItemChanged.connect(self._on_result_chosen)
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # Qt override
        """Down in the search field goes to the results, as in a combo box; Enter searches (or
        takes the first result), and Enter on a result goes on to the next field, instead of
        pressing the dialog's default button before the form is filled."""
        if event.type() != event.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched is self.search and (key == Qt.Key.Key_Down or enter):
            if self._timer.isActive() or self._search_task is not None:
                self._run_search()  # the list is about older text: search the text typed
            elif self.results.count():
                self.results.setFocus()
                if self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
            elif enter:
                self._run_search()
            return True
        if watched is self.results and enter:
            if self.results.currentItem() is not None:
                self.focusNextChild()  # leave the picker: the field after it
            return True
        return super().eventFilter(watched, event)

    def _run_search(self) -> None:
        self._timer.stop()
        if self._search_task is not None:
            self._search_task.discard()
        query = self.search.text()
        self._search_task = self.ui.runner.run(
            lambda _progress: search_households(self.ui.db, query, limit=30),
            title=_("Searching"),
            on_done=self._on_results,
            parent=self,
            progress_dialog=False,
        )

    def _on_results(self, found: list[HouseholdSummary]) -> None:
        self._search_task = None
        self.results.blockSignals(True)
        self.results.clear()
        for summary in found:
            members = ngettext("{n} member", "{n} members", summary.member_count).format(
                n=summary.member_count
            )
            head = summary.head_name or _("(no head recorded)")
            text = f"{head} — {summary.village_name}, {summary.district_name} ({members})"
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, summary.id)
            self.results.addItem(item)
        self.results.blockSignals(False)
        if not found and self.search.text().strip():
            self.status.setText(_("No household found."))
        else:
            self.status.setText("")

    def _on_result_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        self.choose(item.data(ID_ROLE))

    def choose(self, household_id: str) -> None:
        """Load the household ``household_id`` with its members."""
        if self._load_task is not None:
            self._load_task.discard()
        self._load_task = self.ui.runner.run(
            lambda _progress: get_household(self.ui.db, household_id),
            title=_("Loading the household"),
            on_done=self._on_loaded,
            parent=self,
            progress_dialog=False,
        )

    def _on_loaded(self, detail: HouseholdDetail) -> None:
        self._load_task = None
        self.detail = detail
        self.status.setText(
            _("Chosen: {head}, {address}").format(
                head=detail.head_name or _("(no head recorded)"), address=detail.address
            )
        )
        self.household_changed.emit(detail)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The household list: search-as-you-type, filters, a sortable lazy table.

Typing restarts a 200 ms timer; when it fires, the search runs on a worker thread and the
task of the previous query is discarded, so a slow early query never overwrites the results of
a later one. Enter or a double-click opens the household.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import _, ngettext
from kaltim_desktop.services.household_list import (
    ListQuery,
    count_households,
    list_households,
)
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.household_table_model import HouseholdTableModel, sort_column
from kaltim_desktop.ui.region_picker import RegionPicker

SEARCH_DELAY_MS = 200
_SETTINGS = "households/"


def _load(db, query: ListQuery):
    page = list_households(db, query)
    if query.text.strip() or page.next is None:
        return query, page, len(page.rows)
    return query, page, count_households(db, query)


class HouseholdListView(QWidget):
    """Signals:
    open_requested(id): the officer opened a household (Enter, double-click).
    new_requested(): the "New household" button.
    results_shown(): the table shows the results of the latest query (tests, bench).
    """

    open_requested = Signal(str)
    new_requested = Signal()
    results_shown = Signal()

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self._task = None
        self._pending: ListQuery | None = None
        self.last_latency_ms: float | None = None
        self._typed_at: float | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by NIK, KK number, name or place (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search households"))
        self.new_button = QPushButton(_("New household (Ctrl+N)"))
        self.region = RegionPicker(any_level=True)
        self.status = QComboBox()
        for code, label in (
            ("active", _("Active records")),
            ("deleted", _("Deleted records")),
            ("all", _("All records")),
        ):
            self.status.addItem(label, code)
        self.programme = QComboBox()
        for code, label in (
            ("any", _("Any programme")),
            ("house", _("House handed over")),
            ("grant", _("Business grant")),
            ("training", _("Training")),
            ("none", _("No programme yet")),
        ):
            self.programme.addItem(label, code)
        self.status.setAccessibleName(_("Record status"))
        self.programme.setAccessibleName(_("Programme"))

        self.model = HouseholdTableModel(list_households_for(ui))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The head's name takes what the other columns leave, so that all of them fit at
        # 1366×768 in both languages.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((0, 130, 130, 140, 130, 170, 105, 72, 125)):
            if width:
                self.table.setColumnWidth(column, width)
        self.table.setSortingEnabled(True)
        self.count_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        filters.addWidget(self.region, 3)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.programme, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.setFocusProxy(self.search)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textEdited.connect(self._typed)
        self.search.returnPressed.connect(self._to_table)
        self.search.installEventFilter(self)
        self.new_button.clicked.connect(self.new_requested)
        self.region.changed.connect(self.reload)
        self.status.currentIndexChanged.connect(self.reload)
        self.programme.currentIndexChanged.connect(self.reload)
        self.model.sort_requested.connect(self._sort)
        self.table.activated.connect(self._open_index)
        self._restore_filters()

    # -- query -------------------------------------------------------------------------------

    def query(self) -> ListQuery:
        return ListQuery(
            text=self.search.text(),
            region=self.region.code(),
            status=self.status.currentData(),
            programme=self.programme.currentData(),
            sort=self.model.query.sort,
            descending=self.model.query.descending,
        )

    def _typed(self, _text: str) -> None:
        self._typed_at = time.perf_counter()
        self._timer.start()

    def _sort(self, query: ListQuery) -> None:
        self.reload(replace(self.query(), sort=query.sort, descending=query.descending))

    def reload(self, query: ListQuery | None = None) -> None:
        """Run the query (the current filters by default) off the GUI thread; the results of
        an older query still running are thrown away."""
        self._timer.stop()
        if not isinstance(query, ListQuery):
            query = self.query()
        if self._task is not None:
            self._task.discard()
        self._pending = query
        self.count_label.setText(_("Searching…"))
        db = self.ui.db
        self._task = self.ui.runner.run(
            lambda _progress: _load(db, query),
            title=_("Searching households"),
            on_done=self._show,
            parent=self,
            progress_dialog=False,
        )

    def _show(self, result) -> None:
        query, page, total = result
        if query != self._pending:
            return  # an older query finished after a newer one was started
        self._task = None
        selected = self.selected_id()
        self.model.reset(query, page)
        # The matched NIK only means something for a number search.
        self.table.setColumnHidden(1, not any(r.matched_nik_masked for r in page.rows))
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            sort_column(query),
            Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)
        if selected and (row := self.model.row_of(selected)) >= 0:
            self.table.selectRow(row)
        text = ngettext("{count} household", "{count} households", total).format(
            count=f"{total:,}".replace(",", ".")
        )
        if page.truncated:
            text += " — " + _("only the first ones are shown: type more to narrow the search")
        self.count_label.setText(text)
        self._save_filters(query)
        if self._typed_at is not None:
            self.last_latency_ms = (time.perf_counter() - self._typed_at) * 1000
            self._typed_at = None
        self.results_shown.emit()

    # -- opening -----------------------------------------------------------------------------

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def _open_index(self, index) -> None:
        household_id = self.model.row_id(index.row())
        if household_id:
            self.open_requested.emit(household_id)

    def _to_table(self) -> None:
        if self.model.rowCount() == 0:
            return
        self.table.setFocus()
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down arrow in the search box moves into the results, as in a browser's address bar.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self._to_table()
            return True
        return super().eventFilter(watched, event)

    # -- UI state ----------------------------------------------------------------------------

    def _restore_filters(self) -> None:
        settings = self.ui.settings
        for combo, key in ((self.status, "status"), (self.programme, "programme")):
            index = combo.findData(settings.value(_SETTINGS + key))
            if index >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        region = settings.value(_SETTINGS + "region")
        self.region.blockSignals(True)
        self.region.set_code(region if isinstance(region, str) and region else None)
        self.region.blockSignals(False)
        sort = settings.value(_SETTINGS + "sort")
        descending = settings.value(_SETTINGS + "descending") in (True, "true")
        if isinstance(sort, str) and sort in {"head_name", "kk_number", "region", "registered"}:
            self.model.query = replace(self.model.query, sort=sort, descending=descending)

    def _save_filters(self, query: ListQuery) -> None:
        settings = self.ui.settings
        settings.setValue(_SETTINGS + "status", query.status)
        settings.setValue(_SETTINGS + "programme", query.programme)
        settings.setValue(_SETTINGS + "region", query.region or "")
        settings.setValue(_SETTINGS + "sort", query.sort)
        settings.setValue(_SETTINGS + "descending", query.descending)


def list_households_for(ui: UiContext):
    """The model's page reader: the next keyset page of the same query."""
    return lambda query, cursor: list_households(ui.db, query, after=cursor)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The household list: the lazy table model, search-as-you-type, filters, opening a row."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt

from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.household_list import ListQuery, list_households
from kaltim_desktop.ui.household_table_model import HouseholdTableModel
from kaltim_desktop.ui.pages.households import HouseholdsPage
from tests.ui.conftest import wait_tasks

TODAY = date(2025, 7, 1)


@pytest.fixture
def demo_ui(ui_context):
    generate_demo(ui_context.db, households=230, seed=5, today=TODAY)
    return ui_context


def fetcher(db, calls):
    def fetch(query, cursor):
        calls.append(cursor)
        return list_households(db, query, after=cursor, limit=50)

    return fetch


def test_model_passes_the_model_tester_while_fetching(qtmodeltester, demo_ui):
    calls = []
    model = HouseholdTableModel(fetcher(demo_ui.db, calls))
    model.reset(ListQuery(), list_households(demo_ui.db, ListQuery(), limit=50))
    qtmodeltester.check(model, force_py=True)
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    before = model.rowCount()  # the tester itself fetches a page or two
    assert before % 50 == 0 and before < 230
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    # Each page announces exactly the rows it appends, right after the previous ones.
    assert inserted == [(start, min(start + 49, 229)) for start in range(before, 230, 50)]
    assert model.rowCount() == 230
    assert len({model.row_id(r) for r in range(230)}) == 230
    assert model.rowCount(model.index(0, 0)) == 0
    qtmodeltester.check(model, force_py=True)


def test_sorting_a_column_asks_for_a_new_query(qtmodeltester, demo_ui):
    model = HouseholdTableModel(fetcher(demo_ui.db, []))
    model.reset(ListQuery(), list_households(demo_ui.db, ListQuery(), limit=50))
    requested = []
    model.sort_requested.connect(requested.append)
    model.sort(2, Qt.SortOrder.DescendingOrder)  # KK number
    model.sort(1, Qt.SortOrder.AscendingOrder)  # the matched NIK: not sortable
    assert [(q.sort, q.descending) for q in requested] == [("kk_number", True)]


@pytest.fixture
def page(qtbot, demo_ui):
    page = HouseholdsPage(demo_ui)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.activated()
    with qtbot.waitSignal(page.list_view.results_shown, timeout=10_000):
        pass
    return page


def test_list_shows_first_page_and_count(page):
    view = page.list_view
    assert view.model.rowCount() == 200  # one page; more come as the view scrolls
    assert view.count_label.text() == "230 households"
    view.table.scrollToBottom()
    assert view.model.rowCount() == 230


def test_search_as_you_type_is_debounced_and_opens_with_enter(qtbot, page, demo_ui):
    view = page.list_view
    heads = [view.model.data(view.model.index(r, 0)) for r in range(17, 200)]
    head = next(h for h in heads if h.split()[0].isalpha() and len(h.split()[0]) >= 4)
    first_word = head.split()[0]
    shown = []
    view.results_shown.connect(lambda: shown.append(view.search.text()))
    view.search.setFocus()
    qtbot.keyClicks(view.search, first_word)  # one keystroke after another, faster than 200 ms
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    wait_tasks(qtbot, demo_ui)
    assert shown == [first_word]  # one search for the whole word, not one per letter
    rows = [view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())]
    assert head in rows
    assert all(first_word.lower() in r.lower() for r in rows) or len(rows) < 230
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.hasFocus() and view.table.currentIndex().row() == 0
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.history, timeout=5000)
    assert page.history.heading.text() == rows[0]
    qtbot.keyClick(page.history.edit_button, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_view


def test_filters_and_sorting_reload_the_list(qtbot, page, demo_ui):
    view = page.list_view
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.programme.setCurrentIndex(view.programme.findData("house"))
    expected = list_households(demo_ui.db, ListQuery(programme="house")).rows
    assert 0 < view.model.rowCount() == len(expected) < 230
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.table.horizontalHeader().sectionClicked.emit(8)  # Registered
        view.table.sortByColumn(8, Qt.SortOrder.DescendingOrder)
    wait_tasks(qtbot, demo_ui)
    ids = [view.model.row_id(r) for r in range(view.model.rowCount())]
    assert ids == sorted((r.id for r in expected), reverse=True)
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.region.set_code("64.72")
    assert all(
        view.model.data(view.model.index(r, 5)) == "Kota Samarinda"
        for r in range(view.model.rowCount())
    )
    # The filters are remembered for the next start.
    assert demo_ui.settings.value("households/programme") == "house"
    assert demo_ui.settings.value("households/region") == "64.72"

# SPDX-License-Identifier: GPL-3.0-or-later
"""The overview shows the figures of the database: compared with direct counts in SQL, per
regency and per district, in its table, its key figures and its charts."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.ui.pages.overview import COLUMNS, OverviewPage
from tests.ui.conftest import wait_tasks


def count(db, sql: str, **params) -> int:
    with db.read() as session:
        return session.execute(text(sql), params).scalar_one()


def households_in(db, prefix: str) -> int:
    return count(
        db,
        "SELECT count(*) FROM household WHERE NOT deleted AND merged_into IS NULL"
        " AND substr(village_code, 1, length(:p)) = :p",
        p=prefix,
    )


def houses_handed_over_in(db, prefix: str) -> int:
    return count(
        db,
        "SELECT count(*) FROM handover JOIN household ON household.id = handover.household_id"
        " WHERE handover.stage = 'handed_over' AND NOT handover.deleted"
        " AND NOT household.deleted AND substr(village_code, 1, length(:p)) = :p",
        p=prefix,
    )


def cell(page: OverviewPage, area_name: str, column: str) -> str:
    for row in range(page.table.rowCount()):
        if page.table.item(row, 0).text() == area_name:
            return page.table.item(row, COLUMNS.index(column)).text()
    raise AssertionError(f"no row {area_name}")


def test_overview_counts_match_the_database(qtbot, ui_context):
    ui = ui_context
    generate_demo(ui.db, households=150, seed=7)
    page = OverviewPage(ui)
    qtbot.addWidget(page)
    page.resize(1150, 680)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)

    total = households_in(ui.db, "64")
    assert total == 150
    assert page.figures["households"].value.text() == "150"
    assert page.figures["houses"].value.text() == str(houses_handed_over_in(ui.db, "64"))
    assert page.table.rowCount() == 11  # ten regencies and the total
    assert cell(page, "Total", "households") == "150"
    for code, name in (("64.72", "Kota Samarinda"), ("64.02", "Kabupaten Kutai Kartanegara")):
        assert cell(page, name, "households") == str(households_in(ui.db, code))
        assert cell(page, name, "handed_over") == str(houses_handed_over_in(ui.db, code))
    drawn = page.chart_values("households")["Households"]
    assert sum(drawn) == 150
    # Bars are drawn bottom-up: the last bar is the first regency (Paser, 64.01).
    assert drawn[-1] == households_in(ui.db, "64.01")
    disbursed = count(
        ui.db, "SELECT count(*) FROM grant_award WHERE stage = 'disbursed' AND NOT deleted"
    )
    grant_bars = page.chart_values("grants")["Grants"]
    # Bottom-up again: void, disbursed, approved, verified, proposed.
    assert grant_bars[1] == disbursed
    assert sum(grant_bars) == count(ui.db, "SELECT count(*) FROM grant_award")

    # The months tab: the last twelve months' milestones, as in the database.
    months = page.chart_values("months")
    assert sum(months["Houses handed over"]) == count(
        ui.db,
        "SELECT count(*) FROM handover WHERE stage = 'handed_over' AND NOT deleted"
        " AND handed_over_on > date('now', 'start of month', '-11 months', '-1 day')",
    )
    assert len(months["Grants disbursed"]) == 12

    # One regency, per district.
    page.scope.setCurrentIndex(page.scope.findData("64.72"))
    wait_tasks(qtbot, ui)
    samarinda = households_in(ui.db, "64.72")
    assert cell(page, "Total", "households") == str(samarinda)
    assert cell(page, "Sungai Kunjang", "households") == str(households_in(ui.db, "64.72.06"))
    assert page.table.rowCount() == 11  # ten districts of Samarinda and the total
    assert ui.settings.value("overview/regency") == "64.72"


def test_programme_screens_open_from_the_keyboard(qtbot, ui_context):
    """Ctrl+1, 3, 4, 5 and 8 reach the overview and the programme screens in the window."""
    from PySide6.QtCore import Qt

    from kaltim_desktop.ui.main_window import MainWindow

    ui = ui_context
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for number, key in ((3, "handovers"), (4, "grants"), (5, "trainings"), (8, "settings")):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        wait_tasks(qtbot, ui)
        assert window.current_key == key
        page = window.page(key)
        assert page.isVisible()
        assert window.heading.text() == page.title()
        # Focus lands inside the page, where the officer works next.
        assert page.isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    wait_tasks(qtbot, ui)
    assert window.current_key == "overview"
    assert window.page("overview").figures["households"].value.text() == "0"

# SPDX-License-Identifier: GPL-3.0-or-later
"""The main window's navigation, lazy pages, unsaved-changes guard, shortcuts and status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.status import LAST_SYNC_SETTING
from kaltim_desktop.ui.main_window import PAGES, MainWindow, PageSpec
from kaltim_desktop.ui.pages.base import Page

created: list[str] = []


class FakePage(Page):
    key = "fake"

    def __init__(self, ui, parent=None):
        super().__init__(ui, parent)
        created.append(self.key)
        self.activations = 0
        self.keep_officer = False
        self.calls: list[tuple] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.key))

    def title(self):
        return f"Title of {self.key}"

    def activated(self):
        self.activations += 1

    def confirm_leave(self):
        return not self.keep_officer

    def new_household(self):
        self.calls.append(("new",))

    def focus_search(self):
        self.calls.append(("find",))

    def open_household(self, household_id):
        self.calls.append(("open", household_id))


class OverviewFake(FakePage):
    key = "overview"


class HouseholdsFake(FakePage):
    key = "households"


class SettingsFake(FakePage):
    key = "settings"


FAKES = (
    PageSpec("overview", "Overview", f"{__name__}:OverviewFake"),
    PageSpec("households", "Households", f"{__name__}:HouseholdsFake"),
    PageSpec("settings", "Settings", f"{__name__}:SettingsFake"),
)


def make_window(qtbot, ui_context) -> MainWindow:
    created.clear()
    window = MainWindow(ui_context, pages=FAKES)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need the active window
    return window


def test_tests_see_a_laptop_screen(qapp):
    assert qapp.primaryScreen().geometry().size().toTuple() == (1366, 768)


def test_the_navigation_lists_the_screens_of_the_issues():
    assert [spec.key for spec in PAGES] == [
        "overview",
        "households",
        "handovers",
        "grants",
        "trainings",
        "certificates",
        "sync",
        "settings",
        "review",
    ]


def test_pages_are_created_on_first_show_and_activated_each_time(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    assert created == ["overview"]  # the start page, and only it
    overview = window.show_page("overview")
    assert created == ["overview"]
    assert window.heading.text() == "Title of overview"
    window.show_page("settings")
    window.show_page("overview")
    assert created == ["overview", "settings"]
    assert overview.activations == 2


def test_a_page_with_unsaved_changes_keeps_the_officer(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    households = window.show_page("households")
    households.keep_officer = True
    window.navigation.setCurrentRow(2)
    assert window.current_key == "households"
    assert window.navigation.currentRow() == 1
    households.keep_officer = False
    window.navigation.setCurrentRow(2)
    assert window.current_key == "settings"


def test_keyboard_shortcuts_reach_the_households_page(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    window.show_page("overview")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    households = window.page("households")
    assert window.current_key == "households"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "settings"
    ui_context.events.open_household.emit("hh-1")
    assert window.current_key == "households"
    assert households.calls == [("new",), ("find",), ("open", "hh-1")]


def test_ctrl_l_asks_for_the_lock(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    with qtbot.waitSignal(window.lock_requested, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def test_status_bar_names_the_officer_the_database_and_the_last_sync(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    assert window.officer_label.text() == "Officer: admin (Administrator)"
    assert window.database_label.text() == "Database: kaltim.sqlite"
    assert window.sync_label.text() == "Last sync: never"
    with ui_context.db.transaction() as session:
        set_setting(session, LAST_SYNC_SETTING, "2024-08-23T03:00:00+00:00")
    ui_context.events.status_changed.emit()
    assert window.sync_label.text() == "Last sync: 23 August 2024"


def test_geometry_is_remembered(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    window.resize(1100, 650)
    window.close()
    assert isinstance(ui_context.settings.value("main_window/geometry"), QByteArray)
    again = make_window(qtbot, ui_context)
    assert (again.width(), again.height()) == (1100, 650)


def test_the_data_menu_opens_import_export_and_report(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Data"]
    wizard = window.open_import()
    assert wizard.isVisible() and wizard.windowTitle() == "Import a list"
    wizard.close()
    window.show_page("households")
    dialog = window.open_export()
    assert dialog.kind.currentData() == "households"
    dialog.close()
    report = window.open_report()
    assert report.windowTitle() == "Programme report"
    report.close()


def test_menu_keys_open_the_dialogs(qtbot, ui_context):
    window = make_window(qtbot, ui_context)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in window.findChildren(QDialog) if w.isVisible()]
    assert [d.windowTitle() for d in dialogs] == ["Export a list"]
    dialogs[0].close()

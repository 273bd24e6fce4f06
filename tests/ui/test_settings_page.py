# SPDX-License-Identifier: GPL-3.0-or-later
"""The settings screen: the language and lock delay are stored in the database and persist,
officers are added by an administrator, a backup is made off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kaltim_desktop.db import current_revision
from kaltim_desktop.services.installation import read_settings
from kaltim_desktop.services.officers import list_officers
from kaltim_desktop.services.preferences import get_language
from kaltim_desktop.ui.pages.programme_widgets import select_data
from kaltim_desktop.ui.pages.settings import SettingsPage
from tests.ui.conftest import wait_tasks
from tests.ui.test_handovers_page import save


def open_page(qtbot, ui) -> SettingsPage:
    page = SettingsPage(ui)
    qtbot.addWidget(page)
    page.resize(1150, 680)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def test_language_and_lock_delay_persist(qtbot, ui_context):
    ui = ui_context
    page = open_page(qtbot, ui)
    assert page.language.currentData() == "id"  # the default
    assert page.lock_minutes.value() == 10
    select_data(page.language, "en")
    page.lock_minutes.setValue(5)
    page.language.setFocus()
    qtbot.keyClick(page.language, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_tasks(qtbot, ui)
    assert "Restart the application" in page.save_note.text()
    assert "lock delay applies from the next start" in page.save_note.text()
    assert get_language(ui.db) == "en"
    assert read_settings(ui.db).lock_minutes == 5

    again = open_page(qtbot, ui)
    assert again.language.currentData() == "en"
    assert again.lock_minutes.value() == 5
    again.save_button.click()  # nothing changed: no restart needed
    wait_tasks(qtbot, ui)
    assert again.save_note.text() == "Settings saved."


def test_admin_adds_an_officer(qtbot, ui_context):
    ui = ui_context
    page = open_page(qtbot, ui)
    assert page.officer_table.rowCount() == 1
    dialog = page.add_officer()
    qtbot.keyClicks(dialog.username, "budi.santoso")
    qtbot.keyClicks(dialog.name, "Budi Santoso")
    select_data(dialog.role, "supervisor")
    qtbot.keyClicks(dialog.password, "rahasia-sekali")
    qtbot.keyClicks(dialog.repeat, "rahasia-salah")
    save(qtbot, ui, dialog)
    assert dialog.isVisible() and dialog.note.text() == "The two passwords differ."
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "rahasia-sekali")
    save(qtbot, ui, dialog)
    assert not dialog.isVisible()
    assert {(o.username, o.role) for o in list_officers(ui.db)} == {
        ("admin", "admin"),
        ("budi.santoso", "supervisor"),
    }
    names = {page.officer_table.item(r, 0).text() for r in range(page.officer_table.rowCount())}
    assert names == {"admin", "budi.santoso"}


def test_operator_sees_officers_but_cannot_change_the_lock(qtbot, ui_context, ui_operator):
    ui_context.actor = ui_operator
    page = open_page(qtbot, ui_context)
    assert not page.lock_minutes.isEnabled()
    assert page.add_officer_button.isHidden()
    select_data(page.language, "en")
    page.save_button.click()
    wait_tasks(qtbot, ui_context)
    assert get_language(ui_context.db) == "en"


def test_back_up_now(qtbot, ui_context):
    ui = ui_context
    page = open_page(qtbot, ui)
    before = set((ui.data_dir / "backups").glob("*.sqlite"))
    page.backup_button.click()
    wait_tasks(qtbot, ui)
    made = set((ui.data_dir / "backups").glob("*.sqlite")) - before
    assert len(made) == 1
    backup = made.pop()
    assert current_revision(backup) == current_revision(ui.db.path)
    assert str(backup) in page.backup_note.text()
    assert page.backup_button.isEnabled()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up: first-run set-up on an empty database, sign-in, demo data, then the window."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from kaltim_desktop.db import backup_due, check_integrity
from kaltim_desktop.models import ReviewItem
from kaltim_desktop.services.context import get_setting
from kaltim_desktop.services.installation import REGENCY_KEY, read_settings
from kaltim_desktop.services.maintenance import data_summary
from kaltim_desktop.services.officers import add_officer, list_officers
from kaltim_desktop.ui.application import DEMO_PASSWORD, DEMO_USERNAME, Startup
from kaltim_desktop.ui.start_dialogs import LoginDialog, SetupDialog

PASSWORD = "rahasia-kaltim"


@pytest.fixture
def startup(qapp, db, tmp_path):
    made = []

    def make(**options) -> Startup:
        s = Startup(db, tmp_path, tmp_path / "logs" / "kaltim.log", **options)
        made.append(s)
        return s

    yield make
    for s in made:
        if s.window is not None:
            s.window.ui.settings.sync()
            s.window.hide()
            s.window.deleteLater()
        if s.dialog is not None:
            s.dialog.close()
        s.shutdown()


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def submit(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_empty_database_starts_with_the_setup(qtbot, startup, db):
    s = startup()
    s.start()
    dialog = s.dialog
    assert isinstance(dialog, SetupDialog) and dialog.isVisible()
    type_into(qtbot, dialog.name, "Rina Susanti")
    type_into(qtbot, dialog.username, "rina.s")
    type_into(qtbot, dialog.password, "short")
    type_into(qtbot, dialog.repeat, "shorter")
    type_into(qtbot, dialog.regency.lineEdit(), "Kutai Kartanegara")
    qtbot.keyClick(dialog.regency.lineEdit(), Qt.Key.Key_Tab)
    submit(qtbot, dialog)
    assert dialog.message.text() == "The two passwords differ. Type them again."
    type_into(qtbot, dialog.repeat, "short")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.message.text().startswith("The password"))
    assert "at least 8 characters" in dialog.message.text()
    assert list_officers(db) == []
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    with qtbot.waitSignal(s.started, timeout=10_000) as started:
        submit(qtbot, dialog)
    window = started.args[0]
    assert window.isVisible() and window.current_key == "households"
    assert s.ui.actor.username == "rina.s" and s.ui.actor.role == "admin"
    with db.read() as session:
        assert get_setting(session, REGENCY_KEY) == "64.02"
    assert not read_settings(db).needs_setup


def test_sign_in_refuses_a_wrong_password_then_opens_the_window(qtbot, startup, db):
    add_officer(db, None, username="admin", name="Admin", password=PASSWORD, role="admin")
    s = startup()
    s.start()
    dialog = s.dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    # The window's code loads while the officer types.
    qtbot.waitUntil(lambda: s.preloaded, timeout=10_000)
    assert "kaltim_desktop.ui.pages.households" in sys.modules
    type_into(qtbot, dialog.username, "admin")
    type_into(qtbot, dialog.password, "salah-sandi")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert dialog.message.text() == "Wrong user name or password."
    assert dialog.password.text() == "" and s.window is None
    type_into(qtbot, dialog.password, PASSWORD)
    with qtbot.waitSignal(s.started, timeout=10_000):
        submit(qtbot, dialog)
    assert not dialog.isVisible()
    assert s.ui.actor.username == "admin"


def test_routine_backup_runs_after_the_window_shows(qtbot, startup, db, tmp_path, monkeypatch):
    from kaltim_desktop.ui import application

    monkeypatch.setattr(application, "BACKUP_DELAY_MS", 0)
    add_officer(db, None, username="admin", name="Admin", password=PASSWORD, role="admin")
    backups = tmp_path / "backups"
    s = startup(backups=backups)
    s.start()
    s.dialog.username.setText("admin")
    s.dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(s.started, timeout=10_000):
        submit(qtbot, s.dialog)
    assert not list(backups.glob("kaltim-*.sqlite"))  # not before the window
    qtbot.waitUntil(lambda: len(list(backups.glob("kaltim-*.sqlite"))) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: s.runner.active == 0, timeout=10_000)
    (made,) = backups.glob("kaltim-*.sqlite")
    assert check_integrity(made) == []
    # Within the day, a second start takes no second backup.
    assert not backup_due(backups)


def test_quitting_the_sign_in_aborts(qtbot, startup, db):
    add_officer(db, None, username="admin", name="Admin", password=PASSWORD, role="admin")
    s = startup()
    s.start()
    with qtbot.waitSignal(s.aborted, timeout=2000):
        qtbot.keyClick(s.dialog.password, Qt.Key.Key_Escape)
    assert s.window is None


def test_demo_start_generates_data_off_the_gui_thread(qtbot, startup, db):
    s = startup(demo=True)
    s.start()
    assert s.dialog is None  # the data comes first, on a worker
    qtbot.waitUntil(lambda: s.dialog is not None, timeout=60_000)
    assert data_summary(db).households == 500 + 4  # four heads registered again (review page)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ReviewItem)) >= 4
    dialog = s.dialog
    assert dialog.username.text() == DEMO_USERNAME
    assert DEMO_PASSWORD in "".join(
        label.text() for label in dialog.findChildren(type(dialog.message))
    )
    type_into(qtbot, dialog.password, DEMO_PASSWORD)
    with qtbot.waitSignal(s.started, timeout=10_000) as started:
        submit(qtbot, dialog)
    page = started.args[0].page("households")
    qtbot.waitUntil(lambda: page.list_view.model.rowCount() == 200, timeout=10_000)


def test_cancelled_demo_leaves_nothing(qtbot, startup, db, monkeypatch):
    s = startup(demo=True)
    tasks = []
    original = s.runner.run
    monkeypatch.setattr(
        s.runner, "run", lambda *a, **k: tasks.append(original(*a, **k)) or tasks[-1]
    )
    s.start()
    tasks[0].cancel()
    qtbot.waitUntil(lambda: s.dialog is not None, timeout=60_000)
    assert data_summary(db).households == 0
    assert isinstance(s.dialog, LoginDialog)


def test_ctrl_l_locks_the_window(qtbot, startup, db):
    add_officer(db, None, username="admin", name="Admin", password=PASSWORD, role="admin")
    s = startup()
    s.start()
    s.dialog.username.setText("admin")
    s.dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(s.started, timeout=10_000) as started:
        submit(qtbot, s.dialog)
    window = started.args[0]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert s.lock.is_locked and not window.isVisible()
    s.lock.dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(s.lock.unlocked, timeout=10_000):
        submit(qtbot, s.lock.dialog)
    assert window.isVisible()

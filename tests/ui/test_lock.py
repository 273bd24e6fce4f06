# SPDX-License-Identifier: GPL-3.0-or-later
"""The inactivity lock: windows hidden, a password to come back, activity postpones it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kaltim_desktop.errors import ValidationError
from kaltim_desktop.services.installation import (
    DEFAULT_LOCK_MINUTES,
    read_settings,
    set_lock_minutes,
)
from kaltim_desktop.ui.session_lock import SessionLock
from tests.ui.conftest import ADMIN_PASSWORD, OPERATOR_PASSWORD


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.addWidget(QLineEdit())
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def lock(ui_context):
    session_lock = SessionLock(ui_context, 150)
    yield session_lock
    session_lock.stop()
    if session_lock.dialog is not None:
        session_lock.dialog.close()


def test_inactivity_locks_and_the_password_unlocks(qtbot, window, lock, ui_context):
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert not window.isVisible() and lock.dialog.isVisible()
    dialog = lock.dialog
    assert dialog.username.text() == "admin"
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)  # Esc does not get past the lock
    assert lock.is_locked and dialog.isVisible()
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert dialog.message.text() == "Wrong user name or password."
    assert lock.is_locked and not window.isVisible()
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(lock.unlocked, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert window.isVisible() and not lock.is_locked


def test_activity_postpones_the_lock(qtbot, window, lock):
    lock.set_timeout(400)
    field = window.findChild(QLineEdit)
    for _ in range(6):
        qtbot.wait(120)
        qtbot.keyClick(field, Qt.Key.Key_A)
    assert not lock.is_locked  # 720 ms of typing, never 400 ms idle
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass


def test_another_officer_can_take_over(qtbot, window, lock, ui_context, ui_operator):
    lock.lock()
    dialog = lock.dialog
    dialog.username.setText("operator")
    dialog.password.setText(OPERATOR_PASSWORD)
    changed = []
    ui_context.events.status_changed.connect(lambda: changed.append(1))
    with qtbot.waitSignal(lock.unlocked, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert ui_context.actor.username == "operator" and changed


def test_lock_time_is_a_business_setting(ui_context, ui_operator):
    assert read_settings(ui_context.db).lock_minutes == DEFAULT_LOCK_MINUTES
    set_lock_minutes(ui_context.db, ui_context.actor, 3)
    assert read_settings(ui_context.db).lock_minutes == 3
    with pytest.raises(ValidationError):
        set_lock_minutes(ui_context.db, ui_context.actor, 0)
    from kaltim_desktop.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        set_lock_minutes(ui_context.db, ui_operator, 5)

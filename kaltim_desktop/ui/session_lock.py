# SPDX-License-Identifier: GPL-3.0-or-later
"""Lock the session after inactivity (or on Ctrl+L).

An application-wide event filter restarts a timer on every key press, click, wheel turn or
mouse move. When the timer fires, every window is hidden (personal data must not stay on an
unattended screen) and the lock dialog asks for a password. The officer who unlocks becomes
the session's officer, so a colleague can take over the laptop without restarting it.
The time is a business setting (``session.lock_minutes``, default 10 minutes).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from kaltim_desktop.services.context import Actor
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.start_dialogs import LoginDialog

log = logging.getLogger(__name__)

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class SessionLock(QObject):
    """Signals: locked(), unlocked(), quit_requested() (Quit chosen on the lock screen)."""

    locked = Signal()
    unlocked = Signal()
    quit_requested = Signal()

    def __init__(self, ui: UiContext, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.dialog: LoginDialog | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def set_timeout(self, timeout_ms: int) -> None:
        self.timer.setInterval(timeout_ms)
        if not self.is_locked:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.is_locked:
            self.timer.start()
        return False

    def lock(self) -> None:
        """Hide every window and show the lock dialog (no-op when already locked)."""
        if self.is_locked:
            return
        self.timer.stop()
        log.info("session locked")
        self._hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        dialog = LoginDialog(
            self.ui.db, self.ui.runner, username=self.ui.actor.username, locked=True
        )
        dialog.signed_in.connect(self._unlock)
        dialog.quit_requested.connect(self.quit_requested)
        self.dialog = dialog
        dialog.open()
        self.locked.emit()

    def _unlock(self, actor: Actor) -> None:
        changed = actor.officer_id != self.ui.actor.officer_id
        self.ui.actor = actor
        # Windows come back before the dialog closes, so Qt never sees "no window left".
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if changed:
            log.info("session taken over by another officer")
        self.ui.events.status_changed.emit()
        self.timer.start()
        self.unlocked.emit()

    def stop(self) -> None:
        """Stop watching (the application is closing)."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

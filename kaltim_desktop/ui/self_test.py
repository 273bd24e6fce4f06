# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop step of ``--self-test``: the main window, every screen opened once, offscreen.

The screens are imported by name when first shown (:data:`kaltim_desktop.ui.main_window.PAGES`),
so opening each one is what proves a frozen build carries all of them. An error a screen
reports (normally a message box nobody sees offscreen) fails the step.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from kaltim_desktop import APP_NAME, ORG_NAME
from kaltim_desktop.db import Database
from kaltim_desktop.i18n import _
from kaltim_desktop.services.context import Actor
from kaltim_desktop.ui.context import UiContext, UiEvents, ui_settings
from kaltim_desktop.ui.errors import ErrorPresenter
from kaltim_desktop.ui.tasks import TaskRunner

PAGE_INTERVAL_MS = 150  # let each screen start its background loading before the next one
SETTLE_TIMEOUT_MS = 20_000  # the screens' background loads must end within this


class RecordingErrors(ErrorPresenter):
    """Shows errors as usual and remembers them, so the self-test can fail on them."""

    def __init__(self, log_file: Path) -> None:
        super().__init__(log_file)
        self.seen: list[BaseException] = []

    def show(self, parent, error: BaseException):
        self.seen.append(error)
        return super().show(parent, error)


def show_main_window(db: Database, actor: Actor, data_dir: Path, log_file: Path) -> str:
    """Show the main window, visit every screen, wait for their loads; describe what ran.

    Raises:
        RuntimeError: a screen reported an error, the window did not show, or the loads did
            not end in time.
    """
    from kaltim_desktop.ui.main_window import PAGES, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setStyle("Fusion")
    errors = RecordingErrors(log_file)
    runner = TaskRunner(errors)
    ui = UiContext(
        db=db, actor=actor, runner=runner, errors=errors, events=UiEvents(),
        settings=ui_settings(data_dir), data_dir=data_dir, log_file=log_file,
    )  # fmt: skip
    window = MainWindow(ui)
    window.show()
    visited: list[str] = []
    clock = QElapsedTimer()
    clock.start()
    timed_out = False
    shown = True

    def next_page() -> None:
        nonlocal timed_out, shown
        shown = shown and window.isVisible()
        if len(visited) < len(PAGES):
            key = PAGES[len(visited)].key
            window.show_page(key)
            visited.append(key)
        elif runner.active == 0 or clock.elapsed() > SETTLE_TIMEOUT_MS:
            timed_out = runner.active > 0
            # exit(), not quit(): Qt 6's quit() first closes every window, like a user would.
            app.exit(0)
            return
        QTimer.singleShot(PAGE_INTERVAL_MS, next_page)

    try:
        QTimer.singleShot(0, next_page)
        app.exec()
    finally:
        window.close()
        runner.shutdown()
        window.deleteLater()
        app.processEvents()
    if errors.seen:
        raise RuntimeError(
            "screens reported errors: " + ", ".join(type(e).__name__ for e in errors.seen)
        )
    if not shown or timed_out:
        raise RuntimeError("the window was not shown" if not shown else "screens kept loading")
    return _("{count} screens shown, Qt platform {platform}").format(
        count=len(visited), platform=app.platformName()
    )

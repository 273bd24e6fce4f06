# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop's start: QApplication, demo data, first-run set-up, sign-in, main window, lock.

:class:`Startup` chains the steps without nested event loops (every dialog is opened with
``open()``), so the whole start can be driven by tests; :func:`run_gui` wires it to a real
QApplication and runs the event loop.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kaltim_desktop import APP_NAME, ORG_NAME, i18n
from kaltim_desktop.db import Database, backup, backup_due, head_revision, open_database
from kaltim_desktop.errors import Cancelled
from kaltim_desktop.i18n import _
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.installation import first_run_setup, read_settings
from kaltim_desktop.services.maintenance import data_summary
from kaltim_desktop.ui.context import UiContext, UiEvents, ui_settings
from kaltim_desktop.ui.errors import ErrorPresenter
from kaltim_desktop.ui.session_lock import SessionLock
from kaltim_desktop.ui.start_dialogs import LoginDialog, SetupDialog
from kaltim_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

DEMO_HOUSEHOLDS = 500
DEMO_SEED = 1
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-kaltim"
DEMO_REGENCY = "64.72"  # Kota Samarinda
BACKUP_DELAY_MS = 3000  # let the first screen load before the disk is busy copying


class Startup(QObject):
    """Demo data (with ``demo``) → set-up (no officer yet) → sign-in → main window.

    Signals:
        started(window): the main window is shown.
        aborted(): the officer quit before signing in (or a step failed).
    """

    started = Signal(object)
    aborted = Signal()

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        log_file: Path,
        *,
        demo: bool = False,
        lock_ms: int | None = None,
        backups: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.data_dir = data_dir
        self.log_file = log_file
        self.demo = demo
        self.lock_ms = lock_ms
        self.backups = backups
        self.errors = ErrorPresenter(log_file)
        self.runner = TaskRunner(self.errors)
        self.dialog: SetupDialog | LoginDialog | None = None
        self.window = None
        self.lock: SessionLock | None = None
        self.ui: UiContext | None = None
        self._ended = False
        self.backup_task = None
        self.preloaded = False

    def start(self) -> None:
        if self.demo and data_summary(self.db).households == 0:
            self._make_demo()
        else:
            self._after_data()

    # -- demo data ---------------------------------------------------------------------------

    def _make_demo(self) -> None:
        from kaltim_desktop.services.context import Actor
        from kaltim_desktop.services.demo import generate_demo
        from kaltim_desktop.services.demo_review import add_demo_duplicates

        db = self.db

        def make(progress):
            summary = generate_demo(
                db, households=DEMO_HOUSEHOLDS, seed=DEMO_SEED, progress=progress
            )
            add_demo_duplicates(db, Actor.system())  # something for the review page
            return summary

        self.runner.run(
            make,
            title=_("Creating the demo database"),
            on_done=lambda _summary: self._after_data(),
            on_error=self._demo_failed,
        )

    def _demo_failed(self, exc: BaseException) -> None:
        # Cancelling rolls the whole generation back: the demo starts empty.
        if not isinstance(exc, Cancelled):
            self.errors.show(None, exc)
        self._after_data()

    # -- officers ----------------------------------------------------------------------------

    def _after_data(self) -> None:
        settings = read_settings(self.db)
        if settings.needs_setup and self.demo:
            first_run_setup(
                self.db, username=DEMO_USERNAME, name=_("Demo officer"),
                password=DEMO_PASSWORD, regency_code=DEMO_REGENCY,
            )  # fmt: skip
            settings = read_settings(self.db)
        self._lock_ms = self.lock_ms or settings.lock_minutes * 60_000
        if settings.needs_setup:
            dialog = SetupDialog(self.db, self.runner)
            dialog.rejected.connect(self._abort)
        else:
            hint = ""
            if self.demo:
                hint = _("Demo database: user name {user}, password {password}").format(
                    user=DEMO_USERNAME, password=DEMO_PASSWORD
                )
            dialog = LoginDialog(
                self.db, self.runner, username=DEMO_USERNAME if self.demo else "", hint=hint
            )
            dialog.quit_requested.connect(self._abort)
            dialog.rejected.connect(self._abort)
        dialog.signed_in.connect(self._signed_in)
        self.dialog = dialog
        dialog.open()
        # While the officer types the password, load what the window needs, on this thread
        # once the dialog is up (a worker thread here upset PySide6 6.12 in the tests).
        QTimer.singleShot(0, self._preload)

    def _preload(self) -> None:
        _preload_core()
        _preload_screens()
        self.preloaded = True

    def _signed_in(self, actor: Actor) -> None:
        from kaltim_desktop.ui.main_window import MainWindow

        self.ui = UiContext(
            db=self.db,
            actor=actor,
            runner=self.runner,
            errors=self.errors,
            events=UiEvents(),
            settings=ui_settings(self.data_dir),
            data_dir=self.data_dir,
            log_file=self.log_file,
        )
        self.window = MainWindow(self.ui)
        self.window.show()
        self.window.show_page("households")
        self.lock = SessionLock(self.ui, self._lock_ms, parent=self)
        self.window.lock_requested.connect(self.lock.lock)
        self.lock.quit_requested.connect(self._quit_locked)
        self.dialog = None
        if self.backups is not None:
            QTimer.singleShot(BACKUP_DELAY_MS, self._routine_backup)
        self.started.emit(self.window)

    def _routine_backup(self) -> None:
        """The daily backup, copied while the officer already works (SQLite's online backup
        reads a snapshot; WAL lets writers go on), instead of seconds of wait at the start."""
        if self.backups is None or not backup_due(self.backups):
            return
        path, target = self.db.path, self.backups
        label = f"r{head_revision()}"
        self.backup_task = self.runner.run(
            lambda _p: backup(path, target, label=label),
            title=_("Backing up the database"),
            on_done=lambda made: log.info("routine backup written"),
            progress_dialog=False,
        )

    def _abort(self) -> None:
        if not self._ended and self.window is None:
            self._ended = True
            self.aborted.emit()

    def _quit_locked(self) -> None:
        """Quit from the lock screen: nothing unsaved can be kept without unlocking."""
        log.info("quit from the lock screen")
        self._ended = True
        self.aborted.emit()

    def shutdown(self) -> None:
        if self.lock is not None:
            self.lock.stop()
        self.runner.shutdown()


def _preload_core() -> None:
    """The region tree, the date formats and the services of the first screen: work that would
    otherwise come after the password."""
    from datetime import date

    import kaltim_desktop.services.household_history
    import kaltim_desktop.services.household_list
    import kaltim_desktop.services.households
    import kaltim_desktop.services.status  # noqa: F401
    from kaltim_desktop.domain.formatting import format_date_long
    from kaltim_desktop.domain.regions import region_tree

    region_tree()
    format_date_long(date.today())


def _preload_screens() -> None:
    """The code of the main window and the household screens (Qt types: on the GUI thread)."""
    import kaltim_desktop.ui.main_window
    import kaltim_desktop.ui.pages.households  # noqa: F401


def apply_saved_language(db) -> str:
    """Switch to the language chosen in Pengaturan (stored in the database); return it."""
    from kaltim_desktop.services.preferences import get_language

    language = get_language(db)
    i18n.set_language(language)
    return language


def run_gui(ctx, *, demo: bool, use_saved_language: bool = True) -> int:
    """Run the desktop on ``ctx``'s data directory; return the exit code.

    Args:
        use_saved_language: apply the language stored in the database (False when the user
            chose one for this run with ``--lang`` or ``KALTIM_LANG``).
    """
    from kaltim_desktop.ui.qt_logging import install_qt_message_handler
    from kaltim_desktop.ui.qt_translations import install_qt_translations

    install_qt_message_handler()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setStyle("Fusion")
    # Between the sign-in dialog closing and the window showing there is no window: do not
    # take that moment for "the last window was closed".
    app.setQuitOnLastWindowClosed(False)
    # The daily backup runs once the window is shown (a migration still backs up first).
    db = open_database(ctx.db_path, ctx.backups_dir, routine_backup=False)
    if use_saved_language:
        apply_saved_language(db)
    translator = install_qt_translations(app)  # noqa: F841 (kept alive for the app's lifetime)
    startup = Startup(db, ctx.data_dir, ctx.log_file, demo=demo, backups=ctx.backups_dir)
    startup.aborted.connect(lambda: QTimer.singleShot(0, app.quit))
    startup.started.connect(lambda _window: app.setQuitOnLastWindowClosed(True))
    try:
        QTimer.singleShot(0, startup.start)
        return app.exec()
    finally:
        startup.shutdown()
        db.dispose()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Run long work off the GUI thread, with a delayed progress dialog and Cancel.

A unit of work is a plain function ``fn(progress) -> result`` that calls services; it runs on a
worker thread of a private :class:`QThreadPool`. ``progress`` implements the Qt-free
:class:`kaltim_desktop.progress.Progress` protocol, so the same service code reports to a
dialog here and to nothing in the command line. Results and errors come back to the GUI thread
through queued signals; the callbacks never run on the worker.

The dialog appears only when the work lasts longer than :data:`DIALOG_DELAY_MS`: quick work
(most saves, every search) never flashes a window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from kaltim_desktop.i18n import _
from kaltim_desktop.progress import CancelToken

log = logging.getLogger(__name__)

DIALOG_DELAY_MS = 600
_PROGRESS_INTERVAL_S = 0.05  # at most 20 dialog updates a second from a busy worker


class _WorkerSignals(QObject):
    # Emitted on the worker thread; the receivers are slots of a Task living on the GUI thread,
    # so Qt queues the calls to the GUI thread.
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _WorkerProgress:
    """The worker's side of progress: records figures, rate-limits the signals, honours Cancel."""

    def __init__(self, token: CancelToken, signals: _WorkerSignals) -> None:
        self._token = token
        self._signals = signals
        self._last = 0.0

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        self._token.update(done, total, message)
        now = time.monotonic()
        if now - self._last >= _PROGRESS_INTERVAL_S or (total is not None and done >= total):
            self._last = now
            self._signals.progressed.emit(done, -1 if total is None else total, message)

    def check(self) -> None:
        self._token.check()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Any], Any], progress: _WorkerProgress, signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._progress = progress
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except BaseException as exc:  # everything goes back to the GUI thread, bugs included
            self._signals.failed.emit(exc)
        else:
            self._signals.finished.emit(result)


class Task(QObject):
    """One submitted unit of work, owned by the :class:`TaskRunner` until it ends."""

    def __init__(
        self,
        runner: TaskRunner,
        title: str,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        parent_widget: QWidget | None,
        progress_dialog: bool,
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self.title = title
        self._on_done = on_done
        self._on_error = on_error
        self._parent_widget = parent_widget
        self._token = CancelToken()
        self._discarded = False
        self._dialog: QProgressDialog | None = None
        self._last_progress: tuple[int, int, str] = (0, -1, "")
        # Parented to the task: the worker's runnable also holds this object and may drop the
        # last Python reference on the worker thread, which would destroy a GUI-thread QObject
        # there (a rare segfault); owned by the task, it dies with the task on the GUI thread.
        self.signals = _WorkerSignals(self)
        self.signals.progressed.connect(self._on_progress)
        self.signals.finished.connect(self._on_finished)
        self.signals.failed.connect(self._on_failed)
        self._timer: QTimer | None = None
        if progress_dialog:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_dialog)
            self._timer.start(DIALOG_DELAY_MS)

    @property
    def cancelled(self) -> bool:
        return self._token.cancelled

    @property
    def dialog(self) -> QProgressDialog | None:
        """The progress dialog, once shown (tests press its Cancel button)."""
        return self._dialog

    def cancel(self) -> None:
        """Ask the work to stop at its next ``progress.check()``."""
        self._token.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(_("Cancelling…"))

    def discard(self) -> None:
        """Drop the outcome silently (a newer search replaced this one) and stop early."""
        self._discarded = True
        self._token.cancel()

    def worker_progress(self) -> _WorkerProgress:
        return _WorkerProgress(self._token, self.signals)

    @Slot()
    def _show_dialog(self) -> None:
        dialog = QProgressDialog(self._parent_widget)
        dialog.setWindowTitle(self.title)
        dialog.setLabelText(self._last_progress[2] or self.title)
        dialog.setCancelButtonText(_("Cancel"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self.cancel)
        self._dialog = dialog
        self._apply_progress()
        dialog.show()

    def _apply_progress(self) -> None:
        if self._dialog is None:
            return
        done, total, message = self._last_progress
        if total <= 0:
            self._dialog.setRange(0, 0)  # busy indicator until the work knows its size
        else:
            self._dialog.setRange(0, total)
            self._dialog.setValue(min(done, total))
        if message and not self._token.cancelled:
            self._dialog.setLabelText(message)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self._last_progress = (done, total, message)
        self._apply_progress()

    def _close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        self._runner._forget(self)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._close()
        if not self._discarded and self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._close()
        if self._discarded:
            return
        if self._on_error is not None:
            self._on_error(error)
        else:
            self._runner.errors.show(self._parent_widget, error)


class TaskRunner(QObject):
    """Submits work to a private thread pool and tracks it until its callbacks have run."""

    idle = Signal()
    """The last running task has ended (its callbacks have run)."""

    def __init__(self, errors, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.errors = errors
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()

    @property
    def active(self) -> int:
        """Tasks submitted whose callbacks have not run yet."""
        return len(self._tasks)

    def run(
        self,
        fn: Callable[[Any], Any],
        *,
        title: str,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
        progress_dialog: bool = True,
    ) -> Task:
        """Run ``fn(progress)`` on a worker thread; see the module docstring."""
        task = Task(self, title, on_done, on_error, parent, progress_dialog)
        self._tasks.add(task)
        self._pool.start(_Runnable(fn, task.worker_progress(), task.signals))
        return task

    def _forget(self, task: Task) -> None:
        self._tasks.discard(task)
        task.deleteLater()
        if not self._tasks:
            self.idle.emit()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every task and wait for the workers (on quit). Returns False on timeout."""
        for task in list(self._tasks):
            task.discard()
        finished = self._pool.waitForDone(timeout_ms)
        if not finished:
            log.warning("background work still running at shutdown")
        return finished

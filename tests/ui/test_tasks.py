# SPDX-License-Identifier: GPL-3.0-or-later
"""The task runner: work off the GUI thread, results on it, a late progress dialog, Cancel."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from kaltim_desktop.errors import Cancelled, NotFound
from tests.ui.conftest import wait_tasks


def test_work_runs_on_a_worker_and_the_result_comes_back_on_the_gui_thread(qtbot, ui_context):
    gui_thread = threading.current_thread()
    seen = {}

    def work(progress):
        seen["worker"] = threading.current_thread()
        return 42

    def done(result):
        seen["callback"] = threading.current_thread()
        seen["result"] = result

    ui_context.runner.run(work, title="t", on_done=done, progress_dialog=False)
    wait_tasks(qtbot, ui_context)
    assert seen["result"] == 42
    assert seen["worker"] is not gui_thread
    assert seen["callback"] is gui_thread


def test_quick_work_never_shows_a_dialog(qtbot, ui_context):
    task = ui_context.runner.run(lambda progress: None, title="quick")
    wait_tasks(qtbot, ui_context)
    assert task.dialog is None


def test_slow_work_shows_a_dialog_whose_cancel_stops_it(qtbot, ui_context):
    outcome = {}
    started = threading.Event()

    def slow(progress):
        started.set()
        for i in range(1000):
            progress.update(i, 1000, "working")
            progress.check()
            time.sleep(0.01)
        return "finished"

    task = ui_context.runner.run(
        slow,
        title="slow",
        on_done=lambda r: outcome.setdefault("done", r),
        on_error=lambda e: outcome.setdefault("error", e),
    )
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=3000)
    assert started.is_set()
    qtbot.waitUntil(lambda: task.dialog is None or task.dialog.value() > 0, timeout=3000)
    cancel_button = task.dialog.findChild(QPushButton)
    assert cancel_button.text() == "Cancel"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot, ui_context)
    assert "done" not in outcome
    assert isinstance(outcome["error"], Cancelled)


def test_errors_without_a_handler_reach_the_presenter(qtbot, ui_context):
    def fails(progress):
        raise NotFound("That household does not exist.")

    ui_context.runner.run(fails, title="t", progress_dialog=False)
    wait_tasks(qtbot, ui_context)
    box = ui_context.errors.last_box
    assert box is not None and box.isVisible()
    assert box.text() == "That household does not exist."
    assert box.icon() == QMessageBox.Icon.Warning


def test_a_discarded_task_never_calls_back(qtbot, ui_context):
    calls = []
    gate = threading.Event()

    def work(progress):
        gate.wait(5)
        return "stale"

    task = ui_context.runner.run(work, title="t", on_done=calls.append, progress_dialog=False)
    task.discard()
    gate.set()
    wait_tasks(qtbot, ui_context)
    assert calls == []
    assert ui_context.runner.active == 0

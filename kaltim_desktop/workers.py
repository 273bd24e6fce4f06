# SPDX-License-Identifier: GPL-3.0-or-later
"""Worker processes that end with the program that started them.

Large exports, imports and demo generations start helper processes (``spawn``: the same on
Linux and Windows, and in a frozen build). When the program is killed or crashes mid-way, a
helper waiting for its next task would otherwise wait forever, holding its memory on a laptop
that has little: its own end of the task queue keeps the queue open, so it never sees the end.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

EXIT_ORPHANED = 3


def exit_with_parent() -> None:
    """In a worker process: end it as soon as the process that started it has ended.

    Pass it as a pool's ``initializer`` or call it first in a process's target. The parent's
    sentinel (a pipe end on POSIX, a process handle on Windows) becomes ready when the parent
    ends; a daemon thread waits for it and leaves at once (``os._exit``: no clean-up of a task
    whose results nobody will read). Does nothing in the main process.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(EXIT_ORPHANED)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def worker_pool(max_workers: int) -> ProcessPoolExecutor:
    """A pool of ``spawn`` worker processes that end with this program (see above)."""
    return ProcessPoolExecutor(
        max_workers=max_workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=exit_with_parent,
    )  # fmt: skip

# SPDX-License-Identifier: GPL-3.0-or-later
"""Worker processes end with the program that started them (kaltim_desktop.workers): a killed
export, import or demo generation leaves no helper behind holding a laptop's memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kaltim_desktop.workers import exit_with_parent

PARENT = """
import multiprocessing, sys, time
from pathlib import Path
from kaltim_desktop.workers import worker_pool

if __name__ == "__main__":
    flag, busy = Path(sys.argv[1]), sys.argv[2] == "busy"
    pool = worker_pool(2)  # as exports and imports make theirs
    futures = [pool.submit(time.sleep, 600 if busy else 0) for _ in range(2)]
    time.sleep(1)  # both workers started
    flag.write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
    time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status  # exited, waiting for its reaper


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy"])
def test_workers_end_when_their_parent_is_killed(tmp_path, busy):
    script, flag = tmp_path / "parent.py", tmp_path / "workers"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(flag), "busy" if busy else "idle"],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists() or not flag.read_text():
            assert parent.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        workers = [int(pid) for pid in flag.read_text().split()]
        assert len(workers) >= 2 and not any(_gone(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
    finally:
        parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    while not all(_gone(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its killed parent"
        time.sleep(0.05)


def test_in_the_main_process_it_starts_no_watcher():
    exit_with_parent()  # no parent process to watch
    assert "exit-with-parent" not in {thread.name for thread in threading.enumerate()}

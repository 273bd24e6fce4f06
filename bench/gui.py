# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the desktop on a 100,000-household database (offscreen).

Run ``uv run python bench/gui.py`` (``--households N`` for another size). The demo database is
generated once into ``build/bench/gui-<N>/`` (about a minute for 100,000 households) and reused.
Printed, each next to a baseline measured in the same run:

* start to a usable main window: a fresh process opens the database as ``main.py`` does (the
  daily backup is left to a background task after the window shows, and is not part of the
  start), shows the sign-in dialog, signs an officer in, shows the main window and waits
  until the household list shows its first rows (target: at most 1.5 s). The seconds the
  officer spends typing the password are left out (the start-up loads the main window's code
  meanwhile, so the bench lets that finish before it "types"). Baseline: a fresh process
  showing a bare PySide6 window;
* keystroke-to-results latency of the household search (target: p95 at most 50 ms): NIK, KK,
  name and place queries typed into the real search box at 120 ms a key, measured from the
  last key to the results on screen, less the deliberate 200 ms pause of search-as-you-type
  (as the timer actually took it: a coarse Qt timer is up to 10 ms early or late);
  also, for information, with a pause after every keystroke (every prefix searched, broad
  ones included), and the baseline: the same prefixes through the list service, no GUI;
  the load average is printed with it (the figures move with the machine's load);
* resident memory (RSS) of the started process, and after scrolling 20,000 rows into the
  table (target: at most 300 MB).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_START_S = 1.5
TARGET_SEARCH_P95_MS = 50.0
TARGET_RSS_MB = 300.0
USERNAME = "bench"
PASSWORD = "bench-password"
READY = "READY"
KEYSTROKE_MS = 120
SEARCH_DELAY_MS = 200


def rss_mb() -> float:
    """Resident memory of this process now (Linux /proc; peak RSS elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_database(households: int) -> Path:
    """The cached benchmark data directory, generated on first use."""
    from kaltim_desktop.db import open_database
    from kaltim_desktop.services.demo import generate_demo
    from kaltim_desktop.services.officers import add_officer, count_officers

    directory = ROOT / "build" / "bench" / f"gui-{households}"
    ready = directory / "ready"
    if ready.exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("kaltim.sqlite*"):
        old.unlink()
    print(f"Generating {households:,} demo households into {directory} (once)…", flush=True)
    started = time.perf_counter()
    db = open_database(directory / "kaltim.sqlite")
    try:
        generate_demo(db, households=households, seed=1)
        if not count_officers(db):
            add_officer(db, None, username=USERNAME, name="Bench", password=PASSWORD, role="admin")
    finally:
        db.dispose()
    ready.write_text("ok\n")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return directory


# ---- child processes ------------------------------------------------------------------------


def child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    print(READY, f"{rss_mb():.1f}", flush=True)


def child_app(directory: Path, scroll_rows: int) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kaltim_desktop.db import open_database
    from kaltim_desktop.paths import backups_dir
    from kaltim_desktop.ui.application import Startup

    app = QApplication([])
    app.setStyle("Fusion")
    # As run_gui: the routine backup is not taken before the window (see db.backup_due).
    db = open_database(directory / "kaltim.sqlite", backups_dir(directory), routine_backup=False)
    startup = Startup(db, directory, directory / "logs" / "kaltim.log")
    done = {}

    def signed_in(window) -> None:
        view = window.page("households").list_view

        def shown() -> None:
            if "ready" not in done:
                done["ready"] = rss_mb()
                print(READY, f"{done['ready']:.1f}", flush=True)  # timed by the parent
                app.quit()

        view.results_shown.connect(shown)

    startup.started.connect(signed_in)
    startup.start()
    print("DIALOG", flush=True)  # the sign-in dialog is open and takes keys
    # The officer types the password (a few seconds); meanwhile the start-up preloads.
    while not startup.preloaded:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    print("TYPED", flush=True)
    startup.dialog.username.setText(USERNAME)
    startup.dialog.password.setText(PASSWORD)
    startup.dialog.submit()
    app.exec()
    # Memory once the officer has scrolled a long way down the list.
    view = startup.window.page("households").list_view
    model = view.model
    while model.rowCount() < scroll_rows and model.canFetchMore(view.table.rootIndex()):
        model.fetchMore(view.table.rootIndex())
    view.table.scrollToBottom()
    app.processEvents()
    print("SCROLLED", model.rowCount(), f"{rss_mb():.1f}", flush=True)
    startup.shutdown()
    db.dispose()


def child_environment() -> dict[str, str]:
    """Children may cache compiled bytecode, as an installed application has it (this
    environment may forbid writing it, which makes every start compile every module)."""
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(ROOT / "build" / "bench" / "pycache")
    return environment


def timed_child(*args: str) -> tuple[float, list[str], dict[str, float]]:
    """Run a child; return the seconds until READY, its output lines and the time of each
    marker line (DIALOG, TYPED, READY) since the process was started."""
    started = time.perf_counter()
    marks: dict[str, float] = {}
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_environment(),
    )
    lines, elapsed = [], None
    for line in process.stdout:
        marks.setdefault(line.split()[0] if line.split() else "", time.perf_counter() - started)
        if line.startswith(READY) and elapsed is None:
            elapsed = time.perf_counter() - started
        lines.append(line.strip())
    if process.wait() != 0 or elapsed is None:
        raise SystemExit(f"child {args} failed: {lines}")
    return elapsed, lines, marks


# ---- search latency -------------------------------------------------------------------------


def queries(directory: Path, count: int) -> list[str]:
    """Realistic search inputs drawn from the database: NIKs (start and end), KK numbers,
    names and place names."""
    import sqlite3

    rng = random.Random(7)
    with sqlite3.connect(directory / "kaltim.sqlite") as conn:
        niks = [
            r[0] for r in conn.execute("SELECT nik FROM person WHERE nik IS NOT NULL LIMIT 5000")
        ]
        names = [r[0] for r in conn.execute("SELECT name FROM person LIMIT 5000")]
        kks = [
            r[0]
            for r in conn.execute(
                "SELECT kk_number FROM household WHERE kk_number IS NOT NULL LIMIT 2000"
            )
        ]
    out = []
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:
            out.append(rng.choice(niks))
        elif kind == 1:
            out.append(rng.choice(niks)[-6:])
        elif kind == 2:
            out.append(rng.choice(kks)[:10])
        elif kind == 3:
            out.append(" ".join(rng.choice(names).split()[:2]))
        else:
            out.append(rng.choice(["Loa Bakung", "Samarinda", "Balikpapan", "Tenggarong"]))
    return out


def typed_prefixes(query: str) -> list[str]:
    """What the box holds after each keystroke that can produce results."""
    digits = query.replace(" ", "").isdigit()
    first = 4 if digits else 2
    return [query[:n] for n in range(first, len(query) + 1) if not query[:n].endswith(" ")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def search_latency(directory: Path, query_count: int):
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kaltim_desktop.db import open_database
    from kaltim_desktop.services.household_list import ListQuery, list_households
    from kaltim_desktop.services.officers import authenticate
    from kaltim_desktop.ui.context import UiContext, UiEvents, ui_settings
    from kaltim_desktop.ui.errors import ErrorPresenter
    from kaltim_desktop.ui.pages.households import HouseholdsPage
    from kaltim_desktop.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    db = open_database(directory / "kaltim.sqlite")
    errors = ErrorPresenter(directory / "logs" / "kaltim.log")
    runner = TaskRunner(errors)
    log_file = directory / "logs" / "kaltim.log"
    actor = authenticate(db, USERNAME, PASSWORD)
    ui = UiContext(
        db, actor, runner, errors, UiEvents(), ui_settings(directory), directory, log_file
    )
    page = HouseholdsPage(ui)
    page.resize(1280, 700)
    page.show()
    view = page.list_view

    def wait_shown() -> None:
        loop = QEventLoop()
        view.results_shown.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        loop.exec()
        view.results_shown.disconnect(loop.quit)

    page.activated()
    wait_shown()
    from PySide6.QtTest import QTest

    # 1. Typing as an officer does: keystrokes every 120 ms, faster than the 200 ms pause
    #    that starts a search; measured from the last keystroke, less that pause. The pause
    #    is a coarse Qt timer, which fires up to 5 % (10 ms) early or late: the pause left out
    #    is the one measured, from the last key to the timer firing (recorded before the
    #    search starts), not a fixed 200 ms. The fixed figure is kept for comparison.
    fired: list[float] = []
    view._timer.timeout.disconnect(view.reload)
    view._timer.timeout.connect(lambda: fired.append(time.perf_counter()))
    view._timer.timeout.connect(view.reload)
    typed, typed_fixed = [], []
    for query in queries(directory, query_count):
        view.search.clear()
        view.search.setFocus()
        for character in query[:-1]:
            QTest.keyClick(view.search, character)
            QTest.qWait(KEYSTROKE_MS)
        QTest.keyClick(view.search, query[-1])
        last = time.perf_counter()
        wait_shown()
        shown = time.perf_counter()
        typed_fixed.append((shown - last) * 1000 - SEARCH_DELAY_MS)
        typed.append((shown - max(f for f in fired if f >= last)) * 1000)
    # 2. Every keystroke followed by a pause: each prefix searched, the pause left out.
    view._timer.setInterval(0)
    every = []
    inputs = [p for q in queries(directory, query_count) for p in typed_prefixes(q)]
    for text in inputs:
        view.search.setText(text)
        view._typed(text)  # what textEdited does for a keystroke
        wait_shown()
        every.append(view.last_latency_ms)
    service = []
    for text in inputs:
        started = time.perf_counter()
        list_households(db, ListQuery(text=text))
        service.append((time.perf_counter() - started) * 1000)
    runner.shutdown()
    db.dispose()
    app.processEvents()
    return typed, typed_fixed, every, service


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--starts", type=int, default=5, help="start measurements of each kind")
    parser.add_argument("--queries", type=int, default=60, help="search queries (all prefixes)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "bare":
            child_bare()
        else:
            child_app(Path(args.child[1]), int(args.child[2]))
        return 0

    directory = ensure_database(args.households)
    print(f"Database: {args.households:,} households in {directory}")
    bare, app_runs, to_dialog, after_password, ready_rss, scrolled = [], [], [], [], [], []
    timed_child("bare")  # warm-up: bytecode cache and disk cache, as on a used laptop
    timed_child("app", str(directory), "0")
    for _ in range(args.starts):
        bare.append(timed_child("bare")[0])
        _seconds, lines, marks = timed_child("app", str(directory), "20000")
        # The machine's part: up to the sign-in dialog, then from the password to the rows;
        # the time the officer takes to type is not the application's.
        to_dialog.append(marks["DIALOG"])
        after_password.append(marks[READY] - marks["TYPED"])
        app_runs.append(to_dialog[-1] + after_password[-1])
        ready_rss.append(float(next(line for line in lines if line.startswith(READY)).split()[1]))
        scrolled.append(next(line for line in lines if line.startswith("SCROLLED")).split()[1:])
    start_median, bare_median = statistics.median(app_runs), statistics.median(bare)
    verdict = "OK" if start_median <= TARGET_START_S else "OVER"
    print(
        f"Start to usable main window: median {start_median:.2f} s (min {min(app_runs):.2f}) ="
        f" {statistics.median(to_dialog):.2f} s to the sign-in dialog"
        f" + {statistics.median(after_password):.2f} s from the password to the first rows;"
        f" bare PySide6 window {bare_median:.2f} s, ratio {start_median / bare_median:.1f}x;"
        f" target {TARGET_START_S} s: {verdict}"
    )
    load_before = os.getloadavg()[0]
    typed, typed_fixed, every, service = search_latency(directory, args.queries)
    print(
        f"Load average (1 min) around the search: {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after ({os.cpu_count()} CPUs)"
    )
    p95 = percentile(typed, 0.95)
    search_verdict = "OK" if p95 <= TARGET_SEARCH_P95_MS else "OVER"
    print(
        f"Search, keystroke to results ({len(typed)} queries typed at {KEYSTROKE_MS} ms a key, "
        f"the {SEARCH_DELAY_MS} ms typing pause left out as measured): p50 "
        f"{percentile(typed, 0.5):.1f} ms, p95 {p95:.1f} ms, max {max(typed):.1f} ms; target p95 "
        f"{TARGET_SEARCH_P95_MS:.0f} ms: {search_verdict} (less a fixed {SEARCH_DELAY_MS} ms: "
        f"p50 {percentile(typed_fixed, 0.5):.1f} ms, p95 {percentile(typed_fixed, 0.95):.1f} ms)"
    )
    print(
        f"  pausing after every keystroke ({len(every)} prefixes, broad ones like '6401' or "
        f"'ma' included): p50 {percentile(every, 0.5):.1f} ms, p95 {percentile(every, 0.95):.1f}"
        f" ms; baseline, the list service alone without GUI: p50 "
        f"{percentile(service, 0.5):.1f} ms, p95 {percentile(service, 0.95):.1f} ms"
    )
    rows, rss_scrolled = scrolled[-1]
    peak = max(max(ready_rss), float(rss_scrolled))
    print(
        f"Resident memory: {statistics.median(ready_rss):.0f} MB at the usable window, "
        f"{float(rss_scrolled):.0f} MB after scrolling {int(rows):,} rows; "
        f"target {TARGET_RSS_MB:.0f} MB: {'OK' if peak <= TARGET_RSS_MB else 'OVER'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

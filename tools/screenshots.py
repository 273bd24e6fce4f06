# SPDX-License-Identifier: GPL-3.0-or-later
"""Render every main screen of the desktop at 1366×768, offscreen, in both languages.

Usage::

    uv run python tools/screenshots.py                  # → docs/screenshots/<lang>-<page>.png
    uv run python tools/screenshots.py --households 200 --out build/shots --lang en

A demo database (``services.demo.generate_demo``) is built in a temporary directory with an
administrator signed in; then, per language, a fresh :class:`MainWindow` shows each page of the
navigation and the window is grabbed once its background work has finished. A few dialogs are
grabbed too (the household form, a grant proposal with its eligibility panel, a handover's next
stage). A page whose module does not exist yet is skipped with a note.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kaltim_desktop import i18n  # noqa: E402
from kaltim_desktop.db import open_database  # noqa: E402
from kaltim_desktop.services.demo import generate_demo  # noqa: E402
from kaltim_desktop.services.demo_review import add_demo_duplicates  # noqa: E402
from kaltim_desktop.services.officers import add_officer, authenticate  # noqa: E402
from kaltim_desktop.services.programme_lists import list_handover_rows  # noqa: E402
from kaltim_desktop.ui.context import UiContext, UiEvents, ui_settings  # noqa: E402
from kaltim_desktop.ui.errors import ErrorPresenter  # noqa: E402
from kaltim_desktop.ui.tasks import TaskRunner  # noqa: E402

WIDTH, HEIGHT = 1366, 768
PASSWORD = "tangkapan-layar"


def settle(app: QApplication, ui: UiContext, *, at_least_ms: int = 250, limit_s: float = 30):
    """Process events until the background work is done and the layout had time to settle."""
    start = time.monotonic()
    while True:
        app.processEvents()
        elapsed = time.monotonic() - start
        if ui.runner.active == 0 and elapsed * 1000 >= at_least_ms:
            break
        if elapsed > limit_s:
            print("  (background work still running; grabbing anyway)")
            break
        time.sleep(0.01)
    app.processEvents()


def exists(target: str) -> bool:
    module = target.split(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def grab(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def dialogs(window, ui: UiContext) -> list[tuple[str, Callable[[], QWidget | None]]]:
    """Dialogs worth a picture: opened on the page that owns them, or None when missing."""

    def household_form():
        page = window.show_page("households")
        opener = getattr(page, "new_household", None)
        if opener is None:
            return None
        opener()
        return QApplication.activeModalWidget() or page.window()

    def grant_proposal():
        page = window.show_page("grants")
        dialog = page.propose()
        handed = list_handover_rows(ui.db, stage="handed_over", limit=1).rows
        if handed:
            # Typed as an officer would: the result list shows, then the household is chosen.
            dialog.picker.search.setText(handed[0].head_name or "")
            dialog.picker.choose(handed[0].household_id)
        return dialog

    def next_stage():
        page = window.show_page("handovers")
        page.stage_filter.setCurrentIndex(page.stage_filter.findData("under_construction"))
        return page  # the dialog opens once the list has loaded (see main)

    return [
        ("household-form", household_form),
        ("grant-proposal", grant_proposal),
        ("handover-next-stage", next_stage),
    ]


def render_language(app, ui: UiContext, language: str, out: Path) -> None:
    from kaltim_desktop.ui.main_window import PAGES, MainWindow

    window = MainWindow(ui)
    window.resize(WIDTH, HEIGHT)
    window.show()
    settle(app, ui)
    for spec in PAGES:
        if not exists(spec.target):
            print(f"  skipped {spec.key}: {spec.target} does not exist yet")
            continue
        page = window.show_page(spec.key)
        settle(app, ui, at_least_ms=400)
        if spec.key == "trainings" and page.table.rowCount():
            # The training with the most participants says more than an empty one.
            counts = [int(page.table.item(r, 2).text()) for r in range(page.table.rowCount())]
            page.table.selectRow(counts.index(max(counts)))
            settle(app, ui, at_least_ms=300)
        grab(window, out / f"{language}-{spec.key}.png")
    for name, open_dialog in dialogs(window, ui):
        if name != "household-form" and not exists("kaltim_desktop.ui.pages.grants"):
            continue
        try:
            shown = open_dialog()
        except Exception as exc:  # a page of another engineer may not offer it yet
            print(f"  skipped {name}: {type(exc).__name__}: {exc}")
            continue
        if shown is None:
            print(f"  skipped {name}: not available")
            continue
        settle(app, ui, at_least_ms=600)
        if name == "handover-next-stage":
            shown = shown.advance()
            if shown is None:
                continue
            settle(app, ui, at_least_ms=300)
        grab(shown, out / f"{language}-{name}.png")
        if shown is not window:
            shown.close()
        settle(app, ui)
    window.close()
    settle(app, ui)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--lang", action="append", choices=i18n.SUPPORTED_LANGUAGES)
    args = parser.parse_args(argv)
    languages = args.lang or ["id", "en"]
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")  # as ui.application.run_gui does, so the pictures match the app
    with tempfile.TemporaryDirectory(prefix="kaltim-shots-") as tmp:
        data_dir = Path(tmp)
        db = open_database(data_dir / "kaltim.sqlite", data_dir / "backups")
        print(f"demo data: {args.households} households")
        generate_demo(db, households=args.households, seed=1)
        add_officer(db, None, username="admin", name="Rahmawati", password=PASSWORD, role="admin")
        actor = authenticate(db, "admin", PASSWORD)
        add_demo_duplicates(db, actor)  # as the app's demo: pairs for the review page
        for language in languages:
            print(f"language {language}:")
            i18n.set_language(language)
            (data_dir / language).mkdir(exist_ok=True)
            log_file = data_dir / "logs" / "kaltim.log"
            errors = ErrorPresenter(log_file)
            ui = UiContext(
                db=db,
                actor=actor,
                runner=TaskRunner(errors),
                errors=errors,
                events=UiEvents(),
                settings=ui_settings(data_dir / language),
                data_dir=data_dir,
                log_file=log_file,
            )
            render_language(app, ui, language, args.out)
            ui.runner.shutdown()
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

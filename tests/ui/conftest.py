# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the Qt tests: a real database, a signed-in officer and the real UI services.

Qt renders offscreen (set in ``tests/conftest.py`` before Qt loads); pytest-qt fails a test on
any Qt warning (``qt_log_level_fail`` in pyproject.toml).
"""

from __future__ import annotations

import pytest

from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.officers import add_officer, authenticate
from kaltim_desktop.ui.context import UiContext, UiEvents, ui_settings
from kaltim_desktop.ui.errors import ErrorPresenter
from kaltim_desktop.ui.tasks import TaskRunner

ADMIN_PASSWORD = "kata-sandi-admin"
OPERATOR_PASSWORD = "kata-sandi-operator"


@pytest.fixture
def ui_context(qapp, db, tmp_path) -> UiContext:
    """A desktop session of a real administrator on a fresh migrated database."""
    add_officer(
        db, None, username="admin", name="Admin Kabupaten", password=ADMIN_PASSWORD, role="admin"
    )
    actor = authenticate(db, "admin", ADMIN_PASSWORD)
    log_file = tmp_path / "logs" / "kaltim.log"
    errors = ErrorPresenter(log_file)
    runner = TaskRunner(errors)
    context = UiContext(
        db=db,
        actor=actor,
        runner=runner,
        errors=errors,
        events=UiEvents(),
        settings=ui_settings(tmp_path),
        data_dir=tmp_path,
        log_file=log_file,
    )
    yield context
    runner.shutdown()
    if errors.last_box is not None:
        errors.last_box.close()


@pytest.fixture
def ui_operator(ui_context) -> Actor:
    """A real operator account on the same database (not signed in)."""
    add_officer(
        ui_context.db,
        ui_context.actor,
        username="operator",
        name="Operator Desa",
        password=OPERATOR_PASSWORD,
        role="operator",
    )
    return authenticate(ui_context.db, "operator", OPERATOR_PASSWORD)


def wait_tasks(qtbot, ui: UiContext, timeout: int = 10_000) -> None:
    """Wait until every background task of ``ui`` has ended and its callbacks have run."""
    qtbot.waitUntil(lambda: ui.runner.active == 0, timeout=timeout)

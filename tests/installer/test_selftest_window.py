# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop step of ``--self-test`` and the option itself, in this process (offscreen)."""

from __future__ import annotations

import tempfile

import pytest

from kaltim_desktop.app import main
from kaltim_desktop.selftest import Workspace, create_database, register_officer
from kaltim_desktop.ui.main_window import PAGES
from kaltim_desktop.ui.self_test import show_main_window


@pytest.fixture
def work(tmp_path):
    workspace = Workspace(data_dir=tmp_path, log_file=tmp_path / "logs" / "kaltim.log")
    create_database(workspace)
    register_officer(workspace)
    yield workspace
    workspace.database().dispose()


def test_the_main_window_shows_every_screen(qapp, work):
    detail = show_main_window(work.db, work.actor, work.data_dir, work.log_file)
    assert detail == f"{len(PAGES)} screens shown, Qt platform offscreen"


def test_an_error_a_screen_reports_fails_the_step(qapp, work, monkeypatch):
    from kaltim_desktop.ui.pages.overview import OverviewPage

    def failing_activation(page):
        page.ui.errors.show(page, ValueError("boom"))

    monkeypatch.setattr(OverviewPage, "activated", failing_activation)
    with pytest.raises(RuntimeError, match="screens reported errors: ValueError"):
        show_main_window(work.db, work.actor, work.data_dir, work.log_file)


def test_the_option_runs_every_step_without_touching_the_data_directory(
    qapp, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KALTIM_DATA_DIR", str(tmp_path / "officer"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["--lang", "en", "--self-test"]) == 0
    report = capsys.readouterr().out
    assert f"[ OK ] Desktop window: {len(PAGES)} screens shown, Qt platform offscreen" in report
    assert report.rstrip().endswith("Self-test passed.")
    assert list(tmp_path.iterdir()) == []  # neither the officer's directory nor the test data

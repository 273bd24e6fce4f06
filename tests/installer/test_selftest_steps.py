# SPDX-License-Identifier: GPL-3.0-or-later
"""The Qt-free steps of ``--self-test``, run in this process: each one really checks, a failure
names its step and keeps the evidence, and the officer's data directory is never used."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import update

from kaltim_desktop import i18n, selftest
from kaltim_desktop.db import current_revision, head_revision
from kaltim_desktop.models import SyncOp
from kaltim_desktop.paths import database_path

STEP_TITLES = [
    "Program modules",
    "Application files",
    "Native libraries",
    "Database and migrations",
    "Officer account",
    "Demo household",
    "Worker processes",
    "Certificate and verification",
]


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """Temporary directories of the self-test go here; the officer's would be ``officer``."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    monkeypatch.setenv("KALTIM_DATA_DIR", str(tmp_path / "officer"))
    return root


def test_every_step_passes_and_leaves_nothing_behind(scratch, tmp_path):
    out = io.StringIO()
    assert selftest.run_self_test(gui=None, out=out) == selftest.EXIT_PASSED
    report = out.getvalue()
    for title in STEP_TITLES:
        assert re.search(rf"^  \[ OK \] {re.escape(title)}: \S", report, re.MULTILINE), title
    assert "Desktop window" not in report  # no GUI step was handed in
    assert report.rstrip().endswith("Self-test passed.")
    assert f"Program files: {Path(selftest.__file__).parent}" in report
    assert list(scratch.iterdir()) == []  # the temporary data directory is gone
    assert not (tmp_path / "officer").exists()


def test_a_failing_step_is_named_and_its_data_and_log_kept(scratch, monkeypatch):
    def broken(work):
        raise RuntimeError("signature mismatch")

    monkeypatch.setattr(selftest, "issue_certificate", broken)
    out = io.StringIO()
    assert selftest.run_self_test(gui=None, out=out) == selftest.EXIT_FAILED
    report = out.getvalue()
    assert "[FAIL] Certificate and verification: RuntimeError: signature mismatch" in report
    assert "Self-test FAILED at: Certificate and verification" in report
    assert "passed" not in report
    (kept,) = scratch.iterdir()
    assert f"kept in: {kept}" in report
    assert "signature mismatch" in (kept / "logs" / "kaltim.log").read_text(encoding="utf-8")
    # The steps before it really ran in that directory.
    assert current_revision(database_path(kept)) == head_revision()


def test_the_gui_step_runs_last_with_the_database_and_officer(scratch):
    seen = []

    def gui(db, actor, data_dir, log_file):
        seen.append((actor.role, current_revision(db.path), data_dir.parent))
        return "shown"

    out = io.StringIO()
    assert selftest.run_self_test(gui=gui, out=out) == selftest.EXIT_PASSED
    assert seen == [("admin", head_revision(), scratch)]
    assert "  [ OK ] Desktop window: shown\n" in out.getvalue()


def test_every_module_outside_the_qt_layer_is_found_and_imported():
    names = selftest.core_module_names()
    assert "kaltim_desktop.sync.bundles.reader" in names  # sub-packages are walked
    assert "kaltim_desktop.selftest" in names
    assert not [n for n in names if n.startswith(("kaltim_desktop.ui", "kaltim_desktop.app"))]
    sources = Path(selftest.__file__).parent.rglob("*.py")
    on_disk = {p for p in sources if "ui" not in p.parts and p.name not in ("app.py",)}
    assert len(names) == len(on_disk) - 1  # kaltim_desktop/__init__.py is the package itself
    assert selftest.import_core_modules() == f"{len(names)} modules imported"


def test_missing_catalogues_fail_the_application_files_step(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with pytest.raises(selftest.SelfTestFailure, match="catalogues missing: kaltim_desktop, "):
        selftest.check_application_files()


def test_a_date_format_missing_from_babel_fails_the_application_files_step(monkeypatch):
    monkeypatch.setitem(selftest.EXPECTED_DATES, "en", "23rd of August 2024")
    with pytest.raises(selftest.SelfTestFailure, match="date in en: '23 August 2024'"):
        selftest.check_application_files()


def test_the_database_step_migrates_a_new_file_to_the_head(tmp_path):
    work = selftest.Workspace(data_dir=tmp_path, log_file=tmp_path / "log")
    try:
        assert selftest.create_database(work) == f"migrated to revision {head_revision()}"
        assert current_revision(database_path(tmp_path)) == head_revision()
    finally:
        work.database().dispose()


def test_the_worker_step_compares_what_the_worker_decoded_with_the_stored_log(tmp_path):
    work = selftest.Workspace(data_dir=tmp_path, log_file=tmp_path / "log")
    try:
        selftest.create_database(work)
        selftest.register_officer(work)
        selftest.register_household(work)
        assert re.fullmatch(r"\d+ changes decoded in a worker process",
                            selftest.check_worker_processes(work))  # fmt: skip
        with work.database().transaction() as session:  # one stored hash no longer matches
            session.execute(update(SyncOp).where(SyncOp.seq == 1).values(op_hash="0" * 64))
        with pytest.raises(selftest.SelfTestFailure, match="decoded the change log differently"):
            selftest.check_worker_processes(work)
    finally:
        work.database().dispose()


def test_steps_refuse_to_run_out_of_order(tmp_path):
    work = selftest.Workspace(data_dir=tmp_path, log_file=tmp_path / "log")
    with pytest.raises(selftest.SelfTestFailure, match="database step did not run"):
        selftest.register_officer(work)


def test_messages_follow_the_language(scratch):
    i18n.set_language("id")
    out = io.StringIO()
    assert selftest.run_self_test(gui=None, out=out) == 0
    assert "Uji mandiri berhasil." in out.getvalue()
    assert "[ OK ] Basis data dan migrasi: dimigrasikan ke revisi" in out.getvalue()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line, run as a user runs it: ``python main.py --data-dir DIR ...`` in a
subprocess, with no terminal (stdin closed), checking exit codes, JSON and stderr."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest

from kaltim_desktop import logging_setup
from kaltim_desktop.db import head_revision
from kaltim_desktop.errors import AuthenticationFailed, DatabaseError, NotFound
from kaltim_desktop.i18n import LOCALE_DIR

pytestmark = pytest.mark.slow  # each test starts Python a few times

ROOT = Path(__file__).resolve().parents[1]
MAIN = ROOT / "main.py"
PASSWORD = "admin-pass-1"


def run(data_dir: Path, *args: str, lang: str = "en", **env: str) -> subprocess.CompletedProcess:
    """Run main.py without a terminal; ``env`` adds environment variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KALTIM_")}
    environment.update(KALTIM_LANG=lang, **env)
    return subprocess.run(
        [sys.executable, str(MAIN), "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def ok_json(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_one_line_error(result: subprocess.CompletedProcess, exit_code: int) -> str:
    assert result.returncode == exit_code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def sqlite_rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    """One small demo data directory shared by the read-only tests."""
    data_dir = tmp_path_factory.mktemp("demo")
    return data_dir, ok_json(run(data_dir, "demo", "--households", "12", "--seed", "3", "--json"))


def test_demo_reports_counts_as_json(demo):
    data_dir, output = demo
    assert output["generated"]["households"] == 12
    assert output["summary"]["households"] == 12
    assert output["generated"]["persons"] == output["summary"]["persons"] > 12
    assert output["seed"] == 3
    assert Path(output["data_dir"]) == data_dir
    assert (data_dir / "kaltim.sqlite").is_file()


def test_demo_refuses_a_database_that_has_households(demo):
    data_dir, _output = demo
    assert_one_line_error(run(data_dir, "demo", "--households", "2"), 1)


def test_db_check_passes_with_json(demo):
    data_dir, _output = demo
    report = ok_json(run(data_dir, "db", "check", "--json"))
    assert report["ok"] is True and report["problems"] == []
    assert report["revision"] == report["head"] == head_revision()
    assert report["counts"]["household"] == 12
    assert report["counts"]["origins"] == 1


def test_db_backup_creates_a_file(demo):
    data_dir, _output = demo
    made = Path(ok_json(run(data_dir, "db", "backup", "--json"))["backup"])
    assert made.parent == data_dir / "backups" and made.is_file()
    assert sqlite_rows(made, "SELECT COUNT(*) FROM household") == [(12,)]


def test_household_find_and_show_json(demo):
    data_dir, _output = demo
    (household_id, head), *_ = sqlite_rows(
        data_dir / "kaltim.sqlite",
        "SELECT id, head_name FROM household WHERE head_name IS NOT NULL ORDER BY id",
    )
    found = ok_json(run(data_dir, "household", "find", head.split()[0], "--json"))
    assert found["query"] == head.split()[0]
    assert household_id in [r["id"] for r in found["results"]]
    assert {
        "id",
        "head_name",
        "kk_number",
        "village_name",
        "member_count",
        "matched_nik_masked",
    } <= set(found["results"][0])

    shown = ok_json(run(data_dir, "household", "show", household_id, "--json"))
    assert shown["id"] == household_id and shown["head_name"] == head
    assert shown["members"] and {"name", "nik", "relation", "birth_date"} <= set(
        shown["members"][0]
    )


def test_household_find_masks_niks_for_people(demo):
    data_dir, _output = demo
    nik = sqlite_rows(
        data_dir / "kaltim.sqlite", "SELECT nik FROM person WHERE nik IS NOT NULL LIMIT 1"
    )[0][0]
    result = run(data_dir, "household", "find", nik)
    assert result.returncode == 0, result.stderr
    assert nik[:4] + "********" + nik[-4:] in result.stdout
    assert nik not in result.stdout


def test_unknown_household_is_not_found_without_traceback(demo):
    data_dir, _output = demo
    line = assert_one_line_error(
        run(data_dir, "household", "show", "no-such-id"), NotFound.exit_code
    )
    assert "not found" in line


def test_log_holds_no_nik(demo):
    data_dir, _output = demo
    log_text = (data_dir / "logs" / "kaltim.log").read_text(encoding="utf-8")
    assert "command household" in log_text
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", log_text)


# ---- officers -------------------------------------------------------------------------------


def test_first_admin_then_second_user_requires_as(tmp_path):
    created = ok_json(
        run(
            tmp_path,
            "user",
            "add",
            "admin",
            "--name",
            "Rina Wulandari",
            "--role",
            "admin",
            "--json",
            KALTIM_PASSWORD=PASSWORD,
        )
    )
    assert created["username"] == "admin" and created["role"] == "admin"

    second = ("user", "add", "operator1", "--name", "Dedi Kurniawan", "--role", "operator")
    assert_one_line_error(
        run(tmp_path, *second, KALTIM_PASSWORD="operator-pass"), AuthenticationFailed.exit_code
    )
    assert_one_line_error(
        run(
            tmp_path,
            *second,
            "--as",
            "admin",
            KALTIM_PASSWORD="operator-pass",
            KALTIM_AS_PASSWORD="wrong-password",
        ),
        AuthenticationFailed.exit_code,
    )
    # No terminal and no KALTIM_AS_PASSWORD: a clear message instead of a hanging prompt.
    line = assert_one_line_error(
        run(tmp_path, *second, "--as", "admin", KALTIM_PASSWORD="operator-pass"), 1
    )
    assert "KALTIM_AS_PASSWORD" in line
    result = run(
        tmp_path,
        *second,
        "--as",
        "admin",
        KALTIM_PASSWORD="operator-pass",
        KALTIM_AS_PASSWORD=PASSWORD,
    )
    assert result.returncode == 0, result.stderr

    users = ok_json(run(tmp_path, "user", "list", "--json"))
    assert [(u["username"], u["role"]) for u in users] == [
        ("admin", "admin"),
        ("operator1", "operator"),
    ]


# ---- restore --------------------------------------------------------------------------------


def test_restore_round_trip_starts_a_new_epoch(tmp_path):
    ok_json(run(tmp_path, "demo", "--households", "3", "--json"))
    database = tmp_path / "kaltim.sqlite"
    ((device_id, epoch, last_seq),) = sqlite_rows(
        database, "SELECT device_id, epoch, last_seq FROM device"
    )
    assert epoch == 1 and last_seq > 0
    saved = ok_json(run(tmp_path, "db", "backup", "--json"))["backup"]
    ok_json(
        run(
            tmp_path,
            "user",
            "add",
            "admin",
            "--name",
            "Rina",
            "--role",
            "admin",
            "--json",
            KALTIM_PASSWORD=PASSWORD,
        )
    )

    report = ok_json(run(tmp_path, "db", "restore", saved, "--json"))

    assert report["device_id"] == device_id
    assert report["previous_epoch"] == 1 and report["epoch"] == 2
    assert Path(report["previous_backup"]).is_file()
    assert ok_json(run(tmp_path, "user", "list", "--json")) == []  # the officer came later
    assert sqlite_rows(database, "SELECT COUNT(*) FROM household") == [(3,)]
    assert sqlite_rows(database, "SELECT epoch, last_seq FROM device") == [(2, 0)]
    assert sqlite_rows(database, "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1") == [
        ("db.restore",)
    ]
    assert ok_json(run(tmp_path, "db", "check", "--json"))["ok"] is True


def test_restore_refuses_garbage_and_keeps_the_database(tmp_path):
    ok_json(run(tmp_path, "demo", "--households", "2", "--json"))
    garbage = tmp_path / "not-a-backup.sqlite"
    garbage.write_bytes(b"this is not an SQLite database" * 100)
    before = sqlite_rows(tmp_path / "kaltim.sqlite", "SELECT id FROM household ORDER BY id")
    assert_one_line_error(run(tmp_path, "db", "restore", str(garbage)), DatabaseError.exit_code)
    assert_one_line_error(
        run(tmp_path, "db", "restore", str(tmp_path / "missing.sqlite")), NotFound.exit_code
    )
    assert sqlite_rows(tmp_path / "kaltim.sqlite", "SELECT id FROM household ORDER BY id") == before


# ---- a database from the future ---------------------------------------------------------------


def test_newer_schema_exits_non_zero_and_is_untouched(tmp_path):
    assert run(tmp_path, "db", "upgrade").returncode == 0  # creates the database
    database = tmp_path / "kaltim.sqlite"
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    digest = hashlib.sha256(database.read_bytes()).hexdigest()
    for command in ([], ["db", "check"], ["db", "upgrade"], ["user", "list"]):
        line = assert_one_line_error(run(tmp_path, *command), DatabaseError.exit_code)
        assert "newer version" in line
    assert hashlib.sha256(database.read_bytes()).hexdigest() == digest


# ---- start-up, language, unexpected errors -------------------------------------------------------


def test_lang_id(tmp_path):
    english = run(tmp_path, "household", "show", "no-such-id", lang="en")
    indonesian = run(tmp_path, "--lang", "id", "household", "show", "no-such-id")
    assert english.returncode == indonesian.returncode == NotFound.exit_code
    assert run(tmp_path, "--lang", "id", "--help").returncode == 0
    if list(LOCALE_DIR.glob("id/LC_MESSAGES/*.mo")):  # once the catalogue exists
        assert indonesian.stderr != english.stderr


@pytest.fixture
def in_process_logging():
    """Undo what app.main() installs in this process (handlers, exception hooks)."""
    hooks = sys.excepthook, threading.excepthook
    yield
    sys.excepthook, threading.excepthook = hooks
    logging_setup._installed_hooks = False
    logging.captureWarnings(False)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_kaltim_handler", False)]:
        root.removeHandler(handler)
        handler.close()


def test_unexpected_error_is_logged_and_reported_in_one_line(
    tmp_path, monkeypatch, capsys, in_process_logging
):
    from kaltim_desktop import app, cli

    def broken(args, ctx):
        raise RuntimeError("bug while handling 6472061505800001")

    monkeypatch.setattr(cli, "run_command", broken)
    assert app.main(["--data-dir", str(tmp_path), "user", "list"]) == app.EXIT_UNEXPECTED
    err = capsys.readouterr().err.strip().splitlines()
    log_file = tmp_path / "logs" / "kaltim.log"
    assert err == [f"Unexpected error, see the log: {log_file}"]
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError" in text
    assert "6472********0001" in text and "6472061505800001" not in text

# SPDX-License-Identifier: GPL-3.0-or-later
"""The province office scripted from the command line: set-up, enrolment, export, inspect and
import, with exit codes that tell refused, quarantined and already-imported files apart."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kaltim_desktop.cli.sync_commands import (
    EXIT_ALREADY,
    EXIT_QUARANTINED,
    EXIT_REJECTED,
    exit_code,
)
from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.services.households import save_household
from tests.conftest import family
from tests.sync.bundles.conftest import ADMIN
from tests.test_cli import PASSWORD, ok_json, run

pytestmark = pytest.mark.slow


def test_exit_codes_rank_the_worst_outcome():
    assert exit_code(["applied", "already"]) == 0
    assert exit_code(["already", "already"]) == EXIT_ALREADY
    assert exit_code(["applied", "quarantined"]) == EXIT_QUARANTINED
    assert exit_code(["quarantined", "rejected", "applied"]) == EXIT_REJECTED


def test_the_province_office_from_the_command_line(tmp_path):
    province, laptop = tmp_path / "province", tmp_path / "laptop"
    for data_dir in (province, laptop):
        ok_json(run(data_dir, "user", "add", "admin", "--name", "Admin", "--role", "admin",
                    "--json", KALTIM_PASSWORD=PASSWORD))  # fmt: skip
    auth = {"KALTIM_PASSWORD": PASSWORD}
    setup = ok_json(run(province, "province", "init", "--escrow-out", str(tmp_path / "escrow.txt"),
                        "--as", "admin", "--json", **auth))  # fmt: skip
    assert len(setup["root_fingerprint"].split()) == 8
    with closing(sqlite3.connect(laptop / "kaltim.sqlite")) as conn, conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('installation.regency', '64.72')")
    db = Database(make_engine(sqlite_url(laptop / "kaltim.sqlite")), laptop / "kaltim.sqlite")
    save_household(db, ADMIN, family())
    db.dispose()

    request = ok_json(run(laptop, "device", "request", "--out", str(tmp_path), "--as", "admin",
                          "--json", **auth))  # fmt: skip
    wrong = run(province, "province", "approve", request["path"], "--fingerprint", "0" * 32,
                "--out", str(tmp_path), "--as", "admin", **auth)  # fmt: skip
    assert wrong.returncode == 2 and "fingerprint does not match" in wrong.stderr
    approval = ok_json(run(province, "province", "approve", request["path"], "--fingerprint",
                           request["fingerprint"], "--out", str(tmp_path), "--as", "admin",
                           "--json", **auth))  # fmt: skip
    ok_json(run(laptop, "device", "enroll", approval["path"], "--as", "admin", "--json", **auth))

    exported = ok_json(run(laptop, "bundle", "export", "--out", str(tmp_path / "usb"),
                           "--as", "admin", "--json", **auth))  # fmt: skip
    path = exported[0]["parts"][0]["path"]
    assert "Ahmad" not in path and "6472061505800001" not in path

    inspected = run(province, "bundle", "inspect", path, "--as", "admin", **auth)
    assert inspected.returncode == 0, inspected.stderr
    assert "would be applied" in inspected.stdout
    imported = run(province, "bundle", "import", path, "--as", "admin", "--json", **auth)
    assert imported.returncode == 0, imported.stderr
    (result,) = json.loads(imported.stdout)
    assert result["status"] == "applied" and result["report"]["applied"] > 0
    again = run(province, "bundle", "import", path, "--as", "admin", **auth)
    assert again.returncode == EXIT_ALREADY and "already imported" in again.stdout

    damaged = tmp_path / "damaged.ksb"
    data = bytearray(Path(path).read_bytes())
    data[-5] ^= 1
    damaged.write_bytes(bytes(data))
    refused = run(province, "bundle", "import", str(damaged), "--as", "admin", **auth)
    assert refused.returncode == EXIT_REJECTED
    assert "damaged or incomplete" in refused.stdout and "Traceback" not in refused.stderr

    devices = ok_json(run(province, "province", "devices", "--json"))
    assert [d["role"] for d in devices] == ["province", "district"]
    back = ok_json(run(province, "bundle", "export", "--out", str(tmp_path / "back"),
                       "--as", "admin", "--json", **auth))  # fmt: skip
    ack = run(laptop, "bundle", "import", back[0]["parts"][0]["path"], "--as", "admin", **auth)
    assert ack.returncode == 0, ack.stdout + ack.stderr

# SPDX-License-Identifier: GPL-3.0-or-later
"""Failure mode 29: the import process is killed (SIGKILL) in the middle of applying a bundle;
the database is as before, and importing the same file again completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kaltim_desktop.db import Database, make_engine, sqlite_url
from tests.sync.bundles.conftest import data_hash, replica_hash
from tests.sync.bundles.helpers import export_one, import_data, many_households

SCRIPT = """
import sys, time
from pathlib import Path
from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.sync_exchange import import_bundles
from kaltim_desktop.sync.bundles import apply

db_path, data_dir, bundle, flag = map(Path, sys.argv[1:5])
original = apply.Applier.release_held

def release_then_stall(self):
    original(self)
    self.flush()  # every row of the bundle is written inside the open transaction
    flag.write_text("applying")
    time.sleep(120)

apply.Applier.release_held = release_then_stall
db = Database(make_engine(sqlite_url(db_path)), db_path)
actor = Actor(officer_id=None, username="admin", role="admin")
import_bundles(db, data_dir, actor, [bundle])
"""


def test_killed_mid_apply_leaves_nothing_and_reimport_completes(province, laptop, tmp_path):
    many_households(laptop, 30)
    bundle = export_one(laptop)
    before = data_hash(province.db)
    province.db.dispose()
    flag = tmp_path / "flag"
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(province.db.path), str(province.data_dir),
         str(bundle), str(flag)],
        cwd=Path(__file__).resolve().parents[3],
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert process.poll() is None, "the import ended before it was killed"
            assert time.monotonic() < deadline, "the import never reached the apply step"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    reopened = Database(make_engine(sqlite_url(province.db.path)), province.db.path)
    province.db = reopened
    assert data_hash(reopened) == before
    result = import_data(province, bundle.read_bytes())
    assert result.status == "applied" and result.report["applied"] > 0
    assert replica_hash(reopened) == replica_hash(laptop.db)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Failure mode 29: the import process is killed (SIGKILL) in the middle of applying a bundle,
or the power is cut (a kill plus the loss or tearing of the WAL's unsynced tail); the database
opens at its last committed state, intact, and importing the same file again completes with
the tables of an uninterrupted import. A committed import survives a power cut."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.sync.bundles import layout
from tests.sync.bundles import wal_files
from tests.sync.bundles.conftest import Site, data_hash, replica_hash
from tests.sync.bundles.helpers import export_one, import_data, many_households
from tests.sync.bundles.wal_files import WalState

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


def _kill_once_flagged(script: str, site: Site, bundle: Path, flag: Path) -> str:
    """Run ``script`` importing ``bundle`` into ``site``; SIGKILL it once it has written
    ``flag``, and return the flag's text."""
    site.db.dispose()
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(site.db.path), str(site.data_dir), str(bundle),
         str(flag)],
        cwd=Path(__file__).resolve().parents[3],
    )  # fmt: skip
    try:
        _wait_for(flag, process, 60)
        text = flag.read_text()
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return text


def _unchanged_then_reimported(site: Site, sender: Site, bundle: Path, before: str) -> None:
    """The killed import left ``site`` as it was; importing the same file again completes."""
    reopened = Database(make_engine(sqlite_url(site.db.path)), site.db.path)
    site.db = reopened
    assert data_hash(reopened) == before
    result = import_data(site, bundle.read_bytes())
    assert result.status == "applied" and result.report["applied"] > 0
    assert replica_hash(reopened) == replica_hash(sender.db)


def test_killed_mid_apply_leaves_nothing_and_reimport_completes(province, laptop, tmp_path):
    many_households(laptop, 30)
    bundle = export_one(laptop)
    before = data_hash(province.db)
    _kill_once_flagged(SCRIPT, province, bundle, tmp_path / "flag")
    _unchanged_then_reimported(province, laptop, bundle, before)


WORKER_SCRIPT = """
import multiprocessing, sys, time
from pathlib import Path
from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.sync_exchange import import_bundles
from kaltim_desktop.sync.bundles import apply, decode_ahead

db_path, data_dir, bundle, flag = map(Path, sys.argv[1:5])
decode_ahead.AHEAD_MIN_OPS = 1  # this small part is decoded in the worker process
original = apply.Applier.receive

def receive_then_stall(self, items, *hashed):
    original(self, items, *hashed)
    self.flush()
    workers = [p.pid for p in multiprocessing.active_children()]
    flag.with_suffix(".tmp").write_text(" ".join(map(str, workers)))
    flag.with_suffix(".tmp").replace(flag)  # whole, or not there at all
    time.sleep(120)

apply.Applier.receive = receive_then_stall
db = Database(make_engine(sqlite_url(db_path)), db_path)
import_bundles(db, data_dir, Actor(officer_id=None, username="admin", role="admin"), [bundle])
"""


def _gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its reaper counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in state


def test_killed_while_its_decoding_worker_runs_leaves_no_worker_and_nothing_applied(
    province, laptop, tmp_path, monkeypatch
):
    many_households(laptop, 12)
    monkeypatch.setattr(layout, "CHUNK_OPS", 25)  # several members: the worker decodes ahead
    bundle = export_one(laptop)
    before = data_hash(province.db)
    workers = [
        int(pid)
        for pid in _kill_once_flagged(WORKER_SCRIPT, province, bundle, tmp_path / "flag").split()
    ]
    assert workers, "the import did not decode in a worker process"
    deadline = time.monotonic() + 30
    while not all(_gone(pid) for pid in workers):  # the orphaned worker ends by itself
        assert time.monotonic() < deadline, "a decoding worker outlived the killed import"
        time.sleep(0.05)
    _unchanged_then_reimported(province, laptop, bundle, before)


# ---- power loss ------------------------------------------------------------------------------
#
# A power cut is more than a kill: writes the operating system had not yet put on the disk are
# lost, and the last one may be torn. The child below imports with a page cache so small that
# SQLite must spill the open transaction's pages into the WAL before it commits (as a large
# import does with the real cache), so a kill mid-apply leaves uncommitted frames behind. Each
# snapshot is then damaged the ways a power cut can damage the unsynced tail of the WAL.

POWER_SCRIPT = """
import json, sys, time
from pathlib import Path
from sqlalchemy import event, text
from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.sync_exchange import import_bundles
from kaltim_desktop.sync.bundles import apply

db_path, data_dir, bundle, flag, done = map(Path, sys.argv[1:6])
original_init, original_receive = apply.Applier.__init__, apply.Applier.receive

def init(self, session, *args, **kwargs):
    original_init(self, session, *args, **kwargs)
    pragmas = {name: session.execute(text(f"PRAGMA {name}")).scalar()
               for name in ("journal_mode", "synchronous")}
    flag.with_suffix(".json").write_text(json.dumps(pragmas))

def receive(self, items, *hashed):
    if not flag.exists():
        flag.write_text(str(time.monotonic()))
    original_receive(self, items, *hashed)

apply.Applier.__init__, apply.Applier.receive = init, receive
engine = make_engine(sqlite_url(db_path))

@event.listens_for(engine, "connect")
def small_cache(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA cache_size=-128")  # 128 KiB: the transaction spills

db = Database(engine, db_path)
import_bundles(db, data_dir, Actor(officer_id=None, username="admin", role="admin"), [bundle])
done.write_text(str(time.monotonic()))
time.sleep(120)  # killed here: nothing is checkpointed, the commit lives only in the WAL
"""


def _start_import(db_path: Path, data_dir: Path, bundle: Path, work: Path):
    flag, done = work / "applying", work / "done"
    process = subprocess.Popen(
        [sys.executable, "-c", POWER_SCRIPT, str(db_path), str(data_dir), str(bundle),
         str(flag), str(done)],
        cwd=Path(__file__).resolve().parents[3],
    )  # fmt: skip
    return process, flag, done


def _wait_for(path: Path, process, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, "the import process ended on its own"
        assert time.monotonic() < deadline, "the import never got there"
        time.sleep(0.005)


def _kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _torn_copies(snapshot_path: Path, state: WalState, rng: random.Random, root: Path):
    """What a power cut may leave of the WAL: its unsynced tail lost, cut anywhere, cut at a
    frame boundary, or its last frame half-written (bytes changed)."""
    tail = range(state.committed_end, state.size)
    last_frame = range(state.size - state.frame_size, state.size)
    boundaries = range(state.committed_end, state.size, state.frame_size)
    damages = {
        "as-killed": lambda p: None,
        "tail-lost": lambda p: wal_files.truncate_wal(p, state.committed_end),
        "cut-anywhere": lambda p: wal_files.truncate_wal(p, rng.choice(tail)),
        "cut-at-frame": lambda p: wal_files.truncate_wal(p, rng.choice(boundaries)),
        "cut-in-last-frame": lambda p: wal_files.truncate_wal(p, rng.choice(last_frame)),
        "last-frame-flipped": lambda p: wal_files.flip_wal_byte(p, rng.choice(last_frame)),
        "frame-header-flipped": lambda p: wal_files.flip_wal_byte(
            p, state.size - state.frame_size + rng.randrange(wal_files.FRAME_HEADER)
        ),
    }
    for name, damage in damages.items():
        copy = root / name / "kaltim.sqlite"
        copy.parent.mkdir(parents=True)
        shutil.copyfile(snapshot_path, copy)
        shutil.copyfile(_wal(snapshot_path), _wal(copy))
        damage(copy)
        yield name, copy


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def test_power_loss_mid_apply_opens_at_last_commit_and_reimport_matches(province, laptop, tmp_path):
    many_households(laptop, 150)
    bundle = export_one(laptop)
    province.db.dispose()  # checkpointed: the file alone is the state before the import
    pristine = province.db.path
    before_all, before_data = wal_files.whole_hash(pristine), data_hash(province.db)
    province.db.dispose()

    # An uninterrupted import, run the same way, gives the expected tables and the apply time.
    reference = wal_files.snapshot(pristine, tmp_path / "reference" / "kaltim.sqlite")
    process, flag, done = _start_import(reference, province.data_dir, bundle, reference.parent)
    try:
        _wait_for(done, process)
    finally:
        _kill(process)
    apply_seconds = float(done.read_text()) - float(flag.read_text())
    pragmas = json.loads(flag.with_suffix(".json").read_text())
    assert pragmas == {"journal_mode": "wal", "synchronous": 2}  # 2 = FULL, in the import
    expected = replica_hash(Database(make_engine(sqlite_url(reference)), reference))
    assert expected == replica_hash(laptop.db)

    rng = random.Random(29)
    landed = 0
    for attempt in range(40):
        work = tmp_path / f"kill{attempt}"
        work.mkdir()
        target = wal_files.snapshot(pristine, work / "kaltim.sqlite")
        process, flag, done = _start_import(target, province.data_dir, bundle, work)
        try:
            _wait_for(flag, process)
            time.sleep(rng.uniform(0.05, 0.95) * apply_seconds)
        finally:
            _kill(process)
        state = wal_files.read_wal(_wal(target))
        if done.exists() or state.uncommitted == 0:
            continue  # the kill came after the commit, or before anything reached the WAL
        landed += 1
        for name, copy in _torn_copies(target, state, rng, work / "power"):
            assert wal_files.whole_hash(copy) == before_all, name
            assert wal_files.integrity(copy) == ["ok"], name
        copy = work / "power" / "cut-anywhere" / "kaltim.sqlite"
        site = Site("after-power-loss", Database(make_engine(sqlite_url(copy)), copy),
                    province.data_dir, province.actor)  # fmt: skip
        try:
            assert data_hash(site.db) == before_data
            result = import_data(site, bundle.read_bytes())
            assert result.status == "applied" and result.report["applied"] > 0
            assert replica_hash(site.db) == expected
        finally:
            site.db.dispose()
        if landed == 3:
            break
    assert landed == 3, f"only {landed} kills landed inside the apply transaction"


def test_committed_import_survives_power_loss(province, laptop, tmp_path):
    """A commit that has returned is on the disk: killed before any checkpoint, with a torn
    write after the commit, the database opens with the whole import."""
    many_households(laptop, 40)
    bundle = export_one(laptop)
    province.db.dispose()
    target = wal_files.snapshot(province.db.path, tmp_path / "run" / "kaltim.sqlite")
    process, _flag, done = _start_import(target, province.data_dir, bundle, target.parent)
    try:
        _wait_for(done, process)
    finally:
        _kill(process)
    state = wal_files.read_wal(_wal(target))
    assert state.committed_end > wal_files.WAL_HEADER and state.uncommitted == 0
    with open(_wal(target), "ab") as handle:  # half of a next frame, never committed
        handle.write(random.Random(5).randbytes(state.frame_size // 2))
    assert wal_files.integrity(target) == ["ok"]
    reopened = Database(make_engine(sqlite_url(target)), target)
    try:
        assert replica_hash(reopened) == replica_hash(laptop.db)
        again = Site("again", reopened, province.data_dir, province.actor)
        assert import_data(again, bundle.read_bytes()).status == "already"
    finally:
        reopened.dispose()

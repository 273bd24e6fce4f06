# SPDX-License-Identifier: GPL-3.0-or-later
"""The application engine (WAL, enforced foreign keys, writers that queue instead of
deadlocking, transactions that leave nothing behind when they fail) and the maintenance of the
database file (restore, check)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from kaltim_desktop.db import BACKUPS_KEPT, Database, make_engine, sqlite_url
from kaltim_desktop.errors import DatabaseError, SchemaTooNew
from kaltim_desktop.models import AuditEntry, Device, Household, Membership, Setting, SyncOp
from kaltim_desktop.services import health, maintenance
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.oplog import ChangeSet
from tests.conftest import VILLAGE, family


def count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_wal_mode_is_on(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_foreign_keys_are_enforced(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.execute(
            insert(Membership.__table__).values(
                id="m1",
                household_id="no-such-household",
                person_id="no-such-person",
                relation="head",
                active=True,
                deleted=False,
                created_at=func.now(),
                updated_at=func.now(),
            )
        )
    assert count(db, Membership) == 0


def test_two_writers_queue_instead_of_deadlocking(db):
    """Both transactions read before they write, the classic SQLite deadlock with DEFERRED
    transactions; BEGIN IMMEDIATE makes the second wait for the first to commit."""
    first_holds_lock = threading.Event()
    times: dict[str, float] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with db.transaction() as session:
                session.scalar(select(func.count()).select_from(Setting))
                first_holds_lock.set()
                time.sleep(0.5)
                session.add(Setting(key="writer", value="first"))
                times["first_commit"] = time.monotonic()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            first_holds_lock.set()

    def second() -> None:
        try:
            first_holds_lock.wait(5)
            with db.transaction() as session:
                seen = session.scalar(select(Setting.value).where(Setting.key == "writer"))
                times["second_start"] = time.monotonic()
                times["second_saw"] = seen
                session.add(Setting(key="writer2", value="second"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    # The second transaction began only after the first had committed, and saw its write.
    assert times["second_start"] >= times["first_commit"]
    assert times["second_saw"] == "first"
    assert count(db, Setting) == 2


def test_failed_transaction_leaves_nothing_written(db, operator):
    with db.read() as session:
        device_before = session.scalar(select(func.count()).select_from(Device))

    with pytest.raises(RuntimeError), db.transaction() as session:
        changes = ChangeSet(session, actor=operator.officer_id, action="household.register")
        changes.create(
            "household", {"village_code": VILLAGE, "head_name": "Test"}, partition=VILLAGE
        )
        changes.commit()
        session.execute(text("INSERT INTO setting (key, value) VALUES ('x', 'y')"))
        raise RuntimeError("the use case fails after writing")

    assert count(db, Household) == 0
    assert count(db, SyncOp) == 0
    assert count(db, AuditEntry) == 0
    assert count(db, Setting) == 0
    assert count(db, Device) == device_before


# ---- maintenance: restore and check on the file ---------------------------------------------


def register_one(db_path: Path, operator, **overrides) -> None:
    database = Database(make_engine(sqlite_url(db_path)), db_path)
    try:
        save_household(database, operator, family(**overrides), confirm_warnings=True)
    finally:
        database.dispose()


def device(db_path: Path) -> tuple:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute("SELECT device_id, epoch, last_seq FROM device").fetchone()


def test_restore_moves_above_every_epoch_already_used(db_path, tmp_path, operator):
    backups = tmp_path / "backups"
    register_one(db_path, operator)
    old = maintenance.backup_now(db_path, backups)
    first = maintenance.restore(db_path, old, backups)
    assert (first.previous_epoch, first.epoch) == (1, 2)
    register_one(
        db_path,
        operator,
        kk_number=None,
        members=(
            MemberInput(name="Rudi Hartono", sex="M", relation="head", birth_date=date(1975, 1, 1)),
        ),
    )
    # Restoring the same old backup again (its device row says epoch 1) must not reuse epoch 2,
    # which the live database has already written ops under.
    second = maintenance.restore(db_path, old, backups)
    assert (second.previous_epoch, second.epoch) == (1, 3)
    assert device(db_path)[1:] == (3, 0)
    assert health.check(db_path).ok


def test_restore_of_the_oldest_backup_survives_pruning(db_path, tmp_path, operator):
    backups = tmp_path / "backups"
    register_one(db_path, operator)
    made = [maintenance.backup_now(db_path, backups) for _ in range(BACKUPS_KEPT)]
    report = maintenance.restore(db_path, made[0], backups)
    assert not made[0].exists()  # pruned by the pre-restore backup, yet restored completely
    assert report.previous_backup.is_file()
    assert health.check(db_path).counts["household"] == 1


def test_restore_refuses_other_databases_and_newer_ones(db_path, tmp_path):
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    foreign = tmp_path / "foreign.sqlite"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    newer = tmp_path / "newer.sqlite"
    shutil.copyfile(db_path, newer)
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    with pytest.raises(DatabaseError, match="not a database of this application"):
        maintenance.restore(db_path, foreign, tmp_path / "backups")
    with pytest.raises(SchemaTooNew):
        maintenance.restore(db_path, newer, tmp_path / "backups")
    with pytest.raises(DatabaseError):
        maintenance.restore(db_path, db_path, tmp_path / "backups")
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob("*.restoring*"))


def test_restore_into_an_empty_data_directory(db_path, tmp_path, operator):
    register_one(db_path, operator)
    fresh = tmp_path / "elsewhere" / "kaltim.sqlite"
    fresh.parent.mkdir()
    report = maintenance.restore(fresh, db_path, tmp_path / "backups")
    assert report.previous_backup is None and report.epoch == 2
    assert health.check(fresh).ok


def test_check_finds_a_tampered_audit_entry_and_an_op_log_gap(db_path, operator):
    register_one(db_path, operator)
    assert health.check(db_path).ok
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1")
        conn.execute("DELETE FROM sync_op WHERE seq = 2")
        conn.commit()
    report = health.check(db_path)
    assert not report.ok
    assert any("audit trail" in p for p in report.problems)
    assert any("not gapless" in p for p in report.problems)

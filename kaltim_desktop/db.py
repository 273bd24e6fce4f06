# SPDX-License-Identifier: GPL-3.0-or-later
"""Opening, migrating, backing up and checking the database.

On every start (:func:`open_database`): refuse a database written by a newer version without
touching it, back it up with the SQLite backup API (keeping the last few), upgrade it with Alembic
on one connection with foreign keys off and transactional DDL, then run
``PRAGMA foreign_key_check`` before committing. A failing migration leaves the file as it was.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from kaltim_desktop.errors import DatabaseError, SchemaTooNew
from kaltim_desktop.i18n import _
from kaltim_desktop.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

BACKUPS_KEPT = 5
BACKUP_INTERVAL = timedelta(hours=20)
"""A routine start-up backup is taken when the newest one is older than this (about daily)."""
CACHE_KIB = 64 * 1024  # SQLite page cache per connection


def make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """Create an engine; for SQLite apply WAL, busy timeout and transactional DDL.

    pysqlite's own transaction handling emits no BEGIN before DDL, so a failing migration would
    leave half-built tables behind; we take over BEGIN ourselves (SQLAlchemy's documented recipe).
    """
    # hide_parameters: bound values (names, NIKs) must never appear in exception texts or logs.
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        with closing(dbapi_connection.cursor()) as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            # PRAGMA foreign_keys is ignored inside a transaction, so it is set per connection.
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA busy_timeout=10000")
            # 64 MiB of page cache instead of 2: the NIK and name indexes of a regency's
            # register then stay in memory for searches and bulk imports.
            cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            # Truncate the WAL file back to 64 MiB after a checkpoint, so one large import does
            # not keep a gigabyte of disk on a small laptop.
            cursor.execute("PRAGMA journal_size_limit=67108864")
            # FULL: a commit survives a power cut, which on a field laptop is a real event.
            cursor.execute("PRAGMA synchronous=FULL")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Writers take the write lock up front, so two writers queue instead of deadlocking.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Database:
    """The engine plus one session factory for reads and one for writing transactions."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case = one transaction: committed on success, rolled back on any error."""
        with self._write_sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session; whatever it did is rolled back on exit."""
        with self._read_sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


# ---- Alembic --------------------------------------------------------------------------------


# Alembic is imported only when it is needed (a migration, an unknown revision): importing it
# costs about a second, a large share of the desktop's start. The revision ids and their order
# are read from the revision files' own text instead.
_REVISION = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config() -> Config:
    """Build the Alembic configuration in code, so no alembic.ini is needed at run time."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def _revision_graph() -> dict[str, tuple[str, ...]] | None:
    """Revision id → the ids it follows, from the revision files; None when a file does not
    have the plain ``revision = "..."`` / ``down_revision = ...`` lines (Alembic then decides)."""
    graph: dict[str, tuple[str, ...]] = {}
    for file in sorted((migrations_dir() / "versions").glob("*.py")):
        source = file.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        downs = tuple(_QUOTED.findall(down.group(1)))
        if not downs and down.group(1).strip() != "None":
            return None
        graph[revision.group(1)] = downs
    return graph or None


def head_revision() -> str:
    graph = _revision_graph()
    if graph is not None:
        followed = {down for downs in graph.values() for down in downs}
        heads = [revision for revision in graph if revision not in followed]
        if len(heads) == 1:
            return heads[0]
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only, so validating or reading a file can never change it."""
    # as_uri() percent-encodes '?' and '#', which would otherwise end the file name.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def current_revision(path: Path) -> str | None:
    """Read the schema revision of a database file without changing it."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with closing(connect_read_only(path)) as conn:
            conn.execute("PRAGMA schema_version")  # fails fast on a file that is not SQLite
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            if not has_table:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            _("The file is not a database of this application or is damaged.")
        ) from exc
    return row[0] if row else None


def ensure_not_newer(revision: str | None) -> None:
    """Raise :class:`SchemaTooNew` when ``revision`` is unknown to this build."""
    if revision is None:
        return
    graph = _revision_graph()
    if graph is not None and revision in graph:
        return
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision)
    except Exception:  # alembic raises several types for an unknown id
        known = None
    if known is None:
        raise SchemaTooNew(
            _(
                "This database was written by a newer version of the application. "
                "Install the newer version; the file has not been changed."
            )
        )


def migrate(path: Path) -> None:
    """Upgrade the database at ``path`` to the head revision in one transaction.

    Raises:
        DatabaseError: the upgrade failed; the transaction was rolled back, the file is as it was.
    """
    from alembic import command

    engine = make_engine(sqlite_url(path), foreign_keys=False)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DatabaseError(
                    _("The upgraded database failed its consistency check; nothing was changed.")
                )
    except DatabaseError:
        raise
    except Exception as exc:
        log.exception("database upgrade failed and was rolled back")
        raise DatabaseError(
            _("The database could not be upgraded; it has not been changed. See the log file.")
        ) from exc
    finally:
        engine.dispose()


# ---- Backups --------------------------------------------------------------------------------


def backup(
    path: Path, target_dir: Path, *, label: str = "backup", keep: int = BACKUPS_KEPT
) -> Path:
    """Copy the live database with the SQLite online backup API (a plain file copy could miss
    pages still in the WAL), then keep only the newest ``keep`` backups.

    The timestamp leads the file name, so name order is age order whatever the label.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = target_dir / f"kaltim-{stamp}-{label}.sqlite"
    partial = target.with_suffix(".partial")
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(partial)) as dest:
        source.backup(dest)
    partial.replace(target)
    if keep:
        for old in sorted(target_dir.glob("kaltim-*.sqlite"))[:-keep]:
            old.unlink(missing_ok=True)
    return target


def backup_due(target_dir: Path, *, interval: timedelta = BACKUP_INTERVAL) -> bool:
    """True when ``target_dir`` holds no backup younger than ``interval``.

    Copying a large database takes seconds (about 3 s per gigabyte), so routine backups are
    taken once a day rather than at every start; a migration or a restore always backs up.
    """
    newest = max((p.stat().st_mtime for p in target_dir.glob("kaltim-*.sqlite")), default=None)
    if newest is None:
        return True
    age = datetime.now(UTC) - datetime.fromtimestamp(newest, UTC)
    return not timedelta(0) <= age < interval  # a backup "from the future": the clock moved


def check_integrity(path: Path) -> list[str]:
    """Run SQLite's integrity and foreign-key checks; return the problems found."""
    problems: list[str] = []
    with closing(connect_read_only(path)) as conn:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems += result
        problems += [
            f"foreign key: {row[0]} row {row[1]}"
            for row in conn.execute("PRAGMA foreign_key_check")
        ]
    return problems


def open_database(
    path: Path, backups: Path | None = None, *, routine_backup: bool = True
) -> Database:
    """Open (creating or upgrading) the database at ``path`` and return it ready for use.

    An existing database is backed up into ``backups`` before every migration, and otherwise
    when :func:`backup_due` (about once a day). ``routine_backup=False`` leaves the routine
    backup to the caller (the desktop takes it in the background once its window is shown).
    """
    revision = current_revision(path)
    ensure_not_newer(revision)
    existed = revision is not None
    migrating = revision != head_revision()
    if existed and backups is not None and (migrating or (routine_backup and backup_due(backups))):
        backup(path, backups, label=f"r{revision}")
    if migrating:
        log.info("upgrading database from %s to %s", revision, head_revision())
        migrate(path)
    engine = make_engine(sqlite_url(path))
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Database(engine, path)

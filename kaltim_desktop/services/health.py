# SPDX-License-Identifier: GPL-3.0-or-later
"""A full health check of a database file, without changing it: SQLite integrity and foreign
keys, schema revision, the audit trail's hash chain and the op log's numbering."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kaltim_desktop.db import (
    check_integrity,
    connect_read_only,
    current_revision,
    ensure_not_newer,
    head_revision,
)
from kaltim_desktop.errors import DatabaseError, NotFound
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Base
from kaltim_desktop.sync import audit

log = logging.getLogger(__name__)

__all__ = ["CheckReport", "check"]


@dataclass(frozen=True)
class CheckReport:
    """The result of :func:`check`; ``problems`` is empty when the database is healthy.

    Attributes:
        path: the database checked.
        revision: its schema revision.
        head: the revision this build expects.
        problems: one translated line per problem found (ids only, never personal data).
        counts: rows per table, plus ``origins`` (op-log origins seen).
    """

    path: Path
    revision: str | None
    head: str
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@contextmanager
def _read_only_session(path: Path) -> Iterator[Session]:
    engine = create_engine("sqlite://", creator=lambda: connect_read_only(path))
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _op_log_problems(conn: sqlite3.Connection, counts: dict[str, int]) -> list[str]:
    problems = []
    rows = conn.execute(
        "SELECT origin, COUNT(*), MIN(seq), MAX(seq) FROM sync_op GROUP BY origin ORDER BY origin"
    ).fetchall()
    counts["origins"] = len(rows)
    highest = {origin: top for origin, _count, _low, top in rows}
    for origin, count, low, top in rows:
        if low != 1 or top != count:
            problems.append(
                _(
                    "Op log of origin {origin} is not gapless: {count} ops, "
                    "sequence {low} to {top}."
                ).format(origin=origin, count=count, low=low, top=top)
            )
    for device_id, epoch, last_seq in conn.execute("SELECT device_id, epoch, last_seq FROM device"):
        origin = f"{device_id}#{epoch}"
        if highest.get(origin, 0) != last_seq:
            problems.append(
                _("Device {origin} expects sequence {last} but the op log holds {top}.").format(
                    origin=origin, last=last_seq, top=highest.get(origin, 0)
                )
            )
    return problems


def check(db_path: Path) -> CheckReport:
    """Check a database without changing it.

    Runs SQLite's integrity and foreign-key checks, compares the schema revision with this
    build's head, verifies the hash chain of the audit trail and checks that the op log of
    every origin is numbered 1..N without gaps (and that the device counter agrees).

    Raises:
        NotFound: there is no database at ``db_path``.
        SchemaTooNew: the database was written by a newer version.
        DatabaseError: the file is not a database of this application.
    """
    if not db_path.is_file():
        raise NotFound(_("There is no database yet."))
    revision = current_revision(db_path)
    ensure_not_newer(revision)
    head = head_revision()
    report = CheckReport(path=db_path, revision=revision, head=head)
    if revision is None:
        raise DatabaseError(_("The file is not a database of this application or is damaged."))
    if revision != head:
        report.problems.append(
            _(
                "The schema is at revision {revision}; this version expects "
                "{head}. Run “db upgrade”."
            ).format(revision=revision, head=head)
        )
    report.problems.extend(check_integrity(db_path))
    with closing(connect_read_only(db_path)) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for table in Base.metadata.sorted_tables:
            if table.name in tables:
                report.counts[table.name] = conn.execute(
                    f'SELECT COUNT(*) FROM "{table.name}"'
                ).fetchone()[0]
        if {"sync_op", "device"} <= tables:
            report.problems.extend(_op_log_problems(conn, report.counts))
    try:
        with _read_only_session(db_path) as session:
            chain = audit.verify_chain(session)
        if not chain.ok:
            report.problems.append(
                _("The audit trail was altered at entry {seq}.").format(seq=chain.first_broken_seq)
            )
    except SQLAlchemyError:
        log.exception("audit chain could not be verified")
        report.problems.append(_("The audit trail could not be read."))
    log.info("database check: %d problems", len(report.problems))
    return report

# SPDX-License-Identifier: GPL-3.0-or-later
"""Erasure beyond the records and the op log (:mod:`.purge`): the audit trail and the database
file.

The audit trail recorded the values a use case changed, so an erased person's values are there
too: they are blanked and the hash chain sealed again (:func:`kaltim_desktop.sync.audit.reseal`).
SQLite keeps the old bytes of rewritten rows in free pages and in WAL frames until the file is
rebuilt: :func:`scrub` rebuilds it, after the erasure service and after any import that applied
a purge (:data:`SCRUB_SETTING` says one is due).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import AuditEntry, Setting
from kaltim_desktop.sync.canonical import canonical_json

__all__ = ["SCRUB_SETTING", "redact_audit", "scrub", "scrub_if_pending"]

SCRUB_SETTING = "sync.scrub_pending"
_MARKED = {"redacted": True}


def redact_audit(session: Session, record_key: str, values: set[str]) -> None:
    """The audit trail's before/after values of the record, and any text holding one of its
    ``values``, blanked; the chain is sealed again from the first entry changed."""
    from kaltim_desktop.sync import audit  # which imports this module

    needles = [record_key, *sorted(values)]
    table = AuditEntry.__table__
    found = or_(*(func.instr(c, n) > 0 for c in (table.c.before, table.c.after) for n in needles))
    replaced = {}
    for seq, before, after in session.execute(
        select(table.c.seq, table.c.before, table.c.after).where(found)
    ):
        texts = tuple(
            None if t is None else canonical_json(_scrubbed(json.loads(t), record_key, values))
            for t in (before, after)
        )
        if texts != (before, after):
            replaced[seq] = texts
    audit.reseal(session, replaced)


def _scrubbed(value: Any, record_key: str, values: set[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: _MARKED if k == record_key else _scrubbed(v, record_key, values)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(v, record_key, values) for v in value]
    if isinstance(value, str) and any(v in value for v in values):
        return None
    return value


def scrub(db) -> None:
    """Rewrite the database file without free pages and empty the WAL: SQLite leaves the old
    bytes of rewritten rows in free pages and in WAL frames until then."""
    with db.transaction() as session:
        session.execute(delete(Setting).where(Setting.key == SCRUB_SETTING))
    if db.engine.dialect.name != "sqlite":
        return
    # The driver connection itself: the engine's "begin" hook would open a transaction, in
    # which SQLite refuses VACUUM.
    connection = db.engine.raw_connection()
    try:
        for statement in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM",
                          "PRAGMA wal_checkpoint(TRUNCATE)"):  # fmt: skip
            connection.driver_connection.execute(statement).fetchall()
    finally:
        connection.close()


def scrub_if_pending(db) -> bool:
    """:func:`scrub` when an erasure happened since the last one (imports call this)."""
    with db.read() as session:
        pending = session.scalar(select(Setting.value).where(Setting.key == SCRUB_SETTING))
    if pending is None:
        return False
    scrub(db)
    return True

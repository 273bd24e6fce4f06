# SPDX-License-Identifier: GPL-3.0-or-later
"""The hash-chained audit trail: who did what, when, with the values before and after.

Each entry's hash covers its content and the previous entry's hash, so editing, deleting or
reordering any entry is detected by :func:`verify_chain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import AuditEntry, utcnow
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64


def _entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return sha256_hex(prev_hash + canonical_json(content))


def _content(seq: int, at: datetime, actor, device, action, entity, entity_id, before, after):
    return {
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "device": device,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
    }


def append(
    session: Session,
    *,
    action: str,
    actor: str | None = None,
    device: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry in the caller's (write-locked) transaction."""
    at = at or utcnow()
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    before_json = canonical_json(before) if before is not None else None
    after_json = canonical_json(after) if after is not None else None
    content = _content(seq, at, actor, device, action, entity, entity_id, before_json, after_json)
    session.execute(
        insert(AuditEntry.__table__),
        [
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "device": device,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": before_json,
                "after": after_json,
                "prev_hash": prev_hash,
                "hash": _entry_hash(prev_hash, content),
            }
        ],
    )


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_seq: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first entry that does not match."""
    prev_hash, count, expected_seq = GENESIS, 0, 1
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for entry in rows.yield_per(2000):
        content = _content(
            entry.seq,
            entry.at,
            entry.actor,
            entry.device,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.before,
            entry.after,
        )
        if (
            entry.seq != expected_seq
            or entry.prev_hash != prev_hash
            or entry.hash != _entry_hash(prev_hash, content)
        ):
            return ChainReport(count, entry.seq)
        prev_hash, count, expected_seq = entry.hash, count + 1, expected_seq + 1
    return ChainReport(count, None)

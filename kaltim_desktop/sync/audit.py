# SPDX-License-Identifier: GPL-3.0-or-later
"""The hash-chained audit trail: who did what, when, with the values before and after.

Each entry's hash covers its content and the previous entry's hash, so editing, deleting or
reordering any entry is detected by :func:`verify_chain`. An entry written by a use case also
names the ops it wrote (origin and sequence range) with a digest of their hashes: the values a
use case created live once, in the op log, and the chain still vouches for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from kaltim_desktop.models import AuditEntry, SyncOp, utcnow
from kaltim_desktop.sync.bulk import insert_rows
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex
from kaltim_desktop.sync.ops import encode_op, op_from_row, ops_digest
from kaltim_desktop.sync.purge import is_redacted_fields

GENESIS = "0" * 64


@dataclass(frozen=True)
class OpRange:
    """The ops of one use case: ``origin`` seqs ``first``..``last`` and their digest."""

    origin: str
    first: int
    last: int
    digest: str


_HASHED = (
    "seq", "at", "actor", "device", "action", "entity", "entity_id", "before", "after",
    "op_origin", "op_first_seq", "op_last_seq", "ops_digest",
)  # fmt: skip


def _entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return sha256_hex(prev_hash + canonical_json(content))


def _content(entry: dict[str, Any]) -> dict[str, Any]:
    content = {key: entry[key] for key in _HASHED}
    content["at"] = entry["at"].isoformat()
    return content


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
    ops: OpRange | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry in the caller's (write-locked) transaction."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    entry = {
        "seq": seq,
        "at": at or utcnow(),
        "actor": actor,
        "device": device,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": canonical_json(before) if before is not None else None,
        "after": canonical_json(after) if after is not None else None,
        "op_origin": ops.origin if ops else None,
        "op_first_seq": ops.first if ops else None,
        "op_last_seq": ops.last if ops else None,
        "ops_digest": ops.digest if ops else None,
        "prev_hash": prev_hash,
    }
    entry["hash"] = _entry_hash(prev_hash, _content(entry))
    insert_rows(session, AuditEntry.__table__, [entry])


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_seq: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def _ops_match(session: Session, entry: AuditEntry) -> bool:
    """Recompute the hashes of the ops ``entry`` names from their content, and their digest."""
    rows = session.scalars(
        select(SyncOp)
        .where(
            SyncOp.origin == entry.op_origin,
            SyncOp.seq >= entry.op_first_seq,
            SyncOp.seq <= entry.op_last_seq,
        )
        .order_by(SyncOp.seq)
    ).all()
    if len(rows) != entry.op_last_seq - entry.op_first_seq + 1:
        return False
    # An op redacted by an erasure lost its content on purpose: its stored hash stands.
    hashes = [
        row.op_hash if is_redacted_fields(row.fields) else encode_op(op_from_row(row)).hash
        for row in rows
    ]
    if any(computed != row.op_hash for computed, row in zip(hashes, rows, strict=True)):
        return False
    return ops_digest(hashes) == entry.ops_digest


def verify_chain(session: Session, *, check_ops: bool = True) -> ChainReport:
    """Recompute every hash in order; report the first entry that does not match.

    With ``check_ops`` the digest of the ops each entry names is recomputed too, so an edited,
    removed or inserted op is found as well.
    """
    prev_hash, count, expected_seq = GENESIS, 0, 1
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for entry in rows.yield_per(2000):
        content = _content({key: getattr(entry, key) for key in _HASHED})
        broken = (
            entry.seq != expected_seq
            or entry.prev_hash != prev_hash
            or entry.hash != _entry_hash(prev_hash, content)
            or (check_ops and entry.ops_digest is not None and not _ops_match(session, entry))
        )
        if broken:
            return ChainReport(count, entry.seq)
        prev_hash, count, expected_seq = entry.hash, count + 1, expected_seq + 1
    return ChainReport(count, None)


def reseal(session: Session, replaced: dict[int, tuple[str | None, str | None]]) -> None:
    """Replace the ``before``/``after`` texts of some entries and recompute the hashes from the
    first of them on, so :func:`verify_chain` still holds.

    Only erasure (UU PDP) does this: personal data must go from the trail too. The chain then
    proves the order and content of the trail as it is, and the erasure itself is an entry."""
    if not replaced:
        return
    first = min(replaced)
    prev_hash = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == first - 1))
    prev_hash = prev_hash or GENESIS
    table = AuditEntry.__table__
    last_seq = first - 1
    while True:
        rows = session.execute(
            select(table).where(table.c.seq > last_seq).order_by(table.c.seq).limit(2000)
        ).all()
        if not rows:
            return
        updates = []
        for row in rows:
            entry = dict(row._mapping)
            if entry["seq"] in replaced:
                entry["before"], entry["after"] = replaced[entry["seq"]]
            entry["prev_hash"] = prev_hash
            entry["hash"] = prev_hash = _entry_hash(prev_hash, _content(entry))
            updates.append(entry)
        session.execute(
            update(table).where(table.c.seq == bindparam("b_seq")),
            [{**entry, "b_seq": entry["seq"]} for entry in updates],
            execution_options={"synchronize_session": False},
        )
        last_seq = rows[-1].seq

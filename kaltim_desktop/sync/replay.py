# SPDX-License-Identifier: GPL-3.0-or-later
"""Rebuilding tables from the op log.

This is the proof that the log is complete (every table row can be recomputed from it) and the
base of bundle import: rows are produced by the same projection functions the local write path
uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, SyncOp
from kaltim_desktop.sync.clocks import record_clock, store_clock
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.ops import Op, encode_op, op_from_row
from kaltim_desktop.sync.projection import (
    create_row,
    decode_fields,
    hlc_time,
    refresh_search_index,
    update_values,
)


def read_ops(session: Session) -> Iterator[dict[str, Any]]:
    """Yield every stored op as the dict that was hashed, in (origin, seq) order."""
    query = select(SyncOp).order_by(SyncOp.origin, SyncOp.seq)
    for row in session.scalars(query).yield_per(5000):
        yield op_from_row(row).as_dict()


def store_op(session: Session, op: dict[str, Any]) -> None:
    """Keep ``op`` in this database's op log, exactly as its origin wrote it."""
    encoded = encode_op(Op(**op))
    session.execute(
        insert(SyncOp.__table__),
        [
            {
                **{key: op[key] for key in _STORED},
                "base": encoded.base,
                "fields": encoded.set,
                "prev": encoded.prev,
                "op_hash": encoded.hash,
                "status": "applied",
            }
        ],
    )


_STORED = ("origin", "seq", "op_id", "hlc", "entity", "entity_id", "action", "partition",
           "actor", "schema")  # fmt: skip


def apply_op(session: Session, op: dict[str, Any]) -> None:
    """Store ``op`` and apply it to the tables (the caller ensures causal order)."""
    entity, entity_id = op["entity"], op["entity_id"]
    table = REPLICATED[entity].__table__
    at = hlc_time(Hlc.parse(op["hlc"]).wall_ms)
    fields = decode_fields(entity, op["set"])
    store_op(session, op)
    if op["action"] == "create":
        # A record with only its create op has no stored clock: the op log is its clock.
        session.execute(insert(table), [create_row(entity, entity_id, fields, at)])
    else:
        session.execute(
            update(table).where(table.c.id == entity_id).values(update_values(entity, fields, at))
        )
        clock, vv = record_clock(session, entity, entity_id)
        vv[op["origin"]] = max(vv.get(op["origin"], 0), op["seq"])
        store_clock(session, clock, entity, entity_id, vv)
    if entity == "person" and "name" in fields:
        session.flush()
        refresh_search_index(session, [(entity_id, fields["name"])])


def replay(session: Session, ops: Iterable[dict[str, Any]]) -> int:
    """Apply ``ops`` in order; return how many were applied."""
    count = 0
    for op in ops:
        apply_op(session, op)
        count += 1
    session.flush()
    return count

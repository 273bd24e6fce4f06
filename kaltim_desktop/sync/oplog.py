# SPDX-License-Identifier: GPL-3.0-or-later
"""The write path every service uses: table rows, sync ops and the audit entry of one use case,
all in the caller's transaction.

A :class:`ChangeSet` gives each write the next gapless sequence number of this installation's
origin, a hybrid-logical-clock timestamp, the record's version vector before the write (``base``),
the fields set and their previous values. Writes that change nothing produce no op.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, Device, RecordClock, SyncOp, new_id, utcnow
from kaltim_desktop.sync import audit
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex
from kaltim_desktop.sync.hlc import Hlc, tick
from kaltim_desktop.sync.projection import (
    check_fields,
    create_row,
    encode_fields,
    hlc_time,
    refresh_search_index,
    update_values,
)


def wall_clock_ms() -> int:
    """The laptop's clock; untrusted, which is why ops carry a hybrid logical clock."""
    return int(time.time() * 1000)


# Version of the op payload semantics (sync-design §3.10); bump when an op's meaning changes.
SYNC_SCHEMA = 1


@dataclass(frozen=True)
class Op:
    """One op as it is hashed and (later) shipped in bundles."""

    origin: str
    seq: int
    op_id: str
    hlc: str
    entity: str
    entity_id: str
    action: str
    base: dict[str, int]
    set: dict[str, Any]
    prev: dict[str, Any]
    partition: str | None
    actor: str | None
    schema: int = SYNC_SCHEMA

    def as_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "seq": self.seq,
            "op_id": self.op_id,
            "hlc": self.hlc,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "action": self.action,
            "base": self.base,
            "set": self.set,
            "prev": self.prev,
            "partition": self.partition,
            "actor": self.actor,
            "schema": self.schema,
        }

    @property
    def hash(self) -> str:
        return sha256_hex(canonical_json(self.as_dict()))


def this_device(session: Session) -> Device:
    """Return (creating on first use) this installation's device row, locked for update."""
    device = session.scalars(select(Device).with_for_update()).first()
    if device is None:
        device = Device(
            device_id=f"L-{secrets.token_hex(6).upper()}",
            epoch=1,
            last_seq=0,
            hlc_wall_ms=0,
            hlc_counter=0,
            created_at=utcnow(),
        )
        session.add(device)
        session.flush()
    return device


class ChangeSet:
    """Collects the writes of one use case. Call :meth:`commit` before the transaction ends.

    Creates are buffered and inserted in bulk (parents before children); updates read the current
    values first so ``prev`` is exact. ``actor`` is the officer id (or None for the system).
    """

    def __init__(self, session: Session, *, actor: str | None, action: str) -> None:
        self.session = session
        self.actor = actor
        self.action = action
        self.device = this_device(session)
        self._hlc = tick(Hlc(self.device.hlc_wall_ms, self.device.hlc_counter), wall_clock_ms())
        self.at = hlc_time(self._hlc.wall_ms)
        self._pending: dict[str, list[dict]] = defaultdict(list)
        self._ops: list[Op] = []
        self._new_clocks: list[dict] = []
        self._named: list[tuple[str, str | None]] = []
        self._named_new: list[tuple[str, str | None]] = []
        self._main: tuple[str, str] | None = None
        self._before: dict[str, Any] = {}
        self._after: dict[str, Any] = {}

    # ---- writes -----------------------------------------------------------------------------

    def create(
        self,
        entity: str,
        fields: dict[str, Any],
        *,
        entity_id: str | None = None,
        partition: str | None = None,
    ) -> str:
        """Create a record of ``entity`` and return its id."""
        check_fields(entity, fields)
        entity_id = entity_id or new_id()
        set_fields = {k: v for k, v in encode_fields(fields).items() if v is not None}
        op = self._op(entity, entity_id, "create", {}, set_fields, {}, partition)
        self._pending[entity].append(create_row(entity, entity_id, fields, self.at))
        self._new_clocks.append(
            {"entity": entity, "entity_id": entity_id, "vv": canonical_json({op.origin: op.seq})}
        )
        if entity == "person":
            self._named_new.append((entity_id, fields.get("name")))
        return entity_id

    def update(
        self,
        entity: str,
        entity_id: str,
        fields: dict[str, Any],
        *,
        partition: str | None = None,
        action: str = "update",
    ) -> bool:
        """Set ``fields`` on a record; return False (and write nothing) when nothing changes."""
        check_fields(entity, fields)
        self.flush()
        table = REPLICATED[entity].__table__
        columns = [table.c[name] for name in fields]
        current = self.session.execute(select(*columns).where(table.c.id == entity_id)).first()
        if current is None:
            raise LookupError(f"{entity} {entity_id} does not exist")
        old = encode_fields(dict(zip(fields, current, strict=True)))
        new = encode_fields(fields)
        changed = {k: v for k, v in new.items() if old[k] != v}
        if not changed:
            return False
        clock = self.session.get(RecordClock, (entity, entity_id))
        base = json.loads(clock.vv) if clock else {}
        op = self._op(
            entity, entity_id, action, base, changed, {k: old[k] for k in changed}, partition
        )
        values = {k: fields[k] for k in changed}
        self.session.execute(
            update(table)
            .where(table.c.id == entity_id)
            .values(update_values(entity, values, self.at)),
            execution_options={"synchronize_session": False},
        )
        stale = self.session.identity_map.get(
            self.session.identity_key(REPLICATED[entity], entity_id)
        )
        if stale is not None:
            self.session.expire(stale)
        vv = dict(base, **{op.origin: op.seq})
        if clock is None:
            self.session.add(RecordClock(entity=entity, entity_id=entity_id, vv=canonical_json(vv)))
        else:
            clock.vv = canonical_json(vv)
        if entity == "person" and "name" in changed:
            self._named.append((entity_id, fields["name"]))
        return True

    def delete(self, entity: str, entity_id: str, *, partition: str | None = None) -> bool:
        """Tombstone a record: it stays, marked deleted, so a late edit cannot resurrect it."""
        return self.update(
            entity, entity_id, {"deleted": True}, partition=partition, action="delete"
        )

    def main_record(self, entity: str, entity_id: str) -> None:
        """Name the record the audit entry is about (defaults to the first one written)."""
        self._main = (entity, entity_id)

    # ---- commit -----------------------------------------------------------------------------

    def flush(self) -> None:
        """Insert buffered creates, parents first, so later statements can see them."""
        for entity in REPLICATED:
            rows = self._pending.pop(entity, None)
            if rows:
                self.session.execute(insert(REPLICATED[entity].__table__), rows)
        if self._new_clocks:
            self.session.execute(insert(RecordClock.__table__), self._new_clocks)
            self._new_clocks = []
        if self._named_new:
            refresh_search_index(self.session, self._named_new, new=True)
            self._named_new = []
        if self._named:
            refresh_search_index(self.session, self._named)
            self._named = []

    def commit(self, *, audit_extra: dict[str, Any] | None = None) -> list[Op]:
        """Write everything: rows, ops, device counters and one audit entry."""
        self.flush()
        if self._ops:
            self.session.execute(insert(SyncOp.__table__), [self._op_row(op) for op in self._ops])
            last = Hlc.parse(self._ops[-1].hlc)
            self.device.last_seq = self._ops[-1].seq
            self.device.hlc_wall_ms, self.device.hlc_counter = last.wall_ms, last.counter
            entity, entity_id = self._main or (self._ops[0].entity, self._ops[0].entity_id)
            audit.append(
                self.session,
                at=self.at,
                actor=self.actor,
                device=self.device.origin,
                action=self.action,
                entity=entity,
                entity_id=entity_id,
                before=self._before or None,
                after=dict(self._after, **(audit_extra or {})) or None,
            )
        self.session.flush()
        # Rows were written with Core statements, which the ORM identity map does not see:
        # expire it so reads later in this transaction get the stored values.
        self.session.expire_all()
        ops, self._ops = self._ops, []
        return ops

    # ---- internals --------------------------------------------------------------------------

    def _op(self, entity, entity_id, action, base, set_fields, prev, partition) -> Op:
        seq = self.device.last_seq + len(self._ops) + 1
        hlc = self._hlc if not self._ops else tick(Hlc.parse(self._ops[-1].hlc), 0)
        op = Op(
            origin=self.device.origin,
            seq=seq,
            op_id=new_id(),
            hlc=str(hlc),
            entity=entity,
            entity_id=entity_id,
            action=action,
            base=base,
            set=set_fields,
            prev=prev,
            partition=partition,
            actor=self.actor,
        )
        self._ops.append(op)
        key = f"{entity}/{entity_id}"
        if prev:
            self._before.setdefault(key, {}).update(prev)
        self._after.setdefault(key, {}).update(set_fields)
        return op

    def _op_row(self, op: Op) -> dict[str, Any]:
        return {
            "origin": op.origin,
            "seq": op.seq,
            "op_id": op.op_id,
            "hlc": op.hlc,
            "at": hlc_time(Hlc.parse(op.hlc).wall_ms),
            "entity": op.entity,
            "entity_id": op.entity_id,
            "action": op.action,
            "base": canonical_json(op.base),
            "fields": canonical_json(op.set),
            "prev": canonical_json(op.prev),
            "partition": op.partition,
            "actor": op.actor,
            "schema": op.schema,
            "op_hash": op.hash,
            "status": "applied",
        }

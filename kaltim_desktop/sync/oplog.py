# SPDX-License-Identifier: GPL-3.0-or-later
"""The write path every service uses: table rows, sync ops and the audit entry of one use case,
all in the caller's transaction.

A :class:`ChangeSet` gives each write the next gapless sequence number of this installation's
origin, a hybrid-logical-clock timestamp, the record's version vector before the write (``base``),
the fields set and their previous values. Writes that change nothing produce no op.

Version vectors are stored (``record_clock``) once a record is updated; a record written only
by its create op has the vector of that op, read from the op log (see :mod:`.clocks`). That
keeps bulk registration to one row per record plus its op.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, Device, SyncOp, new_id, utcnow
from kaltim_desktop.sync import audit, purge, review_items
from kaltim_desktop.sync.bulk import insert_rows
from kaltim_desktop.sync.clocks import record_clock, store_clock
from kaltim_desktop.sync.hlc import Hlc, tick
from kaltim_desktop.sync.ops import SYNC_SCHEMA, Op, derived_op_id, encode_parts, ops_digest
from kaltim_desktop.sync.projection import (
    check_fields,
    create_row,
    encode_fields,
    hlc_time,
    refresh_search_index,
    update_values,
)

__all__ = ["SYNC_SCHEMA", "ChangeSet", "Op", "this_device", "wall_clock_ms"]


def wall_clock_ms() -> int:
    """The laptop's clock; untrusted, which is why ops carry a hybrid logical clock."""
    return int(time.time() * 1000)


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


def _device_counters(session: Session):
    """The device row's counters as plain values (a column select: every use case reads them)."""
    query = select(
        Device.device_id, Device.epoch, Device.last_seq, Device.hlc_wall_ms, Device.hlc_counter
    ).with_for_update()
    row = session.execute(query).first()
    if row is None:
        this_device(session)  # first write of a new installation
        row = session.execute(query).first()
    return row


class ChangeSet:
    """Collects the writes of one use case. Call :meth:`commit` before the transaction ends.

    Creates are buffered and inserted in bulk (parents before children); updates read the current
    values first so ``prev`` is exact. ``actor`` is the officer id (or None for the system).
    """

    def __init__(self, session: Session, *, actor: str | None, action: str) -> None:
        self.session = session
        self.actor = actor
        self.action = action
        device = _device_counters(session)
        self._device_id = device.device_id
        self.origin = f"{device.device_id}#{device.epoch}"
        self._first_seq = device.last_seq + 1
        self._hlc = tick(Hlc(device.hlc_wall_ms, device.hlc_counter), wall_clock_ms())
        self.at = hlc_time(self._hlc.wall_ms)
        self._pending: dict[str, list[dict]] = defaultdict(list)
        self._op_rows: list[dict[str, Any]] = []
        # Records created by this change set (not yet in sync_op): their version vector.
        self._created: dict[tuple[str, str], int] = {}
        self._renamed: list[tuple[str, str | None]] = []
        self._named_new: list[tuple[str, str | None]] = []
        self._main: tuple[str, str] | None = None
        self._before: dict[str, Any] = {}
        self._after: dict[str, Any] = {}
        self._touched: set[tuple[str, str]] = set()  # updated records (their review items)
        self._purged: list[tuple[str, str]] = []

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
        set_fields = encode_fields({k: v for k, v in fields.items() if v is not None})
        seq = self._record(entity, entity_id, "create", {}, set_fields, {}, partition)
        self._pending[entity].append(create_row(entity, entity_id, fields, self.at))
        self._created[(entity, entity_id)] = seq
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
        force: bool = False,
    ) -> bool:
        """Set ``fields`` on a record; return False (and write nothing) when nothing changes.

        ``force``: write every field given, even one equal to the value shown (a resolution
        must supersede the concurrent values behind the shown one)."""
        check_fields(entity, fields)
        self.flush()
        table = REPLICATED[entity].__table__
        columns = [table.c[name] for name in fields]
        current = self.session.execute(select(*columns).where(table.c.id == entity_id)).first()
        if current is None:
            raise LookupError(f"{entity} {entity_id} does not exist")
        old = encode_fields(dict(zip(fields, current, strict=True)))
        new = encode_fields(fields)
        changed = {k: v for k, v in new.items() if force or old[k] != v}
        if not changed:
            return False
        created = self._created.get((entity, entity_id))
        if created is not None:
            clock, base = None, {self.origin: created}
        else:
            clock, base = record_clock(self.session, entity, entity_id)
        prev = {k: old[k] for k in changed}
        seq = self._record(entity, entity_id, action, base, changed, prev, partition)
        key = f"{entity}/{entity_id}"
        self._before.setdefault(key, {}).update(prev)
        self._after.setdefault(key, {}).update(changed)
        self.session.execute(
            update(table)
            .where(table.c.id == entity_id)
            .values(update_values(entity, {k: fields[k] for k in changed}, self.at)),
            execution_options={"synchronize_session": False},
        )
        stale = self.session.identity_map.get(
            self.session.identity_key(REPLICATED[entity], entity_id)
        )
        if stale is not None:
            self.session.expire(stale)
        store_clock(self.session, clock, entity, entity_id, dict(base, **{self.origin: seq}))
        if entity == "person" and "name" in changed:
            self._renamed.append((entity_id, fields["name"]))
        if created is None:
            self._touched.add((entity, entity_id))
        return True

    def resolve(
        self, entity: str, entity_id: str, fields: dict[str, Any], *, partition: str | None = None
    ) -> None:
        """Settle a review: write ``fields`` (even unchanged ones) in a ``resolve`` op, whose
        base covers every concurrent value, so the conflict closes on every replica."""
        self.update(entity, entity_id, fields, partition=partition, action="resolve", force=True)

    def purge(
        self, entity: str, entity_id: str, *, reason: str, partition: str | None = None
    ) -> None:
        """Erase a record's personal data here and, through the ``purge`` op, everywhere
        (:mod:`kaltim_desktop.sync.purge`). The op itself carries only the reason code."""
        self.flush()
        clock, base = record_clock(self.session, entity, entity_id)
        if not base:
            raise LookupError(f"{entity} {entity_id} has no history here")
        seq = self._record(entity, entity_id, "purge", base, {"reason": reason}, {}, partition)
        store_clock(self.session, clock, entity, entity_id, dict(base, **{self.origin: seq}))
        self._purged.append((entity, entity_id))

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
                insert_rows(self.session, REPLICATED[entity].__table__, rows)
        if self._named_new:
            refresh_search_index(self.session, self._named_new, new=True)
            self._named_new = []
        if self._renamed:
            refresh_search_index(self.session, self._renamed)
            self._renamed = []

    def commit(self, *, audit_extra: dict[str, Any] | None = None) -> int:
        """Write everything: rows, ops, device counters and one audit entry.

        Returns:
            The number of ops written.
        """
        self.flush()
        written = len(self._op_rows)
        if written:
            insert_rows(self.session, SyncOp.__table__, self._op_rows)
            last = self._op_rows[-1]
            # A plain UPDATE: cheaper than the ORM's unit of work for three integers.
            self.session.execute(
                update(Device)
                .where(Device.device_id == self._device_id)
                .values(
                    last_seq=last["seq"],
                    hlc_wall_ms=self._hlc.wall_ms,
                    hlc_counter=self._hlc.counter,
                ),
                execution_options={"synchronize_session": False},
            )
            first = self._op_rows[0]
            entity, entity_id = self._main or (first["entity"], first["entity_id"])
            digest = ops_digest([row["op_hash"] for row in self._op_rows])
            audit.append(
                self.session,
                at=self.at,
                actor=self.actor,
                device=self.origin,
                action=self.action,
                entity=entity,
                entity_id=entity_id,
                # Only what was changed has a "before"; created values are in the ops.
                before=self._before or None,
                after=dict(self._after, **(audit_extra or {})) or None,
                ops=audit.OpRange(self.origin, first["seq"], last["seq"], digest),
            )
            self._op_rows = []
            self._after_ops()
        self.session.flush()
        # Rows were written with Core statements, which the ORM identity map does not see:
        # expire it so reads later in this transaction get the stored values.
        self.session.expire_all()
        return written

    # ---- internals --------------------------------------------------------------------------

    def _after_ops(self) -> None:
        """Once the ops are stored: review items of records under review follow the new op,
        and erased records lose their personal data."""
        if self._touched:
            for entity, entity_id in review_items.under_review(self.session, self._touched):
                review_items.refresh_record(self.session, entity, entity_id, actor=self.actor)
            self._touched = set()
        for entity, entity_id in self._purged:
            purge.redact(self.session, entity, entity_id)
            review_items.drop_record_items(self.session, entity_id)
        self._purged = []

    def _record(self, entity, entity_id, action, base, set_fields, prev, partition) -> int:
        """Encode and queue one op; return its sequence number."""
        seq = self._first_seq + len(self._op_rows)
        if self._op_rows:
            self._hlc = tick(self._hlc, 0)  # same wall time, next counter
        # Derived from (origin, seq), so bundles need not carry it (see ops.derived_op_id).
        op_id, hlc = derived_op_id(self.origin, seq), str(self._hlc)
        encoded = encode_parts(
            self.origin, seq, op_id, hlc, entity, entity_id, action, base, set_fields, prev,
            partition, self.actor,
        )  # fmt: skip
        self._op_rows.append(
            {
                "origin": self.origin,
                "seq": seq,
                "op_id": op_id,
                "hlc": hlc,
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "base": encoded.base,
                "fields": encoded.set,
                "prev": encoded.prev,
                "partition": partition,
                "actor": self.actor,
                "schema": SYNC_SCHEMA,
                "op_hash": encoded.hash,
                "status": "applied",
            }
        )
        return seq

# SPDX-License-Identifier: GPL-3.0-or-later
"""Applying received ops: validated, idempotent, causally ordered, in the caller's transaction.

For each op, in the order the bundle lists them:

- checks that cannot wait: known entity and action, the exact op shape (extra top-level keys
  would change the hash), the sender may write for that origin, the record lies in the sender's
  scope (the op's partition *and* the record's stored region: a laptop cannot reach into another
  regency by lying in a partition), and only a province origin approves grants. Any violation
  refuses the whole bundle (the caller rolls back);
- ``(origin, seq)`` already stored with the same hash: skipped ("already present"); with another
  hash: a fork (:data:`~.errors.E_FORK`);
- a revoked device's ops after its ``valid_through`` sequence, and ops stamped more than a day
  in the future, are held for review; ops whose predecessors have not arrived are held as a gap
  and applied as soon as they have.

Concurrent updates of one record are merged field by field (:meth:`Applier._apply_update`,
:mod:`kaltim_desktop.sync.merge`), with review items for what needs a person's judgement.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import case, delete, func, literal, select, update
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, SyncHeldOp, SyncOp, utcnow
from kaltim_desktop.sync import purge
from kaltim_desktop.sync.bundles.apply_regions import RecordRegions
from kaltim_desktop.sync.bundles.apply_writes import Writes
from kaltim_desktop.sync.bundles.errors import E_FORK, BundleRejected
from kaltim_desktop.sync.bundles.policy import (
    OP_KEYS,
    Outcome,
    Policy,
    check_rights,
    check_shape,
    device_of,
    in_scope,
)
from kaltim_desktop.sync.checks_review import Touched
from kaltim_desktop.sync.clocks import load_clocks
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.ops import EncodedOp, encode_parts
from kaltim_desktop.sync.projection import (
    RecordTimes,
    create_builders,
    decode_fields,
    update_values,
    writable_columns,
)
from kaltim_desktop.sync.review_items import drop_record_items, refresh_record, reviewed_records
from kaltim_desktop.sync.upcast import upcast

# Policy, the op keys and the scope rule live in .policy; importers of this module use them.
__all__ = ["OP_KEYS", "Applier", "Outcome", "Policy", "device_of", "drop_held", "in_scope"]

CLOCK_SKEW_MS = 24 * 3600 * 1000
_WRITABLE = {entity: writable_columns(entity) for entity in REPLICATED}
_CACHE_LIMIT = 200_000  # preloaded regions and vectors kept across batches


class Applier:
    """Applies the ops of one import in one transaction (see the module docstring).

    Work is done per batch (one ops member), not per op: the stored hashes, held ops, record
    regions and version vectors a batch needs are read in a few set-based queries before its
    loop; created rows, op rows, name tokens and version vectors are buffered and written in
    bulk (:class:`.apply_writes.Writes`). Updates read the tables, so the rows they depend on
    are flushed first.
    """

    def __init__(self, session: Session, policy: Policy, *, now_ms: int | None = None) -> None:
        self.session = session
        self.policy = policy
        self.now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        self.outcome = Outcome()
        self._high: dict[str, int] = {}
        self.writes = Writes(session)
        # (entity, entity_id) → version vector, authoritative in this transaction once read;
        # the changed ones are also in self.writes.clocks until written.
        self._clocks: dict[tuple[str, str], dict[str, int]] = {}
        self.regions = RecordRegions(session, self.flush)
        self._held: dict[str, dict[int, str]] = {}  # origin → seq → hash of its held ops
        self._max_hlc = (0, 0)  # (wall_ms, counter) of the latest op applied
        self._times = RecordTimes(self.writes.stored)
        # On SQLite created rows are built in the storage form and handed to the driver as is.
        self._create = create_builders(self.writes.stored)
        # Records with merge review items: every op to them derives the items again.
        self._reviewed: set[str] = reviewed_records(session)
        # What the import touched, for the checks that follow it (duplicates, invariants).
        self.touched = Touched()
        self.review_opened = 0  # conflicts and other merge items opened by this import

    def expect(self, ops: int) -> None:
        """Announce how many ops the import brings (see :meth:`.apply_writes.Writes.expect`)."""
        self.writes.expect(ops)

    def finish(self) -> None:
        """Write what is buffered and rebuild the indexes a large import dropped."""
        self.writes.finish()

    def flush(self) -> None:
        """Write what is buffered (before reading the tables or the op log)."""
        self.writes.flush()

    @property
    def max_hlc(self) -> Hlc:
        """The latest HLC of the ops applied (merged into this device's clock)."""
        return Hlc(*self._max_hlc)

    # ---- state -----------------------------------------------------------------------------

    def high_water(self, origin: str) -> int:
        """Highest seq of ``origin`` applied here (contiguous: ops are applied only in order)."""
        if origin not in self._high:
            value = self.session.scalar(select(func.max(SyncOp.seq)).where(SyncOp.origin == origin))
            self._high[origin] = value or 0
        return self._high[origin]

    def _known_hashes(self, by_origin: dict[str, list[int]]) -> dict[tuple[str, int], str]:
        """Hashes of the batch's ``(origin, seq)`` slots already stored or held here."""
        known: dict[tuple[str, int], str] = {}
        for origin, seqs in by_origin.items():
            low, high = min(seqs), max(seqs)
            held = self._held_of(origin)
            known.update({(origin, seq): h for seq, h in held.items() if low <= seq <= high})
            if low > self.high_water(origin):
                continue  # nothing stored that high: a streaming import reads nothing
            self.flush()
            rows = self.session.execute(
                select(SyncOp.seq, SyncOp.op_hash).where(
                    SyncOp.origin == origin, SyncOp.seq.between(low, high)
                )
            )
            known.update({(origin, seq): h for seq, h in rows.all()})  # stored wins over held
        return known

    def _held_of(self, origin: str) -> dict[int, str]:
        """The ops of ``origin`` held here (read once, then kept up to date in memory)."""
        held = self._held.get(origin)
        if held is None:
            rows = self.session.execute(
                select(SyncHeldOp.seq, SyncHeldOp.op_hash).where(SyncHeldOp.origin == origin)
            )
            held = self._held[origin] = dict(rows.all())
        return held

    def _preload(self, items: list[dict[str, Any]]) -> None:
        """Read the stored regions and version vectors of the records the batch's updates
        write, in a few queries instead of a few per op."""
        if len(self._clocks) + len(self.regions) > _CACHE_LIMIT:
            self.flush()  # a vector changed since the last flush must not be read again stale
            self._clocks.clear()
            self.regions.clear()
        written = {(op["entity"], op["entity_id"]) for op in items if op["action"] != "create"}
        missing = written - self._clocks.keys()
        if missing:
            self._clocks.update(load_clocks(self.session, missing))
        if self.policy.scope is not None:
            self.regions.preload(written)

    # ---- the loop --------------------------------------------------------------------------

    def receive(
        self, items: list[dict[str, Any]], hashed: list[tuple | None] | None = None
    ) -> None:
        """Take a batch of op dicts (one ops member of a bundle, or a slice of one); ``hashed``
        holds their encodings and create rows when a worker process prepared them
        (:mod:`.decode_ahead`)."""
        by_origin: dict[str, list[int]] = defaultdict(list)
        redacted = False
        for op in items:
            redacted = check_shape(op) or redacted
            by_origin[op["origin"]].append(op["seq"])
        # Erasure: redacted ops keep their original hash; ops of records erased here are
        # redacted on arrival (both rare: looked at only when there are any).
        erased = purge.erased(self.session)
        if redacted or erased:
            hashed = purge.received(items, hashed, erased)
        known = self._known_hashes(by_origin)  # also reads every origin's high water
        self._preload(items)
        policy = self.policy
        # Nothing to hold but gaps: an op that follows its origin's last and depends on no
        # other origin (a create) is applied straight away; _route decides the others.
        plain = not (policy.valid_through or policy.revoked or policy.check_clock)
        route, apply_op, region = self._route, self._apply, self.regions.of
        high = self._high
        seen: dict[tuple[str, int], str] = {}  # duplicates within this batch
        for index, op in enumerate(items):
            check_rights(upcast(op), policy, region)  # today's field names
            origin, seq = op["origin"], op["seq"]
            ready = hashed[index] if hashed is not None else None
            if ready is not None:
                encoded, row = EncodedOp._make(ready[:4]), ready[4]
            else:
                row = None
                encoded = encode_parts(
                    origin, seq, op["op_id"], op["hlc"], op["entity"], op["entity_id"],
                    op["action"], op["base"], op["set"], op["prev"], op["partition"],
                    op["actor"], op["schema"],
                )  # fmt: skip
            key = (origin, seq)
            stored = known.get(key) or seen.get(key)
            seen[key] = encoded.hash
            if stored is not None:
                if stored != encoded.hash:
                    raise BundleRejected(E_FORK, f"fork at {origin}:{seq}")
                self.outcome.already += 1
            elif plain and not op["base"] and seq == high[origin] + 1:
                apply_op(op, encoded, row)
            else:
                route(op, encoded)

    def _route(self, op: dict[str, Any], encoded) -> None:
        origin, seq = op["origin"], op["seq"]
        limit = self.policy.valid_through.get(origin, 0 if self.policy.revoked else None)
        if limit is not None and seq > limit:
            self._hold(op, encoded.hash, "revoked")
            self.outcome.held_revoked += 1
        elif self.policy.check_clock and Hlc.parse(op["hlc"]).wall_ms > self.now_ms + CLOCK_SKEW_MS:
            self._hold(op, encoded.hash, "clock_skew")
            self.outcome.held_clock += 1
        elif self._ready(op):
            self._apply(op, encoded)
        else:
            self._hold(op, encoded.hash, "gap")
            self.outcome.held_gap += 1
            gap = self.outcome.gaps.get(origin)
            first_missing = self.high_water(origin) + 1
            self.outcome.gaps[origin] = first_missing if gap is None else min(gap, first_missing)

    def _ready(self, op: dict[str, Any]) -> bool:
        if op["seq"] != self.high_water(op["origin"]) + 1:
            return False
        return all(self.high_water(o) >= n for o, n in op["base"].items() if o != op["origin"])

    def _hold(self, op: dict[str, Any], op_hash: str, reason: str) -> None:
        self._held_of(op["origin"])[op["seq"]] = op_hash
        self.session.add(
            SyncHeldOp(
                origin=op["origin"], seq=op["seq"], op_hash=op_hash, reason=reason,
                line=json.dumps(op, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                bundle_id=self.policy.bundle_id, received_at=utcnow(),
            )
        )  # fmt: skip

    def release_held(self) -> None:
        """Apply held gap ops whose predecessors are now here, until nothing moves."""
        self.flush()
        self.outcome.gaps.clear()
        while True:
            rows = self.session.scalars(
                select(SyncHeldOp)
                .where(SyncHeldOp.reason == "gap")
                .order_by(SyncHeldOp.origin, SyncHeldOp.seq)
            ).all()
            progressed = False
            for row in rows:
                op = json.loads(row.line)
                if not self._ready(op):
                    continue
                self.session.delete(row)
                self._held_of(row.origin).pop(row.seq, None)
                encoded = purge.encoding(op)  # a redacted op keeps its original hash
                self._apply(op, encoded)
                self.outcome.released += 1
                progressed = True
            self.flush()
            if not progressed:
                break
        for row in self.session.scalars(select(SyncHeldOp).where(SyncHeldOp.reason == "gap")):
            first = self.high_water(row.origin) + 1
            self.outcome.gaps[row.origin] = first

    # ---- writing ---------------------------------------------------------------------------

    def _apply(self, op: dict[str, Any], encoded, row: tuple | None = None) -> None:
        """Apply ``op``; ``row``: its create's table row, when the decoding worker built it."""
        origin, seq, entity, entity_id, action = (
            op["origin"], op["seq"], op["entity"], op["entity_id"], op["action"]
        )  # fmt: skip
        hlc_text = op["hlc"]
        wall, counter = hlc_text.split(":")
        hlc = (int(wall), int(counter))
        times = self._times(hlc[0])
        if hlc > self._max_hlc:
            self._max_hlc = hlc
        if not self.touched.many:
            self.touched.add(entity, entity_id, op["set"])
        writes = self.writes
        writes.op_rows.append(
            (origin, seq, op["op_id"], hlc_text, entity, entity_id, action, encoded.base,
             encoded.set, encoded.prev, op["partition"], op["actor"], op["schema"], encoded.hash,
             "applied")
        )  # fmt: skip
        if action == "create":
            # The tables take today's shape of the fields; the stored op stays the origin's.
            values = upcast(op)["set"]
            if row is None:
                row = self._create[entity](entity_id, values, times[1])
            writes.creates[entity].append(row)
            if entity == "person":
                writes.names.append((entity_id, values.get("name")))
            writes.created_ids.add(entity_id)
            vv = self._clocks.get((entity, entity_id))
            if vv is not None:  # an update of this batch will read it
                vv[origin] = max(vv.get(origin, 0), seq)
        else:
            # Today's shape of the fields; unknown (newer) ones stay in the stored op only.
            values = upcast(op)["set"]
            known = {k: v for k, v in values.items() if k in _WRITABLE[entity]}
            self._apply_update(op, entity, entity_id, decode_fields(entity, known), times[0])
            if action == "purge":
                self._purge(entity, entity_id)
        self._high[origin] = seq
        self.outcome.applied += 1
        self.outcome.per_entity[(entity, action)] += 1
        if writes.full():
            writes.flush()

    def _apply_update(self, op, entity: str, entity_id: str, fields: dict, at) -> None:
        """Write an update's fields and the record's version vector.

        An op that has seen everything applied to its record (its ``base`` covers the
        record's vector) simply wins. One that is concurrent with an op already here goes
        through the field-level merge (:mod:`kaltim_desktop.sync.merge`): the record's ops
        decide each field's value and its review items, whatever order they arrived in.
        """
        if entity_id in self.writes.created_ids:
            self.flush()  # the row to update is still buffered
        origin = op["origin"]
        vv = self._clock(entity, entity_id)
        base = op["base"]
        concurrent = any(base.get(o, 0) < n for o, n in vv.items() if o != origin)
        vv[origin] = max(vv.get(origin, 0), op["seq"])
        self.writes.clocks[(entity, entity_id)] = vv
        table = REPLICATED[entity].__table__
        if purge.is_purged(self.session, entity, entity_id):
            return  # erased here: its late ops arrive redacted and leave nothing to review
        if concurrent or entity_id in self._reviewed:
            fields, at = self._merge(op, entity, entity_id, fields, at)
        if fields:
            self.session.execute(
                update(table)
                .where(table.c.id == entity_id)
                .values(update_values(entity, fields, at)),
                execution_options={"synchronize_session": False},
            )
        if entity == "person" and "name" in fields:
            self.writes.renamed[entity_id] = fields["name"]

    def _merge(self, op, entity: str, entity_id: str, fields: dict, at) -> tuple[dict, Any]:
        """The merged values of the fields ``op`` writes, and the record's new timestamp (the
        latest of its ops', so it does not depend on arrival order)."""
        self.flush()  # the record's ops of this import, this one included, must be stored
        merged, opened = refresh_record(self.session, entity, entity_id, actor=op["actor"])
        self.review_opened += opened
        if merged.items:
            self._reviewed.add(entity_id)
        known = {k: merged.values[k] for k in fields}
        table = REPLICATED[entity].__table__
        at = literal(at, type_=table.c.updated_at.type)
        latest = case((table.c.updated_at > at, table.c.updated_at), else_=at)
        return decode_fields(entity, known), latest

    def _purge(self, entity: str, entity_id: str) -> None:
        """Erase the record's personal data here, as the replica that purged it did."""
        self.flush()  # its ops of this import must be stored to be redacted
        purge.redact(self.session, entity, entity_id)
        drop_record_items(self.session, entity_id)
        self._reviewed.discard(entity_id)

    def _clock(self, entity: str, entity_id: str) -> dict[str, int]:
        """The record's version vector (preloaded for the batch, else read now)."""
        key = (entity, entity_id)
        vv = self._clocks.get(key)
        if vv is None:
            self.flush()  # its ops of this import must be in the op log first
            vv = self._clocks[key] = load_clocks(self.session, {key})[key]
        return vv


def drop_held(session: Session, origin: str) -> None:
    session.execute(delete(SyncHeldOp).where(SyncHeldOp.origin == origin))

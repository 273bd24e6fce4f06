# SPDX-License-Identifier: GPL-3.0-or-later
"""Field-level merge of concurrent writes (sync-design §3.6, appendix B), as pure functions of
one record's ops.

Each field is a multi-value register. An op *supersedes* another when it was written after
seeing it: same origin and a later seq, or its ``base`` (the record's version vector where it
was written) covers the other's seq. The **heads** of a field are its writers that no other
writer supersedes; the value shown (provisional) is the head with the greatest ``(hlc,
origin)``. Two ops neither of which supersedes the other are **concurrent**.

Everything here depends only on the *set* of a record's ops, never on the order they arrived
in: every replica that has applied the same ops shows the same values and derives the same
review items (the simulator in ``tests/sync/test_simulator.py`` checks it). That needs causal
delivery, which the importer guarantees (an op waits until its ``base`` is applied), so a
superseding op's base covers everything its predecessors covered.

Review items (see :mod:`kaltim_desktop.models.review` for the kinds):

- a field written by two concurrent ops with different values is a **conflict**: open while
  its heads disagree, resolved once one op supersedes them all (a ``resolve`` op from the
  review screen, or any later edit made after seeing both);
- other concurrent pairs are merged and reported per pair: **deleted_edit** when one deleted
  the record and the other edited it (the record stays deleted, the edits are kept: nothing
  resurrects silently), **redirected** when one merged the record into another, **identity**
  when either touched identity fields or a grant decision (always reviewed), and otherwise a
  **parallel** update, for information. A pair is resolved by a ``resolve`` op that
  supersedes both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from kaltim_desktop.models.review import (
    CONFLICT,
    DELETED_EDIT,
    IDENTITY,
    INFO,
    OPEN,
    PARALLEL,
    REDIRECTED,
    RESOLVED,
)

# Fields whose concurrent change always needs a person's review, even when no single field
# was written twice: who the person is, who heads the household, and grant decisions.
_GRANT_DECISION = ("stage", "amount_rupiah", "decision_number", "approved_on", "disbursed_on",
                   "void_reason", "recipient_person_id")  # fmt: skip
IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "person": frozenset(("nik", "name", "birth_date", "sex")),
    "membership": frozenset(("relation", "household_id", "person_id", "active")),
    "grant_award": frozenset(_GRANT_DECISION),
}


@dataclass(frozen=True, slots=True)
class RecordOp:
    """What the merge needs of one op of the record."""

    origin: str
    seq: int
    hlc: str
    action: str
    base: dict[str, int]
    fields: dict[str, Any]
    actor: str | None

    @property
    def slot(self) -> str:
        return f"{self.origin}:{self.seq}"

    def order(self) -> tuple[int, int, str]:
        """The provisional winner among concurrent heads: greatest ``(hlc, origin)``."""
        wall, counter = self.hlc.split(":")
        return int(wall), int(counter), self.origin

    def supersedes(self, other: RecordOp) -> bool:
        if other.origin == self.origin:
            return other.seq < self.seq
        return self.base.get(other.origin, 0) >= other.seq


def concurrent(a: RecordOp, b: RecordOp) -> bool:
    return not a.supersedes(b) and not b.supersedes(a)


@dataclass(frozen=True)
class ItemSpec:
    """A review item as derived here; ``key`` makes its id unique within the record."""

    kind: str
    key: str
    status: str
    detail: dict[str, Any]
    field: str | None = None


@dataclass(frozen=True)
class RecordMerge:
    values: dict[str, Any]  # field → provisional value, for every field any op wrote
    items: list[ItemSpec]


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def heads(writers: list[RecordOp]) -> list[RecordOp]:
    """The writers of one field that no other writer supersedes, winner first."""
    found = [w for w in writers if not any(o is not w and o.supersedes(w) for o in writers)]
    return sorted(found, key=RecordOp.order, reverse=True)


def _op_detail(op: RecordOp, **what: Any) -> dict[str, Any]:
    """Who wrote ``op``, where and when, with ``what`` it wrote (a value, or its fields)."""
    return {"origin": op.origin, "seq": op.seq, "hlc": op.hlc, "actor": op.actor,
            "action": op.action, **what}  # fmt: skip


def _base_value(writers: list[RecordOp], current: list[RecordOp], field: str) -> Any:
    """The value the concurrent heads started from: the latest writer all of them saw."""
    seen = [w for w in writers if all(h.supersedes(w) for h in current)]
    return max(seen, key=RecordOp.order).fields[field] if seen else None


def _conflict(field: str, writers: list[RecordOp]) -> ItemSpec | None:
    disputed = any(
        concurrent(a, b) and not _same(a.fields[field], b.fields[field])
        for a, b in combinations(writers, 2)
    )
    if not disputed:
        return None
    current = heads(writers)
    values = {json.dumps(h.fields[field], sort_keys=True) for h in current}
    detail = {
        "heads": [_op_detail(h, value=h.fields[field]) for h in current],
        "base": _base_value(writers, current, field),
    }
    status = OPEN if len(values) > 1 else RESOLVED
    return ItemSpec(CONFLICT, field, status, detail, field)


def _pair_kind(entity: str, a: RecordOp, b: RecordOp) -> str | None:
    if "merged_into" in a.fields or "merged_into" in b.fields:
        return REDIRECTED
    for x, y in ((a, b), (b, a)):
        if x.fields.get("deleted") is True and set(y.fields) - {"deleted"}:
            return DELETED_EDIT
    shared = a.fields.keys() & b.fields.keys()
    if any(not _same(a.fields[f], b.fields[f]) for f in shared):
        return None  # a conflict item per disputed field says it better
    identity = IDENTITY_FIELDS.get(entity, frozenset())
    if identity & (a.fields.keys() | b.fields.keys()):
        return IDENTITY
    return PARALLEL


def merge_record(entity: str, ops: list[RecordOp]) -> RecordMerge:
    """The provisional values and the review items of a record with these ops."""
    writers: dict[str, list[RecordOp]] = {}
    for op in ops:
        for field in op.fields:
            writers.setdefault(field, []).append(op)
    values = {field: heads(w)[0].fields[field] for field, w in writers.items()}
    items = [item for field, w in sorted(writers.items()) if (item := _conflict(field, w))]
    # A redacted op (erasure) has no fields left to judge; its place in history still counts.
    updates = sorted((op for op in ops if op.action != "create" and op.fields), key=RecordOp.order)
    for a, b in combinations(updates, 2):
        if not concurrent(a, b):
            continue
        kind = _pair_kind(entity, a, b)
        if kind is None:
            continue
        resolved = any(z.action == "resolve" and z.supersedes(a) and z.supersedes(b) for z in ops)
        status = RESOLVED if resolved else (INFO if kind in (PARALLEL, REDIRECTED) else OPEN)
        first, second = sorted((a, b), key=lambda op: (op.origin, op.seq))
        detail = {"ops": [_op_detail(op, fields=op.fields) for op in (first, second)]}
        items.append(ItemSpec(kind, f"{first.slot}|{second.slot}", status, detail))
    return RecordMerge(values, items)

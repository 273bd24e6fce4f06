# SPDX-License-Identifier: GPL-3.0-or-later
"""The op record (sync-design §3.3) and its canonical encoding.

An op is hashed as the RFC 8785 canonical JSON of its fields. Encoding one op takes three
``json.dumps`` calls for its variable parts; the envelope is assembled around them in the
canonical key order, which a test checks against the generic canonicaliser and the ``rfc8785``
package.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from kaltim_desktop.sync.canonical import canonical_json, sha256_hex

# Version of the op payload semantics (sync-design §3.10); bump when an op's meaning changes.
# 2: the actions ``resolve``, ``merge`` and ``purge`` (conflict review, duplicates, erasure).
SYNC_SCHEMA = 2

_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
# The standard library's own string quoting, as json.dumps(ensure_ascii=False) uses it.
_string = json.encoder.encode_basestring


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
        """SHA-256 of the canonical JSON; the slow, obviously correct reference."""
        return sha256_hex(canonical_json(self.as_dict()))


class EncodedOp(NamedTuple):
    """An op's JSON parts as stored in ``sync_op`` and its hash (a tuple: one is made per op
    written or received, and an import's worker sends them as plain tuples)."""

    base: str
    set: str
    prev: str
    hash: str


def encode_op(op: Op) -> EncodedOp:
    """Encode ``op`` canonically (keys in RFC 8785 order: UTF-16 code-unit order).

    Field values must already be JSON-safe and float-free (``projection.encode`` guarantees it).
    """
    return encode_parts(
        op.origin, op.seq, op.op_id, op.hlc, op.entity, op.entity_id, op.action,
        op.base, op.set, op.prev, op.partition, op.actor, op.schema,
    )  # fmt: skip


def encode_parts(
    origin: str, seq: int, op_id: str, hlc: str, entity: str, entity_id: str, action: str,
    base: dict, set_fields: dict, prev: dict, partition: str | None, actor: str | None,
    schema: int = SYNC_SCHEMA,
) -> EncodedOp:  # fmt: skip
    """:func:`encode_op` without building an :class:`Op` first (the write path's hot loop)."""
    base_json = _dumps(base) if base else "{}"
    fields = _dumps(set_fields) if set_fields else "{}"
    prev_json = _dumps(prev) if prev else "{}"
    text = "".join(
        (
            '{"action":', _string(action),
            ',"actor":', _nullable(actor),
            ',"base":', base_json,
            ',"entity":', _string(entity),
            ',"entity_id":', _string(entity_id),
            ',"hlc":', _string(hlc),
            ',"op_id":', _string(op_id),
            ',"origin":', _string(origin),
            ',"partition":', _nullable(partition),
            ',"prev":', prev_json,
            ',"schema":', str(int(schema)),
            ',"seq":', str(int(seq)),
            ',"set":', fields,
            "}",
        )
    )  # fmt: skip
    return EncodedOp(base_json, fields, prev_json, sha256_hex(text))


_SEQ_LIMIT = 1 << 62


@functools.lru_cache(maxsize=1024)
def _op_id_prefix(origin: str) -> int:
    """60 bits of SHA-256 of the origin, with the version (8) and variant bits of RFC 9562."""
    digest = hashlib.sha256(b"kaltim-op-id/" + origin.encode("utf-8", "surrogatepass")).digest()
    bits = int.from_bytes(digest[:8], "big")
    return ((bits >> 16) << 80) | (0x8 << 76) | (((bits >> 4) & 0xFFF) << 64) | (0b10 << 62)


def derived_op_id(origin: str, seq: int) -> str:
    """The op id of ``(origin, seq)``: a UUIDv8 of 60 bits of the origin's hash and the seq.

    Unique as ``(origin, seq)`` is (forks are refused before anything is stored), and a bundle
    need not carry it: the reader derives it again. Ops written before this rule keep their
    random UUIDv7 ids, which travel as they are (a version-7 id never equals a version-8 one).
    """
    if type(seq) is not int or not 0 < seq < _SEQ_LIMIT:
        return ""
    text = f"{_op_id_prefix(origin) | seq:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _nullable(value: str | None) -> str:
    return "null" if value is None else _string(value)


def ops_digest(op_hashes: list[str]) -> str:
    """One hash over a run of ops, stored in the audit entry that wrote them."""
    return sha256_hex("".join(op_hashes))


def op_from_row(row) -> Op:
    """Rebuild an :class:`Op` from a stored ``sync_op`` row."""
    return Op(
        origin=row.origin,
        seq=row.seq,
        op_id=row.op_id,
        hlc=row.hlc,
        entity=row.entity,
        entity_id=row.entity_id,
        action=row.action,
        base=json.loads(row.base),
        set=json.loads(row.fields),
        prev=json.loads(row.prev),
        partition=row.partition,
        actor=row.actor,
        schema=row.schema,
    )

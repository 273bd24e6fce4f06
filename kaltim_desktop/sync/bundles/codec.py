# SPDX-License-Identifier: GPL-3.0-or-later
"""The columnar ops member of a bundle (``ops/NNNNNN.kop``), exact for any op.

The ops of one member are split into streams that each hold one kind of value (origins and
sequence numbers as runs, clocks as deltas, ids as binary, every field of every entity in its
own column), so the compressor sees like next to like. Ids are what the log is mostly made of:
a UUID seen earlier in the member is written as a back-reference, a new one as the delta of its
high 96 bits against the column's previous id plus its 32 low bits. Anything that does not fit
the structured form (an unknown top-level key, a text clock, a float...) travels as the op's
canonical JSON: decoding always gives back the same op, so its hash is unchanged. The format is
described byte by byte in ``docs/sync.md`` ("The ops member").
"""

from __future__ import annotations

from typing import Any

from kaltim_desktop.sync.bundles.codec_streams import pack, terminated, varints, zigzag
from kaltim_desktop.sync.bundles.codec_values import (
    INT_LIMIT,
    ColumnOut,
    ValueEncoder,
    canonical,
    is_uuid,
)
from kaltim_desktop.sync.ops import derived_op_id

__all__ = ["OP_KEYS", "encode_ops"]

OP_KEYS = ("origin", "seq", "op_id", "hlc", "entity", "entity_id", "action", "base", "set",
           "prev", "partition", "actor", "schema")  # fmt: skip
_KEYSET = frozenset(OP_KEYS)
# Per-op kinds, op id forms and the two field maps of an op.
K_STRUCTURED, K_LITERAL = 0, 1
ID_DERIVED, ID_EXPLICIT = 0, 1
SET, PREV = 0, 1
ENVELOPE = ("strings", "kind", "literal", "runs", "op_id", "op_id_bytes", "hlc", "entity",
            "action", "base", "shapes", "set_shape", "prev_shape", "partition", "actor",
            "schema", "columns")  # fmt: skip


def _plain(text: Any) -> bool:
    return type(text) is str and "\0" not in text


def _count(value: Any) -> bool:
    return type(value) is int and 0 <= value < INT_LIMIT


class _Encoder:
    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.kind = bytearray()
        self.literal: list[str] = []
        self.runs: list[int] = []
        self._run: list[int] | None = None
        self.op_id = bytearray()
        self.op_id_bytes = bytearray()
        self.hlc: list[int] = []
        self._wall = self._counter = 0
        self.entity: list[int] = []
        self.action: list[int] = []
        self.base: list[int] = []
        self.shapes: dict[tuple[int, ...], int] = {}
        self.set_shape: list[int] = []
        self.prev_shape: list[int] = []
        self.partition: list[int] = []
        self.actor: list[int] = []
        self.schema: list[int] = []
        self.columns: dict[tuple[int, int, int], ColumnOut] = {}
        self._shape_columns: dict[tuple, tuple[int, list[ColumnOut]]] = {}
        self._good_keys: set[tuple] = set()
        self.entity_ids = ColumnOut()
        self.values = ValueEncoder()
        # Found by _fits for the op being added: its op id is derived, its clock.
        self._derived = False
        self._clock = (0, 0)

    def text(self, value: str) -> int:
        index = self.strings.get(value)
        if index is None:
            index = self.strings[value] = len(self.strings)
        return index

    def optional(self, value: str | None) -> int:
        return 0 if value is None else self.text(value) + 1

    # ---- one op ----------------------------------------------------------------------------

    def add(self, op: Any) -> None:
        if not self._fits(op):
            self.kind.append(K_LITERAL)
            self.literal.append(canonical(op))
            return
        self.kind.append(K_STRUCTURED)
        origin, seq = op["origin"], op["seq"]
        run = self._run
        if run is not None and run[0] == origin and run[1] + run[2] == seq:
            run[2] += 1
        else:
            self._close_run()
            self._run = [origin, seq, 1]
        if self._derived:
            self.op_id.append(ID_DERIVED)
        else:
            self.op_id.append(ID_EXPLICIT)
            self.op_id_bytes += bytes.fromhex(op["op_id"].replace("-", ""))
        wall, counter = self._clock
        if wall == self._wall:
            self.hlc += (0, zigzag(counter - self._counter))
        else:
            self.hlc += (zigzag(wall - self._wall), counter)
        self._wall, self._counter = wall, counter
        entity = self.text(op["entity"])
        self.entity.append(entity)
        self.action.append(self.text(op["action"]))
        partition = op["partition"]
        self.partition.append(self.optional(partition))
        self.values.start_op(partition)
        self.values.value(self.entity_ids, op["entity_id"])
        base = op["base"]
        self.base.append(len(base))
        for origin_key, value in base.items():
            self.base += (self.text(origin_key), value)
        self.set_shape.append(self._fields(entity, SET, op["set"]))
        self.prev_shape.append(self._fields(entity, PREV, op["prev"]))
        self.actor.append(self.optional(op["actor"]))
        self.schema.append(op["schema"])

    def _fits(self, op: Any) -> bool:
        """Whether the structured form gives back exactly this op."""
        if type(op) is not dict or op.keys() != _KEYSET:
            return False
        hlc = op["hlc"]
        if not (
            _plain(op["origin"]) and _count(op["seq"]) and op["seq"] > 0
            and type(op["op_id"]) is str and _plain(op["entity"]) and _plain(op["action"])
            and (op["partition"] is None or _plain(op["partition"]))
            and (op["actor"] is None or _plain(op["actor"])) and _count(op["schema"])
            and type(hlc) is str and hlc.isascii()
        ):  # fmt: skip
            return False
        wall, colon, counter = hlc.partition(":")
        if not (colon and wall.isdigit() and counter.isdigit()):
            return False
        self._clock = int(wall), int(counter)
        if f"{self._clock[0]:013d}:{self._clock[1]:04d}" != hlc:
            return False
        self._derived = op["op_id"] == derived_op_id(op["origin"], op["seq"])
        if not self._derived and not is_uuid(op["op_id"]):
            return False
        base = op["base"]
        if type(base) is not dict or (
            base and not all(_plain(k) and _count(v) for k, v in base.items())
        ):
            return False
        return self._keys_fit(op["set"]) and self._keys_fit(op["prev"])

    def _keys_fit(self, fields: Any) -> bool:
        if type(fields) is not dict:
            return False
        keys = tuple(fields)
        if keys not in self._good_keys:
            if not all(_plain(k) for k in keys):
                return False
            self._good_keys.add(keys)
        return True

    def _close_run(self) -> None:
        if self._run is not None:
            origin, first, length = self._run
            self.runs += (self.text(origin), first, length)
            self._run = None

    def _fields(self, entity: int, part: int, fields: dict[str, Any]) -> int:
        keys = tuple(fields)
        cached = self._shape_columns.get((entity, part, keys))
        if cached is None:
            indexes = tuple(self.text(k) for k in keys)
            shape = self.shapes.setdefault(indexes, len(self.shapes))
            columns = []
            for index in indexes:
                key = (entity, part, index)
                if key not in self.columns:
                    self.columns[key] = ColumnOut()
                columns.append(self.columns[key])
            cached = self._shape_columns[(entity, part, keys)] = (shape, columns)
        shape, columns = cached
        value = self.values.value
        for column, item in zip(columns, fields.values(), strict=True):
            value(column, item)
        return shape

    # ---- the member ------------------------------------------------------------------------

    def finish(self) -> bytes:
        self._close_run()
        shapes = []
        for indexes in self.shapes:
            shapes += (len(indexes), *indexes)
        columns = []
        for entity, part, field in self.columns:
            columns += (entity, part, field)
        envelope = {
            "strings": terminated(list(self.strings)),
            "kind": bytes(self.kind),
            "literal": terminated(self.literal),
            "runs": varints(self.runs),
            "op_id": bytes(self.op_id),
            "op_id_bytes": bytes(self.op_id_bytes),
            "hlc": varints(self.hlc),
            "entity": varints(self.entity),
            "action": varints(self.action),
            "base": varints(self.base),
            "shapes": varints([len(self.shapes), *shapes]),
            "set_shape": varints(self.set_shape),
            "prev_shape": varints(self.prev_shape),
            "partition": varints(self.partition),
            "actor": varints(self.actor),
            "schema": varints(self.schema),
            "columns": varints([len(self.columns), *columns]),
        }
        streams = [(name, data) for name, data in envelope.items() if data]
        streams += self.entity_ids.streams("e")
        for number, column in enumerate(self.columns.values()):
            streams += column.streams(f"c{number}")
        return pack(streams)


def encode_ops(ops: list[dict[str, Any]]) -> bytes:
    """The uncompressed body of one ops member holding ``ops`` in order."""
    encoder = _Encoder()
    for op in ops:
        encoder.add(op)
    return encoder.finish()

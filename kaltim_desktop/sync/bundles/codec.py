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

import re
from collections.abc import Iterable
from typing import Any

from kaltim_desktop.sync.bundles.codec_streams import pack, terminated, varints, zigzag
from kaltim_desktop.sync.bundles.codec_values import (
    INT_LIMIT,
    SAME_MIN,
    T_FALSE,
    T_INT,
    T_NULL,
    T_STR,
    T_TRUE,
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
# An op found to fit the structured form, in the order :meth:`_Encoder.add_checked` codes it:
# origin, seq, derived op id?, op id, hlc wall, hlc counter, entity, action, partition,
# entity id, base, set, set's keys, prev, prev's keys, actor, schema.
Checked = tuple
ENVELOPE = ("strings", "kind", "literal", "runs", "op_id", "op_id_bytes", "hlc", "entity",
            "action", "base", "shapes", "set_shape", "prev_shape", "partition", "actor",
            "schema", "columns")  # fmt: skip


def _plain(text: Any) -> bool:
    return type(text) is str and "\0" not in text


def _count(value: Any) -> bool:
    return type(value) is int and 0 <= value < INT_LIMIT


_SHORT_SEQ = 1 << 48
_HLC = re.compile(r"([0-9]{13}):([0-9]{4})")


def _clock(text: Any) -> tuple[int, int] | None:
    """``(wall, counter)`` of an HLC text that ``Hlc.__str__`` gives back exactly, else None."""
    if type(text) is not str:
        return None
    match = _HLC.fullmatch(text)
    if match is not None:
        return int(match[1]), int(match[2])
    wall, colon, counter = text.partition(":")
    if not (colon and wall.isascii() and wall.isdigit() and counter.isascii()
            and counter.isdigit()):  # fmt: skip
        return None
    clock = int(wall), int(counter)
    return clock if f"{clock[0]:013d}:{clock[1]:04d}" == text else None


class _Encoder:
    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.kind = bytearray()
        self.literal: list[str] = []
        self.runs: list[int] = []
        self.op_id = bytearray()
        self.op_id_bytes = bytearray()
        self.hlc: list[int] = []
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
        # Found by _fits for the op being added: its op id is derived, its clock, its keys.
        self._derived = False
        self._clock = (0, 0)
        self._keys: tuple[tuple, tuple] = ((), ())
        self._heads: dict[str, str] = {}  # origin -> its derived op ids' first 24 characters

    def text(self, value: str) -> int:
        index = self.strings.get(value)
        if index is None:
            index = self.strings[value] = len(self.strings)
        return index

    def optional(self, value: str | None) -> int:
        return 0 if value is None else self.text(value) + 1

    # ---- the ops ---------------------------------------------------------------------------

    def add_all(self, ops: list[Any]) -> None:
        self.add_checked(self.checked(op) for op in ops)

    def checked(self, op: Any) -> Checked | str:
        """The parts of ``op`` to code (see :data:`Checked`), or its canonical JSON text."""
        if not self._fits(op):
            return canonical(op)
        wall, counter = self._clock
        return (
            op["origin"], op["seq"], self._derived, op["op_id"], wall, counter, op["entity"],
            op["action"], op["partition"], op["entity_id"], op["base"], op["set"],
            self._keys[0], op["prev"], self._keys[1], op["actor"], op["schema"],
        )  # fmt: skip

    def add_checked(self, items: Iterable[Checked | str]) -> None:
        """Code every op in order (one loop with its streams at hand: this runs per op)."""
        kind, literal, op_forms, op_id_bytes = self.kind, self.literal, self.op_id, self.op_id_bytes
        hlc, entity_s, action_s, base_s = self.hlc, self.entity, self.action, self.base
        set_s, prev_s, partition_s = self.set_shape, self.prev_shape, self.partition
        actor_s, schema_s = self.actor, self.schema
        text, optional, fields = self.text, self.optional, self._fields
        start_op, value, entity_ids = self.values.start_op, self.values.value, self.entity_ids
        strings = self.strings
        empty_prev: dict[int, int] = {}  # entity -> the shape of an empty prev (any create)
        last_wall = last_counter = 0
        run = None
        for item in items:
            if type(item) is str:
                kind.append(K_LITERAL)
                literal.append(item)
                continue
            (origin, seq, derived, op_id, wall, counter, entity_name, action, partition,
             entity_id, base, set_fields, set_keys, prev, prev_keys, actor,
             schema) = item  # fmt: skip
            kind.append(K_STRUCTURED)
            if run is not None and run[0] == origin and run[1] + run[2] == seq:
                run[2] += 1
            else:
                if run is not None:
                    self.runs += (text(run[0]), run[1], run[2])
                run = [origin, seq, 1]
            if derived:
                op_forms.append(ID_DERIVED)
            else:
                op_forms.append(ID_EXPLICIT)
                op_id_bytes += bytes.fromhex(op_id.replace("-", ""))
            if wall == last_wall:
                hlc += (0, zigzag(counter - last_counter))
            else:
                hlc += (zigzag(wall - last_wall), counter)
            last_wall, last_counter = wall, counter
            entity = strings.get(entity_name)
            if entity is None:
                entity = text(entity_name)
            entity_s.append(entity)
            index = strings.get(action)
            action_s.append(text(action) if index is None else index)
            index = strings.get(partition)
            partition_s.append(optional(partition) if index is None else index + 1)
            start_op(partition)
            value(entity_ids, entity_id)
            base_s.append(len(base))
            for origin_key, number in base.items():
                base_s += (text(origin_key), number)
            set_s.append(fields(entity, SET, set_fields, set_keys))
            if prev_keys:
                prev_s.append(fields(entity, PREV, prev, prev_keys))
            else:  # after its first time, coding an empty prev only looks its shape up
                shape = empty_prev.get(entity)
                if shape is None:
                    shape = empty_prev[entity] = fields(entity, PREV, prev, prev_keys)
                prev_s.append(shape)
            actor_s.append(optional(actor))
            schema_s.append(schema)
        if run is not None:
            self.runs += (text(run[0]), run[1], run[2])

    def _fits(self, op: Any) -> bool:
        """Whether the structured form gives back exactly this op."""
        if type(op) is not dict or op.keys() != _KEYSET:
            return False
        origin, seq, op_id, partition, actor, entity, action, schema = (
            op["origin"], op["seq"], op["op_id"], op["partition"], op["actor"], op["entity"],
            op["action"], op["schema"],
        )  # fmt: skip
        # _plain and _count written out: this runs once per op.
        if not (
            type(origin) is str and "\0" not in origin
            and type(seq) is int and 0 < seq < INT_LIMIT
            and type(entity) is str and "\0" not in entity
            and type(action) is str and "\0" not in action
            and (partition is None or (type(partition) is str and "\0" not in partition))
            and (actor is None or (type(actor) is str and "\0" not in actor))
            and type(schema) is int and 0 <= schema < INT_LIMIT and type(op_id) is str
        ):  # fmt: skip
            return False
        hlc = op["hlc"]
        match = _HLC.fullmatch(hlc) if type(hlc) is str else None
        if match is not None:
            self._clock = int(match[1]), int(match[2])
        else:
            clock = _clock(hlc)
            if clock is None:
                return False
            self._clock = clock
        head = self._heads.get(origin)
        if head is None:
            head = self._heads[origin] = derived_op_id(origin, 1)[:24]
        if seq < _SHORT_SEQ:  # the id is the origin's head and the seq in 12 hex digits
            self._derived = op_id == f"{head}{seq:012x}"
        else:
            self._derived = op_id == derived_op_id(origin, seq)
        if not self._derived and not is_uuid(op_id):
            return False
        base = op["base"]
        if type(base) is not dict or (
            base and not all(_plain(k) and _count(v) for k, v in base.items())
        ):
            return False
        fields, prev, good = op["set"], op["prev"], self._good_keys
        if type(fields) is not dict or type(prev) is not dict:
            return False
        set_keys, prev_keys = tuple(fields), tuple(prev)
        if (set_keys not in good and not self._keys_fit(set_keys)) or (
            prev_keys not in good and not self._keys_fit(prev_keys)
        ):
            return False
        self._keys = (set_keys, prev_keys)
        return True

    def _keys_fit(self, keys: tuple) -> bool:
        if not all(_plain(k) for k in keys):
            return False
        self._good_keys.add(keys)
        return True

    def _fields(self, entity: int, part: int, fields: dict[str, Any], keys: tuple) -> int:
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
            # The commonest values coded here exactly as ValueEncoder.value codes them (no
            # rule applies to them), without a call per value: this loop runs ~10 M times
            # for 100,000 households.
            kind = type(item)
            if kind is str:
                if len(item) < SAME_MIN and "\0" not in item:
                    column.tag(T_STR)
                    column.str(item)
                    continue
            elif kind is bool:
                column.tag(T_TRUE if item else T_FALSE)
                continue
            elif kind is int:
                if -INT_LIMIT <= item < INT_LIMIT:
                    column.tag(T_INT)
                    column.int(item << 1 if item >= 0 else (-item << 1) - 1)
                    continue
            elif item is None:
                column.tag(T_NULL)
                continue
            value(column, item)
        return shape

    # ---- the member ------------------------------------------------------------------------

    def finish(self) -> bytes:
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
    encoder.add_all(ops)
    return encoder.finish()

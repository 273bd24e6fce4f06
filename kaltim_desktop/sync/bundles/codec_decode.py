# SPDX-License-Identifier: GPL-3.0-or-later
"""Decoding the columnar ops member written by :mod:`.codec`, strictly.

Every stream is read to its last byte: a stream too short, too long, an unknown stream name, an
index out of range or a tag this version does not write is :class:`Damaged`, never a stray
``IndexError``. The caller maps it to ``BundleRejected(E_DAMAGED)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kaltim_desktop.sync.bundles.codec import (
    ENVELOPE,
    ID_DERIVED,
    ID_EXPLICIT,
    K_LITERAL,
    K_STRUCTURED,
    PREV,
    SET,
)
from kaltim_desktop.sync.bundles.codec_streams import (
    MAX_VARINT_BYTES,
    Damaged,
    Texts,
    unpack,
)
from kaltim_desktop.sync.bundles.codec_values import (
    INT_LIMIT,
    SAME_MIN,
    SUBSTREAMS,
    T_INT,
    T_STR,
    T_TRUE,
    ValueDecoder,
    uuid_text,
)
from kaltim_desktop.sync.ops import derived_op_id

__all__ = ["Damaged", "decode_ops", "iter_ops"]

_CONSTANTS = (None, False, True)  # tags T_NULL, T_FALSE, T_TRUE
_SHORT_SEQ = 1 << 48


def _varints(data: bytes, name: str) -> list[int]:
    """Every varint of a stream (see :func:`.codec_streams.put_varint`)."""
    out = []
    value = shift = length = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            out.append(value)
            value = shift = length = 0
        else:
            shift += 7
            length += 1
            if length >= MAX_VARINT_BYTES:
                raise Damaged(f"{name}: varint too long")
    if length:
        raise Damaged(f"{name}: varint past the end")
    return out


class _Source:
    """The values of one stream, handed out in order; :meth:`done` checks none is left."""

    __slots__ = ("items", "name", "next")

    def __init__(self, items, name: str) -> None:
        self.items = items
        self.name = name
        self.next: Any = iter(items).__next__

    def done(self) -> None:
        try:
            self.next()
        except StopIteration:
            return
        raise Damaged(f"{self.name}: values left over")


class ColumnIn:
    """One value column being read: each attribute hands out the next item of a sub-stream."""

    __slots__ = ("_sources", "dates", "digits", "idh", "idl", "ints", "jsons", "last_day",
                 "last_hi", "refs", "same", "strs", "tags")  # fmt: skip

    def __init__(self, streams: dict[str, bytes], prefix: str) -> None:
        def get(sub: str) -> bytes:
            return streams.get(f"{prefix}.{sub}", b"")

        low = get("idl")
        if len(low) % 4:
            raise Damaged(f"{prefix}.idl: length")
        sources = {
            "tag": _Source(get("tag"), prefix),
            "str": _Source(Texts(get("str"), prefix).items, prefix),
            "idl": _Source([int.from_bytes(low[i : i + 4], "big") for i in range(0, len(low), 4)],
                           prefix),
            "json": _Source(Texts(get("json"), prefix).items, prefix),
        }  # fmt: skip
        for sub in ("int", "idh", "ref", "same", "date", "digits"):
            sources[sub] = _Source(_varints(get(sub), prefix), f"{prefix}.{sub}")
        self._sources = sources.values()
        self.tags, self.strs, self.idl, self.jsons = (
            sources["tag"].next, sources["str"].next, sources["idl"].next, sources["json"].next
        )  # fmt: skip
        self.ints, self.idh, self.refs = (
            sources["int"].next, sources["idh"].next, sources["ref"].next
        )  # fmt: skip
        self.same, self.dates, self.digits = (
            sources["same"].next, sources["date"].next, sources["digits"].next
        )  # fmt: skip
        self.last_hi = self.last_day = 0

    def done(self) -> None:
        for source in self._sources:
            source.done()


class _Decoder:
    def __init__(self, streams: dict[str, bytes]) -> None:
        self.streams = streams
        self.strings = Texts(streams.get("strings", b""), "strings").items
        shapes = _varints(streams.get("shapes", b""), "shapes")
        self.shapes: list[tuple[str, ...]] = []
        position = 1
        for _ in range(shapes[0] if shapes else 0):
            length = shapes[position]
            keys = tuple(self.text(i) for i in shapes[position + 1 : position + 1 + length])
            if len(keys) != length or len(set(keys)) != length:
                raise Damaged("shapes")
            self.shapes.append(keys)
            position += 1 + length
        if shapes and position != len(shapes):
            raise Damaged("shapes: length")
        listed = _varints(streams.get("columns", b""), "columns")
        count = listed[0] if listed else 0
        if listed and len(listed) != 1 + 3 * count:
            raise Damaged("columns: length")
        self.columns: dict[tuple[str, int, str], ColumnIn] = {}
        for number in range(count):
            entity, part, field = listed[1 + 3 * number : 4 + 3 * number]
            key = (self.text(entity), part, self.text(field))
            if part not in (SET, PREV) or key in self.columns:
                raise Damaged("columns")
            self.columns[key] = ColumnIn(streams, f"c{number}")
        self.entity_ids = ColumnIn(streams, "e")
        known = set(ENVELOPE) | {f"e.{s}" for s in SUBSTREAMS}
        known |= {f"c{n}.{s}" for n in range(count) for s in SUBSTREAMS}
        if not set(streams) <= known:
            raise Damaged("unknown stream")
        self.values = ValueDecoder()
        self._shape_columns: dict[tuple[str, int, int], list[tuple[str, ColumnIn]]] = {}

    def text(self, index: int) -> str:
        if index >= len(self.strings):
            raise Damaged("string index")
        return self.strings[index]

    def source(self, name: str) -> _Source:
        return _Source(_varints(self.streams.get(name, b""), name), name)

    def fields(self, entity: str, part: int, shape: int) -> dict[str, Any]:
        columns = self._shape_columns.get((entity, part, shape))
        if columns is None:
            if shape >= len(self.shapes):
                raise Damaged("shape index")
            keys = self.shapes[shape]
            if any((entity, part, key) not in self.columns for key in keys):
                raise Damaged("column missing")
            columns = [(key, self.columns[(entity, part, key)]) for key in keys]
            self._shape_columns[(entity, part, shape)] = columns
        values = self.values
        tagged, texts = values.tagged, values.texts
        out = {}
        for key, column in columns:
            # The commonest tags decoded here exactly as ValueDecoder.tagged does, without a
            # call per value (this runs ~10 M times for 100,000 households).
            tag = column.tags()
            if tag == T_STR:
                item = column.strs()
                if len(item) >= SAME_MIN:
                    texts.append(item)
            elif tag == T_INT:
                item = column.ints()
                item = item >> 1 if not item & 1 else -((item + 1) >> 1)
                if not -INT_LIMIT <= item < INT_LIMIT:
                    raise Damaged("int")
            elif tag <= T_TRUE:
                item = _CONSTANTS[tag]
            else:
                item = tagged(column, tag)
            out[key] = item
        return out

    def ops(self, count: int) -> Iterator[dict[str, Any]]:
        """The ops in order; the checks that nothing is left over run after the last one."""
        kinds = self.streams.get("kind", b"")
        if len(kinds) != count:
            raise Damaged("kind: count")
        literal = _Source(Texts(self.streams.get("literal", b""), "literal").items, "literal")
        runs, hlc, base = self.source("runs"), self.source("hlc"), self.source("base")
        entity_s, action_s = self.source("entity"), self.source("action")
        set_s, prev_s = self.source("set_shape"), self.source("prev_shape")
        partition_s, actor_s, schema_s = (
            self.source("partition"), self.source("actor"), self.source("schema")
        )  # fmt: skip
        op_forms = _Source(self.streams.get("op_id", b""), "op_id")
        explicit = self.streams.get("op_id_bytes", b"")
        explicit_at = 0
        origin, seq, left, wall, counter = "", 0, 0, 0, 0
        head = ""
        # Indexing the string table directly: an index out of range is an IndexError, which
        # decode_ops reports as Damaged like every other malformed stream.
        strings, value, start_op = self.strings, self.values.value, self.values.start_op
        runs_next, forms_next, hlc_next, base_next = runs.next, op_forms.next, hlc.next, base.next
        entity_next, action_next, partition_next = entity_s.next, action_s.next, partition_s.next
        set_next, prev_next, actor_next, schema_next = (
            set_s.next, prev_s.next, actor_s.next, schema_s.next
        )  # fmt: skip
        fields, entity_ids = self.fields, self.entity_ids
        for kind in kinds:
            if kind == K_LITERAL:
                op = json.loads(literal.next())
                if type(op) is not dict:
                    raise Damaged("literal op")
                yield op
                continue
            if kind != K_STRUCTURED:
                raise Damaged("op kind")
            if left == 0:
                origin, seq, left = strings[runs_next()], runs_next(), runs_next()
                if seq == 0 or left == 0:
                    raise Damaged("runs")
                head = derived_op_id(origin, 1)[:24]
            else:
                seq += 1
            left -= 1
            form = forms_next()
            if form == ID_DERIVED:
                # The derived id is the origin's head and the seq in 12 hex digits (seq < 2**48).
                op_id = f"{head}{seq:012x}" if seq < _SHORT_SEQ else derived_op_id(origin, seq)
                if not op_id:
                    raise Damaged("op id")
            elif form == ID_EXPLICIT:
                if explicit_at + 16 > len(explicit):
                    raise Damaged("op id bytes")
                op_id = uuid_text(int.from_bytes(explicit[explicit_at : explicit_at + 16], "big"))
                explicit_at += 16
            else:
                raise Damaged("op id form")
            step = hlc_next()
            if step == 0:
                step = hlc_next()
                counter += step >> 1 if not step & 1 else -((step + 1) >> 1)
            else:
                wall += step >> 1 if not step & 1 else -((step + 1) >> 1)
                counter = hlc_next()
            if wall < 0 or counter < 0:
                raise Damaged("hlc")
            entity = strings[entity_next()]
            action = strings[action_next()]
            partition = partition_next()
            partition = None if partition == 0 else strings[partition - 1]
            start_op(partition)
            entity_id = value(entity_ids)
            based = {}
            for _ in range(base_next()):
                key = strings[base_next()]
                if key in based:
                    raise Damaged("base")
                based[key] = base_next()
            set_fields = fields(entity, SET, set_next())
            prev_fields = fields(entity, PREV, prev_next())
            actor = actor_next()
            yield {
                "origin": origin, "seq": seq, "op_id": op_id,
                "hlc": f"{wall:013d}:{counter:04d}", "entity": entity, "entity_id": entity_id,
                "action": action, "base": based, "set": set_fields, "prev": prev_fields,
                "partition": partition,
                "actor": None if actor == 0 else strings[actor - 1], "schema": schema_next(),
            }  # fmt: skip
        if left or explicit_at != len(explicit):
            raise Damaged("runs or op ids left over")
        for source in (literal, runs, hlc, base, entity_s, action_s, set_s, prev_s,
                       partition_s, actor_s, schema_s, op_forms):  # fmt: skip
            source.done()
        self.entity_ids.done()
        for column in self.columns.values():
            column.done()


# A stream that runs dry raises StopIteration, which a generator re-raises as RuntimeError.
_MALFORMED = (StopIteration, RuntimeError, IndexError, KeyError, ValueError, TypeError,
              OverflowError, MemoryError)  # fmt: skip


def iter_ops(body: bytes, count: int) -> Iterator[dict[str, Any]]:
    """The ``count`` ops of a member body, one at a time: a consumer that keeps only a slice of
    them holds a fraction of the member's op dicts. :class:`Damaged` (possibly after some ops
    were yielded) if the body is not exact, so only a fully consumed member counts as read."""
    try:
        yield from _Decoder(unpack(body)).ops(count)
    except Damaged:
        raise
    except _MALFORMED as exc:
        raise Damaged(type(exc).__name__) from exc


def decode_ops(body: bytes, count: int) -> list[dict[str, Any]]:
    """The ``count`` ops of a member body, in order; :class:`Damaged` if it is not exact."""
    return list(iter_ops(body, count))

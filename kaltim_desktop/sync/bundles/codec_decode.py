# SPDX-License-Identifier: GPL-3.0-or-later
"""Decoding the columnar ops member written by :mod:`.codec`, strictly.

Every stream is read to its last byte: a stream too short, too long, an unknown stream name, an
index out of range or a tag this version does not write is :class:`Damaged`, never a stray
``IndexError``. The caller maps it to ``BundleRejected(E_DAMAGED)``.
"""

from __future__ import annotations

import json
from operator import call
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
from kaltim_desktop.sync.bundles.codec_columns import ColumnIn, resolve
from kaltim_desktop.sync.bundles.codec_streams import Damaged, Texts, read_numbers, unpack
from kaltim_desktop.sync.bundles.codec_values import SUBSTREAMS, region_digits, uuid_text
from kaltim_desktop.sync.ops import derived_op_id

__all__ = ["Damaged", "decode_ops"]

_SHORT_SEQ = 1 << 48


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


class _Decoder:
    def __init__(self, streams: dict[str, bytes]) -> None:
        self.streams = streams
        self.strings = Texts(streams.get("strings", b""), "strings").items
        shapes = read_numbers(streams.get("shapes", b""), "shapes")
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
        listed = read_numbers(streams.get("columns", b""), "columns")
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
        table: list[str] = []
        for column in (self.entity_ids, *self.columns.values()):
            table += column.new_ids
        for column in (self.entity_ids, *self.columns.values()):
            column.link(table)
        known = set(ENVELOPE) | {f"e.{s}" for s in SUBSTREAMS}
        known |= {f"c{n}.{s}" for n in range(count) for s in SUBSTREAMS}
        if not set(streams) <= known:
            raise Damaged("unknown stream")
        self._shapes: dict[tuple[str, int, int], tuple[tuple[str, ...], tuple, tuple]] = {}

    def text(self, index: int) -> str:
        if index >= len(self.strings):
            raise Damaged("string index")
        return self.strings[index]

    def source(self, name: str) -> _Source:
        return _Source(read_numbers(self.streams.get(name, b""), name), name)

    def shape(self, entity: str, part: int, shape: int) -> tuple[tuple[str, ...], tuple, tuple]:
        """The keys of a shape, their columns' readers, and the places (in the shape) of the
        columns holding values that wait for :func:`.codec_columns.resolve`."""
        found = self._shapes.get((entity, part, shape))
        if found is None:
            if shape >= len(self.shapes):
                raise Damaged("shape index")
            keys = self.shapes[shape]
            if any((entity, part, key) not in self.columns for key in keys):
                raise Damaged("column missing")
            columns = [self.columns[(entity, part, key)] for key in keys]
            waiting = tuple(i for i, column in enumerate(columns) if column.pending)
            found = (keys, tuple(c.next for c in columns), waiting)
            self._shapes[(entity, part, shape)] = found
        return found

    def ops(self, count: int) -> list[dict[str, Any]]:
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
        strings, shape, regions, waiting = self.strings, self.shape, {}, {}
        entity_next, entity_pending = self.entity_ids.next, self.entity_ids.pending
        runs_next, forms_next, hlc_next, base_next = runs.next, op_forms.next, hlc.next, base.next
        kind_next, action_next, partition_next = entity_s.next, action_s.next, partition_s.next
        set_next, prev_next, actor_next, schema_next = (
            set_s.next, prev_s.next, actor_s.next, schema_s.next
        )  # fmt: skip
        out: list[dict[str, Any]] = []
        for kind in kinds:
            if kind == K_LITERAL:
                op = json.loads(literal.next())
                if type(op) is not dict:
                    raise Damaged("literal op")
                out.append(op)
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
            entity = strings[kind_next()]
            action = strings[action_next()]
            partition = partition_next()
            partition = None if partition == 0 else strings[partition - 1]
            entity_id = entity_next()
            based = {}
            for _ in range(base_next()):
                key = strings[base_next()]
                if key in based:
                    raise Damaged("base")
                based[key] = base_next()
            set_keys, set_readers, set_pending = shape(entity, SET, set_next())
            prev_keys, prev_readers, prev_pending = shape(entity, PREV, prev_next())
            # Every reader called in C; a column run dry ends map() early: the lengths tell.
            set_values = list(map(call, set_readers))
            prev_values = list(map(call, prev_readers))
            if len(set_values) != len(set_keys) or len(prev_values) != len(prev_keys):
                raise Damaged("column values")
            if entity_pending or set_pending or prev_pending:
                values = [entity_id, *set_values, *prev_values]
                region = regions.get(partition, False)
                if region is False:
                    region = regions[partition] = region_digits(partition)
                places = waiting.get((set_pending, prev_pending, len(set_keys)))
                if places is None:
                    places = (*((0,) if entity_pending else ()),
                              *(1 + i for i in set_pending),
                              *(1 + len(set_keys) + i for i in prev_pending))  # fmt: skip
                    waiting[(set_pending, prev_pending, len(set_keys))] = places
                resolve(values, places, region)
                entity_id = values[0]
                set_values = values[1 : 1 + len(set_keys)]
                prev_values = values[1 + len(set_keys) :]
            set_fields = dict(zip(set_keys, set_values, strict=True))
            prev_fields = dict(zip(prev_keys, prev_values, strict=True))
            actor = actor_next()
            out.append({
                "origin": origin, "seq": seq, "op_id": op_id,
                "hlc": f"{wall:013d}:{counter:04d}", "entity": entity, "entity_id": entity_id,
                "action": action, "base": based, "set": set_fields, "prev": prev_fields,
                "partition": partition,
                "actor": None if actor == 0 else strings[actor - 1], "schema": schema_next(),
            })  # fmt: skip
        if left or explicit_at != len(explicit):
            raise Damaged("runs or op ids left over")
        for source in (literal, runs, hlc, base, entity_s, action_s, set_s, prev_s,
                       partition_s, actor_s, schema_s, op_forms):  # fmt: skip
            source.done()
        self.entity_ids.done()
        for column in self.columns.values():
            column.done()
        return out


def decode_ops(body: bytes, count: int) -> list[dict[str, Any]]:
    """The ``count`` ops of a member body, in order; :class:`Damaged` if it is not exact."""
    try:
        return _Decoder(unpack(body)).ops(count)
    except Damaged:
        raise
    except (StopIteration, IndexError, KeyError, ValueError, TypeError, OverflowError,
            RecursionError, MemoryError) as exc:  # fmt: skip
        raise Damaged(type(exc).__name__) from exc

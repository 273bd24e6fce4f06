# SPDX-License-Identifier: GPL-3.0-or-later
"""The ops member straight from ``sync_op`` rows, byte for byte what :func:`.codec.encode_ops`
makes of the same ops as dicts, without building the dicts.

Exports code a million ops from rows whose columns are nearly always of the usual shape: an op
id derived from the origin and seq, a ``HHHHHHHHHHHHH:CCCC`` clock, ``{}`` for base and prev,
a JSON object in ``fields``. A row proven to be of that shape goes to the coder as it is; any
other row (a float, a text seq, another JSON text, whitespace, a random op id...) becomes an op
dict exactly as :func:`op_of_row` builds it and takes the generic path (``_fits``, structured or
literal), so the member is the same for any row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kaltim_desktop.sync.bundles.codec import _HLC, _SHORT_SEQ, Checked, _Encoder
from kaltim_desktop.sync.bundles.codec_values import INT_LIMIT
from kaltim_desktop.sync.ops import derived_op_id

__all__ = ["encode_rows", "op_of_row"]

Row = tuple  # origin, seq, op_id, hlc, entity, entity_id, action, base, fields, prev,
# partition, actor, schema (and the op hash, not looked at here)

# The scanner json.loads runs after skipping leading whitespace: where it reads the whole text
# from its first character, json.loads gives the same value (anything else goes to json.loads).
_scan = json.JSONDecoder().scan_once
_EMPTY: dict[str, Any] = {}  # base and prev of the usual row, only ever read


def op_of_row(row: Row) -> dict[str, Any]:
    """The op dict of a stored row (its JSON columns parsed in the order base, set, prev)."""
    base, prev = row[7], row[9]
    return {
        "origin": row[0], "seq": row[1], "op_id": row[2], "hlc": row[3], "entity": row[4],
        "entity_id": row[5], "action": row[6],
        "base": {} if base == "{}" else json.loads(base), "set": json.loads(row[8]),
        "prev": {} if prev == "{}" else json.loads(prev),
        "partition": row[10], "actor": row[11], "schema": row[12],
    }  # fmt: skip


class _RowEncoder(_Encoder):
    def checked_rows(self, rows: list[Row]) -> Iterator[Checked | str]:
        """What :meth:`_Encoder.checked` gives for each row's op dict, quicker for the usual row."""
        plain: set[str] = set()  # texts already found free of NUL (origin ... actor)
        heads, good, checked = self._heads, self._good_keys, self.checked
        for row in rows:
            (origin, seq, op_id, hlc, entity, entity_id, action, base, fields, prev, partition,
             actor, schema) = row[:13]  # fmt: skip
            if (
                type(seq) is int and 0 < seq < _SHORT_SEQ
                and type(schema) is int and 0 <= schema < INT_LIMIT
                and base == "{}" and prev == "{}" and type(fields) is str
                and type(hlc) is str and (clock := _HLC.fullmatch(hlc)) is not None
                and (origin in plain or _plain(origin, plain))
                and (entity in plain or _plain(entity, plain))
                and (action in plain or _plain(action, plain))
                and (partition is None or partition in plain or _plain(partition, plain))
                and (actor is None or actor in plain or _plain(actor, plain))
            ):  # fmt: skip
                head = heads.get(origin)
                if head is None:
                    head = heads[origin] = derived_op_id(origin, 1)[:24]
                if type(op_id) is str and op_id == f"{head}{seq:012x}":
                    parsed = _object(fields)
                    if type(parsed) is dict:
                        keys = tuple(parsed)
                        if keys in good or self._keys_fit(keys):
                            yield (
                                origin, seq, True, op_id, int(clock[1]), int(clock[2]), entity,
                                action, partition, entity_id, _EMPTY, parsed, keys, _EMPTY, (),
                                actor, schema,
                            )  # fmt: skip
                            continue
            yield checked(op_of_row(row))


def _object(text: str) -> Any:
    """``json.loads(text)`` when the text is one JSON value from its first character to its last,
    else None (json.loads, in :func:`op_of_row`, then raises or handles what it does)."""
    try:
        value, end = _scan(text, 0)
    except Exception:
        return None
    return value if end == len(text) else None


def _plain(text: Any, plain: set[str]) -> bool:
    """Whether ``text`` is a str without NUL (remembered in ``plain`` when it is)."""
    if type(text) is not str or "\0" in text:
        return False
    plain.add(text)
    return True


def encode_rows(rows: list[Row]) -> bytes:
    """``encode_ops([op_of_row(row) for row in rows])``, byte for byte."""
    encoder = _RowEncoder()
    encoder.add_checked(encoder.checked_rows(rows))
    return encoder.finish()

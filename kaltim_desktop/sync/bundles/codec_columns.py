# SPDX-License-Identifier: GPL-3.0-or-later
"""Decoding the value columns of the ops member (written by :mod:`.codec_values`), a column at a
time.

Every rule of the format is local to a column except two, which name another value of the same
op by its distance back (a repeated text, the date of a NIK): a column decodes in one pass into
its list of values, with :class:`Same` and :class:`Digits` standing for those two until the op
is put together (:func:`resolve`). Id references index the member's id table (every column's
new ids, column after column), filled in once every column is decoded (:meth:`ColumnIn.link`).
The counts of every sub-stream are checked against the tags before anything is decoded, so an
overrun is :class:`Damaged`, never a stray exception.
"""

from __future__ import annotations

import json
from array import array
from datetime import date
from itertools import accumulate
from typing import Any

from kaltim_desktop.sync.bundles.codec_streams import Damaged, Texts, read_numbers, unzigzag
from kaltim_desktop.sync.bundles.codec_values import (
    INT_LIMIT,
    SAME_MIN,
    T_DATE,
    T_DIGITS,
    T_ID_REF,
    T_INT,
    T_JSON,
    T_NEW_ID,
    T_SAME,
    T_STR,
    T_TRUE,
    as_date,
    ddmmyy,
    uuid_text,
)

_CONSTANTS = (None, False, True)  # tags T_NULL, T_FALSE, T_TRUE
_ID_LIMIT = 1 << 96
_MAX_DAY = date.max.toordinal()
_U32 = next(code for code in "IL" if array(code).itemsize == 4)
_SWAP_IDL = array(_U32, [1]).tobytes()[0] == 1  # .idl is big-endian on disk


class Same:
    """A text equal to the op's value ``back`` places earlier."""

    __slots__ = ("back",)

    def __init__(self, back: int) -> None:
        self.back = back


class Digits:
    """16 digits waiting for the op's region (``first`` None) or a date ``back`` places earlier
    (``middle`` None; ``women``: day + 40)."""

    __slots__ = ("back", "first", "middle", "serial", "women")

    def __init__(self, first, middle, back: int, women: bool, serial: str) -> None:
        self.first, self.middle, self.back, self.women, self.serial = (
            first, middle, back, women, serial
        )  # fmt: skip


def _fixed(number: int, width: int) -> str:
    if number >= 10**width:
        raise Damaged("digits")
    return f"{number:0{width}d}"


class ColumnIn:
    """One value column, decoded: ``values`` in order (see the module docstring)."""

    __slots__ = ("_all_refs", "_iter", "new_ids", "next", "pending", "refs", "values")

    def __init__(self, streams: dict[str, bytes], prefix: str) -> None:
        def get(sub: str) -> bytes:
            return streams.get(f"{prefix}.{sub}", b"")

        tags = get("tag")
        strs = Texts(get("str"), prefix).items
        jsons = Texts(get("json"), prefix).items
        ints = read_numbers(get("int"), prefix)
        idh, refs, same = (read_numbers(get(s), prefix) for s in ("idh", "ref", "same"))
        dates, digits = read_numbers(get("date"), prefix), read_numbers(get("digits"), prefix)
        low = get("idl")
        if len(low) % 4:
            raise Damaged(f"{prefix}.idl: length")
        idl = array(_U32)
        idl.frombytes(low)
        if _SWAP_IDL:
            idl.byteswap()
        count = tags.count
        if (
            (tags and max(tags) > T_DIGITS)
            or count(T_STR) != len(strs)
            or count(T_INT) != len(ints)
            or count(T_NEW_ID) != len(idh)
            or len(idh) != len(idl)
            or count(T_ID_REF) != len(refs)
            or count(T_JSON) != len(jsons)
            or count(T_SAME) != len(same)
            or count(T_DATE) != len(dates)
            or (count(T_DIGITS) == 0) != (not digits)
        ):
            raise Damaged(f"{prefix}: counts")
        if ints and max(ints) >= 2 * INT_LIMIT:
            raise Damaged(f"{prefix}: int")
        self.new_ids: list[str] = []
        self.refs: list[tuple[int, int]] = []  # (row, index in the id table)
        self._all_refs: list[int] | None = None  # a column of references only: their indexes
        self.pending = bool(same or digits)
        # Columns of one kind of value (most are) decode in bulk; others value by value.
        if len(strs) == len(tags):  # all texts (or empty): the column is its text stream
            self.values = strs
        elif len(ints) == len(tags):
            self.values = [n >> 1 if not n & 1 else -((n + 1) >> 1) for n in ints]
        elif max(tags) <= T_TRUE:
            self.values = list(map(_CONSTANTS.__getitem__, tags))
        elif len(dates) == len(tags):
            days = list(accumulate([n >> 1 if not n & 1 else -((n + 1) >> 1) for n in dates]))
            if not 0 < min(days) <= max(days) <= _MAX_DAY:
                raise Damaged("date")
            self.values = list(map(date.isoformat, map(date.fromordinal, days)))
        elif len(refs) == len(tags):
            self.values = []  # filled by link()
            self._all_refs = list(
                accumulate([n >> 1 if not n & 1 else -((n + 1) >> 1) for n in refs])
            )
        elif len(idh) == len(tags):
            highs = list(accumulate([n >> 1 if not n & 1 else -((n + 1) >> 1) for n in idh]))
            if not 0 <= min(highs) <= max(highs) < _ID_LIMIT:
                raise Damaged("id")
            self.values = [
                uuid_text((high << 32) | low) for high, low in zip(highs, idl, strict=True)
            ]
            self.new_ids = self.values
        else:
            self.values = self._decode(tags, strs, jsons, ints, idh, idl, refs, same, dates, digits)
        self._iter = iter(self.values)
        self.next = self._iter.__next__

    def _decode(self, tags, strs, jsons, ints, idh, idl, refs, same, dates, digits) -> list:
        values: list[Any] = []
        append, new_ids, linked = values.append, self.new_ids.append, self.refs.append
        s_next, j_next, i_next = iter(strs).__next__, iter(jsons).__next__, iter(ints).__next__
        h_next, l_next, r_next = iter(idh).__next__, iter(idl).__next__, iter(refs).__next__
        same_next, d_next = iter(same).__next__, iter(dates).__next__
        digit_source = iter(digits)
        g_next = digit_source.__next__
        last_hi = last_day = last_ref = 0
        for row, tag in enumerate(tags):
            if tag == T_STR:
                append(s_next())
            elif tag == T_INT:
                n = i_next()
                append(n >> 1 if not n & 1 else -((n + 1) >> 1))
            elif tag <= T_TRUE:
                append(_CONSTANTS[tag])
            elif tag == T_NEW_ID:
                high = last_hi + unzigzag(h_next())
                if not 0 <= high < _ID_LIMIT:
                    raise Damaged("id")
                last_hi = high
                text = uuid_text((high << 32) | l_next())
                new_ids(text)
                append(text)
            elif tag == T_ID_REF:
                last_ref += unzigzag(r_next())
                linked((row, last_ref))
                append(None)
            elif tag == T_DATE:
                last_day += unzigzag(d_next())
                if not 0 < last_day <= _MAX_DAY:
                    raise Damaged("date")
                append(date.fromordinal(last_day).isoformat())
            elif tag == T_SAME:
                back = same_next()
                if back < 1:
                    raise Damaged("same text")
                append(Same(back))
            elif tag == T_DIGITS:
                head = g_next()
                region, form = head & 1, head >> 1
                if head == 0 or form > 2:
                    raise Damaged("digits head")
                first = None if region else _fixed(g_next(), 6)
                if form:
                    back, middle = g_next(), None
                    if back < 1:
                        raise Damaged("digits date")
                else:
                    back, middle = 0, _fixed(g_next(), 6)
                append(Digits(first, middle, back, form == 2, _fixed(g_next(), 4)))
            else:  # T_JSON: the only tag left below T_DIGITS
                append(json.loads(j_next()))
        for _ in digit_source:
            raise Damaged("digits left over")
        return values

    def link(self, table: list[str]) -> None:
        """Fill in the id references from the member's id table."""
        values = self.values
        if self._all_refs is not None:
            indexes = self._all_refs
            if not 0 <= min(indexes) <= max(indexes) < len(table):
                raise Damaged("id reference")
            values += map(table.__getitem__, indexes)
            self._iter = iter(values)
            self.next = self._iter.__next__
            return
        for row, index in self.refs:
            if not 0 <= index < len(table):
                raise Damaged("id reference")
            values[row] = table[index]

    def done(self) -> None:
        for _ in self._iter:
            raise Damaged("values left over")


def resolve(values: list, places: tuple[int, ...], region: str | None) -> None:
    """Put in the op's repeated texts and NIK/KK digits (``values``: the op's values in order;
    ``places``: ascending, those from columns that hold any)."""
    for position in places:
        item = values[position]
        kind = type(item)
        if kind is Same:
            if item.back > position:
                raise Damaged("same text")
            text = values[position - item.back]
            if type(text) is not str or len(text) < SAME_MIN:
                raise Damaged("same text")
            values[position] = text
        elif kind is Digits:
            first = item.first
            if first is None:
                if region is None:
                    raise Damaged("digits region")
                first = region
            middle = item.middle
            if middle is None:
                if item.back > position:
                    raise Damaged("digits date")
                text = values[position - item.back]
                day = as_date(text) if type(text) is str else None
                if day is None:
                    raise Damaged("digits date")
                middle = ddmmyy(day, 40 if item.women else 0)
            values[position] = first + middle + item.serial

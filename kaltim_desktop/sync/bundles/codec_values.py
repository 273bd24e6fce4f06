# SPDX-License-Identifier: GPL-3.0-or-later
"""The value columns of the ops member: one per (entity, set|prev, field) and one for entity ids.

Every value gets a one-byte tag and goes to the sub-stream of its kind. The rules below are
exact for any input: a value that does not fit a rule is written as text or JSON.

- UUID text (lowercase, hyphenated): an id already coded in the member (any column) is a
  reference to its entry in the member's id table (every column's new ids, column after column;
  zig-zag delta against the column's previous reference); a new one is the zig-zag delta of its
  high 96 bits against the column's previous new id, plus its low 32 bits (4 bytes big-endian).
  Ids made by ``uuid7`` share milliseconds and a counter.
- Text of 8 characters or more equal to an earlier value of the same op (``domicile_since`` =
  ``birth_date``): how many places back that value is among the op's values.
- ISO dates (``YYYY-MM-DD`` that round-trip): zig-zag delta of the day number (proleptic
  ordinal) against the column's previous date.
- 16 ASCII digits (NIK, KK; domain.md §1): coded against the op's partition (the 6 region
  digits) and the op's first date (``DDMMYY``, or ``DD+40`` for women, named by how many places
  back it is) when either matches, the rest as numbers.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from kaltim_desktop.sync.bundles.codec_streams import (
    numbers,
    terminated,
    zigzag,
)

T_NULL, T_FALSE, T_TRUE, T_INT, T_STR, T_NEW_ID, T_ID_REF, T_JSON, T_SAME, T_DATE, T_DIGITS = range(
    11
)
SUBSTREAMS = ("tag", "int", "str", "idh", "idl", "ref", "json", "same", "date", "digits")
INT_LIMIT = 1 << 63
SAME_MIN = 8  # shorter texts are cheaper to repeat than to look up
_ID_LIMIT = 1 << 96
_MAX_DAY = date.max.toordinal()
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def is_uuid(text: str) -> bool:
    """Lowercase hyphenated UUID text, the only form written as 16 bytes."""
    return _UUID.fullmatch(text) is not None


def uuid_text(number: int) -> str:
    h = f"{number:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def region_digits(partition: Any) -> str | None:
    """``64.71.04.1002`` → ``647104`` (the kecamatan a NIK or KK is registered in)."""
    if type(partition) is not str:
        return None
    parts = partition.split(".")
    if len(parts) < 3:
        return None
    digits = "".join(parts[:3])
    return digits if len(digits) == 6 and digits.isascii() and digits.isdigit() else None


def as_date(text: str) -> date | None:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def ddmmyy(day: date, offset: int) -> str:
    return f"{day.day + offset:02d}{day.month:02d}{day.year % 100:02d}"


class ColumnOut:
    """The sub-streams of one column being written (``tag``, ``str``, ``int``: their appends)."""

    __slots__ = ("dates", "digits", "idh", "idl", "int", "ints", "jsons", "last_day", "last_hi",
                 "new_ids", "refs", "same", "str", "strs", "tag", "tags")  # fmt: skip

    def __init__(self) -> None:
        self.tags = bytearray()
        self.ints: list[int] = []
        self.strs: list[str] = []
        self.idh: list[int] = []
        self.idl = bytearray()
        self.refs: list[tuple[ColumnOut, int]] = []  # (column of the new id, its index there)
        self.new_ids = 0
        self.jsons: list[str] = []
        self.same: list[int] = []
        self.dates: list[int] = []
        self.digits: list[int] = []
        self.last_hi = self.last_day = 0
        self.tag, self.str, self.int = self.tags.append, self.strs.append, self.ints.append

    def streams(self, prefix: str, offsets: dict[int, int]) -> list[tuple[str, bytes]]:
        """The sub-streams; ``offsets``: id(column) -> number of new ids in the columns before
        it (the id table is every column's new ids, column after column)."""
        refs, last = [], 0
        for column, index in self.refs:
            number = offsets[id(column)] + index
            refs.append(zigzag(number - last))
            last = number
        parts = (self.tags, numbers(self.ints), terminated(self.strs), numbers(self.idh),
                 self.idl, numbers(refs), terminated(self.jsons), numbers(self.same),
                 numbers(self.dates), numbers(self.digits))  # fmt: skip
        return [(f"{prefix}.{n}", bytes(d)) for n, d in zip(SUBSTREAMS, parts, strict=True) if d]


class ValueEncoder:
    """Codes values into columns; ids are counted across the member, texts and dates per op.

    ``position`` is the place of the value being coded among the op's values in decoding order
    (entity id 0, then the ``set`` values, then the ``prev`` values): a repeated text and a NIK's
    date name the value they repeat by it.
    """

    def __init__(self) -> None:
        self.ids: dict[str, tuple[ColumnOut, int]] = {}  # id -> where it was new
        self.texts: dict[str, int] = {}  # this op's long texts -> position
        self.days: dict[str, int] = {}  # 10-character texts -> day number, 0: not a date
        self.first_date: str | None = None  # the op's first date (ISO text) and its position
        self.first_date_at = 0
        self._region: str | None = None
        self._regions: dict[Any, str | None] = {}

    def start_op(self, partition: str | None) -> None:
        self.texts = {}
        self.first_date = None
        region = self._regions.get(partition, False)
        if region is False:
            region = self._regions[partition] = region_digits(partition)
        self._region = region

    def value(self, column: ColumnOut, value: Any, position: int) -> None:
        kind = type(value)
        if kind is str:
            if len(value) == 36 and is_uuid(value):
                self._id(column, value)
                return
            if "\0" in value:
                column.tags.append(T_JSON)
                column.jsons.append(canonical(value))
                return
            length = len(value)
            if length >= SAME_MIN:
                texts = self.texts
                earlier = texts.get(value)
                if earlier is not None:
                    column.tags.append(T_SAME)
                    column.same.append(position - earlier)
                    return
                texts[value] = position
            if length == 10 and (ordinal := self.day(value)):
                column.tags.append(T_DATE)
                column.dates.append(zigzag(ordinal - column.last_day))
                column.last_day = ordinal
                if self.first_date is None:
                    self.first_date, self.first_date_at = value, position
            elif (
                length == 16
                and value.isascii()
                and value.isdigit()
                and self._digits(column, value, position)
            ):
                pass
            else:
                column.tags.append(T_STR)
                column.strs.append(value)
        elif kind is int and -INT_LIMIT <= value < INT_LIMIT:
            column.tags.append(T_INT)
            column.ints.append(zigzag(value))
        elif value is None:
            column.tags.append(T_NULL)
        elif value is True:
            column.tags.append(T_TRUE)
        elif value is False:
            column.tags.append(T_FALSE)
        else:
            column.tags.append(T_JSON)
            column.jsons.append(canonical(value))

    def day(self, text: str) -> int:
        """The day number of a 10-character ISO date text, 0 if it is none (cached)."""
        ordinal = self.days.get(text)
        if ordinal is None:
            day = as_date(text)
            ordinal = self.days[text] = 0 if day is None else day.toordinal()
        return ordinal

    def _id(self, column: ColumnOut, value: str) -> None:
        seen = self.ids.get(value)
        if seen is not None:
            column.tags.append(T_ID_REF)
            column.refs.append(seen)
            return
        self.new_id(column, value)

    def new_id(self, column: ColumnOut, value: str) -> None:
        """An id not seen before in the member (lowercase UUID text): tag and value."""
        self.ids[value] = (column, column.new_ids)
        column.new_ids += 1
        raw = bytes.fromhex(value.replace("-", ""))
        high = int.from_bytes(raw[:12], "big")
        column.tags.append(T_NEW_ID)
        column.idh.append(zigzag(high - column.last_hi))
        column.last_hi = high
        column.idl += raw[12:]

    def _digits(self, column: ColumnOut, value: str, position: int) -> bool:
        """NIK/KK-shaped: head = region matched (1) + 2 × date form (0 none, 1 plain, 2 +40)."""
        region = 1 if self._region is not None and value[:6] == self._region else 0
        form, day = 0, self.first_date
        if day is not None:  # an ISO date text: DDMMYY from its digits (day + 40: women)
            middle = value[6:12]
            if middle[2:] == day[5:7] + day[2:4]:
                if middle[:2] == day[8:10]:
                    form = 1
                elif middle[:2] == f"{int(day[8:10]) + 40:02d}":
                    form = 2
        if not region and not form:
            return False
        column.tags.append(T_DIGITS)
        out = column.digits
        out.append(region + 2 * form)
        if not region:
            out.append(int(value[:6]))
        if form:
            out.append(position - self.first_date_at)
        else:
            out.append(int(value[6:12]))
        out.append(int(value[12:]))
        return True

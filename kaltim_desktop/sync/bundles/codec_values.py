# SPDX-License-Identifier: GPL-3.0-or-later
"""The value columns of the ops member: one per (entity, set|prev, field) and one for entity ids.

Every value gets a one-byte tag and goes to the sub-stream of its kind. The rules below are
exact for any input: a value that does not fit a rule is written as text or JSON.

- UUID text (lowercase, hyphenated): the same id seen earlier in the member (any column) is a
  back-reference (distance to its latest occurrence, ids counted in coding order); a new one is
  the zig-zag delta of its high 96 bits against the column's previous new id, plus its low 32
  bits (4 bytes big-endian). Ids made by ``uuid7`` share milliseconds and a counter.
- Text of 8 characters or more equal to an earlier one of the same op (``domicile_since`` =
  ``birth_date``): its position among the op's texts of 8 characters or more.
- ISO dates (``YYYY-MM-DD`` that round-trip): zig-zag delta of the day number (proleptic
  ordinal) against the column's previous date.
- 16 ASCII digits (NIK, KK; domain.md §1): coded against the op's partition (the 6 region
  digits) and the op's first date (``DDMMYY``, or ``DD+40`` for women) when either matches, the
  rest as numbers.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from kaltim_desktop.sync.bundles.codec_streams import (
    Damaged,
    terminated,
    unzigzag,
    varints,
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


def _as_date(text: str) -> date | None:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def _ddmmyy(day: date, offset: int) -> str:
    return f"{day.day + offset:02d}{day.month:02d}{day.year % 100:02d}"


class ColumnOut:
    """The sub-streams of one column being written (``tag``, ``str``, ``int``: their appends)."""

    __slots__ = ("dates", "digits", "idh", "idl", "int", "ints", "jsons", "last_day", "last_hi",
                 "refs", "same", "str", "strs", "tag", "tags")  # fmt: skip

    def __init__(self) -> None:
        self.tags = bytearray()
        self.ints: list[int] = []
        self.strs: list[str] = []
        self.idh: list[int] = []
        self.idl = bytearray()
        self.refs: list[int] = []
        self.jsons: list[str] = []
        self.same: list[int] = []
        self.dates: list[int] = []
        self.digits: list[int] = []
        self.last_hi = self.last_day = 0
        self.tag, self.str, self.int = self.tags.append, self.strs.append, self.ints.append

    def streams(self, prefix: str) -> list[tuple[str, bytes]]:
        parts = (self.tags, varints(self.ints), terminated(self.strs), varints(self.idh),
                 self.idl, varints(self.refs), terminated(self.jsons), varints(self.same),
                 varints(self.dates), varints(self.digits))  # fmt: skip
        return [(f"{prefix}.{n}", bytes(d)) for n, d in zip(SUBSTREAMS, parts, strict=True) if d]


class ValueEncoder:
    """Codes values into columns; ids are counted across the member, texts per op."""

    def __init__(self) -> None:
        self._id_pos: dict[str, int] = {}  # id -> position of its latest occurrence
        self._id_count = 0
        self._texts: dict[str, int] = {}
        self._first_date: date | None = None
        self._region: str | None = None
        self._regions: dict[Any, str | None] = {}

    def start_op(self, partition: str | None) -> None:
        self._texts = {}
        self._first_date = None
        region = self._regions.get(partition, False)
        if region is False:
            region = self._regions[partition] = region_digits(partition)
        self._region = region

    def value(self, column: ColumnOut, value: Any) -> None:
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
                texts = self._texts
                position = texts.get(value)
                if position is not None:
                    column.tags.append(T_SAME)
                    column.same.append(position)
                    return
                texts[value] = len(texts)
            if length == 10 and (day := _as_date(value)) is not None:
                ordinal = day.toordinal()
                column.tags.append(T_DATE)
                column.dates.append(zigzag(ordinal - column.last_day))
                column.last_day = ordinal
                if self._first_date is None:
                    self._first_date = day
            elif (
                length == 16 and value.isascii() and value.isdigit() and self._digits(column, value)
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

    def _id(self, column: ColumnOut, value: str) -> None:
        position = self._id_count
        self._id_count = position + 1
        seen = self._id_pos.get(value)
        self._id_pos[value] = position
        if seen is not None:
            column.tags.append(T_ID_REF)
            column.refs.append(position - seen)
            return
        raw = bytes.fromhex(value.replace("-", ""))
        high = int.from_bytes(raw[:12], "big")
        column.tags.append(T_NEW_ID)
        column.idh.append(zigzag(high - column.last_hi))
        column.last_hi = high
        column.idl += raw[12:]

    def _digits(self, column: ColumnOut, value: str) -> bool:
        """NIK/KK-shaped: head = region matched (1) + 2 × date form (0 none, 1 plain, 2 +40)."""
        region = 1 if self._region is not None and value[:6] == self._region else 0
        form, day = 0, self._first_date
        if day is not None:
            if value[6:12] == _ddmmyy(day, 0):
                form = 1
            elif value[6:12] == _ddmmyy(day, 40):
                form = 2
        if not region and not form:
            return False
        column.tags.append(T_DIGITS)
        out = column.digits
        out.append(region + 2 * form)
        if not region:
            out.append(int(value[:6]))
        if not form:
            out.append(int(value[6:12]))
        out.append(int(value[12:]))
        return True


class ValueDecoder:
    """The mirror of :class:`ValueEncoder`; columns are :class:`.codec_decode.ColumnIn`."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.texts: list[str] = []  # this op's texts of SAME_MIN characters or more
        self._first_date: date | None = None
        self._region: str | None = None
        self._regions: dict[Any, str | None] = {}

    def start_op(self, partition: str | None) -> None:
        self.texts = []
        self._first_date = None
        region = self._regions.get(partition, False)
        if region is False:
            region = self._regions[partition] = region_digits(partition)
        self._region = region

    def value(self, column) -> Any:
        return self.tagged(column, column.tags())

    def tagged(self, column, tag: int) -> Any:
        """The value of ``tag`` (already read from ``column``)."""
        if tag == T_STR:
            text = column.strs()
        elif tag == T_ID_REF:
            distance = column.refs()
            if not 0 < distance <= len(self.ids):
                raise Damaged("id reference")
            text = self.ids[-distance]
            self.ids.append(text)
            return text
        elif tag == T_NEW_ID:
            high = column.last_hi + unzigzag(column.idh())
            if not 0 <= high < _ID_LIMIT:
                raise Damaged("id")
            column.last_hi = high
            text = uuid_text((high << 32) | column.idl())
            self.ids.append(text)
            return text
        elif tag == T_SAME:
            position = column.same()
            if position >= len(self.texts):
                raise Damaged("same text")
            return self.texts[position]
        elif tag == T_DATE:
            ordinal = column.last_day + unzigzag(column.dates())
            if not 0 < ordinal <= _MAX_DAY:
                raise Damaged("date")
            column.last_day = ordinal
            day = date.fromordinal(ordinal)
            if self._first_date is None:
                self._first_date = day
            text = day.isoformat()
        elif tag == T_DIGITS:
            text = self._digits(column)
        elif tag == T_INT:
            number = unzigzag(column.ints())
            if not -INT_LIMIT <= number < INT_LIMIT:
                raise Damaged("int")
            return number
        elif tag == T_NULL:
            return None
        elif tag == T_TRUE:
            return True
        elif tag == T_FALSE:
            return False
        elif tag == T_JSON:
            return json.loads(column.jsons())
        else:
            raise Damaged("value tag")
        if len(text) >= SAME_MIN:
            self.texts.append(text)
        return text

    def _digits(self, column) -> str:
        head = column.digits()
        region, form = head & 1, head >> 1
        if head == 0 or form > 2:
            raise Damaged("digits head")
        if region:
            if self._region is None:
                raise Damaged("digits region")
            first = self._region
        else:
            first = _fixed(column.digits(), 6)
        if form:
            if self._first_date is None:
                raise Damaged("digits date")
            middle = _ddmmyy(self._first_date, 0 if form == 1 else 40)
        else:
            middle = _fixed(column.digits(), 6)
        return first + middle + _fixed(column.digits(), 4)


def _fixed(number: int, width: int) -> str:
    if number >= 10**width:
        raise Damaged("digits")
    return f"{number:0{width}d}"

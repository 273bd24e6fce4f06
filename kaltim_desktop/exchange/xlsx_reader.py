# SPDX-License-Identifier: GPL-3.0-or-later
"""A fast reader for the cell values of one xlsx worksheet.

openpyxl's read-only mode spends most of its time building a cell object per value; on a
50,000-row list that is several seconds, more than all the checks of a dry run together. An
officer's sheet only needs the values, so this reader takes the worksheet XML apart with
regular expressions (the part of the format it reads is small and regular: ``<row>``, ``<c>``
with ``t``, ``s`` and ``r`` attributes, ``<v>`` or an inline ``<is>``), looks strings up in the
shared-string table and turns numbers with a date format into datetimes, as openpyxl does.

It returns exactly what ``openpyxl`` returns for ``iter_rows(values_only=True)`` (the tests
compare the two); anything it does not expect raises :class:`UnsupportedWorkbook`, and the
caller then reads the file with openpyxl instead.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from datetime import datetime
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_P = r"(?:\w+:)?"  # an optional namespace prefix (some writers use <x:c>)
_ROW = re.compile(rf"<{_P}row\b([^>]*?)(?:/>|>(.*?)</{_P}row>)", re.S)
_CELL = re.compile(rf"<{_P}c\b([^>]*?)(?:/>|>(.*?)</{_P}c>)", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_VALUE = re.compile(rf"<{_P}v(?:\s[^>]*)?>(.*?)</{_P}v>", re.S)
_TEXT = re.compile(rf"<{_P}t(?:\s[^>]*)?>(.*?)</{_P}t>", re.S)
_PHONETIC = re.compile(rf"<{_P}rPh\b.*?</{_P}rPh>", re.S)
_LETTERS = re.compile(r"[A-Z]+")
# The common shape of a cell, as Excel, LibreOffice and openpyxl write it: attributes r, s, t in
# this order, then a plain <v> or a plain inline string. One match per cell instead of four; a
# row with any other shape (formulas, rich text...) takes the general path.
_PLAIN_CELL = re.compile(
    r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*'
    r"(?:/>|>(?:<v>([^<]*)</v>|<is><t(?:\s[^>]*)?>([^<]*)</t></is>)?</c>)"
)


class UnsupportedWorkbook(Exception):
    """The file uses something this reader does not handle; read it with openpyxl."""


def _column_index(reference: str) -> int:
    letters = _LETTERS.match(reference)
    if letters is None:
        raise UnsupportedWorkbook(reference)
    index = 0
    for ch in letters.group():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _text(fragment: str) -> str:
    return html.unescape("".join(_TEXT.findall(_PHONETIC.sub("", fragment))))


class FastWorkbook:
    """The sheets of an xlsx file, read on demand."""

    def __init__(self, path) -> None:
        self._zip = zipfile.ZipFile(path)
        try:
            self._load_workbook()
            self._shared = self._load_shared_strings()
            self._date_styles = self._load_date_styles()
            self._columns: dict[str, int] = {}
        except (KeyError, ElementTree.ParseError) as exc:
            self._zip.close()
            raise UnsupportedWorkbook(str(exc)) from exc

    def close(self) -> None:
        self._zip.close()

    @property
    def sheetnames(self) -> list[str]:
        return [name for name, _target in self._sheets]

    def _load_workbook(self) -> None:
        workbook = ElementTree.fromstring(self._zip.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")}
        self._sheets = []
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            target = targets[sheet.get(f"{_REL}id")]
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            self._sheets.append((sheet.get("name"), posixpath.normpath(path)))
        properties = workbook.find(f"{_MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self._epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900

    def _load_shared_strings(self) -> list[str]:
        try:
            data = self._zip.read("xl/sharedStrings.xml").decode("utf-8")
        except KeyError:
            return []
        return [_text(item) for item in re.findall(rf"<{_P}si>(.*?)</{_P}si>", data, re.S)]

    def _load_date_styles(self) -> frozenset[int]:
        try:
            styles = ElementTree.fromstring(self._zip.read("xl/styles.xml"))
        except KeyError:
            return frozenset()
        custom = {
            int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter(f"{_MAIN}numFmt")
        }
        cell_xfs = styles.find(f"{_MAIN}cellXfs")
        dates = set()
        for index, xf in enumerate(() if cell_xfs is None else cell_xfs.findall(f"{_MAIN}xf")):
            number_format = int(xf.get("numFmtId", "0"))
            code = custom.get(number_format) or BUILTIN_FORMATS.get(number_format)
            if code and is_date_format(code):
                dates.add(index)
        return frozenset(dates)

    def rows(self, sheet_name: str) -> list[tuple]:
        """Every row of the sheet as a tuple of values, gaps filled as openpyxl does."""
        target = dict(self._sheets)[sheet_name]
        data = self._zip.read(target).decode("utf-8")
        rows: list[tuple] = []
        for attributes, body in _ROW.findall(data):
            attrs = dict(_ATTR.findall(attributes))
            number = int(attrs["r"]) if "r" in attrs else len(rows) + 1
            if number <= len(rows):
                raise UnsupportedWorkbook("rows out of order")
            rows.extend(() for _gap in range(number - 1 - len(rows)))
            rows.append(self._cells(body or ""))
        width = max((len(r) for r in rows), default=0)
        return [r + (None,) * (width - len(r)) for r in rows]

    def _cells(self, body: str) -> tuple:
        plain = _PLAIN_CELL.findall(body)
        if len(plain) == body.count("<c ") and "<c>" not in body:
            return self._plain_cells(plain)
        values: list = []
        for attributes, content in _CELL.findall(body):
            attrs = dict(_ATTR.findall(attributes))
            column = _column_index(attrs["r"]) if "r" in attrs else len(values)
            if column < len(values):
                raise UnsupportedWorkbook("cells out of order")
            values.extend(None for _gap in range(column - len(values)))
            values.append(self._value(attrs, content))
        return tuple(values)

    def _plain_cells(self, cells: list[tuple]) -> tuple:
        values: list = []
        columns: dict[str, int] = self._columns
        for letters, style, kind, raw, inline in cells:
            column = columns.get(letters)
            if column is None:
                column = columns[letters] = _column_index(letters)
            if column < len(values):
                raise UnsupportedWorkbook("cells out of order")
            if column > len(values):
                values.extend([None] * (column - len(values)))
            if kind == "inlineStr":
                values.append(html.unescape(inline) if inline else None)
            elif kind == "s" and raw:
                values.append(self._shared[int(raw)])
            elif raw == "":
                values.append(None)
            elif kind in ("", "n"):
                number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                if style and int(style) in self._date_styles:
                    number = from_excel(number, self._epoch)
                values.append(number)
            else:
                attrs = {"t": kind or "n", "s": style or "0"}
                values.append(self._value(attrs, f"<v>{raw}</v>"))
        return tuple(values)

    def _value(self, attrs: dict, content: str):
        kind = attrs.get("t", "n")
        if kind == "inlineStr":
            return _text(content) if content else None
        found = _VALUE.search(content) if content else None
        raw = found.group(1) if found else None
        if raw is None or raw == "":
            return None
        if kind == "s":
            return self._shared[int(raw)]
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if int(attrs.get("s", "0")) in self._date_styles:
                return from_excel(number, self._epoch)
            return number
        if kind == "b":
            return raw == "1"
        if kind in ("str", "e"):
            return html.unescape(raw)
        if kind == "d":
            return datetime.fromisoformat(raw)
        raise UnsupportedWorkbook(kind)

# SPDX-License-Identifier: GPL-3.0-or-later
"""One sheet row read into typed fields, with what was wrong with each value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kaltim_desktop.domain.phone import normalize_phone
from kaltim_desktop.exchange import values
from kaltim_desktop.exchange.mapping import FIELD_LABELS, ColumnMapping
from kaltim_desktop.i18n import _


def reason(field_name: str, message: str) -> str:
    """``"NIK: message"``: the field label in the current language, then the message."""
    label = FIELD_LABELS.get(field_name)
    return f"{_(label)}: {message}" if label else message


@dataclass
class SheetRow:
    """The fields of one row; ``errors`` block the row, ``warnings`` are shown."""

    row: int
    name: str = ""
    head_name: str = ""
    nik: str | None = None
    kk_number: str | None = None
    relation: str | None = None
    sex: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    street: str | None = None
    rt: int | None = None
    rw: int | None = None
    hamlet: str | None = None
    village: str = ""
    district: str = ""
    regency: str = ""
    phone: str | None = None
    dtsen_decile: int | None = None
    occupation: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class RowReader:
    """Turns raw cell tuples into :class:`SheetRow` according to a column mapping."""

    def __init__(self, mapping: ColumnMapping):
        self._index = {f: mapping.index(f) for f in FIELD_LABELS}

    def _cell(self, cells: tuple, name: str):
        index = self._index[name]
        return None if index is None else cells[index]

    def read(self, number: int, cells: tuple) -> SheetRow:
        row = SheetRow(number)
        cell = self._cell
        row.name = values.text(cell(cells, "name"))
        row.head_name = values.text(cell(cells, "head_name"))
        if not row.name and self._index["name"] is None and row.head_name:
            # A list with one row per family names only the head.
            row.name, row.relation = row.head_name, "head"
        row.nik = self._identity(row, cells, "nik")
        row.kk_number = self._identity(row, cells, "kk_number")
        self._relation_and_sex(row, cells)
        self._birth(row, cells)
        row.street = values.text(cell(cells, "street")) or None
        row.hamlet = values.text(cell(cells, "hamlet")) or None
        row.occupation = values.text(cell(cells, "occupation")) or None
        row.village = values.text(cell(cells, "village"))
        row.district = values.text(cell(cells, "district"))
        row.regency = values.text(cell(cells, "regency"))
        row.rt = self._optional_int(row, cells, "rt", 999)
        row.rw = self._optional_int(row, cells, "rw", 999)
        row.dtsen_decile = self._optional_int(row, cells, "dtsen_decile", 10)
        phone = values.phone_text(cell(cells, "phone"))
        if phone:
            normalized, issues = normalize_phone(phone)
            if normalized is None:
                row.warnings += [
                    reason(
                        "phone",
                        _("{problem} The number was not imported.").format(problem=i.message),
                    )
                    for i in issues
                ]
            else:
                row.phone = normalized
                row.warnings += [reason("phone", i.message) for i in issues]
        return row

    def _identity(self, row: SheetRow, cells: tuple, name: str) -> str | None:
        value, issues = values.identity_number(self._cell(cells, name), name)
        for issue in issues:
            (row.errors if issue.is_error else row.warnings).append(reason(name, issue.message))
        return value

    def _relation_and_sex(self, row: SheetRow, cells: tuple) -> None:
        if row.relation is None:
            row.relation, issues = values.parse_relation(self._cell(cells, "relation"))
            row.errors += [reason("relation", i.message) for i in issues]
        row.sex, issues = values.parse_sex(self._cell(cells, "sex"))
        row.errors += [reason("sex", i.message) for i in issues]

    def _birth(self, row: SheetRow, cells: tuple) -> None:
        place = self._cell(cells, "birth_place")
        when = self._cell(cells, "birth_date")
        if place is None and when is None and self._index["birth_place_date"] is not None:
            combined = self._cell(cells, "birth_place_date")
            if combined is not None and not isinstance(combined, str):
                when = combined
            else:
                place, when = values.split_place_date(combined)
        row.birth_place = values.text(place) or None
        row.birth_date, issues = values.parse_date(when, "birth_date")
        for issue in issues:
            target = row.errors if issue.is_error else row.warnings
            target.append(reason("birth_date", issue.message))

    def _optional_int(self, row: SheetRow, cells: tuple, name: str, high: int) -> int | None:
        number, issues = values.parse_small_int(self._cell(cells, name), name, 1, high)
        row.warnings += [
            reason(name, _("{problem} The value was not imported.").format(problem=i.message))
            for i in issues
        ]
        return number

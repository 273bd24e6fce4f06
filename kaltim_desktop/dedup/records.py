# SPDX-License-Identifier: GPL-3.0-or-later
"""The compact view of a person that duplicate detection works on.

Birth dates are integers ``yyyymmdd``: cheap to hash, compare and keep by the hundred thousand.
Each record carries its *date keys*: the birth date, the same date with day and month swapped
(when that is a date too: officers and old documents mix up 03-05 and 05-03) and the birth date
written in the NIK (digits 7-12, women +40 on the day, domain.md §1.1), which stays right when
the declared date was mistyped or corrected later. Two records that share a date key are
compared; that is the main blocking rule (:mod:`.blocking`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from sys import intern

from kaltim_desktop.dedup.names import name_key
from kaltim_desktop.domain.nik import FEMALE_DAY_OFFSET

_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_real_date(year: int, month: int, day: int) -> bool:
    """Whether the numbers form a calendar date (29 February only in leap years)."""
    if not (1 <= month <= 12 and 1 <= day <= _DAYS[month]):
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def date_int(value: date | str | None) -> int | None:
    """``date(1980, 5, 15)`` or ``"1980-05-15"`` → ``19800515``; ``None`` stays ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.year * 10_000 + value.month * 100 + value.day
    return int(value[0:4]) * 10_000 + int(value[5:7]) * 100 + int(value[8:10])


def swapped(birth: int) -> int | None:
    """The date with day and month exchanged, when it is another real date."""
    year, month, day = birth // 10_000, birth // 100 % 100, birth % 100
    if day == month or not is_real_date(year, day, month):
        return None
    return year * 10_000 + day * 100 + month


def nik_birth(nik: str | None, birth: int | None, this_year: int) -> int | None:
    """The birth date written in a 16-digit NIK, as ``yyyymmdd``, or ``None``.

    The two-digit year gets the century that puts it nearest the declared birth year; without
    one, the most recent year not after ``this_year``.
    """
    if nik is None or len(nik) != 16 or not nik.isdigit():
        return None
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
    if birth is not None:
        declared = birth // 10_000
        year = declared - declared % 100 + yy
        if year - declared > 50:
            year -= 100
        elif declared - year > 50:
            year += 100
    else:
        year = this_year - this_year % 100 + yy
        if year > this_year:
            year -= 100
    if not is_real_date(year, month, day):
        return None
    return year * 10_000 + month * 100 + day


@dataclass(slots=True)
class PersonRecord:
    """One person as the detector sees it.

    The name itself is not kept, only its key: a province scan holds half a million records.

    Attributes:
        village: dotted village code of the person's active household (``None`` without one);
            its first 8 characters are the district, its first 5 the regency.
        household: the active household's id, to tell members of one family apart (brothers
            and twins are the hardest look-alikes).
        key: :func:`~kaltim_desktop.dedup.names.name_key` of the name.
        dates: the date keys (see the module docstring), distinct.
    """

    id: str
    nik: str | None
    sex: str | None
    birth: int | None
    village: str | None
    household: str | None
    key: tuple[str, ...] = field(default=())
    dates: tuple[int, ...] = field(default=())

    @property
    def born(self) -> int | None:
        """The declared birth date, else the NIK's (the last date key)."""
        return self.birth if self.birth is not None else (self.dates[-1] if self.dates else None)


def make_record(
    person_id: str,
    nik: str | None,
    name: str,
    sex: str | None,
    birth: date | str | int | None,
    village: str | None,
    household: str | None,
    *,
    this_year: int | None = None,
) -> PersonRecord:
    """Build a :class:`PersonRecord` with its name key and date keys."""
    born = birth if isinstance(birth, int) or birth is None else date_int(birth)
    nik = nik or None
    keys: list[int] = []
    if born is not None:
        keys.append(born)
        swap = swapped(born)
        if swap is not None:
            keys.append(swap)
    from_nik = nik_birth(nik, born, this_year or date.today().year)
    if from_nik is not None and from_nik not in keys:
        keys.append(from_nik)
    # Villages and households repeat across records: one string object each.
    village = intern(village) if village is not None else None
    household = intern(household) if household is not None else None
    return PersonRecord(person_id, nik, sex, born, village, household, name_key(name), tuple(keys))

# SPDX-License-Identifier: GPL-3.0-or-later
"""Every NIK/KK case of domain.md §1.3, seen through the registration service: hard errors
block and write nothing, warnings wait for confirmation, sound values pass silently."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select

from kaltim_desktop.errors import ValidationError, WarningsNotConfirmed
from kaltim_desktop.models import Household
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from tests.conftest import KK, family


def single(nik: str, sex: str, born: date, **household) -> object:
    head = MemberInput(
        name="Rahmat",
        sex=sex,
        relation="head",
        nik=nik,
        birth_date=born,
        domicile_since=date(2015, 1, 1),
    )
    return family(members=(head,), **household)


def households(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Household))


@pytest.mark.parametrize(
    ("nik", "sex", "born", "code"),
    [
        ("64720615058", "M", date(1980, 5, 15), "nik.length"),
        ("6472061505800001X", "M", date(1980, 5, 15), "nik.not_digits"),
        ("6.47206E+15", "M", date(1980, 5, 15), "nik.spreadsheet_damage"),
        ("647206150580001", "M", date(1980, 5, 15), "nik.spreadsheet_damage"),
        ("0072061505800001", "M", date(1980, 5, 15), "nik.province"),
        ("9972061505800001", "M", date(1980, 5, 15), "nik.province"),
        ("6400061505800001", "M", date(1980, 5, 15), "nik.region_zero"),
        ("6472001505800001", "M", date(1980, 5, 15), "nik.region_zero"),
        ("6472063104800001", "M", date(1980, 4, 30), "nik.date"),  # 31 April
        ("6472062902810001", "M", date(1981, 3, 1), "nik.date"),  # 29 Feb, not a leap year
        ("6472066902810001", "F", date(1981, 3, 1), "nik.date"),  # 69 Feb = 29 Feb for women
        ("6472064015800001", "F", date(1980, 5, 15), "nik.date"),  # day 40 is neither sex
        ("6472067215800001", "F", date(1980, 5, 15), "nik.date"),  # day 72 is too high
        ("6472061513800001", "M", date(1980, 5, 15), "nik.date"),  # month 13
        ("6472061505800000", "M", date(1980, 5, 15), "nik.serial_zero"),
    ],
)
def test_hard_errors_block_registration(db, operator, nik, sex, born, code):
    with pytest.raises(ValidationError) as caught:
        save_household(db, operator, single(nik, sex, born, kk_number=None), confirm_warnings=True)
    assert code in {i.code for i in caught.value.issues if i.is_error}
    assert households(db) == 0


@pytest.mark.parametrize(
    ("nik", "sex", "born", "code"),
    [
        ("6407011505800001", "M", date(1980, 5, 15), "nik.unknown_region"),  # pre-Mahulu code
        ("6472061505800001", "M", date(1980, 5, 16), "nik.birth_date_mismatch"),
        ("6472061505800001", "F", date(1980, 5, 15), "nik.sex_mismatch"),
    ],
)
def test_warnings_need_confirmation(db, operator, nik, sex, born, code):
    data = single(nik, sex, born, kk_number=None)
    with pytest.raises(WarningsNotConfirmed) as caught:
        save_household(db, operator, data)
    assert code in {i.code for i in caught.value.issues}
    assert households(db) == 0
    save_household(db, operator, data, confirm_warnings=True)
    assert households(db) == 1


@pytest.mark.parametrize(
    ("nik", "sex", "born"),
    [
        ("6472061505800001", "M", date(1980, 5, 15)),
        ("6472065505800001", "F", date(1980, 5, 15)),  # women: day + 40
        ("6472062902840001", "M", date(1984, 2, 29)),  # leap year
        ("6472066902840001", "F", date(1984, 2, 29)),
        ("3578011505800001", "M", date(1980, 5, 15)),  # Surabaya NIK: never require 64
        ("7371011505800001", "M", date(1980, 5, 15)),  # Makassar NIK
        ("6409041505800001", "M", date(1980, 5, 15)),  # Sepaku (IKN) keeps 6409
        ("6472061505250001", "M", date(1925, 5, 15)),  # centenarian, century from birth date
    ],
)
def test_sound_niks_pass_without_warnings(db, operator, nik, sex, born):
    save_household(db, operator, single(nik, sex, born, kk_number=None, kk_as_of=None))
    assert households(db) == 1


def test_kk_rules(db, operator):
    head = family().members[0]
    bad_kk = "6472064101150004"  # KK issue dates have no +40 rule: day 41 is invalid
    with pytest.raises(ValidationError) as caught:
        save_household(
            db, operator, family(members=(head,), kk_number=bad_kk), confirm_warnings=True
        )
    assert "kk.date" in {i.code for i in caught.value.issues}
    same_as_nik = family(members=(head,), kk_number=head.nik)
    with pytest.raises(WarningsNotConfirmed):
        save_household(db, operator, same_as_nik)
    save_household(db, operator, family(members=(dataclasses.replace(head),), kk_number=KK))
    assert households(db) == 1

# SPDX-License-Identifier: GPL-3.0-or-later
"""The check while an officer types: exact NIK anywhere, close names in the same village."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from kaltim_desktop.models import Person
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.search import find_possible_duplicates
from tests.conftest import VILLAGE, family

NEIGHBOUR_VILLAGE = "64.72.06.1002"


def register(db, actor, name: str, *, sex="M", village=VILLAGE, nik=None):
    head = MemberInput(name=name, sex=sex, relation="head", nik=nik, birth_date=date(1975, 2, 3))
    data = family(members=(head,), village_code=village, kk_number=None)
    return save_household(db, actor, data, confirm_warnings=True)


def found(db, name: str, village: str = VILLAGE, nik: str | None = None) -> list[str]:
    return [row.id for row in find_possible_duplicates(db, nik, name, village)]


def test_close_names_in_the_village_are_found(db, operator) -> None:
    ridwan = register(db, operator, "Moch. Ridwan")
    karno = register(db, operator, "Soekarno Hadi")
    djoko = register(db, operator, "Djoko Santoso")
    assert found(db, "Muhamad Ridwam") == [ridwan.id]  # Muhammad/Moch. and a typo
    assert found(db, "H. M. RIDWAN, S.Pd.") == [ridwan.id]  # titles and an initial M.
    assert found(db, "Sukarno Hadi") == [karno.id]  # old spelling
    assert found(db, "Hadi Sukarno") == [karno.id]  # word order
    assert found(db, "Joko Santosa") == [djoko.id]


def test_names_that_are_not_close_are_not_found(db, operator) -> None:
    register(db, operator, "Muhammad Rizal")
    register(db, operator, "Siti Aminah", sex="F")
    assert found(db, "Muhammad Rizky") == []  # a brother, not the same person
    assert found(db, "Siti Aisyah") == []
    assert found(db, "Aminah") == []  # a missing word: too little to go on without a date
    assert found(db, "Muhammad Rizal", village=NEIGHBOUR_VILLAGE) == []
    assert found(db, "") == [] and found(db, "H.") == []


def test_merged_persons_are_not_offered(db, operator) -> None:
    nik = "6472060302750011"
    kept = register(db, operator, "Ahmad Fauzan", nik=nik)
    gone = register(db, operator, "Ahmad Fauzan", nik=nik)
    assert sorted(found(db, "Ahmad Fauzan", nik=nik)) == sorted([kept.id, gone.id])
    with db.transaction() as session:
        session.execute(
            update(Person)
            .where(Person.id == gone.members[0].person_id)
            .values(merged_into=kept.members[0].person_id)
        )
    assert found(db, "Ahmad Fauzan", nik=nik) == [kept.id]
    assert found(db, "Someone Else", village=NEIGHBOUR_VILLAGE, nik=nik) == [kept.id]

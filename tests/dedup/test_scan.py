# SPDX-License-Identifier: GPL-3.0-or-later
"""scan_persons against a real SQLite database: households saved through the services, and a
larger synthetic set written in bulk (the benchmark's writer)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from bench.dedup import write_synthetic
from kaltim_desktop.dedup import scan_persons
from kaltim_desktop.dedup.detector import find_candidates
from kaltim_desktop.dedup.records import make_record
from kaltim_desktop.dedup.synthetic import make_synthetic
from kaltim_desktop.errors import Cancelled
from kaltim_desktop.models import Person
from kaltim_desktop.progress import CancelToken
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from tests.conftest import HEAD_NIK, WIFE_NIK, family

BERAU_VILLAGE = "64.03.01.2001"


def one_person_household(db, actor, member: MemberInput, village: str, kk: str | None = None):
    data = family(members=(member,), village_code=village, kk_number=kk, rw=1)
    return save_household(db, actor, data, confirm_warnings=True)


def test_scan_finds_a_second_registration_and_the_same_nik(db, operator) -> None:
    fauzi = save_household(db, operator, family())
    head = next(m for m in fauzi.members if m.relation == "head")
    wife = next(m for m in fauzi.members if m.relation == "spouse")
    # The head registered again in Berau, spelled the old way, without NIK, in another KK.
    again = one_person_household(
        db, operator,
        MemberInput(name="H. Achmad Faoezi", sex="M", relation="head",
                    birth_date=date(1980, 5, 15)),
        BERAU_VILLAGE, kk="6403010101200007",
    )  # fmt: skip
    # The wife's NIK typed for somebody else.
    other = one_person_household(
        db, operator,
        MemberInput(name="Rusmini", sex="F", relation="head", nik=WIFE_NIK,
                    birth_date=date(1985, 8, 17)),
        BERAU_VILLAGE,
    )  # fmt: skip
    with db.read() as session:
        found = scan_persons(session)
    by_pair = {frozenset((c.first_id, c.second_id)): c for c in found}
    moved = by_pair[frozenset((head.person_id, again.members[0].person_id))]
    assert moved.level == "duplicate" and moved.reasons[:2] == ("name", "birth_date")
    same_nik = by_pair[frozenset((wife.person_id, other.members[0].person_id))]
    assert same_nik.level == "duplicate" and same_nik.reasons[0] == "same_nik"
    assert len(found) == 2  # the child and the others are nobody's duplicates

    # Only pairs with the persons of an import; "not a duplicate" is remembered.
    with db.read() as session:
        focused = scan_persons(session, person_ids=[again.members[0].person_id])
        assert [(c.first_id, c.second_id) for c in focused] == [(moved.first_id, moved.second_id)]
        decided = [frozenset((moved.first_id, moved.second_id))]
        assert scan_persons(session, decided=decided) == [same_nik]
        assert scan_persons(session, person_ids=[]) == []


def test_deleted_and_merged_persons_are_left_out(db, operator) -> None:
    fauzi = save_household(db, operator, family())
    head = next(m for m in fauzi.members if m.relation == "head")
    copies = [
        one_person_household(
            db, operator,
            MemberInput(name="Ahmad Fauzi", sex="M", relation="head", nik=HEAD_NIK,
                        birth_date=date(1980, 5, 15)),
            BERAU_VILLAGE,
        ).members[0].person_id
        for _ in range(2)
    ]  # fmt: skip
    with db.read() as session:
        assert len(scan_persons(session)) == 3  # three records of one NIK: three pairs
    with db.transaction() as session:
        session.execute(update(Person).where(Person.id == copies[0]).values(deleted=True))
        session.execute(
            update(Person).where(Person.id == copies[1]).values(merged_into=head.person_id)
        )
    with db.read() as session:
        assert scan_persons(session) == []


def test_scan_of_the_database_equals_the_detector_on_the_same_persons(db) -> None:
    data = make_synthetic(2_000, seed=21)
    write_synthetic(db.path, data)
    records = [
        make_record(p.id, p.nik, p.name, p.sex, p.birth_date, f.village_code, f.id)
        for p, f in data.persons()
    ]
    expected = find_candidates(records)
    with db.read() as session:
        assert scan_persons(session) == expected
    assert len(expected) > 100
    # An import of a few persons: the neighbours read from the database give the same pairs.
    some = [p.id for p, _ in list(data.persons())[::40]]
    with db.read() as session:
        assert scan_persons(session, person_ids=some) == find_candidates(records, focus=some)


def test_a_cancelled_scan_stops_with_cancelled(db, operator) -> None:
    save_household(db, operator, family())
    token = CancelToken()
    with db.read() as session:
        assert scan_persons(session, progress=token) == []
        token.cancel()
        with pytest.raises(Cancelled):
            scan_persons(session, progress=token)

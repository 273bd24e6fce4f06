# SPDX-License-Identifier: GPL-3.0-or-later
"""Trainings, enrolments and attendance through the service: the deterministic enrolment id,
the age warning, attendance within the training dates, completion and dropping out."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kaltim_desktop.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
    WarningsNotConfirmed,
)
from kaltim_desktop.models import AuditEntry, Enrolment, SyncOp, Training
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.trainings import (
    TrainingInput,
    complete_enrolment,
    create_training,
    drop_enrolment,
    enrol,
    enrolment_id,
    get_training,
    list_participants,
    list_trainings,
    mark_attendance,
)
from tests.conftest import family

TODAY = date.today()
START = TODAY - timedelta(days=30)
END = TODAY - timedelta(days=26)
REGENCY = "64.72"  # Kota Samarinda


def course(**changes) -> TrainingInput:
    values = dict(
        title="Pelatihan Pengolahan Amplang",
        skill_category="food_processing",
        agency="disperindagkop",
        start_date=START,
        end_date=END,
        place="UPTD Balai Latihan Kerja Samarinda",
        trainer="Instruktur BLK",
        hours=40,
        regency_code=REGENCY,
    )
    values.update(changes)
    return TrainingInput(**values)


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def ops(db) -> list[SyncOp]:
    with db.read() as s:
        return list(s.scalars(select(SyncOp).order_by(SyncOp.seq)))


def audit(db) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def codes(exc) -> set[str]:
    return {issue.code for issue in exc.issues}


@pytest.fixture
def people(db, operator) -> dict[str, str]:
    """Person ids by relation: head (adult), spouse (adult), child (under 17)."""
    detail = save_household(db, operator, family(), confirm_warnings=True)
    return {m.relation: m.person_id for m in detail.members}


@pytest.fixture
def training(db, operator):
    return create_training(db, operator, course())


# ---- trainings -------------------------------------------------------------------------------


def test_create_training_writes_the_row_op_and_audit_entry(db, operator):
    before_ops = len(ops(db))
    row = create_training(db, operator, course(title="  Pelatihan   Pengolahan Amplang "))

    assert (row.title, row.regency_code, row.hours, row.participants) == (
        "Pelatihan Pengolahan Amplang",
        REGENCY,
        40,
        0,
    )
    new = ops(db)[before_ops:]
    assert [(o.entity, o.entity_id, o.action, o.partition) for o in new] == [
        ("training", row.id, "create", REGENCY)
    ]
    assert [(e.action, e.entity_id) for e in audit(db)[-1:]] == [("training.create", row.id)]
    assert get_training(db, row.id) == row
    assert list_trainings(db) == (row,)


def test_plain_regency_code_is_stored_dotted(db, operator):
    assert create_training(db, operator, course(regency_code="6472")).regency_code == REGENCY


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"end_date": START - timedelta(days=1)}, "end_date", "training.dates"),
        ({"skill_category": "astronomy"}, "skill_category", "value.unknown"),
        ({"agency": "kemenkeu"}, "agency", "value.unknown"),
        ({"regency_code": "64.99"}, "regency_code", "training.regency"),
        ({"regency_code": "64.72.06.1001"}, "regency_code", "training.regency"),  # a village
        ({"regency_code": None}, "regency_code", "training.regency"),
        ({"title": "  "}, "title", "training.title"),
        ({"hours": 0}, "hours", "training.hours"),
        ({"hours": 4.5}, "hours", "training.hours"),
    ],
)
def test_invalid_training_is_refused(db, operator, changes, field, code):
    before = (count(db, Training), count(db, SyncOp))
    with pytest.raises(ValidationError) as caught:
        create_training(db, operator, course(**changes))
    assert {(i.field, i.code) for i in caught.value.issues} == {(field, code)}
    assert (count(db, Training), count(db, SyncOp)) == before


def test_one_day_training_is_fine_and_roles_are_checked(db, operator):
    assert create_training(db, operator, course(end_date=START)).end_date == START
    guest = Actor(officer_id="x", username="guest", role="guest")
    with pytest.raises(PermissionDenied):
        create_training(db, guest, course())


# ---- enrolment -------------------------------------------------------------------------------


def test_enrolment_id_is_deterministic(db, operator, training, people):
    row = enrol(db, operator, training.id, people["head"])

    assert row.id == enrolment_id(training.id, people["head"])
    assert uuid.UUID(row.id).version == 5
    assert row.id != enrolment_id(training.id, people["spouse"])
    assert (row.status, row.attended_days, row.completed_on) == ("enrolled", (), None)


def test_enrolling_twice_returns_the_same_row_and_writes_nothing(db, operator, training, people):
    before_ops = len(ops(db))
    first = enrol(db, operator, training.id, people["head"])
    new = ops(db)[before_ops:]
    assert [(o.entity, o.entity_id, o.action, o.partition) for o in new] == [
        ("enrolment", first.id, "create", REGENCY)
    ]
    assert audit(db)[-1].action == "training.enrol"
    after_first = (count(db, SyncOp), count(db, AuditEntry), count(db, Enrolment))

    second = enrol(db, operator, training.id, people["head"])

    assert second == first
    assert (count(db, SyncOp), count(db, AuditEntry), count(db, Enrolment)) == after_first


def test_under_17_is_a_warning_to_confirm(db, operator, training, people):
    before = count(db, SyncOp)
    with pytest.raises(WarningsNotConfirmed) as caught:
        enrol(db, operator, training.id, people["child"])
    assert codes(caught.value) == {"enrolment.under_age"}
    assert all(i.severity == "warning" for i in caught.value.issues)
    assert "Budi" not in str(caught.value)
    assert count(db, SyncOp) == before

    row = enrol(db, operator, training.id, people["child"], confirm_warnings=True)
    assert row.status == "enrolled"


def test_unknown_age_is_also_a_warning(db, operator, training):
    head = MemberInput(name="Rudi Hartono", sex="M", relation="head")
    detail = save_household(
        db, operator, family(members=(head,), kk_number=None), confirm_warnings=True
    )
    with pytest.raises(WarningsNotConfirmed) as caught:
        enrol(db, operator, training.id, detail.members[0].person_id)
    assert codes(caught.value) == {"enrolment.age_unknown"}


def test_unknown_training_or_person(db, operator, training, people):
    with pytest.raises(NotFound):
        enrol(db, operator, "nope", people["head"])
    with pytest.raises(NotFound):
        enrol(db, operator, training.id, "nope")
    with pytest.raises(NotFound):
        mark_attendance(db, operator, "nope", START)
    with pytest.raises(NotFound):
        list_participants(db, "nope")
    with pytest.raises(NotFound):
        get_training(db, "nope")


# ---- attendance ------------------------------------------------------------------------------


def test_attendance_is_a_sorted_list_of_days(db, operator, training, people):
    row = enrol(db, operator, training.id, people["head"])
    before_ops = len(ops(db))

    mark_attendance(db, operator, row.id, START + timedelta(days=2))
    marked = mark_attendance(db, operator, row.id, START)

    assert marked.attended_days == (START, START + timedelta(days=2))
    with db.read() as s:
        stored = s.get(Enrolment, row.id).attended_days
    assert json.loads(stored) == [START.isoformat(), (START + timedelta(days=2)).isoformat()]
    new = ops(db)[before_ops:]
    assert [(o.entity, o.action, o.partition) for o in new] == [
        ("enrolment", "update", REGENCY)
    ] * 2
    assert audit(db)[-1].action == "training.attendance"

    removed = mark_attendance(db, operator, row.id, START, present=False)
    assert removed.attended_days == (START + timedelta(days=2),)


def test_unchanged_attendance_writes_nothing(db, operator, training, people):
    row = enrol(db, operator, training.id, people["head"])
    mark_attendance(db, operator, row.id, START)
    before = (count(db, SyncOp), count(db, AuditEntry))

    again = mark_attendance(db, operator, row.id, START)
    absent = mark_attendance(db, operator, row.id, END, present=False)

    assert again.attended_days == (START,) == absent.attended_days
    assert (count(db, SyncOp), count(db, AuditEntry)) == before


@pytest.mark.parametrize("day", [START - timedelta(days=1), END + timedelta(days=1)])
def test_attendance_outside_the_training_dates_is_refused(db, operator, training, people, day):
    row = enrol(db, operator, training.id, people["head"])
    before = count(db, SyncOp)
    with pytest.raises(ValidationError) as caught:
        mark_attendance(db, operator, row.id, day)
    assert codes(caught.value) == {"attendance.outside"}
    assert count(db, SyncOp) == before


def test_attendance_cannot_be_in_the_future(db, operator, people):
    current = create_training(
        db,
        operator,
        course(start_date=TODAY - timedelta(days=1), end_date=TODAY + timedelta(days=3)),
    )
    row = enrol(db, operator, current.id, people["head"])
    with pytest.raises(ValidationError) as caught:
        mark_attendance(db, operator, row.id, TODAY + timedelta(days=1))
    assert codes(caught.value) == {"date.future"}
    assert mark_attendance(db, operator, row.id, TODAY).attended_days == (TODAY,)


# ---- completion and dropping out -------------------------------------------------------------


def test_completion_needs_attendance_and_a_date_from_the_start(db, operator, training, people):
    row = enrol(db, operator, training.id, people["head"])

    with pytest.raises(ValidationError) as caught:
        complete_enrolment(db, operator, row.id, END)
    assert codes(caught.value) == {"enrolment.no_attendance"}

    mark_attendance(db, operator, row.id, START)
    with pytest.raises(ValidationError) as caught:
        complete_enrolment(db, operator, row.id, START - timedelta(days=1))
    assert codes(caught.value) == {"enrolment.complete_before_start"}
    before_ops = len(ops(db))

    done = complete_enrolment(db, operator, row.id, END)

    assert (done.status, done.completed_on) == ("completed", END)
    assert [(o.entity, o.action) for o in ops(db)[before_ops:]] == [("enrolment", "update")]
    assert audit(db)[-1].action == "training.complete"
    with pytest.raises(Conflict):
        complete_enrolment(db, operator, row.id, END)
    with pytest.raises(Conflict):
        mark_attendance(db, operator, row.id, START + timedelta(days=1))
    with pytest.raises(Conflict):
        drop_enrolment(db, operator, row.id)
    # Enrolling a participant who completed changes nothing.
    assert enrol(db, operator, training.id, people["head"]) == done


def test_drop_and_enrol_again(db, operator, training, people):
    row = enrol(db, operator, training.id, people["head"])
    mark_attendance(db, operator, row.id, START)

    dropped = drop_enrolment(db, operator, row.id)
    assert dropped.status == "dropped"
    assert audit(db)[-1].action == "training.drop"
    before = count(db, SyncOp)
    assert drop_enrolment(db, operator, row.id) == dropped  # twice: nothing written
    assert count(db, SyncOp) == before
    with pytest.raises(Conflict):
        mark_attendance(db, operator, row.id, START + timedelta(days=1))
    with pytest.raises(Conflict):
        complete_enrolment(db, operator, row.id, END)

    back = enrol(db, operator, training.id, people["head"])
    assert (back.id, back.status, back.attended_days) == (row.id, "enrolled", (START,))
    assert count(db, Enrolment) == 1


def test_participants_list_names_status_and_days(db, operator, training, people):
    head = enrol(db, operator, training.id, people["head"])
    spouse = enrol(db, operator, training.id, people["spouse"])
    for offset in range(3):
        mark_attendance(db, operator, head.id, START + timedelta(days=offset))
    mark_attendance(db, operator, spouse.id, START)
    complete_enrolment(db, operator, head.id, END)
    drop_enrolment(db, operator, spouse.id)

    rows = list_participants(db, training.id)

    assert [(r.name, r.status, r.attended_days, r.completed_on) for r in rows] == [
        ("Ahmad Fauzi", "completed", 3, END),
        ("Siti Rahmah", "dropped", 1, None),
    ]
    assert rows[0].enrolment_id == head.id
    assert get_training(db, training.id).participants == 1  # the dropped one is not counted
    assert list_trainings(db)[0].participants == 1


def test_trainings_are_listed_newest_first(db, operator, training):
    older = create_training(
        db,
        operator,
        course(
            title="Pelatihan Rotan",
            skill_category="rattan_craft",
            start_date=START - timedelta(days=60),
            end_date=START - timedelta(days=55),
        ),
    )
    assert [t.id for t in list_trainings(db)] == [training.id, older.id]

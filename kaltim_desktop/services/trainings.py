# SPDX-License-Identifier: GPL-3.0-or-later
"""Skills trainings, enrolments and attendance (pelatihan berbasis kompetensi, Pergub Kaltim
3/2025).

An enrolment's id is derived from the training and the person (sync-design §3.6), so enrolling
the same person twice, here or on another laptop, yields one record. Attendance is kept as a
sorted list of ISO dates; marking the same day twice changes nothing and writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Conflict, NotFound, ValidationError, WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Enrolment, Person, Training
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.programme_rules import clean, error, not_future
from kaltim_desktop.services.training_rules import (
    TrainingInput,
    age_warnings,
    attended,
    check_training,
    enrolment_id,
)
from kaltim_desktop.sync.oplog import ChangeSet

__all__ = [
    "EnrolmentRow",
    "ParticipantRow",
    "TrainingInput",
    "TrainingRow",
    "complete_enrolment",
    "create_training",
    "drop_enrolment",
    "enrol",
    "enrolment_id",
    "get_training",
    "list_participants",
    "list_trainings",
    "mark_attendance",
]

# Participants counted on a training: dropped-out and removed enrolments are left out.
_COUNTED = (Enrolment.deleted.is_(False), Enrolment.status != "dropped")


@dataclass(frozen=True)
class TrainingRow:
    id: str
    title: str
    skill_category: str
    agency: str
    start_date: date
    end_date: date
    place: str | None
    trainer: str | None
    hours: int | None
    regency_code: str | None
    participants: int  # enrolled or completed, dropped ones left out


@dataclass(frozen=True)
class EnrolmentRow:
    id: str
    training_id: str
    person_id: str
    status: str
    attended_days: tuple[date, ...]
    completed_on: date | None


@dataclass(frozen=True)
class ParticipantRow:
    enrolment_id: str
    person_id: str
    name: str
    status: str
    attended_days: int
    completed_on: date | None


def create_training(db: Database, actor: Actor, data: TrainingInput) -> TrainingRow:
    """Create a training.

    Raises:
        ValidationError: unknown codes or regency, or the end before the start.
    """
    require_role(actor, "operator")
    issues, regency_code = check_training(data)
    if issues:
        raise ValidationError(issues)
    with db.transaction() as session:
        changes = ChangeSet(session, actor=actor.officer_id, action="training.create")
        training_id = changes.create(
            "training",
            {
                "title": clean(data.title),
                "skill_category": data.skill_category,
                "agency": data.agency,
                "start_date": data.start_date,
                "end_date": data.end_date,
                "place": clean(data.place),
                "trainer": clean(data.trainer),
                "hours": data.hours,
                "regency_code": regency_code,
            },
            partition=regency_code,
        )
        changes.commit()
        return _training_row(session.get(Training, training_id), 0)


def _load_training(session: Session, training_id: str) -> Training:
    training = session.get(Training, training_id)
    if training is None or training.deleted:
        raise NotFound(_("The training was not found."))
    return training


def _load_enrolment(session: Session, enrolment_id_: str) -> tuple[Enrolment, Training]:
    enrolment = session.get(Enrolment, enrolment_id_)
    if enrolment is None or enrolment.deleted:
        raise NotFound(_("The enrolment was not found."))
    return enrolment, _load_training(session, enrolment.training_id)


def enrol(
    db: Database, actor: Actor, training_id: str, person_id: str, *, confirm_warnings: bool = False
) -> EnrolmentRow:
    """Enrol a person in a training; enrolling again returns the same enrolment unchanged.

    A person who dropped out is enrolled again on the same record.

    Raises:
        WarningsNotConfirmed: the person is under 17 at the start (or the age is unknown) and
            ``confirm_warnings`` is False.
        NotFound: the training or the person does not exist.
    """
    require_role(actor, "operator")
    with db.transaction() as session:
        training = _load_training(session, training_id)
        person = session.get(Person, person_id)
        if person is None or person.deleted:
            raise NotFound(_("The person was not found."))
        key = enrolment_id(training_id, person_id)
        existing = session.get(Enrolment, key)
        if existing is not None and not existing.deleted and existing.status != "dropped":
            return _enrolment_row(existing)
        issues = age_warnings(person, training.start_date)
        if issues and not confirm_warnings:
            raise WarningsNotConfirmed(issues)
        changes = ChangeSet(session, actor=actor.officer_id, action="training.enrol")
        if existing is None:
            changes.create(
                "enrolment",
                {"training_id": training_id, "person_id": person_id, "status": "enrolled"},
                entity_id=key,
                partition=training.regency_code,
            )
        else:
            changes.update(
                "enrolment",
                key,
                {"status": "enrolled", "deleted": False},
                partition=training.regency_code,
            )
        changes.commit()
        enrolment = session.get(Enrolment, key)
        session.refresh(enrolment)
        return _enrolment_row(enrolment)


def mark_attendance(
    db: Database, actor: Actor, enrolment_id: str, day: date, present: bool = True
) -> EnrolmentRow:
    """Mark a participant present (or not) on one day of the training.

    Raises:
        ValidationError: the day is outside the training dates or in the future.
        Conflict: the enrolment is not active (completed or dropped).
        NotFound: the enrolment does not exist.
    """
    require_role(actor, "operator")
    with db.transaction() as session:
        enrolment, training = _load_enrolment(session, enrolment_id)
        if enrolment.status != "enrolled":
            raise Conflict(_("Attendance can only be changed while the participant is enrolled."))
        issues = not_future("day", day, date.today())
        if not training.start_date <= day <= training.end_date:
            issues.append(
                error(
                    "day", "attendance.outside", _("The day is outside the dates of the training.")
                )
            )
        if issues:
            raise ValidationError(issues)
        days = set(attended(enrolment))
        if present:
            days.add(day.isoformat())
        else:
            days.discard(day.isoformat())
        value = json.dumps(sorted(days), separators=(",", ":")) if days else None
        if value != enrolment.attended_days:  # unchanged: no op, no audit entry
            changes = ChangeSet(session, actor=actor.officer_id, action="training.attendance")
            changes.update(
                "enrolment", enrolment.id, {"attended_days": value}, partition=training.regency_code
            )
            changes.commit()
            session.refresh(enrolment)
        return _enrolment_row(enrolment)


def complete_enrolment(db: Database, actor: Actor, enrolment_id: str, on: date) -> EnrolmentRow:
    """Record that a participant completed the training.

    Raises:
        ValidationError: no attended day yet, or ``on`` before the start or in the future.
        Conflict: the enrolment is not ``enrolled``.
        NotFound: the enrolment does not exist.
    """
    require_role(actor, "operator")
    with db.transaction() as session:
        enrolment, training = _load_enrolment(session, enrolment_id)
        if enrolment.status != "enrolled":
            raise Conflict(_("Only an enrolled participant can complete the training."))
        issues = not_future("on", on, date.today())
        if on < training.start_date:
            issues.append(
                error(
                    "on",
                    "enrolment.complete_before_start",
                    _("The completion date is before the training starts."),
                )
            )
        if not attended(enrolment):
            issues.append(
                error(
                    "attended_days",
                    "enrolment.no_attendance",
                    _("Record at least one day of attendance first."),
                )
            )
        if issues:
            raise ValidationError(issues)
        changes = ChangeSet(session, actor=actor.officer_id, action="training.complete")
        changes.update(
            "enrolment",
            enrolment.id,
            {"status": "completed", "completed_on": on},
            partition=training.regency_code,
        )
        changes.commit()
        session.refresh(enrolment)
        return _enrolment_row(enrolment)


def drop_enrolment(db: Database, actor: Actor, enrolment_id: str) -> EnrolmentRow:
    """Record that a participant dropped out; dropping twice changes nothing.

    Raises:
        Conflict: the participant already completed the training.
        NotFound: the enrolment does not exist.
    """
    require_role(actor, "operator")
    with db.transaction() as session:
        enrolment, training = _load_enrolment(session, enrolment_id)
        if enrolment.status == "completed":
            raise Conflict(_("A participant who completed the training cannot drop out."))
        if enrolment.status != "dropped":
            changes = ChangeSet(session, actor=actor.officer_id, action="training.drop")
            changes.update(
                "enrolment", enrolment.id, {"status": "dropped"}, partition=training.regency_code
            )
            changes.commit()
            session.refresh(enrolment)
        return _enrolment_row(enrolment)


def list_participants(db: Database, training_id: str) -> tuple[ParticipantRow, ...]:
    """The participants of a training by name, with their status and days attended.

    Raises:
        NotFound: the training does not exist.
    """
    with db.read() as session:
        _load_training(session, training_id)
        rows = session.execute(
            select(Enrolment, Person.name)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.training_id == training_id, Enrolment.deleted.is_(False))
            .order_by(func.lower(Person.name), Enrolment.id)
        ).all()
        return tuple(
            ParticipantRow(e.id, e.person_id, name, e.status, len(attended(e)), e.completed_on)
            for e, name in rows
        )


def get_training(db: Database, training_id: str) -> TrainingRow:
    """One training by id.

    Raises:
        NotFound: no such training.
    """
    with db.read() as session:
        training = _load_training(session, training_id)
        count = session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.training_id == training_id, *_COUNTED)
        )
        return _training_row(training, count or 0)


def list_trainings(db: Database) -> tuple[TrainingRow, ...]:
    """All trainings, the most recent start first."""
    with db.read() as session:
        # Result has .keys(), so dict(result) would read it as a mapping; unpack rows instead.
        counts = {
            training_id: n
            for training_id, n in session.execute(
                select(Enrolment.training_id, func.count())
                .where(*_COUNTED)
                .group_by(Enrolment.training_id)
            )
        }
        trainings = session.scalars(
            select(Training)
            .where(Training.deleted.is_(False))
            .order_by(Training.start_date.desc(), Training.title, Training.id)
        )
        return tuple(_training_row(t, counts.get(t.id, 0)) for t in trainings)


def _training_row(t: Training, participants: int) -> TrainingRow:
    return TrainingRow(
        t.id,
        t.title,
        t.skill_category,
        t.agency,
        t.start_date,
        t.end_date,
        t.place,
        t.trainer,
        t.hours,
        t.regency_code,
        participants,
    )


def _enrolment_row(e: Enrolment) -> EnrolmentRow:
    days = tuple(date.fromisoformat(d) for d in attended(e))
    return EnrolmentRow(e.id, e.training_id, e.person_id, e.status, days, e.completed_on)

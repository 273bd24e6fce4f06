# SPDX-License-Identifier: GPL-3.0-or-later
"""Riwayat bantuan: everything one household received across the programmes, for one screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.models import Enrolment, Membership, Person, Training
from kaltim_desktop.services.grants import GrantRow, list_grants
from kaltim_desktop.services.handovers import HandoverRow, list_handovers
from kaltim_desktop.services.household_views import HouseholdDetail, read_detail
from kaltim_desktop.services.training_rules import attended


@dataclass(frozen=True)
class TrainingTaken:
    """A member's place in a training."""

    enrolment_id: str
    training_id: str
    title: str
    person_name: str
    start_date: date
    end_date: date
    status: str
    attended_days: int
    completed_on: date | None


@dataclass(frozen=True)
class HouseholdHistory:
    detail: HouseholdDetail
    handovers: tuple[HandoverRow, ...]
    grants: tuple[GrantRow, ...]
    trainings: tuple[TrainingTaken, ...]


def read_history(db: Database, household_id: str) -> HouseholdHistory:
    """The household with its members, latest house survey, house handovers, business grants
    and the trainings of its current members (newest first).

    Raises:
        NotFound: no such household.
    """
    with db.read() as session:
        detail = read_detail(session, household_id)
        rows = session.execute(
            select(Enrolment, Training, Person.name)
            .join(Training, Training.id == Enrolment.training_id)
            .join(Person, Person.id == Enrolment.person_id)
            .join(Membership, Membership.person_id == Enrolment.person_id)
            .where(
                Membership.household_id == household_id,
                Membership.current(),
                Enrolment.deleted.is_(False),
                Training.deleted.is_(False),
            )
            .order_by(Training.start_date.desc(), Person.name, Enrolment.id)
        ).all()
        trainings = tuple(
            TrainingTaken(
                e.id,
                t.id,
                t.title,
                name,
                t.start_date,
                t.end_date,
                e.status,
                len(attended(e)),
                e.completed_on,
            )
            for e, t, name in rows
        )
    return HouseholdHistory(
        detail, list_handovers(db, household_id), list_grants(db, household_id), trainings
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""The cards of a duplicate pair: two persons (or two households) as a reviewer compares them.

Identity numbers are masked on the cards; :func:`identity_numbers` reads them in full for the
audited "show NIK" of :mod:`kaltim_desktop.services.review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kaltim_desktop.domain.nik import mask_nik
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.models import (
    Enrolment,
    Grant,
    Handover,
    Household,
    Membership,
    Person,
    Training,
)


@dataclass(frozen=True)
class ProgrammeLine:
    """Something the record received: ``kind`` is ``handover``, ``grant`` or ``training``;
    ``stage`` a code of the programme's vocabulary; ``title`` a training's title or a grant's
    programme."""

    kind: str
    id: str
    title: str
    stage: str
    on: date | None


@dataclass(frozen=True)
class RecordCard:
    """One side of a duplicate pair. For a household, the person fields are its head's."""

    entity: str
    id: str
    name: str
    sex: str | None
    birth_place: str | None
    birth_date: date | None
    nik_masked: str | None
    kk_masked: str | None
    household_id: str | None
    village_code: str | None
    place: str
    rt: int | None
    rw: int | None
    head_name: str | None
    members: int
    programmes: tuple[ProgrammeLine, ...]
    created_at: datetime | None
    deleted: bool
    merged_into: str | None


def mask_identity(number: str | None) -> str | None:
    """Everything but the last four digits hidden (sync-design §3.12): the shared masking
    helper's form, with its region prefix hidden as well."""
    if not number:
        return None
    masked = mask_nik(number)
    return "*" * min(4, len(masked)) + masked[4:]


def place_name(village_code: str | None) -> str:
    """``Loa Bakung, Sungai Kunjang, Kota Samarinda`` (village → regency), or the raw code."""
    if not village_code:
        return ""
    tree = region_tree()
    village = tree.get(village_code)
    if village is None:
        return village_code
    upper = [r.name for r in reversed(tree.ancestors(village.code)[1:])]
    return ", ".join([village.name, *upper])


def _current_household(session: Session, person_id: str) -> str | None:
    return session.scalar(
        select(Membership.household_id)
        .where(Membership.person_id == person_id, Membership.current())
        .limit(1)
    )


def _head(session: Session, household_id: str) -> Person | None:
    return session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.household_id == household_id,
            Membership.relation == "head",
            Membership.current(),
        )
        .limit(1)
    )


def _programmes(
    session: Session, household_id: str | None, person_ids: list[str]
) -> tuple[ProgrammeLine, ...]:
    """House handovers and grants of the household (or to the persons), and the persons'
    trainings; cancelled and void ones included (a reviewer needs to see them)."""
    lines: list[ProgrammeLine] = []
    owner = [Handover.recipient_person_id.in_(person_ids)]
    if household_id:
        owner.append(Handover.household_id == household_id)
    for h in session.scalars(select(Handover).where(or_(*owner), Handover.deleted.is_(False))):
        on = h.handed_over_on or h.completed_on or h.construction_started_on or h.surveyed_on
        lines.append(ProgrammeLine("handover", h.id, h.funder or "", h.stage, on))
    owner = [Grant.recipient_person_id.in_(person_ids)]
    if household_id:
        owner.append(Grant.household_id == household_id)
    for g in session.scalars(select(Grant).where(or_(*owner), Grant.deleted.is_(False))):
        on = g.disbursed_on or g.approved_on or g.verified_on or g.proposed_on
        lines.append(ProgrammeLine("grant", g.id, g.programme, g.stage, on))
    rows = session.execute(
        select(Enrolment.id, Enrolment.status, Training.title, Training.start_date)
        .join(Training, Training.id == Enrolment.training_id)
        .where(Enrolment.person_id.in_(person_ids), Enrolment.deleted.is_(False))
    )
    lines += [ProgrammeLine("training", r.id, r.title, r.status, r.start_date) for r in rows]
    return tuple(sorted(lines, key=lambda p: (p.on or date.min, p.kind, p.id), reverse=True))


def _members(session: Session, household_id: str | None) -> list[str]:
    if household_id is None:
        return []
    return list(
        session.scalars(
            select(Membership.person_id).where(
                Membership.household_id == household_id, Membership.current()
            )
        )
    )


def read_card(session: Session, entity: str, record_id: str) -> RecordCard | None:
    """The card of a person or household, or None when the record is not on this laptop."""
    if entity == "person":
        person = session.get(Person, record_id)
        if person is None:
            return None
        household_id = _current_household(session, record_id)
        household = session.get(Household, household_id) if household_id else None
        people = [record_id]
        record = person
    else:
        household = session.get(Household, record_id)
        if household is None:
            return None
        household_id = record_id
        person = _head(session, record_id)
        people = _members(session, record_id)
        record = household
    member_count = (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.household_id == household_id, Membership.current())
        )
        if household_id
        else 0
    )
    village = household.village_code if household else None
    return RecordCard(
        entity=entity, id=record_id,
        name=(person.name if person else None) or (household.head_name if household else "") or "",
        sex=person.sex if person else None,
        birth_place=person.birth_place if person else None,
        birth_date=person.birth_date if person else None,
        nik_masked=mask_identity(person.nik) if person else None,
        kk_masked=mask_identity(household.kk_number) if household else None,
        household_id=household_id, village_code=village, place=place_name(village),
        rt=household.rt if household else None, rw=household.rw if household else None,
        head_name=household.head_name if household else None, members=member_count or 0,
        programmes=_programmes(session, household_id, people),
        created_at=record.created_at, deleted=record.deleted, merged_into=record.merged_into,
    )  # fmt: skip


def identity_numbers(session: Session, entity: str, record_id: str) -> tuple[str | None, ...]:
    """``(nik, kk)`` of a card in full: the person's (or the head's) NIK, the household's KK."""
    if entity == "person":
        person = session.get(Person, record_id)
        household_id = _current_household(session, record_id)
    else:
        household_id = record_id
        person = _head(session, record_id)
    household = session.get(Household, household_id) if household_id else None
    return (person.nik if person else None, household.kk_number if household else None)

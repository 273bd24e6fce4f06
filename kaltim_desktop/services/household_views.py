# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading households: the detail of one household with its members and latest house
assessment, as frozen dataclasses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.domain.rtlh import HouseCondition
from kaltim_desktop.errors import NotFound
from kaltim_desktop.i18n import _
from kaltim_desktop.models import HouseAssessment, Household, Membership, Person


@dataclass(frozen=True)
class MemberRow:
    person_id: str
    membership_id: str
    name: str
    nik: str | None
    sex: str
    relation: str
    birth_place: str | None
    birth_date: date | None
    education: str | None
    occupation: str | None
    disability: str | None
    skills: str | None
    domicile_since: date | None


@dataclass(frozen=True)
class AssessmentRow:
    id: str
    assessed_on: date
    condition: HouseCondition
    decent: bool | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class HouseholdDetail:
    id: str
    kk_number: str | None
    kk_as_of: date | None
    village_code: str
    address: str
    rt: int | None
    rw: int | None
    hamlet: str | None
    street: str | None
    phone: str | None
    gps_lat_e6: int | None
    gps_lon_e6: int | None
    dtsen_decile: int | None
    dtsen_as_of: date | None
    notes: str | None
    head_name: str | None
    members: tuple[MemberRow, ...]
    assessment: AssessmentRow | None
    deleted: bool


def get_household(db: Database, household_id: str) -> HouseholdDetail:
    with db.read() as session:
        return read_detail(session, household_id)


# ---- reading --------------------------------------------------------------------------------


def assessment_row(row: HouseAssessment) -> AssessmentRow:
    condition = HouseCondition(**{f: getattr(row, f) for f in HouseCondition.__dataclass_fields__})
    return AssessmentRow(
        row.id,
        row.assessed_on,
        condition,
        row.decent,
        tuple(json.loads(row.reasons)) if row.reasons else (),
    )


def format_address(household: Household) -> str:
    tree = region_tree()
    parts = [household.street, household.hamlet]
    if household.rt:
        parts.append(f"RT {household.rt:03d}" + (f"/RW {household.rw:03d}" if household.rw else ""))
    village = tree.get(household.village_code)
    if village is not None:
        # ancestors() runs province → district; the address reads village → regency.
        parts += [village.name, *(r.name for r in reversed(tree.ancestors(village.code)[1:]))]
    return ", ".join(p for p in parts if p)


_RELATION_ORDER = {code: rank for rank, code in enumerate(vocab.RELATION)}
_PERSON_COLUMNS = (
    Person.id, Person.name, Person.nik, Person.sex, Person.birth_place, Person.birth_date,
    Person.education, Person.occupation, Person.disability, Person.skills, Person.domicile_since,
)  # fmt: skip


def read_detail(session: Session, household_id: str) -> HouseholdDetail:
    # Plain column selects: this runs after every save, and ORM object loading costs more
    # than the rest of a registration.
    h = session.execute(select(Household.__table__).where(Household.id == household_id)).first()
    if h is None:
        raise NotFound(_("The household was not found."))
    rows = session.execute(
        select(*_PERSON_COLUMNS, Membership.id.label("membership_id"), Membership.relation)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.household_id == household_id,
            Membership.current(),
        )
    ).all()
    latest = session.execute(
        select(HouseAssessment.__table__)
        .where(HouseAssessment.household_id == household_id, HouseAssessment.deleted.is_(False))
        .order_by(HouseAssessment.assessed_on.desc(), HouseAssessment.created_at.desc())
        .limit(1)
    ).first()
    members = sorted((member_row(r) for r in rows), key=member_order)
    return household_detail(h, members, assessment_row(latest) if latest else None)


def member_row(r) -> MemberRow:
    return MemberRow(
        r.id, r.membership_id, r.name, r.nik, r.sex, r.relation, r.birth_place, r.birth_date,
        r.education, r.occupation, r.disability, r.skills, r.domicile_since,
    )  # fmt: skip


def member_order(m: MemberRow) -> tuple:
    """The order of a KK: head, spouse, children..., eldest first."""
    return (_RELATION_ORDER.get(m.relation, 99), m.birth_date or date.max, m.person_id)


def household_detail(h, members: list[MemberRow], assessment: AssessmentRow | None):
    return HouseholdDetail(
        h.id, h.kk_number, h.kk_as_of, h.village_code, format_address(h), h.rt, h.rw,
        h.hamlet, h.street, h.phone, h.gps_lat_e6, h.gps_lon_e6, h.dtsen_decile, h.dtsen_as_of,
        h.notes, h.head_name, tuple(members), assessment, h.deleted,
    )  # fmt: skip

# SPDX-License-Identifier: GPL-3.0-or-later
"""Registering and editing households, their members and house-condition assessments."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.domain.rtlh import HouseCondition, assess, validate_condition
from kaltim_desktop.errors import Issue, NotFound, ValidationError, WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.models import HouseAssessment, Household, Membership, Person
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.household_rules import (
    Cleaned,
    HouseholdInput,
    MemberInput,
    check_against_database,
    check_household,
    clean_text,
)
from kaltim_desktop.services.household_views import (
    AssessmentRow,
    HouseholdDetail,
    MemberRow,
    assessment_row,
    get_household,
    household_detail,
    member_order,
    member_row,
    read_detail,
)
from kaltim_desktop.sync.oplog import ChangeSet

__all__ = [
    "AssessmentRow",
    "HouseholdDetail",
    "HouseholdInput",
    "MemberInput",
    "MemberRow",
    "get_household",
    "move_member",
    "record_assessment",
    "save_household",
]


def _person_fields(member: MemberInput, nik: str | None) -> dict:
    return {
        "nik": nik,
        "name": clean_text(member.name),
        "sex": member.sex,
        "birth_place": clean_text(member.birth_place),
        "birth_date": member.birth_date,
        "education": member.education,
        "occupation": clean_text(member.occupation),
        "disability": member.disability,
        "skills": clean_text(member.skills),
        "domicile_since": member.domicile_since,
    }


def _household_fields(data: HouseholdInput, cleaned: Cleaned) -> dict:
    head = next(m for m in data.members if m.relation == "head")
    return {
        "kk_number": cleaned.kk_number,
        "kk_as_of": data.kk_as_of if cleaned.kk_number else None,
        "village_code": region_tree().get(data.village_code).code,
        "rt": data.rt,
        "rw": data.rw,
        "hamlet": clean_text(data.hamlet),
        "street": clean_text(data.street),
        "phone": cleaned.phone,
        "gps_lat_e6": data.gps_lat_e6,
        "gps_lon_e6": data.gps_lon_e6,
        "dtsen_decile": data.dtsen_decile,
        "dtsen_as_of": data.dtsen_as_of if data.dtsen_decile else None,
        "notes": (data.notes or "").strip() or None,
        "head_name": clean_text(head.name),
    }


def _raise_for(cleaned: Cleaned, confirm_warnings: bool) -> None:
    if any(issue.is_error for issue in cleaned.issues):
        raise ValidationError(cleaned.issues)
    if cleaned.issues and not confirm_warnings:
        raise WarningsNotConfirmed(cleaned.issues)


def _assessment_fields(condition: HouseCondition, assessed_on: date) -> dict:
    verdict = assess(condition)
    return {
        **asdict(condition),
        "assessed_on": assessed_on,
        "decent": verdict.decent,
        "reasons": json.dumps([r.code for r in verdict.reasons]) if verdict.reasons else None,
    }


def save_household(
    db: Database,
    actor: Actor,
    data: HouseholdInput,
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> HouseholdDetail:
    """Create or update a household with its members in one transaction.

    Members whose ``person_id`` is missing are new persons; existing members left out of
    ``data.members`` leave the household (their membership ends, the person stays).

    Raises:
        ValidationError: errors were found; nothing was written.
        WarningsNotConfirmed: only warnings were found and ``confirm_warnings`` is False.
    """
    require_role(actor, "operator")
    today = today or date.today()
    cleaned = check_household(data, today)
    if any(issue.is_error for issue in cleaned.issues):
        raise ValidationError(cleaned.issues)  # before touching the database
    with db.transaction() as session:
        existing = session.get(Household, data.id) if data.id else None
        if existing is not None and existing.deleted:
            raise NotFound(_("This household has been deleted."))
        if existing is not None and existing.merged_into is not None:
            # Its members and programmes live on the survivor now: an edit here would be lost.
            raise NotFound(_("This household was merged into another one; edit that one."))
        check_against_database(session, data, cleaned)
        _raise_for(cleaned, confirm_warnings)
        changes = ChangeSet(
            session,
            actor=actor.officer_id,
            action="household.update" if existing else "household.register",
        )
        fields = _household_fields(data, cleaned)
        partition = fields["village_code"]
        if existing is None:
            household_id = changes.create(
                "household", fields, entity_id=data.id, partition=partition
            )
        else:
            household_id = existing.id
            changes.update("household", household_id, fields, partition=partition)
        changes.main_record("household", household_id)
        members = _save_members(
            session,
            changes,
            household_id,
            data,
            cleaned,
            partition,
            is_new=existing is None,
            today=today,
        )
        assessment = None
        if data.house is not None:
            assessment_fields = _assessment_fields(data.house, data.house_assessed_on or today)
            assessment_id = changes.create(
                "house_assessment",
                {"household_id": household_id, **assessment_fields},
                partition=partition,
            )
            assessment = assessment_row(SimpleNamespace(id=assessment_id, **assessment_fields))
        changes.commit()
        if existing is not None:
            return read_detail(session, household_id)
        # A new household is exactly what was just written: no need to read it back.
        return household_detail(
            SimpleNamespace(id=household_id, deleted=False, **fields), members, assessment
        )


def _save_members(
    session: Session,
    changes: ChangeSet,
    household_id: str,
    data: HouseholdInput,
    cleaned: Cleaned,
    partition: str,
    *,
    is_new: bool,
    today: date,
) -> list[MemberRow]:
    """Write the members; return them as written (complete for a new household)."""
    written: list[MemberRow] = []
    current: dict[str, Membership] = {}
    people: dict[str, Person] = {}
    if not is_new:
        current = {
            m.person_id: m
            for m in session.scalars(
                select(Membership).where(
                    Membership.household_id == household_id,
                    Membership.current(),
                )
            )
        }
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(current)))}
    kept = set()
    for member, nik in zip(data.members, cleaned.member_niks, strict=True):
        fields = _person_fields(member, nik)
        if member.person_id is None:
            member = dataclasses.replace(member, person_id=_same_person(people, kept, fields))
        if member.person_id and member.person_id in current:
            changes.update("person", member.person_id, fields, partition=partition)
            changes.update(
                "membership",
                current[member.person_id].id,
                {"relation": member.relation},
                partition=partition,
            )
            kept.add(member.person_id)
            continue
        person_id = member.person_id
        if person_id is None or session.get(Person, person_id) is None:
            person_id = changes.create("person", fields, entity_id=person_id, partition=partition)
        else:
            changes.update("person", person_id, fields, partition=partition)
        membership_id = changes.create(
            "membership",
            {
                "household_id": household_id,
                "person_id": person_id,
                "relation": member.relation,
                "active": True,
            },
            partition=partition,
        )
        written.append(member_row(SimpleNamespace(
            **fields, id=person_id, membership_id=membership_id, relation=member.relation
        )))  # fmt: skip
    for person_id, membership in current.items():
        if person_id not in kept:
            changes.update(
                "membership",
                membership.id,
                {"active": False, "left_on": today},
                partition=partition,
            )
    return sorted(written, key=member_order)


def _same_person(people: dict[str, Person], taken: set[str], fields: dict) -> str | None:
    """Find the current member a form row without ``person_id`` stands for, so that saving the
    same form twice updates instead of adding the family again: same NIK, or with no NIK the
    same name and birth date."""
    for person_id, person in people.items():
        if person_id in taken:
            continue
        if fields["nik"] and person.nik == fields["nik"]:
            return person_id
        if (
            not fields["nik"]
            and not person.nik
            and person.name == fields["name"]
            and person.birth_date == fields["birth_date"]
        ):
            return person_id
    return None


def move_member(
    db: Database,
    actor: Actor,
    person_id: str,
    to_household_id: str,
    relation: str,
    *,
    on: date | None = None,
) -> HouseholdDetail:
    """Move a person to another household: the old membership ends in the same transaction, so
    the person is never active in two households."""
    require_role(actor, "operator")
    if relation not in vocab.RELATION:
        raise ValidationError(
            [Issue("relation", "value.unknown", "error", _("Choose a value from the list."))]
        )
    with db.transaction() as session:
        target = session.get(Household, to_household_id)
        if target is None or target.deleted or session.get(Person, person_id) is None:
            raise NotFound(_("The household or person was not found."))
        active = session.execute(
            select(Membership, Household.village_code)
            .join(Household, Household.id == Membership.household_id)
            .where(
                Membership.person_id == person_id,
                Membership.current(),
            )
        ).all()
        if any(m.household_id == to_household_id for m, _village in active):
            return read_detail(session, to_household_id)  # already there: nothing to write
        changes = ChangeSet(session, actor=actor.officer_id, action="household.move_member")
        for membership, village_code in active:
            changes.update(
                "membership",
                membership.id,
                {"active": False, "left_on": on or date.today()},
                partition=village_code,
            )
        changes.create(
            "membership",
            {
                "household_id": to_household_id,
                "person_id": person_id,
                "relation": relation,
                "active": True,
            },
            partition=target.village_code,
        )
        changes.main_record("household", to_household_id)
        changes.commit()
        return read_detail(session, to_household_id)


def record_assessment(
    db: Database,
    actor: Actor,
    household_id: str,
    condition: HouseCondition,
    assessed_on: date | None = None,
) -> AssessmentRow:
    """Store a new RTLH assessment; the verdict is computed here, never typed."""
    require_role(actor, "operator")
    issues = [i for i in validate_condition(condition) if i.is_error]
    if issues:
        raise ValidationError(issues)
    with db.transaction() as session:
        household = session.get(Household, household_id)
        if household is None or household.deleted:
            raise NotFound(_("The household was not found."))
        changes = ChangeSet(session, actor=actor.officer_id, action="household.assess")
        assessment_id = changes.create(
            "house_assessment",
            {
                "household_id": household_id,
                **_assessment_fields(condition, assessed_on or date.today()),
            },
            partition=household.village_code,
        )
        changes.commit()
        return assessment_row(session.get(HouseAssessment, assessment_id))

# SPDX-License-Identifier: GPL-3.0-or-later
"""What each export contains: its columns and the query that yields its rows.

Every query reads records that are not deleted nor merged, within a region when one is given
(an index range on the dotted village code), in a stable order (region, then head of family).
Rows are yielded one by one, so a large export never holds the whole register in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta, timezone
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.i18n import N_
from kaltim_desktop.models import (
    Enrolment,
    Grant,
    Handover,
    Household,
    Membership,
    Person,
    Training,
)

WITA = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Column:
    """``kind``: text, date, int, rupiah or plain (None); ``identity``: a NIK or KK number
    (text cell, masked on request); ``labels``: a vocabulary shown as labels in the xlsx."""

    key: str
    label: str
    kind: str | None = None
    width: int = 14
    identity: bool = False
    labels: dict | None = None


@dataclass(frozen=True)
class Query:
    title: str
    columns: tuple[Column, ...]
    statuses: tuple[str, ...]
    rows: Callable[[Session, str | None, str | None], Iterator[tuple]]


def _nik(key: str, label: str) -> Column:
    return Column(key, label, "text", 19, identity=True)


_REGION_COLUMNS = (
    Column("village", N_("Village"), width=20),
    Column("district", N_("District"), width=18),
    Column("regency", N_("Regency/city"), width=22),
    Column("village_code", N_("Village code"), width=14),
)


@lru_cache(maxsize=2048)
def _region_names(village_code: str) -> tuple[str, str, str, str]:
    tree = region_tree()
    village = tree.get(village_code)
    chain = {r.level: r.name for r in tree.ancestors(village_code)}
    return (
        village.name if village else "",
        chain.get("district", ""),
        chain.get("regency", ""),
        village_code,
    )


def _in_region(region: str | None) -> list[ColumnElement[bool]]:
    if region is None:
        return []
    return [
        or_(
            Household.village_code == region,
            and_(Household.village_code >= region + ".", Household.village_code < region + "/"),
        )
    ]


def _live(*models) -> list[ColumnElement[bool]]:
    return [c for m in models for c in (m.deleted.is_(False), m.merged_into.is_(None))]


def _households(session: Session, region: str | None, _status: str | None) -> Iterator[tuple]:
    query = (
        select(
            Household.kk_number, Household.head_name, Person.name, Person.nik,
            Membership.relation, Person.sex, Person.birth_place, Person.birth_date,
            Household.street, Household.rt, Household.rw, Household.village_code,
            Household.phone, Household.dtsen_decile, Household.created_at,
        )
        .join(Membership, Membership.household_id == Household.id)
        .join(Person, Person.id == Membership.person_id)
        .where(*_live(Household), Membership.current(), *_in_region(region))
        .order_by(Household.village_code, Household.head_name, Household.id, Person.birth_date)
    )  # fmt: skip
    for row in session.execute(query):
        *head, village_code, phone, decile, created = row
        yield (*head, *_region_names(village_code), phone, decile,
               created.astimezone(WITA).date())  # fmt: skip


def _handovers(session: Session, region: str | None, status: str | None) -> Iterator[tuple]:
    recipient = aliased(Person)
    query = (
        select(
            Household.kk_number, Household.head_name, recipient.nik, Household.village_code,
            Handover.stage, Handover.funder, Handover.building_partner, Handover.house_type,
            Handover.cost_rupiah, Handover.surveyed_on, Handover.construction_started_on,
            Handover.completed_on, Handover.handed_over_on, Handover.bast_number,
        )
        .join(Household, Household.id == Handover.household_id)
        .outerjoin(recipient, recipient.id == Handover.recipient_person_id)
        .where(*_live(Handover, Household), *_in_region(region))
        .order_by(Household.village_code, Household.head_name, Handover.id)
    )  # fmt: skip
    if status:
        query = query.where(Handover.stage == status)
    for kk, head, nik, village_code, *rest in session.execute(query):
        yield (kk, head, nik, *_region_names(village_code), *rest)


def _grants(session: Session, region: str | None, status: str | None) -> Iterator[tuple]:
    query = (
        select(
            Household.kk_number, Person.name, Person.nik, Household.village_code,
            Grant.programme, Grant.period, Grant.stage, Grant.form, Grant.business_type,
            Grant.agency, Grant.amount_rupiah, Grant.decision_number, Grant.proposed_on,
            Grant.approved_on, Grant.disbursed_on,
        )
        .join(Household, Household.id == Grant.household_id)
        .join(Person, Person.id == Grant.recipient_person_id)
        .where(*_live(Grant, Household), *_in_region(region))
        .order_by(Household.village_code, Person.name, Grant.id)
    )  # fmt: skip
    if status:
        query = query.where(Grant.stage == status)
    for kk, name, nik, village_code, *rest in session.execute(query):
        yield (kk, name, nik, *_region_names(village_code), *rest)


def _trainings(session: Session, region: str | None, status: str | None) -> Iterator[tuple]:
    query = (
        select(
            Training.title, Training.skill_category, Training.agency, Training.start_date,
            Training.end_date, Training.place, Training.hours, Person.name, Person.nik,
            Household.village_code, Enrolment.status, Enrolment.completed_on,
        )
        .join(Enrolment, Enrolment.training_id == Training.id)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Membership, and_(Membership.person_id == Person.id, Membership.current()))
        .join(Household, Household.id == Membership.household_id)
        .where(*_live(Training, Enrolment, Household), *_in_region(region))
        .order_by(Training.start_date, Training.title, Training.id, Person.name)
    )  # fmt: skip
    if status:
        query = query.where(Enrolment.status == status)
    for *training, name, nik, village_code, state, completed in session.execute(query):
        yield (*training, name, nik, *_region_names(village_code), state, completed)


QUERIES: dict[str, Query] = {
    "households": Query(
        N_("Households"),
        (
            _nik("kk_number", N_("KK number")),
            Column("head_name", N_("Head of family"), width=26),
            Column("name", N_("Name"), width=26),
            _nik("nik", N_("NIK")),
            Column("relation", N_("Relation"), labels=vocab.RELATION),
            Column("sex", N_("Sex"), width=10, labels=vocab.SEX),
            Column("birth_place", N_("Place of birth"), width=16),
            Column("birth_date", N_("Date of birth"), "date", 12),
            Column("street", N_("Address"), width=28),
            Column("rt", N_("RT"), "int", 6),
            Column("rw", N_("RW"), "int", 6),
            *_REGION_COLUMNS,
            Column("phone", N_("Phone"), "text", 16),
            Column("dtsen_decile", N_("DTSEN decile"), "int", 8),
            Column("registered_on", N_("Registered on"), "date", 12),
        ),
        (),
        _households,
    ),
    "handovers": Query(
        N_("House handovers"),
        (
            _nik("kk_number", N_("KK number")),
            Column("head_name", N_("Head of family"), width=26),
            _nik("recipient_nik", N_("Recipient NIK")),
            *_REGION_COLUMNS,
            Column("stage", N_("Stage"), labels=vocab.HANDOVER_STAGE),
            Column("funder", N_("Funder (CSR)"), width=28),
            Column("building_partner", N_("Building partner"), width=24),
            Column("house_type", N_("House type"), width=16, labels=vocab.HOUSE_TYPE),
            Column("cost_rupiah", N_("Cost (Rp)"), "rupiah", 14),
            Column("surveyed_on", N_("Surveyed on"), "date", 12),
            Column("construction_started_on", N_("Construction started"), "date", 12),
            Column("completed_on", N_("Completed on"), "date", 12),
            Column("handed_over_on", N_("Handed over on"), "date", 12),
            Column("bast_number", N_("BAST number"), width=24),
        ),
        tuple(vocab.HANDOVER_STAGE),
        _handovers,
    ),
    "grants": Query(
        N_("Business grants"),
        (
            _nik("kk_number", N_("KK number")),
            Column("recipient_name", N_("Recipient"), width=26),
            _nik("recipient_nik", N_("Recipient NIK")),
            *_REGION_COLUMNS,
            Column("programme", N_("Programme"), width=18),
            Column("period", N_("Year"), "int", 8),
            Column("stage", N_("Stage"), labels=vocab.GRANT_STAGE),
            Column("form", N_("Form"), width=22, labels=vocab.GRANT_FORM),
            Column("business_type", N_("Business"), width=20),
            Column("agency", N_("Agency"), width=22, labels=vocab.AGENCY),
            Column("amount_rupiah", N_("Amount (Rp)"), "rupiah", 14),
            Column("decision_number", N_("Decision number"), width=22),
            Column("proposed_on", N_("Proposed on"), "date", 12),
            Column("approved_on", N_("Approved on"), "date", 12),
            Column("disbursed_on", N_("Disbursed on"), "date", 12),
        ),
        tuple(vocab.GRANT_STAGE),
        _grants,
    ),
    "trainings": Query(
        N_("Trainings"),
        (
            Column("title", N_("Training"), width=30),
            Column("skill_category", N_("Skill"), width=20, labels=vocab.SKILL_CATEGORY),
            Column("agency", N_("Agency"), width=22, labels=vocab.AGENCY),
            Column("start_date", N_("Start"), "date", 12),
            Column("end_date", N_("End"), "date", 12),
            Column("place", N_("Place"), width=20),
            Column("hours", N_("Hours (JP)"), "int", 8),
            Column("participant", N_("Participant"), width=26),
            _nik("nik", N_("NIK")),
            *_REGION_COLUMNS,
            Column("status", N_("Status"), labels=vocab.ENROLMENT_STATUS),
            Column("completed_on", N_("Completed on"), "date", 12),
        ),
        tuple(vocab.ENROLMENT_STATUS),
        _trainings,
    ),
}

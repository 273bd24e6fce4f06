# SPDX-License-Identifier: GPL-3.0-or-later
"""Province-wide lists of house handovers and grants, and the attendance of a training.

Read-only views for the programme screens: the handover and grant services list one
household's records, while an officer works through all records at a stage in a region. Each
list is one read session (one WAL snapshot) and returns frozen rows with the household's head
and place already resolved, plus the number of matching records beyond the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from kaltim_desktop.db import Database
from kaltim_desktop.domain.regions import normalize_code, region_tree
from kaltim_desktop.errors import NotFound
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Enrolment, Grant, Handover, Household, Person
from kaltim_desktop.services.grant_rules import Eligibility, evaluate
from kaltim_desktop.services.search_sources import starts_with
from kaltim_desktop.services.training_rules import attended

__all__ = [
    "GrantListRow",
    "HandoverListRow",
    "Listing",
    "grant_eligibility",
    "handover_parties",
    "list_grant_rows",
    "list_handover_rows",
    "training_attendance",
]


@dataclass(frozen=True)
class Place:
    """The household's village, district and regency names."""

    village: str
    district: str
    regency: str


@dataclass(frozen=True)
class HandoverListRow:
    id: str
    household_id: str
    head_name: str | None
    place: Place
    stage: str
    funder: str | None
    building_partner: str | None
    house_type: str | None
    cost_rupiah: int | None
    surveyed_on: date | None
    stage_on: date | None  # the date of the stage it is at (survey date when cancelled)
    recipient_name: str | None


@dataclass(frozen=True)
class GrantListRow:
    id: str
    household_id: str
    head_name: str | None
    place: Place
    recipient_name: str | None
    programme: str
    period: int
    stage: str
    form: str
    agency: str
    amount_rupiah: int
    proposed_on: date | None
    stage_on: date | None


@dataclass(frozen=True)
class Listing:
    """The first ``limit`` rows, and totals over every matching record."""

    rows: tuple
    total: int
    total_rupiah: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _place(village_code: str) -> Place:
    tree = region_tree()
    village = tree.get(village_code)
    chain = {r.level: r.name for r in tree.ancestors(village_code)}
    return Place(
        village.name if village else village_code,
        chain.get("district", ""),
        chain.get("regency", ""),
    )


def _region_filter(query: Select, region: str | None) -> Select:
    if not region:
        return query
    code = normalize_code(region)
    found = region_tree().get(code)
    if found is not None and found.level == "village":
        return query.where(Household.village_code == code)
    return query.where(starts_with(Household.village_code, code + "."))


def list_handover_rows(
    db: Database, *, stage: str | None = None, region: str | None = None, limit: int = 1000
) -> Listing:
    """Handovers (cancelled ones included) of living households, the latest survey first.

    Args:
        db: the database.
        stage: only this stage.
        region: only households in this regency, district or village (dotted or plain code).
        limit: the most rows returned.
    """
    recipient = aliased(Person)
    base = (
        select(Handover.id)
        .join(Household, Household.id == Handover.household_id)
        .where(
            Handover.deleted.is_(False),
            Handover.merged_into.is_(None),
            Household.deleted.is_(False),
            Household.merged_into.is_(None),
        )
    )
    if stage:
        base = base.where(Handover.stage == stage)
    base = _region_filter(base, region)
    query = (
        base.add_columns(Handover, Household.head_name, Household.village_code, recipient.name)
        .outerjoin(recipient, recipient.id == Handover.recipient_person_id)
        .order_by(Handover.surveyed_on.desc(), Handover.id)
        .limit(limit)
    )
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = tuple(
            HandoverListRow(
                id=h.id,
                household_id=h.household_id,
                head_name=head,
                place=_place(village),
                stage=h.stage,
                funder=h.funder,
                building_partner=h.building_partner,
                house_type=h.house_type,
                cost_rupiah=h.cost_rupiah,
                surveyed_on=h.surveyed_on,
                stage_on={
                    "under_construction": h.construction_started_on,
                    "completed": h.completed_on,
                    "handed_over": h.handed_over_on,
                }.get(h.stage, h.surveyed_on),
                recipient_name=name,
            )
            for _id, h, head, village, name in session.execute(query)
        )
    return Listing(rows, total)


def list_grant_rows(
    db: Database, *, stage: str | None = None, region: str | None = None, limit: int = 1000
) -> Listing:
    """Grants (void ones included) of living households, the latest proposal first; the rupiah
    total leaves void grants out."""
    base = (
        select(Grant.id)
        .join(Household, Household.id == Grant.household_id)
        .where(
            Grant.deleted.is_(False),
            Grant.merged_into.is_(None),
            Household.deleted.is_(False),
            Household.merged_into.is_(None),
        )
    )
    if stage:
        base = base.where(Grant.stage == stage)
    base = _region_filter(base, region)
    query = (
        base.add_columns(Grant, Household.head_name, Household.village_code, Person.name)
        .join(Person, Person.id == Grant.recipient_person_id)
        .order_by(Grant.proposed_on.desc(), Grant.id)
        .limit(limit)
    )
    sums = base.with_only_columns(
        func.count(), func.coalesce(func.sum(Grant.amount_rupiah).filter(Grant.stage != "void"), 0)
    )
    with db.read() as session:
        total, rupiah = session.execute(sums).one()
        rows = tuple(
            GrantListRow(
                id=g.id,
                household_id=g.household_id,
                head_name=head,
                place=_place(village),
                recipient_name=name,
                programme=g.programme,
                period=g.period,
                stage=g.stage,
                form=g.form,
                agency=g.agency,
                amount_rupiah=g.amount_rupiah,
                proposed_on=g.proposed_on,
                stage_on={
                    "verified": g.verified_on,
                    "approved": g.approved_on,
                    "disbursed": g.disbursed_on,
                }.get(g.stage, g.proposed_on),
            )
            for _id, g, head, village, name in session.execute(query)
        )
    return Listing(rows, total or 0, int(rupiah or 0))


def training_attendance(db: Database, training_id: str) -> dict[str, tuple[date, ...]]:
    """The days each participant of a training attended, by enrolment id."""
    with db.read() as session:
        enrolments = session.scalars(
            select(Enrolment).where(
                Enrolment.training_id == training_id, Enrolment.deleted.is_(False)
            )
        )
        return {e.id: tuple(date.fromisoformat(d) for d in attended(e)) for e in enrolments}


def handover_parties(db: Database) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The funders and the building partners named on handovers so far, each sorted: the
    officer picks a known name instead of typing a variant of it."""
    with db.read() as session:

        def names(column) -> tuple[str, ...]:
            query = (
                select(column)
                .where(column.is_not(None), Handover.deleted.is_(False))
                .distinct()
                .order_by(column)
            )
            return tuple(session.scalars(query))

        return names(Handover.funder), names(Handover.building_partner)


def grant_eligibility(db: Database, grant_id: str, on: date) -> Eligibility:
    """The eligibility of an existing grant on ``on``, as its approval will evaluate it (the
    grant itself is not its own duplicate): shown to whoever verifies or approves it.

    Raises:
        NotFound: no such grant.
    """
    with db.read() as session:
        grant = session.get(Grant, grant_id)
        if grant is None or grant.deleted:
            raise NotFound(_("The grant was not found."))
        return evaluate(
            session,
            grant.household_id,
            grant.recipient_person_id,
            grant.programme,
            grant.period,
            on,
            exclude_grant_id=grant.id,
        )

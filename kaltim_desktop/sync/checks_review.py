# SPDX-License-Identifier: GPL-3.0-or-later
"""Review items that come from checks of the whole data rather than from one record's ops:
possible duplicate persons (:mod:`kaltim_desktop.dedup`) and the province's invariants.

Invariants are checked, never enforced, across replicas (sync-design §3.6): two laptops can
each record a correct change that together break a rule, and the import must not refuse a
bundle for it. The breach becomes an item, open while it lasts, resolved once a later change
repairs it:

- a person is a current member of at most one (live) household;
- a household has at most one live house handover (not cancelled);
- a household receives a programme's grant at most once per period (not void).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.dedup.scan import FOCUS_LIMIT, scan_persons
from kaltim_desktop.models import (
    DuplicateDecision,
    Grant,
    Handover,
    Household,
    Membership,
    ReviewItem,
    utcnow,
)
from kaltim_desktop.models.review import DUPLICATE, INVARIANT, OPEN, RESOLVED
from kaltim_desktop.progress import Progress
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.review_items import item_id
from kaltim_desktop.sync.survivors import forward_late_edits, redirect_children

_CHUNK = 500
# Above this many records (the detector's own limit for an indexed check) the checks after an
# import look at everything: one pass over the tables costs less than long IN lists, and stays
# within every database's parameter limit.


def decided_pairs(session: Session) -> set[frozenset[str]]:
    """The pairs reviewers decided are different persons (replicated decisions)."""
    rows = session.execute(
        select(DuplicateDecision.first_id, DuplicateDecision.second_id).where(
            DuplicateDecision.deleted.is_(False)
        )
    )
    return {frozenset(pair) for pair in rows}


def person_regions(session: Session, ids: Collection[str]) -> dict[str, str]:
    """Village of each person's current household."""
    found: dict[str, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        rows = session.execute(
            select(Membership.person_id, Household.village_code)
            .join(Household, Household.id == Membership.household_id)
            .where(Membership.person_id.in_(ordered[start : start + _CHUNK]), Membership.current())
        )
        found.update(dict(rows.all()))
    return found


def record_duplicates(
    session: Session, *, person_ids: Collection[str] | None = None, progress: Progress | None = None
) -> int:
    """Run the duplicate detector (on the persons given, or on everyone) and keep a review item
    per candidate pair; return how many pairs are new. A pair seen before keeps its item and
    status (a dismissed pair is not raised again)."""
    candidates = scan_persons(
        session, person_ids=person_ids, decided=decided_pairs(session), progress=progress
    )
    if not candidates:
        return 0
    ids = {item_id(DUPLICATE, "person", c.first_id, c.second_id) for c in candidates}
    known = set()
    listed = sorted(ids)
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start : start + _CHUNK]
        known.update(session.scalars(select(ReviewItem.id).where(ReviewItem.id.in_(chunk))))
    regions = person_regions(session, {c.first_id for c in candidates})
    now = utcnow()
    new = 0
    for candidate in candidates:
        key = item_id(DUPLICATE, "person", candidate.first_id, candidate.second_id)
        if key in known:
            continue
        known.add(key)
        session.add(
            ReviewItem(
                id=key, kind=DUPLICATE, status=OPEN, entity="person",
                entity_id=candidate.first_id, other_id=candidate.second_id,
                level=candidate.level, score=candidate.score,
                region=regions.get(candidate.first_id),
                detail=canonical_json({"reasons": list(candidate.reasons)}),
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        new += 1
    session.flush()
    return new


def _breaches(
    session: Session, household_ids: Collection[str] | None, person_ids: Collection[str]
) -> dict[tuple, dict]:
    """(entity, entity_id, key) → detail, for every invariant broken now (in the households
    and of the persons given, or everywhere)."""
    found: dict[tuple, dict] = {}
    # What counts for each rule: the same conditions find the breaches and list their records.
    member = (Membership.current(), Household.deleted.is_(False), Household.merged_into.is_(None))
    house = (Handover.deleted.is_(False), Handover.merged_into.is_(None),
             Handover.stage != "cancelled")  # fmt: skip
    grant = (Grant.deleted.is_(False), Grant.merged_into.is_(None), Grant.stage != "void")
    in_households = (
        (lambda column: column.in_(sorted(household_ids))) if household_ids is not None else None
    )
    members = (
        select(Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .where(*member)
        .group_by(Membership.person_id)
        .having(func.count(Membership.id) > 1)
    )
    handovers = (
        select(Handover.household_id)
        .where(*house)
        .group_by(Handover.household_id)
        .having(func.count(Handover.id) > 1)
    )
    grants = (
        select(Grant.household_id, Grant.programme, Grant.period)
        .where(*grant)
        .group_by(Grant.household_id, Grant.programme, Grant.period)
        .having(func.count(Grant.id) > 1)
    )
    if in_households is not None:
        touched = select(Membership.person_id).where(in_households(Membership.household_id))
        members = members.where(
            Membership.person_id.in_(touched) | Membership.person_id.in_(sorted(person_ids))
        )
        handovers = handovers.where(in_households(Handover.household_id))
        grants = grants.where(in_households(Grant.household_id))
    for (person_id,) in session.execute(members):
        households = session.scalars(
            select(Membership.household_id)
            .join(Household, Household.id == Membership.household_id)
            .where(Membership.person_id == person_id, *member)
            .order_by(Membership.household_id)
        ).all()
        found[("person", person_id, "households")] = {"households": households}
    for (household_id,) in session.execute(handovers):
        ids = session.scalars(
            select(Handover.id).where(Handover.household_id == household_id, *house)
            .order_by(Handover.id)
        ).all()  # fmt: skip
        found[("household", household_id, "handovers")] = {"handovers": ids}
    for household_id, programme, period in session.execute(grants):
        ids = session.scalars(
            select(Grant.id)
            .where(Grant.household_id == household_id, Grant.programme == programme)
            .where(Grant.period == period, *grant)
            .order_by(Grant.id)
        ).all()
        key = f"grants:{programme}:{period}"
        found[("household", household_id, key)] = {"grants": ids, "programme": programme,
                                                   "period": period}  # fmt: skip
    return found


def _regions(session: Session, breaches: dict[tuple, dict]) -> dict[str, str]:
    """The village of each record a breach is about (the reviewer's scope)."""
    households = sorted({i for e, i, _k in breaches if e == "household"})
    persons = {i for e, i, _k in breaches if e == "person"}
    found = person_regions(session, persons) if persons else {}
    for start in range(0, len(households), _CHUNK):
        rows = session.execute(
            select(Household.id, Household.village_code).where(
                Household.id.in_(households[start : start + _CHUNK])
            )
        )
        found.update(dict(rows.all()))
    return found


def check_invariants(
    session: Session,
    household_ids: Collection[str] | None = None,
    person_ids: Collection[str] = (),
) -> int:
    """Open an item for each breach found, resolve the open items whose breach is gone (in the
    households and of the persons given, or everywhere); return how many are open for them."""
    if household_ids is not None and len(household_ids) + len(person_ids) > FOCUS_LIMIT:
        household_ids = None
    now = utcnow()
    breaches = _breaches(session, household_ids, person_ids)
    existing = select(ReviewItem).where(ReviewItem.kind == INVARIANT)
    if household_ids is not None:
        scope = sorted(household_ids)
        persons = select(Membership.person_id).where(Membership.household_id.in_(scope))
        existing = existing.where(
            ReviewItem.entity_id.in_(scope)
            | ReviewItem.entity_id.in_(persons)
            | ReviewItem.entity_id.in_(sorted(person_ids))
        )
    rows = {row.id: row for row in session.scalars(existing)}
    regions = _regions(session, breaches)
    for (entity, entity_id, key), detail in breaches.items():
        identifier = item_id(INVARIANT, entity, entity_id, key)
        text = canonical_json({"rule": key.split(":")[0], **detail})
        row = rows.pop(identifier, None)
        if row is None:
            session.add(
                ReviewItem(
                    id=identifier, kind=INVARIANT, status=OPEN, entity=entity,
                    entity_id=entity_id, field=key, region=regions.get(entity_id), detail=text,
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
        elif row.status != OPEN or row.detail != text:
            row.status, row.detail, row.updated_at, row.resolved_at = OPEN, text, now, None
    for row in rows.values():  # no longer broken
        if row.status == OPEN:
            row.status, row.updated_at, row.resolved_at = RESOLVED, now, now
    session.flush()
    return len(breaches)


class Touched:
    """The persons and households an import wrote, for the checks that follow it.

    Past :data:`FOCUS_LIMIT` of them it only remembers that there were many (``many``): the
    checks then look at everything, and keeping the ids of a first download (100,000
    households, 430,000 persons) would cost some 60 MB for nothing.
    """

    def __init__(self) -> None:
        self.persons: set[str] = set()
        self.households: set[str] = set()
        self.many = False

    def add(self, entity: str, entity_id: str, fields: dict) -> None:
        if entity == "person":
            self.persons.add(entity_id)
        elif entity == "household":
            self.households.add(entity_id)
        else:
            if "household_id" in fields:
                self.households.add(fields["household_id"])
            if "person_id" in fields:  # a membership moved to another person
                self.persons.add(fields["person_id"])
        if len(self.persons) + len(self.households) > FOCUS_LIMIT:
            self.many = True
            self.persons, self.households = set(), set()


def after_import(session: Session, touched: Touched, *, redirect: bool) -> dict[str, int | None]:
    """The checks that follow applying a bundle part, in its transaction: duplicates among
    the persons it brought, invariants of the households it touched and, at the province
    (``redirect``), moving what a laptop added to a merged record over to its survivor.

    A part touching many records (see :class:`Touched`) leaves the duplicates to the
    province's scan of everyone (a first download must not take minutes longer) and checks
    the invariants everywhere.

    Returns report entries: ``duplicates_new`` (None: deferred), ``invariants_open``,
    ``redirected``."""
    report: dict[str, int | None] = {"duplicates_new": 0, "invariants_open": 0, "redirected": 0}
    persons, households = touched.persons, touched.households
    if touched.many:
        report["duplicates_new"] = None
        report["invariants_open"] = check_invariants(session)
    else:
        if persons:
            report["duplicates_new"] = record_duplicates(session, person_ids=persons)
        if households or persons:
            report["invariants_open"] = check_invariants(session, households, persons)
    if redirect:
        changes = ChangeSet(session, actor=None, action="sync.redirect")
        report["redirected"] = redirect_children(session, changes)
        changes.flush()
        report["redirected"] += forward_late_edits(session, changes)
        changes.commit()
    return report

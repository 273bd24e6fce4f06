# SPDX-License-Identifier: GPL-3.0-or-later
"""Business-capital grants (bantuan modal usaha, Pergub Kaltim 3/2025) and their ledger stages.

A grant runs proposed → verified → approved → disbursed and can be voided before it is
disbursed. Districts propose, verify and record the disbursement; only the province approves
(sync-design §3.6: approval ops from another origin are rejected at import), so approval needs a
supervisor *on a province installation*. Eligibility is checked at the proposal and again at the
approval, because the household or the recipient may have changed in between.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Conflict, NotFound, PermissionDenied, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Grant, Household, Person
from kaltim_desktop.services.context import (
    INSTALLATION_PROVINCE,
    Actor,
    installation_role,
    require_role,
)
from kaltim_desktop.services.grant_rules import (
    ACTION,
    DATE_OF,
    MAX_DECISION_NUMBER,
    Eligibility,
    EligibilityCheck,
    GrantInput,
    GrantRow,
    check_grant_input,
    date_issues,
    evaluate,
    require_stage,
)
from kaltim_desktop.services.programme_rules import clean, error
from kaltim_desktop.sync.oplog import ChangeSet

__all__ = [
    "Eligibility",
    "EligibilityCheck",
    "GrantInput",
    "GrantRow",
    "approve_grant",
    "check_eligibility",
    "disburse_grant",
    "get_grant",
    "list_grants",
    "propose_grant",
    "verify_grant",
    "void_grant",
]


def _subjects(session: Session, household_id: str, person_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound(_("The household was not found."))
    person = session.get(Person, person_id)
    if person is None or person.deleted:
        raise NotFound(_("The recipient was not found."))
    return household


def check_eligibility(
    db: Database,
    household_id: str,
    recipient_person_id: str,
    programme: str,
    period: int,
    *,
    on: date | None = None,
) -> Eligibility:
    """Evaluate every eligibility rule for a prospective grant.

    Args:
        db: the database.
        household_id: the household.
        recipient_person_id: the member who would receive the grant.
        programme: the programme code.
        period: the programme year.
        on: the date of the decision (default today).

    Returns:
        Each rule's outcome with an explanation; ``eligible`` when no blocking rule failed.

    Raises:
        NotFound: the household or the person does not exist.
    """
    with db.read() as session:
        _subjects(session, household_id, recipient_person_id)
        return evaluate(
            session,
            household_id,
            recipient_person_id,
            clean(programme) or "",
            period,
            on or date.today(),
        )


def propose_grant(
    db: Database, actor: Actor, data: GrantInput, *, today: date | None = None
) -> GrantRow:
    """Propose a grant for an eligible recipient (stage ``proposed``).

    Non-blocking flags (earlier house aid) do not stop the proposal; they are written to the
    audit entry and shown again by :func:`check_eligibility` to whoever decides.

    Raises:
        ValidationError: invalid input, or failed blocking eligibility rules (one issue each,
            with the rule's code); nothing is written.
        NotFound: the household or the recipient does not exist.
    """
    require_role(actor, "operator")
    today = today or date.today()
    issues = check_grant_input(data, today)
    if issues:
        raise ValidationError(issues)
    proposed_on = data.proposed_on or today
    programme = clean(data.programme)
    with db.transaction() as session:
        household = _subjects(session, data.household_id, data.recipient_person_id)
        eligibility = evaluate(
            session, household.id, data.recipient_person_id, programme, data.period, proposed_on
        )
        if not eligibility.eligible:
            raise ValidationError(eligibility.issues())
        items = [item for item in (clean(i) for i in data.items) if item]
        changes = ChangeSet(session, actor=actor.officer_id, action="grant.propose")
        grant_id = changes.create(
            "grant_award",
            {
                "household_id": household.id,
                "recipient_person_id": data.recipient_person_id,
                "programme": programme,
                "period": data.period,
                "stage": "proposed",
                "form": data.form,
                "business_type": clean(data.business_type),
                "agency": data.agency,
                "amount_rupiah": data.amount_rupiah,
                "items": json.dumps(items, ensure_ascii=False) if items else None,
                "proposed_on": proposed_on,
            },
            partition=household.village_code,
        )
        changes.commit(audit_extra=_flags(eligibility))
        return _row(session, session.get(Grant, grant_id))


def _flags(eligibility: Eligibility) -> dict | None:
    flags = [c.code for c in eligibility.flags]
    return {"eligibility_flags": flags} if flags else None


def _load(session: Session, grant_id: str) -> tuple[Grant, Household]:
    grant = session.get(Grant, grant_id)
    if grant is None or grant.deleted:
        raise NotFound(_("The grant was not found."))
    return grant, session.get(Household, grant.household_id)


def _advance(
    db: Database,
    actor: Actor,
    grant_id: str,
    stage: str,
    on: date,
    extra: dict | None = None,
    *,
    province_only: bool = False,
    issues: list | None = None,
) -> GrantRow:
    """Move a grant one stage on. Checks run in the order permission, existence, stage, input,
    so a refusal names the most fundamental problem."""
    with db.transaction() as session:
        if province_only and installation_role(session) != INSTALLATION_PROVINCE:
            raise PermissionDenied(_("Grant approval belongs to the province."))
        grant, household = _load(session, grant_id)
        require_stage(grant, stage)
        issues = [*(issues or []), *date_issues(grant, stage, on)]
        if issues:
            raise ValidationError(issues)
        audit_extra = None
        if stage == "approved":
            # The household or recipient may have changed since the proposal.
            eligibility = evaluate(
                session,
                grant.household_id,
                grant.recipient_person_id,
                grant.programme,
                grant.period,
                on,
                exclude_grant_id=grant.id,
            )
            if not eligibility.eligible:
                raise ValidationError(eligibility.issues())
            audit_extra = _flags(eligibility)
        changes = ChangeSet(session, actor=actor.officer_id, action=ACTION[stage])
        changes.update(
            "grant_award",
            grant.id,
            {"stage": stage, DATE_OF[stage]: on, **(extra or {})},
            partition=household.village_code,
        )
        changes.commit(audit_extra=audit_extra)
        session.refresh(grant)
        return _row(session, grant)


def verify_grant(db: Database, actor: Actor, grant_id: str, *, on: date | None = None) -> GrantRow:
    """Mark a proposed grant as verified (checked in the field and on paper).

    Raises:
        PermissionDenied: the actor is not a supervisor or admin.
        Conflict: the grant is not ``proposed``.
        ValidationError: the date is in the future or before the proposal.
        NotFound: the grant does not exist.
    """
    require_role(actor, "supervisor")
    return _advance(db, actor, grant_id, "verified", on or date.today())


def approve_grant(
    db: Database, actor: Actor, grant_id: str, *, decision_number: str, on: date
) -> GrantRow:
    """Approve a verified grant by a decision letter (SK); province installations only.

    Eligibility is evaluated again on ``on``.

    Raises:
        PermissionDenied: the actor is not a supervisor, or this is not the province.
        ValidationError: no decision number, a wrong date, or failed eligibility rules.
        Conflict: the grant is not ``verified``.
        NotFound: the grant does not exist.
    """
    require_role(actor, "supervisor")
    number = clean(decision_number)
    issues = []
    if not number or len(number) > MAX_DECISION_NUMBER:
        issues.append(
            error(
                "decision_number",
                "grant.decision_number",
                _(
                    "Enter the number of the decision letter (SK), at most {limit} characters."
                ).format(limit=MAX_DECISION_NUMBER),
            )
        )
    return _advance(
        db,
        actor,
        grant_id,
        "approved",
        on,
        {"decision_number": number},
        province_only=True,
        issues=issues,
    )


def disburse_grant(
    db: Database, actor: Actor, grant_id: str, *, on: date | None = None
) -> GrantRow:
    """Record that an approved grant was disbursed (paid or handed over in kind).

    Raises:
        PermissionDenied: the actor is not a supervisor or admin.
        Conflict: the grant is not ``approved``.
        ValidationError: the date is in the future or before the approval.
        NotFound: the grant does not exist.
    """
    require_role(actor, "supervisor")
    return _advance(db, actor, grant_id, "disbursed", on or date.today())


def void_grant(db: Database, actor: Actor, grant_id: str, reason: str) -> GrantRow:
    """Void a grant that has not been disbursed; the record stays, with the reason.

    Raises:
        PermissionDenied: the actor is not a supervisor or admin.
        ValidationError: no reason was given.
        Conflict: the grant was disbursed or is already void.
        NotFound: the grant does not exist.
    """
    require_role(actor, "supervisor")
    reason = clean(reason)
    if not reason:
        raise ValidationError(
            [error("reason", "grant.reason_missing", _("Give the reason for voiding the grant."))]
        )
    with db.transaction() as session:
        grant, household = _load(session, grant_id)
        if grant.stage == "void":
            raise Conflict(_("This grant is already void."))
        if grant.stage == "disbursed":
            raise Conflict(_("A disbursed grant cannot be voided."))
        changes = ChangeSet(session, actor=actor.officer_id, action="grant.void")
        changes.update(
            "grant_award",
            grant.id,
            {"stage": "void", "void_reason": reason},
            partition=household.village_code,
        )
        changes.commit()
        session.refresh(grant)
        return _row(session, grant)


def list_grants(db: Database, household_id: str) -> tuple[GrantRow, ...]:
    """All grants of a household, void ones included, newest period first."""
    with db.read() as session:
        rows = session.scalars(
            select(Grant)
            .where(Grant.household_id == household_id, Grant.deleted.is_(False))
            .order_by(Grant.period.desc(), Grant.proposed_on, Grant.created_at, Grant.id)
        )
        return tuple(_row(session, g) for g in rows)


def get_grant(db: Database, grant_id: str) -> GrantRow:
    """One grant by id.

    Raises:
        NotFound: no such grant.
    """
    with db.read() as session:
        grant = session.get(Grant, grant_id)
        if grant is None:
            raise NotFound(_("The grant was not found."))
        return _row(session, grant)


def _row(session: Session, g: Grant) -> GrantRow:
    values = {f.name: getattr(g, f.name) for f in fields(GrantRow) if hasattr(Grant, f.name)}
    values["items"] = tuple(json.loads(g.items)) if g.items else ()
    name = session.scalar(select(Person.name).where(Person.id == g.recipient_person_id))
    return GrantRow(**values, recipient_name=name)

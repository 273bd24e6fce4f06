# SPDX-License-Identifier: GPL-3.0-or-later
"""House handovers (serah terima rumah layak huni): survey, construction, completion, BAST.

A household has at most one active house: a new handover is refused while another one is not
cancelled. The stages run strictly forward, surveyed → under construction → completed → handed
over; a handover can be cancelled (by a supervisor) until the house is handed over. Each stage
records its date, and the BAST needs an adult recipient who is an active member of the household
(domain.md §3.2, §3.4).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Conflict, NotFound, ValidationError, WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Handover, Household, Person
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.handover_rules import (
    DATE_OF,
    LIFECYCLE,
    MAX_BAST_NUMBER,
    HandoverInput,
    check_handover_input,
    recipient_issues,
    transition_conflict,
)
from kaltim_desktop.services.programme_rules import (
    AID_WINDOW_YEARS,
    clean,
    earlier_house_aid,
    error,
    not_future,
    warning,
)
from kaltim_desktop.sync.oplog import ChangeSet

__all__ = [
    "LIFECYCLE",
    "HandoverInput",
    "HandoverRow",
    "advance_handover",
    "cancel_handover",
    "create_handover",
    "get_handover",
    "list_handovers",
]


@dataclass(frozen=True)
class HandoverRow:
    id: str
    household_id: str
    stage: str
    recipient_person_id: str | None
    recipient_name: str | None
    funder: str | None
    building_partner: str | None
    house_type: str | None
    cost_rupiah: int | None
    surveyed_on: date | None
    construction_started_on: date | None
    completed_on: date | None
    handed_over_on: date | None
    bast_number: str | None
    first_party_name: str | None
    first_party_nip: str | None
    first_party_position: str | None
    partner_signatory: str | None
    cancel_reason: str | None
    deleted: bool


def _load(session: Session, handover_id: str) -> tuple[Handover, Household]:
    handover = session.get(Handover, handover_id)
    if handover is None or handover.deleted:
        raise NotFound(_("The house handover was not found."))
    return handover, session.get(Household, handover.household_id)


def create_handover(
    db: Database,
    actor: Actor,
    data: HandoverInput,
    *,
    confirm_warnings: bool = False,
    today: date | None = None,
) -> HandoverRow:
    """Record a surveyed house-aid candidate (stage ``surveyed``).

    Args:
        db: the database.
        actor: an operator or higher.
        data: the survey record.
        confirm_warnings: go on despite warnings (earlier house aid, a minor recipient).
        today: the current date (tests).

    Returns:
        The stored handover.

    Raises:
        ValidationError: invalid input, or the household already has an active handover.
        WarningsNotConfirmed: only warnings were found and ``confirm_warnings`` is False.
        NotFound: the household does not exist.
    """
    require_role(actor, "operator")
    today = today or date.today()
    issues = check_handover_input(data, today)
    if any(i.is_error for i in issues):
        raise ValidationError(issues)
    with db.transaction() as session:
        household = session.get(Household, data.household_id)
        if household is None or household.deleted:
            raise NotFound(_("The household was not found."))
        active = session.scalar(
            select(Handover.id)
            .where(
                Handover.household_id == household.id,
                Handover.deleted.is_(False),
                Handover.stage != "cancelled",
            )
            .limit(1)
        )
        if active is not None:
            issues.append(
                error(
                    "household_id",
                    "handover.already_active",
                    _(
                        "This household already has a house handover that is not "
                        "cancelled: one house per household."
                    ),
                )
            )
        if data.recipient_person_id:
            issues += recipient_issues(
                session,
                household.id,
                data.recipient_person_id,
                data.surveyed_on,
                adult_required=False,
            )
        if earlier_house_aid(session, household.id, data.surveyed_on):
            issues.append(
                warning(
                    "household_id",
                    "handover.earlier_aid",
                    _(
                        "A current member lived in a household that received a house "
                        "within the last {years} years."
                    ).format(years=AID_WINDOW_YEARS),
                )
            )
        if any(i.is_error for i in issues):
            raise ValidationError(issues)
        if issues and not confirm_warnings:
            raise WarningsNotConfirmed(issues)
        changes = ChangeSet(session, actor=actor.officer_id, action="handover.create")
        handover_id = changes.create(
            "handover",
            {
                "household_id": household.id,
                "recipient_person_id": data.recipient_person_id or None,
                "stage": "surveyed",
                "funder": clean(data.funder),
                "building_partner": clean(data.building_partner),
                "house_type": data.house_type,
                "cost_rupiah": data.cost_rupiah,
                "surveyed_on": data.surveyed_on,
                "first_party_name": clean(data.first_party_name),
                "first_party_nip": "".join((data.first_party_nip or "").split()) or None,
                "first_party_position": clean(data.first_party_position),
                "partner_signatory": clean(data.partner_signatory),
            },
            partition=household.village_code,
        )
        changes.commit()
        return _row(session, session.get(Handover, handover_id))


def advance_handover(
    db: Database,
    actor: Actor,
    handover_id: str,
    stage: str,
    *,
    on: date,
    bast_number: str | None = None,
    recipient_person_id: str | None = None,
) -> HandoverRow:
    """Move a handover to its next stage and record the date.

    Args:
        db: the database.
        actor: an operator or higher.
        handover_id: the handover.
        stage: ``under_construction``, ``completed`` or ``handed_over`` (the next one only).
        on: the date the stage was reached; not before the previous stage, not in the future.
        bast_number: the BAST number, stored when given.
        recipient_person_id: the recipient, stored when given; required at ``handed_over`` unless
            it was recorded earlier.

    Returns:
        The updated handover.

    Raises:
        Conflict: the move skips a stage, goes back, or the handover is cancelled.
        ValidationError: a wrong date, a missing or ineligible recipient.
        NotFound: the handover does not exist.
    """
    require_role(actor, "operator")
    with db.transaction() as session:
        handover, household = _load(session, handover_id)
        conflict = transition_conflict(handover.stage, stage)
        if conflict is not None:
            raise conflict
        issues = not_future("on", on, date.today())
        previous = getattr(handover, DATE_OF[handover.stage])
        if previous is not None and on < previous:
            issues.append(
                error(
                    "on",
                    "handover.date_order",
                    _("The date is before the date of the previous stage."),
                )
            )
        recipient = recipient_person_id or handover.recipient_person_id
        if recipient_person_id or (stage == "handed_over" and recipient):
            # Before the BAST a minor may be named (no confirmation step here); the adult rule
            # is enforced at the handover itself.
            found = recipient_issues(
                session, household.id, recipient, on, adult_required=stage == "handed_over"
            )
            issues += [i for i in found if i.is_error]
        elif stage == "handed_over":
            issues.append(
                error(
                    "recipient_person_id",
                    "handover.recipient_missing",
                    _("Choose the member who receives the house."),
                )
            )
        bast = clean(bast_number)
        if bast and len(bast) > MAX_BAST_NUMBER:
            issues.append(
                error(
                    "bast_number",
                    "text.too_long",
                    _("At most {limit} characters.").format(limit=MAX_BAST_NUMBER),
                )
            )
        if issues:
            raise ValidationError(issues)
        values = {"stage": stage, DATE_OF[stage]: on}
        if recipient_person_id:
            values["recipient_person_id"] = recipient_person_id
        if bast:
            values["bast_number"] = bast
        changes = ChangeSet(session, actor=actor.officer_id, action=f"handover.{stage}")
        changes.update("handover", handover.id, values, partition=household.village_code)
        changes.commit()
        session.refresh(handover)
        return _row(session, handover)


def cancel_handover(db: Database, actor: Actor, handover_id: str, reason: str) -> HandoverRow:
    """Cancel a handover that has not been handed over yet; the record stays, with the reason.

    Raises:
        PermissionDenied: the actor is not a supervisor or admin.
        ValidationError: no reason was given.
        Conflict: the house was already handed over, or the handover is already cancelled.
        NotFound: the handover does not exist.
    """
    require_role(actor, "supervisor")
    reason = clean(reason)
    if not reason:
        raise ValidationError(
            [error("reason", "handover.reason_missing", _("Give the reason for the cancellation."))]
        )
    with db.transaction() as session:
        handover, household = _load(session, handover_id)
        if handover.stage == "cancelled":
            raise Conflict(_("This house handover is already cancelled."))
        if handover.stage == "handed_over":
            raise Conflict(_("A house that has been handed over cannot be cancelled."))
        changes = ChangeSet(session, actor=actor.officer_id, action="handover.cancel")
        changes.update(
            "handover",
            handover.id,
            {"stage": "cancelled", "cancel_reason": reason},
            partition=household.village_code,
        )
        changes.commit()
        session.refresh(handover)
        return _row(session, handover)


def list_handovers(db: Database, household_id: str) -> tuple[HandoverRow, ...]:
    """All handovers of a household, cancelled ones included, oldest survey first."""
    with db.read() as session:
        rows = session.scalars(
            select(Handover)
            .where(Handover.household_id == household_id, Handover.deleted.is_(False))
            .order_by(Handover.surveyed_on, Handover.created_at, Handover.id)
        )
        return tuple(_row(session, h) for h in rows)


def get_handover(db: Database, handover_id: str) -> HandoverRow:
    """One handover by id.

    Raises:
        NotFound: no such handover.
    """
    with db.read() as session:
        handover = session.get(Handover, handover_id)
        if handover is None:
            raise NotFound(_("The house handover was not found."))
        return _row(session, handover)


def _row(session: Session, h: Handover) -> HandoverRow:
    name = (
        session.scalar(select(Person.name).where(Person.id == h.recipient_person_id))
        if h.recipient_person_id
        else None
    )
    values = {f.name: getattr(h, f.name) for f in fields(HandoverRow) if f.name != "recipient_name"}
    return HandoverRow(**values, recipient_name=name)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of the house handover: the input checks, the recipient and the stage order.

The BAST (domain.md §3.4) is signed by an adult recipient who lives in the household, and the
stages run strictly forward: a house is surveyed, built, completed, then handed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from kaltim_desktop.domain import vocab
from kaltim_desktop.errors import Conflict, Issue
from kaltim_desktop.i18n import _
from kaltim_desktop.services.programme_rules import (
    MAX_TEXT,
    MIN_AGE,
    active_person,
    age_on,
    clean,
    error,
    is_whole_number,
    not_future,
    warning,
)

LIFECYCLE = ("surveyed", "under_construction", "completed", "handed_over")
"""The stages in their only allowed order; ``cancelled`` lies outside it."""
DATE_OF = {
    "surveyed": "surveyed_on",
    "under_construction": "construction_started_on",
    "completed": "completed_on",
    "handed_over": "handed_over_on",
}
_NIP = re.compile(r"^\d{18}$")  # NIP of a civil servant: 18 digits
MAX_BAST_NUMBER = 80


@dataclass(frozen=True)
class HandoverInput:
    """A new house-aid record as surveyed. The first party signs the BAST for the province."""

    household_id: str
    funder: str | None
    building_partner: str | None
    house_type: str
    cost_rupiah: int
    surveyed_on: date
    recipient_person_id: str | None = None
    first_party_name: str | None = None
    first_party_nip: str | None = None
    first_party_position: str | None = None
    partner_signatory: str | None = None


def stage_label(stage: str) -> str:
    return _(vocab.HANDOVER_STAGE.get(stage, stage))


def check_handover_input(data: HandoverInput, today: date) -> list[Issue]:
    issues: list[Issue] = []
    if data.house_type not in vocab.HOUSE_TYPE:
        issues.append(error("house_type", "value.unknown", _("Choose a value from the list.")))
    if not is_whole_number(data.cost_rupiah) or data.cost_rupiah < 0:
        issues.append(
            error(
                "cost_rupiah",
                "handover.cost",
                _("The cost is a whole number of rupiah, zero or more."),
            )
        )
    issues += not_future("surveyed_on", data.surveyed_on, today)
    nip = "".join((data.first_party_nip or "").split())
    if nip and not _NIP.match(nip):
        issues.append(error("first_party_nip", "handover.nip", _("A NIP has 18 digits.")))
    for name in (
        "funder",
        "building_partner",
        "first_party_name",
        "first_party_position",
        "partner_signatory",
    ):
        value = clean(getattr(data, name))
        if value and len(value) > MAX_TEXT:
            issues.append(
                error(
                    name, "text.too_long", _("At most {limit} characters.").format(limit=MAX_TEXT)
                )
            )
    return issues


def recipient_issues(
    session: Session, household_id: str, person_id: str, on: date, *, adult_required: bool
) -> list[Issue]:
    person = active_person(session, household_id, person_id)
    if person is None:
        return [
            error(
                "recipient_person_id",
                "handover.recipient_not_member",
                _("The recipient must be an active member of this household."),
            )
        ]
    if person.birth_date is None:
        if adult_required:
            return [
                error(
                    "recipient_person_id",
                    "handover.recipient_age_unknown",
                    _(
                        "The recipient's birth date is unknown, so it cannot be confirmed "
                        "that the recipient is an adult."
                    ),
                )
            ]
        return []
    if age_on(person.birth_date, on) < MIN_AGE:
        message = _("The recipient must be at least {age} years old.").format(age=MIN_AGE)
        if adult_required:
            return [error("recipient_person_id", "handover.recipient_minor", message)]
        return [warning("recipient_person_id", "handover.recipient_minor", message)]
    return []


def transition_conflict(current: str, stage: str) -> Conflict | None:
    if current == "cancelled":
        return Conflict(_("This house handover is cancelled and can no longer change."))
    if stage not in LIFECYCLE[1:]:
        return Conflict(_("A house handover cannot be moved to this stage."))
    wanted, now = LIFECYCLE.index(stage), LIFECYCLE.index(current)
    if wanted == now:
        return Conflict(
            _("The house handover is already at the stage {stage}.").format(
                stage=stage_label(stage)
            )
        )
    if wanted < now:
        return Conflict(
            _("The house handover is at the stage {current}; it cannot go back to {stage}.").format(
                current=stage_label(current), stage=stage_label(stage)
            )
        )
    if wanted > now + 1:
        return Conflict(
            _(
                "The house handover is at the stage {current}; the next stage is "
                "{next}. Stages cannot be skipped."
            ).format(current=stage_label(current), next=stage_label(LIFECYCLE[now + 1]))
        )
    return None

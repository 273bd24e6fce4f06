# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules shared by the programme services (house handovers, grants, trainings).

Pergub Kaltim 3/2025 and the Biro Adbang recipient requirements (domain.md §3.2) set the numbers
kept here: adults are 17 or older, the business grant needs 3 years' residence in Kaltim, and a
household that received similar house aid in the last 10 years is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Handover, Membership, Person

MIN_AGE = 17
"""Minimum age for the business grant and its training (Pergub Kaltim 3/2025 Pasal 10)."""
RESIDENCE_YEARS = 3
"""Years of residence in Kaltim the business grant requires."""
AID_WINDOW_YEARS = 10
"""Earlier similar house aid within this many years is flagged (Biro Adbang requirements)."""
MAX_TEXT = 200


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on ``day`` (a person born on 29 February ages on 1 March)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def is_whole_number(value: object) -> bool:
    """True for an ``int`` such as rupiah or a year; ``bool`` and floats are refused (money is
    never a float, and ``True`` would otherwise pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def clean(value: str | None) -> str | None:
    """Strip and collapse whitespace; an empty text becomes ``None``."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def error(field: str, code: str, message: str) -> Issue:
    return Issue(field, code, "error", message)


def warning(field: str, code: str, message: str) -> Issue:
    return Issue(field, code, "warning", message)


def active_person(session: Session, household_id: str, person_id: str) -> Person | None:
    """The person when they are an active (non-deleted) member of the household, else None."""
    return session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.household_id == household_id,
            Membership.person_id == person_id,
            Membership.current(),
            Person.deleted.is_(False),
        )
        .limit(1)
    ).first()


def earlier_house_aid(
    session: Session, household_id: str, on: date, *, exclude: Iterable[str] = ()
) -> list[Handover]:
    """Houses handed over within :data:`AID_WINDOW_YEARS` before ``on`` to this household or to
    another household one of its current members belonged to at the time.

    A member who left the other household before its house was handed over did not live in it,
    so that house is not counted. The date a member joined is not recorded, so joining later is
    still counted: a flag to check, not a verdict.

    Args:
        session: an open session.
        household_id: the household being considered.
        on: the reference date (survey, proposal or approval).
        exclude: handover ids not to report (the house the current decision is about).

    Returns:
        The handovers found, oldest first.
    """
    cutoff = years_before(on, AID_WINDOW_YEARS)
    current_members = select(Membership.person_id).where(
        Membership.household_id == household_id,
        Membership.current(),
    )
    in_window = (
        Handover.stage == "handed_over",
        Handover.deleted.is_(False),
        Handover.handed_over_on >= cutoff,
        Handover.handed_over_on <= on,
    )
    own = select(Handover).where(Handover.household_id == household_id, *in_window)
    elsewhere = (
        select(Handover)
        .join(Membership, Membership.household_id == Handover.household_id)
        .where(
            Membership.person_id.in_(current_members),
            Membership.household_id != household_id,
            Membership.deleted.is_(False),
            or_(Membership.left_on.is_(None), Membership.left_on >= Handover.handed_over_on),
            *in_window,
        )
    )
    skip = set(exclude)
    found = {h.id: h for h in [*session.scalars(own), *session.scalars(elsewhere)]}
    return sorted(
        (h for h in found.values() if h.id not in skip), key=lambda h: (h.handed_over_on, h.id)
    )


def not_future(field: str, day: date, today: date) -> list[Issue]:
    """An error when a date of something that already happened lies after today."""
    if day > today:
        return [error(field, "date.future", _("The date is in the future."))]
    return []

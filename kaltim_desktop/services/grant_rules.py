# SPDX-License-Identifier: GPL-3.0-or-later
"""Eligibility for the business-capital grant (bantuan modal usaha, Pergub Kaltim 3/2025).

Every rule is evaluated and reported with its outcome and an explanation, so the officer sees
the whole picture rather than the first failure (domain.md §3.2):

* the household received a decent house (the grant goes to RLH recipients);
* the recipient is an active member of that household;
* the recipient is at least 17 years old;
* the recipient has lived in Kaltim for at least 3 years;
* the household has no other grant of the same programme and period;
* (a flag, not blocking) earlier house aid within 10 years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long
from kaltim_desktop.errors import Conflict, Issue
from kaltim_desktop.i18n import N_, _
from kaltim_desktop.models import Grant, Handover, Person
from kaltim_desktop.services.programme_rules import (
    AID_WINDOW_YEARS,
    MIN_AGE,
    RESIDENCE_YEARS,
    active_person,
    age_on,
    clean,
    earlier_house_aid,
    error,
    is_whole_number,
    not_future,
    years_before,
)

HOUSE_HANDED_OVER = "grant.house_handed_over"
RECIPIENT_MEMBER = "grant.recipient_member"
RECIPIENT_AGE = "grant.recipient_age"
RESIDENCE = "grant.residence"
NO_DUPLICATE = "grant.no_duplicate"
EARLIER_HOUSE_AID = "grant.earlier_house_aid"

# The input field each check concerns, so a form can put the message next to it.
CHECK_FIELD = {
    HOUSE_HANDED_OVER: "household_id",
    RECIPIENT_MEMBER: "recipient_person_id",
    RECIPIENT_AGE: "recipient_person_id",
    RESIDENCE: "recipient_person_id",
    NO_DUPLICATE: "period",
    EARLIER_HOUSE_AID: "household_id",
}
MAX_PROGRAMME = 40
PERIODS = range(2000, 2101)


# Each stage, the stage it must come from, and the column that records its date.
FROM_STAGE = {"verified": "proposed", "approved": "verified", "disbursed": "approved"}
DATE_OF = {
    "proposed": "proposed_on",
    "verified": "verified_on",
    "approved": "approved_on",
    "disbursed": "disbursed_on",
}
ACTION = {"verified": "grant.verify", "approved": "grant.approve", "disbursed": "grant.disburse"}
MAX_DECISION_NUMBER = 80


@dataclass(frozen=True)
class GrantRow:
    id: str
    household_id: str
    recipient_person_id: str
    recipient_name: str | None
    programme: str
    period: int
    stage: str
    form: str
    agency: str
    amount_rupiah: int
    business_type: str | None
    items: tuple[str, ...]
    decision_number: str | None
    proposed_on: date | None
    verified_on: date | None
    approved_on: date | None
    disbursed_on: date | None
    void_reason: str | None
    deleted: bool


@dataclass(frozen=True)
class EligibilityCheck:
    """The outcome of one rule.

    Attributes:
        code: stable code of the rule, e.g. ``"grant.recipient_age"``.
        passed: the rule is satisfied.
        blocking: a failure refuses the grant; otherwise it is a flag for the officer.
        explanation: why, in the current language (never a name or NIK).
    """

    code: str
    passed: bool
    blocking: bool
    explanation: str


@dataclass(frozen=True)
class Eligibility:
    """Every rule's outcome; ``eligible`` when all blocking rules passed."""

    checks: tuple[EligibilityCheck, ...]
    eligible: bool

    @property
    def failed(self) -> tuple[EligibilityCheck, ...]:
        """The blocking rules that failed."""
        return tuple(c for c in self.checks if c.blocking and not c.passed)

    @property
    def flags(self) -> tuple[EligibilityCheck, ...]:
        """The non-blocking rules that failed."""
        return tuple(c for c in self.checks if not c.blocking and not c.passed)

    def issues(self) -> list[Issue]:
        """The failed blocking rules as validation errors."""
        return [Issue(CHECK_FIELD[c.code], c.code, "error", c.explanation) for c in self.failed]

    def check(self, code: str) -> EligibilityCheck:
        """The outcome of the rule ``code``."""
        return next(c for c in self.checks if c.code == code)


@dataclass(frozen=True)
class GrantInput:
    """A grant proposal. ``items`` lists the tools or materials of an in-kind grant."""

    household_id: str
    recipient_person_id: str
    programme: str
    period: int
    form: str
    agency: str
    amount_rupiah: int
    business_type: str | None = None
    items: tuple[str, ...] = ()
    proposed_on: date | None = None


def check_grant_input(data: GrantInput, today: date) -> list[Issue]:
    """The checks that need no database."""
    issues: list[Issue] = []
    programme = clean(data.programme)
    if not programme or len(programme) > MAX_PROGRAMME:
        issues.append(
            error(
                "programme",
                "grant.programme",
                _("Enter the programme code (at most {limit} characters).").format(
                    limit=MAX_PROGRAMME
                ),
            )
        )
    if not is_whole_number(data.period) or data.period not in PERIODS:
        issues.append(error("period", "grant.period", _("The period is a year such as 2025.")))
    if data.form not in vocab.GRANT_FORM:
        issues.append(error("form", "value.unknown", _("Choose a value from the list.")))
    if data.agency not in vocab.AGENCY:
        issues.append(error("agency", "value.unknown", _("Choose a value from the list.")))
    if not is_whole_number(data.amount_rupiah) or data.amount_rupiah <= 0:
        issues.append(
            error(
                "amount_rupiah",
                "grant.amount",
                _("The amount is a whole number of rupiah above zero."),
            )
        )
    business_type = clean(data.business_type)
    if business_type and len(business_type) > 120:
        issues.append(
            error(
                "business_type", "text.too_long", _("At most {limit} characters.").format(limit=120)
            )
        )
    if data.proposed_on is not None:
        issues += not_future("proposed_on", data.proposed_on, today)
    return issues


# Explanation of each outcome, keyed by (rule, outcome); translated when the check is made.
_TEXT = {
    (HOUSE_HANDED_OVER, True): N_("A decent house was handed over to this household on {date}."),
    (HOUSE_HANDED_OVER, False): N_(
        "No house has been handed over to this household yet; the grant is for recipients of a "
        "decent house (RLH)."
    ),
    (RECIPIENT_MEMBER, True): N_("The recipient is an active member of this household."),
    (RECIPIENT_MEMBER, False): N_("The recipient is not an active member of this household."),
    (RECIPIENT_AGE, True): N_("The recipient is {age} years old on {date}; the minimum is {min}."),
    (RECIPIENT_AGE, False): N_(
        "The recipient is only {age} years old on {date}; the minimum is {min}."
    ),
    (RECIPIENT_AGE, None): N_(
        "The recipient's birth date is unknown, so the minimum age of {min} cannot be checked."
    ),
    (RESIDENCE, True): N_("The recipient has lived in East Kalimantan for at least {years} years."),
    (RESIDENCE, False): N_(
        "The recipient has lived in East Kalimantan for less than {years} years."
    ),
    (RESIDENCE, None): N_(
        "The start of the recipient's residence in East Kalimantan is unknown; {years} years are "
        "required."
    ),
    (NO_DUPLICATE, True): N_("The household has no other grant of this programme for {period}."),
    (NO_DUPLICATE, False): N_(
        "The household already has a grant of this programme for {period}; void it first to "
        "replace it."
    ),
    (EARLIER_HOUSE_AID, True): N_("No other house aid within {years} years was found."),
    (EARLIER_HOUSE_AID, False): N_(
        "Other house aid within {years} years was found for this household or its members; "
        "check it before deciding."
    ),
}


def _check(code: str, outcome: bool | None, **values: object) -> EligibilityCheck:
    """One check; ``outcome`` None means the data to decide is missing (a failure)."""
    text = _(_TEXT[code, outcome]).format(**values)
    return EligibilityCheck(code, bool(outcome), code != EARLIER_HOUSE_AID, text)


def evaluate(
    session: Session,
    household_id: str,
    recipient_person_id: str,
    programme: str,
    period: int,
    on: date,
    *,
    exclude_grant_id: str | None = None,
) -> Eligibility:
    """Evaluate every rule on ``on``.

    Args:
        session: an open session.
        household_id: the household the grant is for.
        recipient_person_id: the member who receives it.
        programme: the programme code.
        period: the year of the programme.
        on: the date of the decision (proposal or approval).
        exclude_grant_id: the grant being decided, left out of the duplicate check.
    """
    house = session.scalars(
        select(Handover)
        .where(
            Handover.household_id == household_id,
            Handover.stage == "handed_over",
            Handover.deleted.is_(False),
            Handover.handed_over_on <= on,
        )
        .order_by(Handover.handed_over_on.desc(), Handover.id)
        .limit(1)
    ).first()
    member = active_person(session, household_id, recipient_person_id)
    # Age and residence are reported even for a non-member, so the officer sees everything.
    person = member or session.get(Person, recipient_person_id)
    birth = person.birth_date if person else None
    age = age_on(birth, on) if birth else None
    since = person.domicile_since if person else None
    duplicate = session.scalar(
        select(Grant.id)
        .where(
            Grant.household_id == household_id,
            Grant.programme == programme,
            Grant.period == period,
            Grant.stage != "void",
            Grant.deleted.is_(False),
            Grant.id != (exclude_grant_id or ""),
        )
        .limit(1)
    )
    # The house that qualifies the household is not "earlier" aid; anything else is flagged.
    earlier = earlier_house_aid(
        session, household_id, on, exclude=[house.id] if house is not None else []
    )
    checks = (
        _check(
            HOUSE_HANDED_OVER,
            house is not None,
            date=format_date_long(house.handed_over_on) if house else "",
        ),
        _check(RECIPIENT_MEMBER, member is not None),
        _check(
            RECIPIENT_AGE,
            None if age is None else age >= MIN_AGE,
            age=age,
            date=format_date_long(on),
            min=MIN_AGE,
        ),
        _check(
            RESIDENCE,
            None if since is None else since <= years_before(on, RESIDENCE_YEARS),
            years=RESIDENCE_YEARS,
        ),
        _check(NO_DUPLICATE, duplicate is None, period=period),
        _check(EARLIER_HOUSE_AID, not earlier, years=AID_WINDOW_YEARS),
    )
    return Eligibility(checks, all(c.passed for c in checks if c.blocking))


# ---- stage transitions ----------------------------------------------------------------------


def stage_label(stage: str) -> str:
    return _(vocab.GRANT_STAGE.get(stage, stage))


def require_stage(grant: Grant, stage: str) -> None:
    """Raise :class:`Conflict` unless ``grant`` is at the stage that leads to ``stage``."""
    expected = FROM_STAGE[stage]
    if grant.stage != expected:
        raise Conflict(
            _("The grant is {current}; only a grant that is {expected} can become {stage}.").format(
                current=stage_label(grant.stage),
                expected=stage_label(expected),
                stage=stage_label(stage),
            )
        )


def date_issues(grant: Grant, stage: str, on: date) -> list[Issue]:
    """The date of a transition is not in the future and not before the previous stage."""
    issues = not_future("on", on, date.today())
    previous = getattr(grant, DATE_OF[FROM_STAGE[stage]])
    if previous is not None and on < previous:
        issues.append(
            error("on", "grant.date_order", _("The date is before the date of the previous stage."))
        )
    return issues

# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of trainings and enrolments: the training form, the enrolment id, the age warning.

Competency training under Pergub Kaltim 3/2025 is for people aged 17 or more (domain.md §3.2).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Enrolment, Person
from kaltim_desktop.services.programme_rules import (
    MAX_TEXT,
    MIN_AGE,
    age_on,
    clean,
    error,
    warning,
)

# Fixed forever: every installation must derive the same enrolment id.
ENROLMENT_NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-5c89-9a0e-64e4a1b2c3d4")
MAX_HOURS = 2000


@dataclass(frozen=True)
class TrainingInput:
    """A training as typed in the form; ``regency_code`` (``"64.72"``) is required."""

    title: str
    skill_category: str
    agency: str
    start_date: date
    end_date: date
    place: str | None = None
    trainer: str | None = None
    hours: int | None = None
    regency_code: str | None = None


def enrolment_id(training_id: str, person_id: str) -> str:
    """The enrolment id of a person in a training: a UUIDv5 of both ids, the same everywhere."""
    return str(uuid.uuid5(ENROLMENT_NAMESPACE, f"{training_id}/{person_id}"))


def check_training(data: TrainingInput) -> tuple[list[Issue], str | None]:
    """The checks of a training form; returns the issues and the dotted regency code."""
    issues: list[Issue] = []
    if not clean(data.title):
        issues.append(error("title", "training.title", _("Enter the title of the training.")))
    if data.skill_category not in vocab.SKILL_CATEGORY:
        issues.append(error("skill_category", "value.unknown", _("Choose a value from the list.")))
    if data.agency not in vocab.AGENCY:
        issues.append(error("agency", "value.unknown", _("Choose a value from the list.")))
    if data.end_date < data.start_date:
        issues.append(
            error("end_date", "training.dates", _("The training cannot end before it starts."))
        )
    if data.hours is not None and (
        not isinstance(data.hours, int)
        or isinstance(data.hours, bool)
        or not 1 <= data.hours <= MAX_HOURS
    ):
        issues.append(
            error(
                "hours",
                "training.hours",
                _("The hours are a whole number from 1 to {limit}.").format(limit=MAX_HOURS),
            )
        )
    for name in ("title", "place", "trainer"):
        value = clean(getattr(data, name))
        if value and len(value) > MAX_TEXT:
            issues.append(
                error(
                    name, "text.too_long", _("At most {limit} characters.").format(limit=MAX_TEXT)
                )
            )
    regency = region_tree().get(data.regency_code) if data.regency_code else None
    if regency is None or regency.level != "regency":
        issues.append(
            error(
                "regency_code",
                "training.regency",
                _("Choose the regency or city (kabupaten/kota) from the list."),
            )
        )
        return issues, None
    return issues, regency.code


def age_warnings(person: Person, on: date) -> list[Issue]:
    """Warnings for a participant under 17 (or of unknown age) when the training starts."""
    # Pergub 3/2025 sets 17 for competency training; the officer may still enrol a younger
    # person (e.g. alongside a parent), so this warns instead of refusing.
    if person.birth_date is None:
        return [
            warning(
                "person_id",
                "enrolment.age_unknown",
                _("The birth date is unknown; participants should be at least {age}.").format(
                    age=MIN_AGE
                ),
            )
        ]
    if age_on(person.birth_date, on) < MIN_AGE:
        return [
            warning(
                "person_id",
                "enrolment.under_age",
                _("The person is under {age} when the training starts.").format(age=MIN_AGE),
            )
        ]
    return []


def attended(enrolment: Enrolment) -> list[str]:
    """The ISO dates the participant attended, sorted."""
    return json.loads(enrolment.attended_days) if enrolment.attended_days else []

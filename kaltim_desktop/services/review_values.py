# SPDX-License-Identifier: GPL-3.0-or-later
"""A value typed by a reviewer to settle a conflict, checked with the household form's rules.

The field is put into the record's own household form (the other members and fields as they
are stored) and the form's checks run unchanged (:func:`check_household`,
:func:`check_against_database`), so a NIK typed here is held to the same structure, birth-date
and duplicate checks as one typed in the household screen. Only the issues of the edited field
count: the rest of the form is what it already was.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import parse_typed_date
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import Issue, ValidationError, WarningsNotConfirmed
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Membership
from kaltim_desktop.services.household_rules import (
    HouseholdInput,
    MemberInput,
    check_against_database,
    check_household,
    clean_text,
)
from kaltim_desktop.services.household_views import HouseholdDetail, read_detail

# Fields a reviewer may type, by entity, with the kind of input they take.
TEXT, DATE, NUMBER, CHOICE = "text", "date", "number", "choice"
EDITABLE: dict[str, dict[str, str]] = {
    "person": {
        "name": TEXT, "nik": TEXT, "sex": CHOICE, "birth_place": TEXT, "birth_date": DATE,
        "education": CHOICE, "occupation": TEXT, "disability": CHOICE, "skills": TEXT,
        "domicile_since": DATE,
    },
    "household": {
        "kk_number": TEXT, "kk_as_of": DATE, "village_code": TEXT, "rt": NUMBER, "rw": NUMBER,
        "hamlet": TEXT, "street": TEXT, "phone": TEXT, "dtsen_decile": NUMBER,
        "dtsen_as_of": DATE, "notes": TEXT,
    },
}  # fmt: skip
CHOICES: dict[str, dict[str, str]] = {
    "sex": vocab.SEX,
    "education": vocab.EDUCATION,
    "disability": vocab.DISABILITY,
}


def input_kind(entity: str, field: str) -> str | None:
    """How a value of ``entity.field`` is typed, or None when it can only be chosen."""
    return EDITABLE.get(entity, {}).get(field)


def _refuse(field: str, code: str, message: str) -> ValidationError:
    return ValidationError([Issue(field, code, "error", message)])


def _parse(field: str, kind: str, value: Any) -> Any:
    """The typed text as the column's Python value (empty text: no value)."""
    if value is None or (isinstance(value, date | int) and not isinstance(value, bool)):
        return value
    text = str(value).strip()
    if not text:
        return None
    if kind == DATE:
        try:
            return parse_typed_date(text)
        except ValueError:
            raise _refuse(field, "value.date", _("Type the date as dd-mm-yyyy.")) from None
    if kind == NUMBER:
        if not text.isdigit():
            raise _refuse(field, "value.number", _("Type a whole number."))
        return int(text)
    if kind == CHOICE and text not in CHOICES[field]:
        raise _refuse(field, "value.unknown", _("Choose a value from the list."))
    return text


def _member_input(member) -> MemberInput:
    return MemberInput(
        member.name, member.sex, member.relation, member.nik, member.birth_place,
        member.birth_date, member.education, member.occupation, member.disability,
        member.skills, member.domicile_since, member.person_id,
    )  # fmt: skip


def _household_input(detail: HouseholdDetail, members: tuple[MemberInput, ...]) -> HouseholdInput:
    return HouseholdInput(
        detail.village_code, members, detail.id, detail.kk_number, detail.kk_as_of, detail.rt,
        detail.rw, detail.hamlet, detail.street, detail.phone, detail.gps_lat_e6,
        detail.gps_lon_e6, detail.dtsen_decile, detail.dtsen_as_of, detail.notes,
    )  # fmt: skip


def _person_form(session: Session, person_id: str, person) -> tuple[HouseholdInput, int]:
    """The form of the person's current household and the person's index in it; a person in
    no household gets a form of their own (only the person's issues are read)."""
    household_id = session.scalar(
        select(Membership.household_id).where(
            Membership.person_id == person_id, Membership.current()
        )
    )
    if household_id is not None:
        detail = read_detail(session, household_id)
        members = tuple(_member_input(m) for m in detail.members)
        index = next((i for i, m in enumerate(members) if m.person_id == person_id), None)
        if index is not None:
            return _household_input(detail, members), index
    alone = MemberInput(
        person.name, person.sex, "head", person.nik, person.birth_place, person.birth_date,
        person.education, person.occupation, person.disability, person.skills,
        person.domicile_since, person_id,
    )  # fmt: skip
    village = next(r.code for r in region_tree() if r.level == "village")
    return HouseholdInput(village, (alone,)), 0


def clean_typed_value(
    session: Session, entity: str, entity_id: str, field: str, value: Any, *,
    confirm_warnings: bool, today: date,
) -> Any:  # fmt: skip
    """Check a reviewer's value for ``entity.field`` and return it as it is stored.

    Raises:
        ValidationError: the field cannot be typed, or the value breaks a rule.
        WarningsNotConfirmed: only warnings were found and they were not confirmed.
    """
    from kaltim_desktop.models import REPLICATED

    kind = input_kind(entity, field)
    if kind is None:
        raise _refuse(
            field, "review.choose_only",
            _("This field cannot be typed here: choose one of the versions."),
        )  # fmt: skip
    parsed = _parse(field, kind, value)
    record = session.get(REPLICATED[entity], entity_id)
    if record is None:
        raise _refuse(field, "review.record", _("The record of this item no longer exists."))
    if entity == "person":
        data, index = _person_form(session, entity_id, record)
        members = list(data.members)
        members[index] = replace(members[index], **{field: parsed})
        data = replace(data, members=tuple(members))
        issue_field = f"members[{index}].{field}"
    else:
        detail = read_detail(session, entity_id)
        data = replace(
            _household_input(detail, tuple(_member_input(m) for m in detail.members)),
            **{field: parsed},
        )
        issue_field = field
    cleaned = check_household(data, today)
    check_against_database(session, data, cleaned)
    issues = [i for i in cleaned.issues if i.field == issue_field]
    if any(i.is_error for i in issues):
        raise ValidationError(issues)
    if issues and not confirm_warnings:
        raise WarningsNotConfirmed(issues)
    return _stored(field, parsed, cleaned, index if entity == "person" else None)


def _stored(field: str, parsed: Any, cleaned, index: int | None) -> Any:
    """The value as the household form stores it (normalised numbers, cleaned text)."""
    if parsed is None:
        return None
    if field == "nik":
        return cleaned.member_niks[index]
    if field == "kk_number":
        return cleaned.kk_number
    if field == "phone":
        return cleaned.phone
    if field == "village_code":
        return region_tree().get(parsed).code
    if field == "notes":
        return parsed.strip() or None
    if isinstance(parsed, str) and field not in CHOICES:
        return clean_text(parsed)
    return parsed

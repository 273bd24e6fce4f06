# SPDX-License-Identifier: GPL-3.0-or-later
"""Validation of a household form: pure checks first, then the checks that need the database.

Errors block saving; warnings are shown and saving goes on only when the officer confirms them
(domain.md §1.3: a suspicious NIK is flagged, not refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.names import clean_name, validate_name
from kaltim_desktop.domain.nik import parse_kk, parse_nik
from kaltim_desktop.domain.phone import normalize_phone
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.domain.rtlh import HouseCondition, validate_condition
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Membership, Person

# A generous box around East Kalimantan; a point outside is probably a typo or swapped axes.
KALTIM_LAT_E6 = (-2_600_000, 2_600_000)
KALTIM_LON_E6 = (113_800_000, 119_200_000)
MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class MemberInput:
    """One member as typed in the form. ``person_id`` is set when editing an existing person."""

    name: str
    sex: str
    relation: str
    nik: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    education: str | None = None
    occupation: str | None = None
    disability: str | None = None
    skills: str | None = None
    domicile_since: date | None = None
    person_id: str | None = None


@dataclass(frozen=True)
class HouseholdInput:
    """A whole household form. ``id`` is chosen by the caller when the form opens, so a second
    Save of the same form updates the record instead of creating another one."""

    village_code: str
    members: tuple[MemberInput, ...]
    id: str | None = None
    kk_number: str | None = None
    kk_as_of: date | None = None
    rt: int | None = None
    rw: int | None = None
    hamlet: str | None = None
    street: str | None = None
    phone: str | None = None
    gps_lat_e6: int | None = None
    gps_lon_e6: int | None = None
    dtsen_decile: int | None = None
    dtsen_as_of: date | None = None
    notes: str | None = None
    house: HouseCondition | None = None
    house_assessed_on: date | None = None


@dataclass
class Cleaned:
    """Normalised values ready to store, with every issue found on the way."""

    issues: list[Issue] = field(default_factory=list)
    kk_number: str | None = None
    phone: str | None = None
    member_niks: list[str | None] = field(default_factory=list)

    def error(self, field_name: str, code: str, message: str) -> None:
        self.issues.append(Issue(field_name, code, "error", message))

    def warn(self, field_name: str, code: str, message: str) -> None:
        self.issues.append(Issue(field_name, code, "warning", message))


def _check_code(cleaned: Cleaned, field_name: str, value: str | None, choices: dict) -> None:
    if value is not None and value not in choices:
        cleaned.error(field_name, "value.unknown", _("Choose a value from the list."))


def _check_member(
    cleaned: Cleaned, index: int, member: MemberInput, kk: str | None, today: date
) -> None:
    prefix = f"members[{index}]"
    cleaned.issues += validate_name(member.name, field=f"{prefix}.name")
    if member.sex not in vocab.SEX:
        cleaned.error(f"{prefix}.sex", "member.sex", _("Choose male or female."))
    _check_code(cleaned, f"{prefix}.relation", member.relation, vocab.RELATION)
    _check_code(cleaned, f"{prefix}.education", member.education, vocab.EDUCATION)
    _check_code(cleaned, f"{prefix}.disability", member.disability, vocab.DISABILITY)
    if member.birth_date is not None:
        if member.birth_date > today:
            cleaned.error(
                f"{prefix}.birth_date", "member.birth_future", _("The birth date is in the future.")
            )
        elif today.year - member.birth_date.year > MAX_AGE_YEARS:
            cleaned.warn(
                f"{prefix}.birth_date",
                "member.very_old",
                _("The birth date gives an age over 120 years. Please check it."),
            )
    if member.domicile_since is not None:
        if member.domicile_since > today:
            cleaned.error(
                f"{prefix}.domicile_since",
                "member.domicile_future",
                _("The start of residence is in the future."),
            )
        elif member.birth_date and member.domicile_since < member.birth_date:
            cleaned.error(
                f"{prefix}.domicile_since",
                "member.domicile_before_birth",
                _("The start of residence is before the birth date."),
            )
    nik = None
    if member.nik and member.nik.strip():
        info = parse_nik(
            member.nik,
            field=f"{prefix}.nik",
            declared_birth_date=member.birth_date,
            declared_sex=member.sex if member.sex in vocab.SEX else None,
            family_kk=kk,
            today=today,
        )
        cleaned.issues += info.issues
        nik = info.normalized if info.ok else None
    else:
        cleaned.warn(
            f"{prefix}.nik",
            "nik.missing",
            _("No NIK was entered. Record it as soon as the person has one."),
        )
    cleaned.member_niks.append(nik)


def check_household(data: HouseholdInput, today: date) -> Cleaned:
    """All checks that need no database."""
    cleaned = Cleaned()
    village = region_tree().get(data.village_code)
    if village is None or village.level != "village":
        cleaned.error(
            "village_code",
            "address.village",
            _("Choose the village (desa/kelurahan) from the list."),
        )
    for name, value, limit in (("rt", data.rt, 999), ("rw", data.rw, 999)):
        if value is not None and not 1 <= value <= limit:
            cleaned.error(name, "address.rt_rw", _("RT and RW are numbers from 1 to 999."))
    kk = None
    if data.kk_number and data.kk_number.strip():
        info = parse_kk(
            data.kk_number, member_niks=[m.nik or "" for m in data.members], today=today
        )
        cleaned.issues += info.issues
        kk = info.normalized if info.ok else None
        if data.kk_as_of is None:
            cleaned.warn(
                "kk_as_of",
                "kk.as_of_missing",
                _("Record the date of the KK copy: KK numbers change over time."),
            )
        elif data.kk_as_of > today:
            cleaned.error("kk_as_of", "kk.as_of_future", _("The KK date is in the future."))
    cleaned.kk_number = kk
    if data.phone and data.phone.strip():
        cleaned.phone, phone_issues = normalize_phone(data.phone, field="phone")
        cleaned.issues += phone_issues
    if (data.gps_lat_e6 is None) != (data.gps_lon_e6 is None):
        cleaned.error("gps", "gps.partial", _("Enter both latitude and longitude, or neither."))
    elif data.gps_lat_e6 is not None:
        if not (
            -90_000_000 <= data.gps_lat_e6 <= 90_000_000
            and -180_000_000 <= data.gps_lon_e6 <= 180_000_000
        ):
            cleaned.error("gps", "gps.invalid", _("These are not valid GPS coordinates."))
        elif not (
            KALTIM_LAT_E6[0] <= data.gps_lat_e6 <= KALTIM_LAT_E6[1]
            and KALTIM_LON_E6[0] <= data.gps_lon_e6 <= KALTIM_LON_E6[1]
        ):
            cleaned.warn("gps", "gps.outside", _("The GPS point lies outside East Kalimantan."))
    if data.dtsen_decile is not None:
        if not 1 <= data.dtsen_decile <= 10:
            cleaned.error("dtsen_decile", "dtsen.decile", _("The DTSEN decile is from 1 to 10."))
        elif data.dtsen_as_of is None:
            cleaned.warn(
                "dtsen_as_of",
                "dtsen.as_of_missing",
                _("Record the period of the DTSEN decile: it changes every quarter."),
            )
    if not data.members:
        cleaned.error("members", "members.empty", _("A household needs at least one member."))
    heads = sum(1 for m in data.members if m.relation == "head")
    if data.members and heads != 1:
        cleaned.error(
            "members", "members.head", _("Exactly one member must be the head of the family.")
        )
    for index, member in enumerate(data.members):
        _check_member(cleaned, index, member, kk, today)
    seen: dict[str, int] = {}
    for index, nik in enumerate(cleaned.member_niks):
        if nik is None:
            continue
        if nik in seen:
            cleaned.error(
                f"members[{index}].nik",
                "nik.twice_in_household",
                _("The same NIK is entered for two members of this household."),
            )
        seen[nik] = index
    if data.house is not None:
        cleaned.issues += validate_condition(data.house)
    return cleaned


def check_against_database(session: Session, data: HouseholdInput, cleaned: Cleaned) -> None:
    """Flag NIKs already registered for another person (a duplicate to review, never an error),
    and refuse to make a person active in a second household."""
    own_people = {m.person_id for m in data.members if m.person_id}
    if data.id:
        # Members already in this household are not duplicates of themselves (a second Save).
        own_people |= set(
            session.scalars(
                select(Membership.person_id).where(
                    Membership.household_id == data.id, Membership.current()
                )
            )
        )
    niks = [nik for nik in cleaned.member_niks if nik]
    if niks:
        rows = session.execute(
            select(Person.id, Person.nik).where(Person.nik.in_(niks), Person.deleted.is_(False))
        ).all()
        taken = {nik for person_id, nik in rows if person_id not in own_people}
        for index, nik in enumerate(cleaned.member_niks):
            if nik in taken:
                cleaned.warn(
                    f"members[{index}].nik",
                    "nik.duplicate",
                    _(
                        "This NIK is already registered for another person. "
                        "Check whether it is the same person before saving."
                    ),
                )
    if own_people:
        elsewhere = (
            session.execute(
                select(Membership.person_id).where(
                    Membership.person_id.in_(own_people),
                    Membership.current(),
                    Membership.household_id != (data.id or ""),
                )
            )
            .scalars()
            .all()
        )
        for index, member in enumerate(data.members):
            if member.person_id in elsewhere:
                cleaned.error(
                    f"members[{index}]",
                    "person.active_elsewhere",
                    _(
                        "This person is active in another household. "
                        "Move the person instead of adding them twice."
                    ),
                )


def clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = clean_name(value)
    return value or None

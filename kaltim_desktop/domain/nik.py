# SPDX-License-Identifier: GPL-3.0-or-later
"""Structure checks for the NIK (national identity number) and the KK (family card) number.

Only checks that hold for every genuine number are errors (domain.md §1.3). Anything that can
be legitimate (an old pre-split region code, a NIK date that differs from the corrected birth
date, a NIK from another province) is a warning for the officer to confirm. There is no check
digit, and a non-Kaltim prefix is never a problem: many residents were registered elsewhere.

Values are never repaired. A number that a spreadsheet has turned into ``6.47201E+15`` has lost
its last digits for good, so it is reported and has to be typed again from the card.

Issue messages never contain the number itself, since they may be shown, logged and printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import N_, _

# The 38 province codes since the 2022 Papua split (Kepmendagri 300.2.2-2138/2025).
PROVINCE_CODES = frozenset(
    [str(n) for n in range(11, 20)]
    + ["21", "31", "32", "33", "34", "35", "36", "51", "52", "53"]
    + ["61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82"]
    + [str(n) for n in range(91, 97)]
)
KALTIM = "64"
FEMALE_DAY_OFFSET = 40

# Spaces (any Unicode space), dots, ASCII and typographic dashes are accepted as separators.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
# What a spreadsheet shows for a 16-digit number kept as a number: "6.47201E+15", "6,47E+15",
# or, once exported, a float such as "6472010101900000.0".
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d{15,16}[.,]0+$")

_MESSAGES = {
    "empty": N_("Required: enter the 16-digit number."),
    "spreadsheet": N_(
        "This value looks damaged by a spreadsheet (scientific notation or a decimal number). "
        "Its last digits are lost and cannot be recovered: type the number again from the card "
        "and format the spreadsheet column as text."
    ),
    "spreadsheet15": N_(
        "This value has 15 digits instead of 16. It may have been damaged by a spreadsheet "
        "(a dropped leading digit or rounding) or a digit was missed: type the number again "
        "from the card."
    ),
    "not_digits": N_("Only digits are allowed (spaces, dots and dashes are ignored)."),
    "length": N_("The number must have exactly 16 digits; this value has {count}."),
    "province": N_("Digits 1-2 are not one of the 38 Indonesian province codes."),
    "region_zero": N_("The regency and district digits (3-4 and 5-6) cannot be 00."),
    "serial_zero": N_("The last four digits (the serial number) cannot be 0000."),
    "nik.day": N_("Digits 7-8 (day of birth) must be 01-31, or 41-71 for women."),
    "nik.month": N_("Digits 9-10 (month of birth) must be 01-12."),
    "nik.calendar": N_(
        "Digits 7-12 do not form a real birth date (for example 31 April, or 29 February "
        "outside a leap year)."
    ),
    "kk.day": N_("Digits 7-8 (day of issue) must be 01-31; a KK number has no +40 rule."),
    "kk.month": N_("Digits 9-10 (month of issue) must be 01-12."),
    "kk.calendar": N_("Digits 7-12 do not form a real issue date."),
    "nik.unknown_region": N_(
        "Digits 1-6 are not a current Kalimantan Timur district. This is normal for a NIK "
        "issued before a region split (Mahakam Ulu left Kutai Barat in 2013, Kalimantan Utara "
        "left the province in 2012), possibly an old pre-split code: check it against the KTP."
    ),
    "kk.unknown_region": N_(
        "Digits 1-6 are not a current Kalimantan Timur district; the card may predate a region "
        "split (possibly an old pre-split code): check it against the KK."
    ),
    "birth_date_mismatch": N_(
        "The birth date encoded in the NIK differs from the declared birth date. This can be "
        "legitimate, because a NIK is not changed when a birth date is corrected: confirm it "
        "with the documents."
    ),
    "sex_mismatch": N_(
        "The sex encoded in the NIK (women have 40 added to the day) differs from the declared "
        "sex: confirm it with the documents."
    ),
    "equals_kk": N_(
        "The NIK is the same as the family's KK number; the KK number was probably entered by "
        "mistake."
    ),
    "equals_nik": N_(
        "The KK number is the same as a member's NIK; a NIK was probably entered by mistake."
    ),
    "future_date": N_("The issue date in the KK number (digits 7-12) is in the future."),
}


def _issue(field: str, code: str, severity: str, key: str, **kwargs: object) -> Issue:
    # Translated here, at call time, so the current language applies.
    return Issue(field, code, severity, _(_MESSAGES[key]).format(**kwargs))


@dataclass(frozen=True)
class NikInfo:
    """The outcome of :func:`parse_nik`.

    Attributes:
        normalized: the 16 digits when the value has that shape (also when later checks
            failed: look at :attr:`ok` before storing it), else ``None``.
        province_code: digits 1-2.
        district_code: dotted kecamatan code of first registration, e.g. ``"64.72.01"``.
        birth_date: the encoded birth date, when it is a real date.
        sex: ``"M"`` or ``"F"`` (day + 40), when the day field is in range.
        serial: digits 13-16.
        issues: errors and warnings, in the order found.
    """

    normalized: str | None
    province_code: str | None
    district_code: str | None
    birth_date: date | None
    sex: str | None
    serial: str | None
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues that block saving."""
        return tuple(i for i in self.issues if i.is_error)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The issues the officer may confirm."""
        return tuple(i for i in self.issues if not i.is_error)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings may remain)."""
        return not self.errors


@dataclass(frozen=True)
class KkInfo:
    """The outcome of :func:`parse_kk`.

    Attributes:
        normalized: the 16 digits when the value has that shape, else ``None``.
        district_code: dotted code of the issuing kecamatan, e.g. ``"64.72.01"``.
        issue_date: the encoded issue date, when it is a real date.
        issues: errors and warnings, in the order found.
    """

    normalized: str | None
    district_code: str | None
    issue_date: date | None
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues that block saving."""
        return tuple(i for i in self.issues if i.is_error)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The issues the officer may confirm."""
        return tuple(i for i in self.issues if not i.is_error)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings may remain)."""
        return not self.errors


def strip_separators(value: str) -> str:
    """Remove spaces, dots and dashes: ``"6472 0101-01.900001"`` → ``"6472010101900001"``."""
    return _SEPARATORS.sub("", value)


def _digits16(value: object, field: str, kind: str, issues: list[Issue]) -> str | None:
    """Return the 16 digits of ``value`` or append the reason why there are none."""
    text = "" if value is None else str(value).strip()
    if not text:
        issues.append(_issue(field, f"{kind}.empty", "error", "empty"))
        return None
    if _SCIENTIFIC.match(text) or _FLOAT_TAIL.match(text):
        issues.append(_issue(field, f"{kind}.spreadsheet_damage", "error", "spreadsheet"))
        return None
    compact = strip_separators(text)
    if not (compact.isascii() and compact.isdigit()):
        issues.append(_issue(field, f"{kind}.not_digits", "error", "not_digits"))
        return None
    if len(compact) == 15:
        # Neither a NIK nor a KK can start with 0, so a dropped leading zero and a missed
        # digit look alike; both have to be typed again.
        issues.append(_issue(field, f"{kind}.spreadsheet_damage", "error", "spreadsheet15"))
        return None
    if len(compact) != 16:
        issues.append(_issue(field, f"{kind}.length", "error", "length", count=len(compact)))
        return None
    return compact


def _check_region(digits: str, field: str, kind: str, issues: list[Issue]) -> str:
    """Check digits 1-6 and return the dotted kecamatan code."""
    province, regency, district = digits[0:2], digits[2:4], digits[4:6]
    dotted = f"{province}.{regency}.{district}"
    if province not in PROVINCE_CODES:
        issues.append(_issue(field, f"{kind}.province", "error", "province"))
    if regency == "00" or district == "00":
        issues.append(_issue(field, f"{kind}.region_zero", "error", "region_zero"))
    elif province == KALTIM and not region_tree().has_district(dotted):
        issues.append(_issue(field, f"{kind}.unknown_region", "warning", f"{kind}.unknown_region"))
    return dotted


def _check_serial(digits: str, field: str, kind: str, issues: list[Issue]) -> None:
    if digits[12:16] == "0000":
        issues.append(_issue(field, f"{kind}.serial_zero", "error", "serial_zero"))


def _default_year(yy: int, month: int, day: int, today: date) -> int:
    """The most recent year ending in ``yy`` whose day/month is not after ``today``."""
    year = today.year - today.year % 100 + yy
    if year > today.year or (year == today.year and (month, day) > (today.month, today.day)):
        year -= 100
    return year


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _same_number(a: str, b: str) -> bool:
    return strip_separators(a.strip()) == strip_separators(b.strip())


def parse_nik(
    value: str,
    *,
    field: str = "nik",
    declared_birth_date: date | None = None,
    declared_sex: str | None = None,
    family_kk: str | None = None,
    today: date | None = None,
) -> NikInfo:
    """Check and decode a NIK.

    Args:
        value: the NIK as typed or imported; spaces, dots and dashes are ignored.
        field: the field name put on each :class:`~kaltim_desktop.errors.Issue`.
        declared_birth_date: the person's birth date on record; resolves the century of the
            2-digit year (when the years agree) and is compared with the encoded date.
        declared_sex: ``"M"`` or ``"F"`` on record, compared with the encoded sex.
        family_kk: the family's KK number; a NIK equal to it is flagged.
        today: the reference date (defaults to the system date).

    Returns:
        A :class:`NikInfo`; it never raises on bad input.
    """
    today = today or date.today()
    issues: list[Issue] = []
    digits = _digits16(value, field, "nik", issues)
    if digits is None:
        return NikInfo(None, None, None, None, None, None, tuple(issues))

    district_code = _check_region(digits, field, "nik", issues)
    day_field, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex: str | None = None
    if 1 <= day_field <= 31:
        sex, day = "M", day_field
    elif 1 + FEMALE_DAY_OFFSET <= day_field <= 31 + FEMALE_DAY_OFFSET:
        sex, day = "F", day_field - FEMALE_DAY_OFFSET
    else:
        issues.append(_issue(field, "nik.date", "error", "nik.day"))
    birth_date: date | None = None
    if not 1 <= month <= 12:
        issues.append(_issue(field, "nik.date", "error", "nik.month"))
    elif sex is not None:
        if declared_birth_date is not None and declared_birth_date.year % 100 == yy:
            year = declared_birth_date.year
        else:
            year = _default_year(yy, month, day, today)
        # The year matters for 29 February: 1900 was not a leap year, 2000 was.
        birth_date = _real_date(year, month, day)
        if birth_date is None:
            issues.append(_issue(field, "nik.date", "error", "nik.calendar"))
    _check_serial(digits, field, "nik", issues)

    if declared_birth_date is not None and birth_date not in (None, declared_birth_date):
        issues.append(_issue(field, "nik.birth_date_mismatch", "warning", "birth_date_mismatch"))
    if sex is not None and declared_sex in ("M", "F") and declared_sex != sex:
        issues.append(_issue(field, "nik.sex_mismatch", "warning", "sex_mismatch"))
    if family_kk and _same_number(family_kk, digits):
        issues.append(_issue(field, "nik.equals_kk", "warning", "equals_kk"))

    return NikInfo(
        normalized=digits,
        province_code=digits[0:2],
        district_code=district_code,
        birth_date=birth_date,
        sex=sex,
        serial=digits[12:16],
        issues=tuple(issues),
    )


def parse_kk(
    value: str,
    *,
    field: str = "kk_number",
    member_niks: Iterable[str] = (),
    today: date | None = None,
) -> KkInfo:
    """Check and decode a KK (Kartu Keluarga) number.

    Digits 7-12 are the issue date as DDMMYY, without the +40 rule of the NIK. The year is
    20YY when YY is not after this year, else 19YY.

    Args:
        value: the KK number as typed or imported; spaces, dots and dashes are ignored.
        field: the field name put on each issue.
        member_niks: the family members' NIKs; a KK number equal to one is flagged.
        today: the reference date (defaults to the system date).

    Returns:
        A :class:`KkInfo`; it never raises on bad input.
    """
    today = today or date.today()
    issues: list[Issue] = []
    digits = _digits16(value, field, "kk", issues)
    if digits is None:
        return KkInfo(None, None, None, tuple(issues))

    district_code = _check_region(digits, field, "kk", issues)
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    issue_date: date | None = None
    if not 1 <= day <= 31:
        issues.append(_issue(field, "kk.date", "error", "kk.day"))
    elif not 1 <= month <= 12:
        issues.append(_issue(field, "kk.date", "error", "kk.month"))
    else:
        year = today.year - today.year % 100 + yy
        if yy > today.year % 100:
            year -= 100
        issue_date = _real_date(year, month, day)
        if issue_date is None:
            issues.append(_issue(field, "kk.date", "error", "kk.calendar"))
        elif issue_date > today:
            issues.append(_issue(field, "kk.future_date", "warning", "future_date"))
    _check_serial(digits, field, "kk", issues)

    if any(nik and _same_number(nik, digits) for nik in member_niks):
        issues.append(_issue(field, "kk.equals_nik", "warning", "equals_nik"))
    return KkInfo(digits, district_code, issue_date, tuple(issues))


def mask_nik(nik: str) -> str:
    """Hide the middle of a NIK for print-outs: ``"6472********0001"``.

    Only the first 4 and last 4 digits stay visible (UU PDP 27/2022). Values too short to keep
    anything hidden are masked completely.
    """
    compact = strip_separators((nik or "").strip())
    if len(compact) <= 8:
        return "*" * len(compact)
    return compact[:4] + "*" * (len(compact) - 8) + compact[-4:]

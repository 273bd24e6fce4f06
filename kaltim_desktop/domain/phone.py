# SPDX-License-Identifier: GPL-3.0-or-later
"""Phone numbers: parse what officers type, store E.164, display the Indonesian way.

Accepted input: ``0812…``, ``+62 812…``, ``62812…`` with stray spaces, dots, dashes or
brackets. Numbers are stored as E.164 (``+6281234567890``) and shown as ``0812-3456-7890``
(domain.md §4.5). Validation uses the ``phonenumbers`` metadata, so landlines such as
``(0541) 741234`` are accepted too. A valid foreign number (e.g. a Malaysian number near the
Mahakam Ulu border) is accepted with a warning.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _

REGION = "ID"
COUNTRY_CODE = 62

_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalize_phone(value: str, *, field: str = "phone") -> tuple[str | None, tuple[Issue, ...]]:
    """Parse a phone number into E.164.

    Args:
        value: the number as typed; empty means "no phone".
        field: the field name put on each issue.

    Returns:
        ``(e164, issues)``. ``e164`` is ``None`` when the value is empty (no issues) or invalid
        (one error issue).
    """
    text = (value or "").strip()
    if not text:
        return None, ()
    invalid = Issue(
        field,
        "phone.invalid",
        "error",
        _("This is not a valid phone number. Write it like 0812-3456-7890 or +62 812 3456 7890."),
    )
    if any(ch.isalpha() for ch in text):
        # phonenumbers would read letters as a keypad word ("0812-FLOWERS"); officers do not.
        return None, (invalid,)
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None, (invalid,)
    if not phonenumbers.is_valid_number(number):
        return None, (invalid,)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if number.country_code != COUNTRY_CODE:
        foreign = Issue(
            field,
            "phone.foreign",
            "warning",
            _("This is a phone number outside Indonesia; please check it."),
        )
        return e164, (foreign,)
    return e164, ()


def format_phone(e164: str) -> str:
    """Format a stored number for display.

    Indonesian mobiles are grouped 4-4-rest with the trunk 0 (``0812-3456-7890``), Indonesian
    landlines use the national format (``(0541) 741234``), foreign numbers the international
    one. A value that cannot be parsed is returned unchanged.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, REGION)
    except NumberParseException:
        return e164
    if number.country_code != COUNTRY_CODE:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if phonenumbers.number_type(number) in _MOBILE_TYPES:
        national = "0" + phonenumbers.national_significant_number(number)
        return "-".join(part for part in (national[:4], national[4:8], national[8:]) if part)
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def whatsapp_number(e164: str) -> str:
    """The form used in ``wa.me`` links: ``"+6281234567890"`` → ``"6281234567890"``."""
    return e164.lstrip("+")

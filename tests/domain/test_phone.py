# SPDX-License-Identifier: GPL-3.0-or-later
"""Phone numbers: input forms, E.164 storage, display."""

from __future__ import annotations

import pytest

from kaltim_desktop.domain.phone import format_phone, normalize_phone, whatsapp_number


@pytest.mark.parametrize(
    "value",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "+6281234567890",
        "+62 812-3456-7890",
        "6281234567890",
        "62 812 3456 7890",
        " 081234567890 ",
    ],
)
def test_mobile_forms(value: str) -> None:
    assert normalize_phone(value) == ("+6281234567890", ())


def test_landlines_are_fine() -> None:
    assert normalize_phone("(0541) 741234") == ("+62541741234", ())
    assert normalize_phone("0542-7201234") == ("+625427201234", ())


def test_empty_means_no_phone() -> None:
    assert normalize_phone("") == (None, ())
    assert normalize_phone("   ") == (None, ())


@pytest.mark.parametrize(
    "value", ["0812345", "12345", "abc", "+62", "0812-ABC-DEFG", "08123456789012345"]
)
def test_invalid(value: str) -> None:
    e164, issues = normalize_phone(value, field="contact_phone")
    assert e164 is None
    assert [(i.field, i.code, i.severity) for i in issues] == [
        ("contact_phone", "phone.invalid", "error")
    ]
    assert issues[0].message


def test_foreign_number_is_a_warning() -> None:
    e164, issues = normalize_phone("+60 12-345 6789")
    assert e164 == "+60123456789"
    assert [i.code for i in issues] == ["phone.foreign"]


def test_format_phone() -> None:
    assert format_phone("+6281234567890") == "0812-3456-7890"
    assert format_phone("+62811543210") == "0811-5432-10"
    assert format_phone("+62812345678901") == "0812-3456-78901"
    assert format_phone("+62541741234") == "(0541) 741234"
    assert format_phone("+60123456789") == "+60 12-345 6789"
    assert format_phone("") == ""
    assert format_phone("not a number") == "not a number"


def test_whatsapp_number() -> None:
    assert whatsapp_number("+6281234567890") == "6281234567890"

# SPDX-License-Identifier: GPL-3.0-or-later
"""NIK and KK checks: every case of domain.md §1.3, with concrete numbers."""

from __future__ import annotations

from datetime import date

import pytest

from kaltim_desktop.domain.nik import PROVINCE_CODES, mask_nik, parse_kk, parse_nik

TODAY = date(2026, 11, 28)


def build(
    *,
    prov: str = "64",
    reg: str = "72",
    dist: str = "01",
    day: int = 1,
    month: int = 1,
    yy: int = 90,
    female: bool = False,
    serial: str = "0001",
) -> str:
    """Assemble a NIK from its parts (day + 40 for women)."""
    return f"{prov}{reg}{dist}{day + (40 if female else 0):02d}{month:02d}{yy:02d}{serial}"


def codes(info) -> list[str]:
    return [i.code for i in info.issues]


def check(value: str, **kwargs):
    info = parse_nik(value, today=TODAY, **kwargs)
    for issue in info.issues:
        assert issue.message.strip()
        digits = "".join(ch for ch in value if ch.isdigit())
        assert len(digits) < 6 or digits not in issue.message
    return info


# ---- Valid numbers --------------------------------------------------------------------------


def test_valid_male() -> None:
    info = check("6472010101900001")
    assert info.ok and info.issues == ()
    assert info.normalized == "6472010101900001"
    assert info.province_code == "64"
    assert info.district_code == "64.72.01"
    assert info.birth_date == date(1990, 1, 1)
    assert info.sex == "M"
    assert info.serial == "0001"


def test_valid_female_day_plus_40() -> None:
    info = check("6472014101900002")
    assert info.ok and info.issues == ()
    assert info.sex == "F"
    assert info.birth_date == date(1990, 1, 1)
    last = check(build(day=31, month=12, yy=85, female=True))  # day field 71
    assert last.ok and last.sex == "F" and last.birth_date == date(1985, 12, 31)


def test_separators_are_accepted() -> None:
    info = check("6472 0101-01.900001")
    assert info.ok
    assert info.normalized == "6472010101900001"
    assert check("  6472\u00a0010101900001 ").normalized == "6472010101900001"


def test_nik_from_java_is_valid_without_prefix_warning() -> None:
    # Jakarta Selatan: many Kaltim residents were first registered in Java.
    info = check("3174011203880005")
    assert info.ok and info.issues == ()
    assert info.district_code == "31.74.01"


def test_kalimantan_utara_province_65_is_valid() -> None:
    info = check(build(prov="65", reg="71", dist="01"))
    assert info.ok and info.issues == ()


# ---- Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("female", [False, True])
def test_29_february_only_in_leap_years(female: bool) -> None:
    leap = check(build(day=29, month=2, yy=96, female=female))
    assert leap.ok and leap.birth_date == date(1996, 2, 29)
    non_leap = check(build(day=29, month=2, yy=97, female=female))
    assert codes(non_leap) == ["nik.date"]
    assert non_leap.birth_date is None
    assert non_leap.sex == ("F" if female else "M")


def test_29_february_2000_and_1900() -> None:
    # 2000 was a leap year, 1900 was not; the century comes from the declared birth date.
    assert check(build(day=29, month=2, yy=0)).birth_date == date(2000, 2, 29)
    old = check(build(day=29, month=2, yy=0), declared_birth_date=date(1900, 3, 1))
    assert "nik.date" in codes(old)


@pytest.mark.parametrize("female", [False, True])
def test_31_april_is_invalid(female: bool) -> None:
    info = check(build(day=31, month=4, female=female))
    assert codes(info) == ["nik.date"]
    assert not info.ok


@pytest.mark.parametrize("day_field", ["00", "32", "40", "72", "99"])
def test_day_field_out_of_range(day_field: str) -> None:
    info = check(f"647201{day_field}01900001")
    assert codes(info) == ["nik.date"]
    assert info.sex is None and info.birth_date is None


@pytest.mark.parametrize("month", ["00", "13"])
def test_month_out_of_range(month: str) -> None:
    info = check(f"64720101{month}900001")
    assert codes(info) == ["nik.date"]


def test_edge_days_are_valid() -> None:
    assert check(build(day=1)).ok
    assert check(build(day=31, month=1)).ok
    assert check(build(day=1, female=True)).ok  # day field 41
    assert check(build(day=31, month=1, female=True)).ok  # day field 71


# ---- Region and serial ----------------------------------------------------------------------


def test_serial_zero() -> None:
    assert codes(check(build(serial="0000"))) == ["nik.serial_zero"]
    assert check(build(serial="9999")).ok


@pytest.mark.parametrize("prov", ["00", "99", "10", "20", "37", "54", "97"])
def test_unknown_province(prov: str) -> None:
    assert codes(check(build(prov=prov))) == ["nik.province"]


def test_province_list_has_38_codes() -> None:
    assert len(PROVINCE_CODES) == 38
    assert {"11", "21", "36", "53", "64", "65", "76", "82", "96"} <= PROVINCE_CODES


@pytest.mark.parametrize(("reg", "dist"), [("00", "01"), ("72", "00"), ("00", "00")])
def test_zero_region_segments(reg: str, dist: str) -> None:
    assert codes(check(build(reg=reg, dist=dist))) == ["nik.region_zero"]


def test_unknown_kaltim_district_is_only_a_warning() -> None:
    # 64.07.01-04 are vacant since Mahakam Ulu split from Kutai Barat.
    info = check(build(reg="07", dist="01"))
    assert info.ok
    assert codes(info) == ["nik.unknown_region"]
    assert info.warnings[0].severity == "warning"
    assert "pre-split" in info.warnings[0].message
    # 64.73 was Tarakan before Kalimantan Utara became a province.
    assert codes(check(build(reg="73", dist="01"))) == ["nik.unknown_region"]
    # Current districts: Long Bagun (Mahakam Ulu) and Samboja Barat (new in 2021).
    assert check(build(reg="11", dist="01")).issues == ()
    assert check(build(reg="02", dist="20")).issues == ()


# ---- Spreadsheet damage and shape -----------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["6.47201E+15", "6,47201E+15", "6.472010101900001e15", "6472010101900000.0"]
)
def test_scientific_notation_is_spreadsheet_damage(value: str) -> None:
    info = check(value)
    assert codes(info) == ["nik.spreadsheet_damage"]
    assert info.normalized is None
    assert "spreadsheet" in info.errors[0].message


def test_fifteen_digits_is_spreadsheet_damage() -> None:
    info = check("647201010190001")
    assert codes(info) == ["nik.spreadsheet_damage"]
    assert info.normalized is None


@pytest.mark.parametrize("value", ["6472O10101900001", "6472/010101900001", "٦٤٧٢010101900001"])
def test_not_digits(value: str) -> None:
    assert codes(check(value)) == ["nik.not_digits"]


@pytest.mark.parametrize("value", ["64720101019000011", "6472010101", "1"])
def test_wrong_length(value: str) -> None:
    info = check(value)
    assert codes(info) == ["nik.length"]
    assert str(len(value)) in info.errors[0].message


@pytest.mark.parametrize("value", ["", "   ", " - . "])
def test_empty(value: str) -> None:
    info = check(value)
    assert not info.ok and info.normalized is None


# ---- Cross-checks (warnings) ----------------------------------------------------------------


def test_birth_date_mismatch_is_a_warning() -> None:
    info = check("6472010101900001", declared_birth_date=date(1990, 1, 2))
    assert info.ok
    assert codes(info) == ["nik.birth_date_mismatch"]
    assert check("6472010101900001", declared_birth_date=date(1990, 1, 1)).issues == ()


def test_birth_date_mismatch_in_the_year() -> None:
    info = check("6472010101900001", declared_birth_date=date(1991, 1, 1))
    assert codes(info) == ["nik.birth_date_mismatch"]
    assert info.birth_date == date(1990, 1, 1)


def test_sex_mismatch_is_a_warning() -> None:
    assert codes(check("6472010101900001", declared_sex="F")) == ["nik.sex_mismatch"]
    assert codes(check("6472014101900001", declared_sex="M")) == ["nik.sex_mismatch"]
    assert check("6472014101900001", declared_sex="F").issues == ()


def test_nik_equal_to_family_kk_is_a_warning() -> None:
    info = check("6472012301240003", family_kk="6472-0123-0124-0003")
    assert info.ok
    assert codes(info) == ["nik.equals_kk"]
    assert check("6472012301240003", family_kk="6472012301240004").issues == ()


# ---- Century --------------------------------------------------------------------------------


def test_default_century_rule() -> None:
    assert check(build(yy=90)).birth_date == date(1990, 1, 1)
    assert check(build(yy=24)).birth_date == date(2024, 1, 1)
    assert check(build(yy=26)).birth_date == date(2026, 1, 1)  # YY == today's YY, not after it
    assert check(build(yy=27)).birth_date == date(1927, 1, 1)
    # Later in this year than today cannot be a birth date yet: the previous century.
    assert check(build(day=31, month=12, yy=26)).birth_date == date(1926, 12, 31)


def test_century_from_declared_birth_date_for_a_centenarian() -> None:
    nik = build(day=17, month=5, yy=24, female=True)
    info = check(nik, declared_birth_date=date(1924, 5, 17), declared_sex="F")
    assert info.birth_date == date(1924, 5, 17)
    assert info.issues == ()
    # Without the declared date the default rule reads a two-year-old.
    assert check(nik).birth_date == date(2024, 5, 17)


def test_field_name_is_carried() -> None:
    info = parse_nik("6472010101900000", field="members[2].nik", today=TODAY)
    assert [(i.field, i.code) for i in info.issues] == [("members[2].nik", "nik.serial_zero")]
    assert parse_nik("").issues[0].field == "nik"


def test_several_errors_are_all_reported() -> None:
    info = check("9900003213990000")
    assert set(codes(info)) == {"nik.province", "nik.region_zero", "nik.date", "nik.serial_zero"}
    assert len(info.errors) == len(info.issues)


# ---- KK -------------------------------------------------------------------------------------


def kk_codes(value: str, **kwargs) -> list[str]:
    info = parse_kk(value, today=TODAY, **kwargs)
    for issue in info.issues:
        assert issue.message.strip() and issue.field == kwargs.get("field", "kk_number")
    return [i.code for i in info.issues]


def test_valid_kk() -> None:
    info = parse_kk("6472 0123 0124 0003", today=TODAY)
    assert info.ok and info.issues == ()
    assert info.normalized == "6472012301240003"
    assert info.district_code == "64.72.01"
    assert info.issue_date == date(2024, 1, 23)


def test_kk_has_no_plus_40_rule() -> None:
    assert kk_codes("6472014101240003") == ["kk.date"]
    assert kk_codes("6472017101240003") == ["kk.date"]


@pytest.mark.parametrize(
    "value", ["6472013104240003", "6472010013240003", "6472010001240003", "6472012902230003"]
)
def test_kk_invalid_issue_date(value: str) -> None:
    assert kk_codes(value) == ["kk.date"]


def test_kk_leap_day() -> None:
    assert parse_kk("6472012902240003", today=TODAY).issue_date == date(2024, 2, 29)


def test_kk_structure_errors() -> None:
    assert kk_codes("6472012301240000") == ["kk.serial_zero"]
    assert kk_codes("6400012301240003") == ["kk.region_zero"]
    assert kk_codes("9972012301240003") == ["kk.province"]
    assert kk_codes("6.47201E+15") == ["kk.spreadsheet_damage"]
    assert kk_codes("647201230124000") == ["kk.spreadsheet_damage"]
    assert kk_codes("64720123012400031") == ["kk.length"]
    assert kk_codes("") == ["kk.empty"]


def test_kk_future_issue_date_is_a_warning() -> None:
    info = parse_kk("6472013112260003", today=TODAY)
    assert info.ok
    assert [i.code for i in info.issues] == ["kk.future_date"]
    assert kk_codes("6472012811260003") == []  # today itself is fine


def test_kk_equal_to_member_nik_is_a_warning() -> None:
    members = ["6472014101900002", "6472-0123-0124-0003"]
    assert kk_codes("6472012301240003", member_niks=members) == ["kk.equals_nik"]
    assert kk_codes("6472012301240003", member_niks=["6472014101900002"]) == []


def test_kk_unknown_kaltim_region_is_a_warning() -> None:
    assert kk_codes("6407012301240003") == ["kk.unknown_region"]


# ---- Masking --------------------------------------------------------------------------------


def test_mask_nik() -> None:
    assert mask_nik("6472010101900001") == "6472********0001"
    assert mask_nik("6472 0101-0190-0001") == "6472********0001"
    assert mask_nik("12345678") == "********"
    assert mask_nik("") == ""

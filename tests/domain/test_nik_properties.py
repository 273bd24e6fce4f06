# SPDX-License-Identifier: GPL-3.0-or-later
"""Property tests for the NIK parser: valid parts round-trip, any text is handled."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kaltim_desktop.domain.nik import PROVINCE_CODES, parse_kk, parse_nik

TODAY = date(2026, 11, 28)
SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]")

provinces = st.sampled_from(sorted(PROVINCE_CODES))
segments = st.integers(1, 99).map(lambda n: f"{n:02d}")
serials = st.integers(1, 9999).map(lambda n: f"{n:04d}")
sexes = st.sampled_from(["M", "F"])
# Within the last 100 years the default century rule is unambiguous.
recent_dates = st.dates(TODAY - timedelta(days=36524), TODAY)


def build(prov: str, reg: str, dist: str, born: date, sex: str, serial: str) -> str:
    day = born.day + (40 if sex == "F" else 0)
    return f"{prov}{reg}{dist}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


@given(provinces, segments, segments, recent_dates, sexes, serials)
def test_valid_parts_round_trip(prov, reg, dist, born, sex, serial) -> None:
    nik = build(prov, reg, dist, born, sex, serial)
    info = parse_nik(nik, today=TODAY)
    assert info.ok, info.issues
    assert info.normalized == nik
    assert info.birth_date == born
    assert info.sex == sex
    assert info.serial == serial
    assert info.district_code == f"{prov}.{reg}.{dist}"
    assert {i.code for i in info.warnings} <= {"nik.unknown_region"}


@given(provinces, segments, segments, st.dates(date(1850, 1, 1), TODAY), sexes, serials)
def test_declared_birth_date_resolves_any_century(prov, reg, dist, born, sex, serial) -> None:
    nik = build(prov, reg, dist, born, sex, serial)
    info = parse_nik(nik, declared_birth_date=born, declared_sex=sex, today=TODAY)
    assert info.ok
    assert info.birth_date == born
    assert {i.code for i in info.issues} <= {"nik.unknown_region"}


def independent_validity(digits: str) -> bool:
    """The §1.3 hard rules, written out separately from the parser."""
    prov, reg, dist = digits[:2], digits[2:4], digits[4:6]
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if prov not in PROVINCE_CODES or "00" in (reg, dist) or digits[12:] == "0000":
        return False
    if day > 40:
        day -= 40
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return False
    # With today in 2026 the year is 2000-2026 or 1927-1999; only 2000 sits on a century.
    year = 2000 + yy if yy <= 26 else 1900 + yy
    return day <= calendar.monthrange(year, month)[1]


def digit_blocks(draw_digits: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Digit strings with separators sprinkled in."""
    return st.tuples(draw_digits, st.lists(st.sampled_from([" ", ".", "-", ""]), max_size=3)).map(
        lambda t: t[0][:4] + "".join(t[1]) + t[0][4:]
    )


nik_like = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .-eE+,", max_size=20),
    digit_blocks(st.from_regex(r"[0-9]{14,17}", fullmatch=True)),
    st.builds(
        lambda p, r, d, day, m, y, s: f"{p}{r}{d}{day:02d}{m:02d}{y:02d}{s}",
        st.one_of(provinces, st.from_regex(r"[0-9]{2}", fullmatch=True)),
        st.sampled_from(["00", "01", "07", "72"]),
        st.sampled_from(["00", "01", "20"]),
        st.integers(0, 99),
        st.integers(0, 13),
        st.integers(0, 99),
        st.sampled_from(["0000", "0001", "4321"]),
    ),
)


@given(nik_like)
def test_any_text_is_handled(text: str) -> None:
    info = parse_nik(text, today=TODAY)  # must not raise
    for issue in info.issues:
        assert issue.message.strip()
        assert issue.severity in ("error", "warning")
        assert issue.code.startswith("nik.")
        assert issue.field == "nik"
        if info.normalized:
            assert info.normalized not in issue.message
    if info.normalized is None:
        assert not info.ok
    else:
        assert re.fullmatch(r"[0-9]{16}", info.normalized)
        assert info.normalized == SEPARATORS.sub("", text.strip())
        assert info.ok == independent_validity(info.normalized)


@given(nik_like)
def test_kk_parser_never_raises(text: str) -> None:
    info = parse_kk(text, member_niks=[text], today=TODAY)
    assert all(i.message.strip() and i.code.startswith("kk.") for i in info.issues)
    assert info.ok == (info.normalized is not None and not info.errors)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Indonesian formatting: Rupiah, dates, RT/RW, terbilang, areas (domain.md §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desktop import i18n
from kaltim_desktop.domain.formatting import (
    format_area_m2,
    format_date_long,
    format_rt_rw,
    format_rupiah,
    place_date,
    terbilang,
)

FRIDAY = date(2024, 8, 23)


def test_rupiah_eyd() -> None:
    assert format_rupiah(5_000_000) == "Rp5.000.000"
    assert format_rupiah(5_000_000, decimals=True) == "Rp5.000.000,00"
    assert format_rupiah(115_000_000) == "Rp115.000.000"
    assert format_rupiah(0) == "Rp0"
    assert format_rupiah(-1_500) == "-Rp1.500"
    assert format_rupiah(Decimal("1234.5"), decimals=True) == "Rp1.234,50"


def test_rupiah_ignores_interface_language() -> None:
    before = i18n.current_language()
    try:
        i18n.set_language("en")
        assert format_rupiah(5_000_000, decimals=True) == "Rp5.000.000,00"
    finally:
        i18n.set_language(before)


def test_long_dates() -> None:
    assert format_date_long(FRIDAY, language="id") == "23 Agustus 2024"
    assert format_date_long(FRIDAY, weekday=True, language="id") == "Jumat, 23 Agustus 2024"
    assert format_date_long(date(2024, 1, 5), language="id") == "5 Januari 2024"
    assert format_date_long(FRIDAY, language="en") == "23 August 2024"
    assert format_date_long(FRIDAY, weekday=True, language="en") == "Friday, 23 August 2024"


def test_long_date_follows_interface_language() -> None:
    before = i18n.current_language()
    try:
        i18n.set_language("id")
        assert format_date_long(FRIDAY, weekday=True) == "Jumat, 23 Agustus 2024"
        i18n.set_language("en")
        assert format_date_long(FRIDAY) == "23 August 2024"
    finally:
        i18n.set_language(before)


def test_place_date() -> None:
    assert place_date("Samarinda", FRIDAY, language="id") == "Samarinda, 23 Agustus 2024"
    assert place_date(" Tanjung Redeb ", date(2025, 3, 1), language="id") == (
        "Tanjung Redeb, 1 Maret 2025"
    )


def test_rt_rw() -> None:
    assert format_rt_rw(3, 1) == "RT 003/RW 001"
    assert format_rt_rw(15, None) == "RT 015"
    assert format_rt_rw(1200, None) == "RT 1200"
    assert format_rt_rw(None, 2) == "RW 002"
    assert format_rt_rw(None, None) == ""


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (101, "seratus satu"),
        (111, "seratus sebelas"),
        (250, "dua ratus lima puluh"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (2024, "dua ribu dua puluh empat"),
        (11_000, "sebelas ribu"),
        (21_000, "dua puluh satu ribu"),
        (100_000, "seratus ribu"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (5_000_000, "lima juta"),
        (115_000_000, "seratus lima belas juta"),
        (1_000_000_000, "satu miliar"),
        (2_500_000_000_000, "dua triliun lima ratus miliar"),
        (-5, "minus lima"),
    ],
)
def test_terbilang(n: int, words: str) -> None:
    assert terbilang(n) == words


def test_terbilang_limit() -> None:
    assert terbilang(10**15 - 1).startswith("sembilan ratus sembilan puluh sembilan triliun")
    with pytest.raises(ValueError):
        terbilang(10**15)


def read_back(words: str) -> int:
    """Turn terbilang output back into a number (an independent check of the grammar)."""
    units = {"nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6}
    units |= {"tujuh": 7, "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11}
    units |= {"seratus": 100}
    scales = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}
    total, group, current = 0, 0, 0
    for word in words.split():
        if word == "seribu":
            total += 1000
        elif word in units:
            current += units[word]
        elif word == "belas":
            current += 10
        elif word == "puluh":
            current *= 10
        elif word == "ratus":
            group += current * 100
            current = 0
        elif word in scales:
            total += (group + current) * scales[word]
            group = current = 0
        else:
            raise AssertionError(word)
        if word == "seratus":
            group += current
            current = 0
    return total + group + current


@given(st.integers(0, 10**15 - 1))
def test_terbilang_reads_back(n: int) -> None:
    words = terbilang(n)
    assert "satu ratus" not in words and not words.startswith("satu ribu")
    assert read_back(words) == n


def test_area() -> None:
    assert format_area_m2(720) == "7,2 m²"
    assert format_area_m2(4500) == "45 m²"
    assert format_area_m2(4525) == "45,25 m²"
    assert format_area_m2(123_456) == "1.234,56 m²"
    assert format_area_m2(0) == "0 m²"


def test_typed_dates_are_read_day_first_or_iso():
    from kaltim_desktop.domain.formatting import parse_typed_date

    expected = date(1985, 8, 17)
    for text in ("17-08-1985", "17.08.1985", "17/8/1985", " 17081985 ", "1985-08-17"):
        assert parse_typed_date(text) == expected, text
    assert parse_typed_date("  ") is None
    for text in ("31-02-1985", "1985", "17-08-85", "tujuh belas"):
        with pytest.raises(ValueError):
            parse_typed_date(text)

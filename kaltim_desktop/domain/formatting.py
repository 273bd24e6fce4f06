# SPDX-License-Identifier: GPL-3.0-or-later
"""Indonesian formatting for screens and documents (domain.md §4).

Money always follows EYD (``Rp5.000.000,00``: no space, "." for thousands, "," for decimals),
whatever the interface language, because it ends up on letters, receipts and BASTs. Dates follow
the chosen language: ``23 Agustus 2024`` / ``Jumat, 23 Agustus 2024`` in Indonesian.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from kaltim_desktop.i18n import current_language

_NUMBER_LOCALE = "id_ID"
_DATE_LOCALES = {"id": "id", "en": "en_GB"}

_ONES = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
)  # fmt: skip
# Each power of 1000 with its word; "ribu" after 1 becomes "seribu".
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))
TERBILANG_LIMIT = 10**15
"""terbilang() handles magnitudes below one thousand trillion (up to "triliun")."""


def format_rupiah(amount: int | Decimal, *, decimals: bool = False) -> str:
    """Format an amount of rupiah the EYD way.

    Args:
        amount: whole rupiah (an ``int``); a ``Decimal`` keeps its sen when ``decimals``.
        decimals: add ``,00`` as on kuitansi and BAST.

    Returns:
        ``"Rp5.000.000"``, ``"Rp5.000.000,00"`` or ``"-Rp5.000.000"``.
    """
    if decimals:
        return format_currency(
            amount, "IDR", locale=_NUMBER_LOCALE, format="¤#,##0.00", currency_digits=False
        )
    return format_currency(amount, "IDR", locale=_NUMBER_LOCALE)


def _date_locale(language: str | None) -> str:
    return _DATE_LOCALES.get(language or current_language(), "id")


def format_date_long(d: date, *, weekday: bool = False, language: str | None = None) -> str:
    """Format a date in words, e.g. ``"23 Agustus 2024"`` or ``"Jumat, 23 Agustus 2024"``.

    Args:
        d: the date.
        weekday: put the day name in front.
        language: ``"id"`` or ``"en"``; defaults to the interface language.
    """
    pattern = "EEEE, d MMMM y" if weekday else "d MMMM y"
    return format_date(d, pattern, locale=_date_locale(language))


def place_date(place: str, d: date, *, language: str | None = None) -> str:
    """The place-and-date line of a letter: ``"Samarinda, 23 Agustus 2024"`` (no final period)."""
    return f"{place.strip()}, {format_date_long(d, language=language)}"


def format_rt_rw(rt: int | None, rw: int | None) -> str:
    """Format RT and RW as on the KTP: ``"RT 003/RW 001"``.

    RW is optional in Kaltim (Balikpapan and PPU have only RT), giving ``"RT 015"``. RT numbers
    above 999 are printed in full.
    """
    parts = []
    if rt is not None:
        parts.append(f"RT {rt:03d}")
    if rw is not None:
        parts.append(f"RW {rw:03d}")
    return "/".join(parts)


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [_ONES[hundreds], "ratus"]
    if rest == 0:
        return words
    if rest < 12:
        words.append(_ONES[rest])
    elif rest < 20:
        words += [_ONES[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_ONES[tens], "puluh"]
        if ones:
            words.append(_ONES[ones])
    return words


def terbilang(n: int) -> str:
    """Spell out an integer in Indonesian, as on kuitansi and BAST.

    Examples: 0 → "nol", 11 → "sebelas", 100 → "seratus", 1000 → "seribu",
    2024 → "dua ribu dua puluh empat", 115000000 → "seratus lima belas juta".

    Raises:
        ValueError: when ``|n|`` is one thousand trillion or more.
    """
    if abs(n) >= TERBILANG_LIMIT:
        raise ValueError("terbilang() supports magnitudes below 10**15")
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    words: list[str] = []
    rest = n
    for size, name in _SCALES:
        count, rest = divmod(rest, size)
        if count == 1 and name == "ribu":
            words.append("seribu")
        elif count:
            words += [*_below_thousand(count), name]
    words += _below_thousand(rest)
    return " ".join(words)


def format_area_m2(dm2: int) -> str:
    """Format an area stored in dm² as square metres with a decimal comma: 720 → ``"7,2 m²"``."""
    metres = Decimal(dm2) / 100
    return f"{format_decimal(metres, format='#,##0.##', locale=_NUMBER_LOCALE)} m²"


_TYPED_DATES = (  # (pattern, positions of year, month, day among its groups)
    (re.compile(r"^\s*(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})\s*$"), (2, 1, 0)),  # 17-08-1985
    (re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$"), (2, 1, 0)),  # 17081985
    (re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$"), (0, 1, 2)),  # 1985-08-17
)


def parse_typed_date(text: str) -> date | None:
    """A date as officers type it, day first (``17-08-1985``, ``17.08.1985``, ``17081985``) or
    ISO; None for empty text. Raises ``ValueError`` for anything else or an impossible date."""
    text = text.strip()
    if not text:
        return None
    for pattern, (year, month, day) in _TYPED_DATES:
        match = pattern.match(text)
        if match:
            parts = [int(g) for g in match.groups()]
            return date(parts[year], parts[month], parts[day])
    raise ValueError(text)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading one cell of an officer's sheet into a typed value, or saying why it cannot be read.

Each reader returns ``(value, issues)``; an error issue means the value is unusable.

Identity numbers are never repaired. Excel keeps 15 significant digits, so a 16-digit NIK typed
into a number cell comes back with its last digit turned into 0 (``6472010101900001`` →
``6472010101900000``), shows as ``6.47201E+15`` in a CSV, or loses a leading zero; the digits
that were lost cannot be guessed. Such values are reported as damaged by the spreadsheet and
have to be typed again from the card.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _

EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system (shifted by Excel's fictitious 29 February 1900)."""
_SERIAL_RANGE = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31
MONTHS = {
    **dict.fromkeys(["januari", "january", "jan"], 1),
    **dict.fromkeys(["februari", "pebruari", "february", "feb", "peb"], 2),
    **dict.fromkeys(["maret", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["agustus", "august", "agu", "agt", "aug", "ags"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nopember", "nov", "nop"], 11),
    **dict.fromkeys(["desember", "december", "des", "dec"], 12),
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})$")
_WORDS_DATE = re.compile(r"^(\d{1,2})[\s\-.]+([a-z]+)\.?[\s\-.]+(\d{4})$")
_SEPARATORS = re.compile(r"[\s.\-]+")

SEX_WORDS = {
    **dict.fromkeys(["l", "lk", "laki", "laki-laki", "laki laki", "pria", "m", "male", "1"], "M"),
    **dict.fromkeys(["p", "pr", "perempuan", "wanita", "f", "female", "2"], "F"),
}  # fmt: skip
RELATION_WORDS = {
    **dict.fromkeys(["kepala keluarga", "kepala", "kk", "krt", "head", "head of family",
                     "suami/kepala keluarga", "1"], "head"),
    **dict.fromkeys(["istri", "isteri", "suami", "istri/suami", "suami/istri", "pasangan",
                     "spouse", "wife", "husband", "2"], "spouse"),
    **dict.fromkeys(["anak", "anak kandung", "anak tiri", "anak angkat", "child", "son",
                     "daughter", "3"], "child"),
    **dict.fromkeys(["menantu", "child in law", "son-in-law", "daughter-in-law", "4"],
                    "child_in_law"),
    **dict.fromkeys(["cucu", "grandchild", "5"], "grandchild"),
    **dict.fromkeys(["orang tua", "orangtua", "mertua", "ayah", "ibu", "parent",
                     "parent-in-law", "6"], "parent"),
    **dict.fromkeys(["pembantu", "sopir", "pembantu/sopir", "helper", "7"], "helper"),
    **dict.fromkeys(["famili lain", "lainnya", "lain-lain", "other", "8"], "other"),
}  # fmt: skip


def _issue(field: str, code: str, severity: str, message: str) -> Issue:
    return Issue(field, code, severity, message)


def text(value) -> str:
    """A cell as trimmed text with inner runs of spaces collapsed ("" for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _damaged(field: str) -> Issue:
    return _issue(
        field,
        f"{field}.spreadsheet_damage",
        "error",
        _(
            "This number was damaged by a spreadsheet: it is stored as a number, and Excel keeps "
            "only 15 digits, so the last digits are lost and cannot be recovered. Type it again "
            "from the card and format the column as text."
        ),
    )


def identity_number(value, field: str) -> tuple[str | None, list[Issue]]:
    """A NIK or KK cell: the 16 digits as text, ``None`` when empty or damaged.

    Only spreadsheet damage is judged here; the structure checks of
    :mod:`kaltim_desktop.domain.nik` follow in the household rules.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, []
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 1e15:
            # A double holds 16-digit integers exactly, but a float cell means the number went
            # through a numeric format; at 16 digits Excel has already rounded it.
            return None, [_damaged(field)]
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if len(digits) == 16 and digits.endswith("0"):
            return None, [_damaged(field)]
        if len(digits) == 15:
            return None, [_damaged(field)]
        return digits, [
            _issue(
                field,
                f"{field}.stored_as_number",
                "warning",
                _("The number is stored as a number in the sheet; format the column as text."),
            )
        ]
    raw = str(value).strip()
    compact = _SEPARATORS.sub("", raw)
    if re.fullmatch(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+", raw) or re.fullmatch(
        r"\d{15,16}[.,]0+", raw
    ):
        return None, [_damaged(field)]
    if compact.isdigit() and len(compact) == 16 and compact.endswith("000"):
        # Rounded to 15 significant digits and then written out as text: the zeros replaced
        # the real last digits (a genuine serial ending in 000 is very rare).
        return None, [_damaged(field)]
    return (compact if compact.isdigit() else raw), []


def excel_serial_date(serial: float) -> date | None:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value, field: str) -> tuple[date | None, list[Issue]]:
    """Dates as Excel dates, Excel serial numbers, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy,
    yyyy-mm-dd, or "23 Agustus 2024" (Indonesian or English month names)."""
    if value is None or value == "":
        return None, []
    if isinstance(value, datetime):
        return value.date(), []
    if isinstance(value, date):
        return value, []
    unreadable = _issue(
        field,
        f"{field}.unreadable",
        "error",
        _("The date cannot be read. Write it as dd/mm/yyyy, for example 23/08/2024."),
    )
    if isinstance(value, (int, float)):
        found = excel_serial_date(float(value))
        return (found, []) if found else (None, [unreadable])
    raw = " ".join(str(value).split()).casefold()
    if re.fullmatch(r"\d{5}(\.0+)?", raw):  # a serial written out as text
        found = excel_serial_date(float(raw))
        return (found, []) if found else (None, [unreadable])
    match = _NUMERIC_DATE.match(raw)
    if match:
        a, b, c = (int(g) for g in match.groups())
        if len(match.group(1)) == 4:
            year, month, day = a, b, c
        elif len(match.group(3)) == 4:
            day, month, year = a, b, c
        else:
            return None, [unreadable]  # a two-digit year is ambiguous
        issues = []
        if month > 12 and day <= 12:
            day, month = month, day
            issues.append(
                _issue(
                    field,
                    f"{field}.month_first",
                    "warning",
                    _("The date was read as month/day/year; check it."),
                )
            )
        try:
            return date(year, month, day), issues
        except ValueError:
            return None, [unreadable]
    match = _WORDS_DATE.match(raw)
    if match and match.group(2) in MONTHS:
        try:
            return date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1))), []
        except ValueError:
            return None, [unreadable]
    return None, [unreadable]


def parse_sex(value, field: str = "sex") -> tuple[str | None, list[Issue]]:
    raw = text(value).casefold().rstrip(".")
    if not raw:
        return None, []
    found = SEX_WORDS.get(raw)
    if found is None:
        return None, [
            _issue(field, "sex.unknown", "error", _("The sex must be L/P (laki-laki/perempuan)."))
        ]
    return found, []


def parse_relation(value, field: str = "relation") -> tuple[str | None, list[Issue]]:
    raw = text(value).casefold().rstrip(".")
    if not raw:
        return None, []
    found = RELATION_WORDS.get(raw) or RELATION_WORDS.get(re.sub(r"^\d+\s*[.)-]?\s*", "", raw))
    if found is None:
        return None, [
            _issue(
                field,
                "relation.unknown",
                "error",
                _("The relation to the head of family is not recognised."),
            )
        ]
    return found, []


def parse_small_int(value, field: str, low: int, high: int) -> tuple[int | None, list[Issue]]:
    """RT, RW ("003", 3, "RT 03") and the decile ("Desil 2", 2)."""
    raw = text(value)
    if not raw or raw in ("-", "0", "000"):
        return None, []
    digits = re.sub(r"^[A-Za-z .:]+", "", raw)
    if digits.isdigit() and low <= int(digits) <= high:
        return int(digits), []
    return None, [
        _issue(
            field,
            f"{field}.number",
            "error",
            _("Expected a whole number from {low} to {high}.").format(low=low, high=high),
        )
    ]


def phone_text(value) -> str:
    """A phone cell as text; a number cell has lost its leading 0 (``81234567890``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = text(value)
        return "0" + digits if digits.startswith("8") else digits
    return text(value)


def split_place_date(value) -> tuple[str, object]:
    """``"Samarinda, 15-05-1980"`` → ``("Samarinda", "15-05-1980")``."""
    raw = text(value)
    place, sep, when = raw.rpartition(",")
    if not sep:
        parts = raw.rsplit(" ", 1)
        if len(parts) == 2 and any(ch.isdigit() for ch in parts[1]):
            return parts[0], parts[1]
        return raw, None
    return place.strip(), when.strip() or None


def is_total_row(values: tuple) -> bool:
    """A "JUMLAH"/"TOTAL" row at the bottom of a list."""
    strings = [v for v in values if v.__class__ is str]
    if len(strings) > 3:  # the common case, decided without looking at the text
        return False
    words = [text(v).casefold() for v in strings if v.strip()]
    return len(words) <= 3 and any(
        w.startswith(("jumlah", "total", "sub total", "subtotal", "grand total")) for w in words
    )

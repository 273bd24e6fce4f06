# SPDX-License-Identifier: GPL-3.0-or-later
"""Person names: cleaning for storage, validation, and a normalised form for matching.

Names are stored as one full-name field, as written on the KTP/KK (domain.md §4.3). Permendagri
73/2022 asks new registrations for 2-60 Latin letters without digits or punctuation, but names
recorded before it stay valid, so everything beyond "not empty" is only a warning here: single
names, long names and names with titles must all be accepted.

:func:`normalize_name` is for search and duplicate detection only, never for display or as a
key (names are not unique).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _

MAX_NAME_LENGTH = 60
"""Permendagri 73/2022: at most 60 letters including spaces (for new registrations)."""

# Punctuation that belongs in names: Ma'ruf, Siti Nur-Aini, H. Abdul, "Ridwan, S.Pd.".
_APOSTROPHES = "'\u2019\u02bc`\u00b4"
_NAME_PUNCTUATION = set(_APOSTROPHES + "-.,") | {"\u2010", "\u2011"}

# Titles dropped by normalize_name, written without dots and spaces ("S.Pd." and "S. Pd." both
# become "spd"). Honorific, religious and professional titles come before the name and are
# dropped wherever they stand.
PRENOMINAL_TITLES = frozenset(
    {
        "h", "hj", "haji", "hajjah", "hajah", "kh", "ust", "ustadz", "ustad", "ustazah",
        "dr", "drg", "drh", "drs", "dra", "ir", "prof",
    }
)  # fmt: skip
# Academic degrees (S1/S2/S3, diploma) follow the name. They are not dropped before the first
# name word, where "St." is an abbreviation of Siti and "M." of Muhammad.
POSTNOMINAL_TITLES = frozenset(
    {
        "spd", "spdi", "spdsd", "se", "sei", "sh", "shi", "skom", "ssos", "ssi", "st", "sag",
        "sip", "skm", "skep", "sked", "sfarm", "sp", "sthi", "stp", "spt", "ssy", "sikom",
        "sak", "sm", "sn", "ssn", "sgz", "str", "sst", "sds", "sstat", "ns", "ak", "apt",
        "amd", "amdkeb", "amdkep", "amdkes", "amk", "ama", "amapd", "amdpd", "bsc", "ba",
        "msi", "mpd", "mpdi", "mm", "mt", "mh", "mkes", "mkom", "mag", "msc", "ma", "mba",
        "mp", "me", "mak", "mhum", "mkn", "msos", "phd",
    }
)  # fmt: skip
TITLES = PRENOMINAL_TITLES | POSTNOMINAL_TITLES

# Spelling variants mapped to one form, so "Moch. Ridwan" matches "Muhammad Ridwan".
VARIANTS = {
    **dict.fromkeys(
        [
            "muhammad", "muhamad", "muhammed", "mohammad", "mohamad", "mohammed", "moh",
            "moch", "mochamad", "mochammad", "muh", "muhd", "m", "md", "mhd", "mochmad",
        ],
        "muhammad",
    ),
    **dict.fromkeys(["abdul", "abd"], "abdul"),
    **dict.fromkeys(["nur", "noor", "nor"], "nur"),
    **dict.fromkeys(["siti", "sitti", "st"], "siti"),
}  # fmt: skip

_WORD_SPLIT = re.compile(r"[\s,;/]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def clean_name(value: str) -> str:
    """Return ``value`` in Unicode NFC with runs of whitespace collapsed and ends stripped.

    The spelling and capitalisation are kept as written on the documents.
    """
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _is_latin_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


def validate_name(value: str, *, field: str = "name") -> tuple[Issue, ...]:
    """Check a person's name.

    Args:
        value: the name as typed (it is cleaned first).
        field: the field name put on each issue.

    Returns:
        An error when the name is empty or has no letter at all; warnings for digits, other
        symbols, non-Latin letters, or more than 60 characters. Legacy names stay valid.
    """
    name = clean_name(value)
    if not name:
        return (Issue(field, "name.empty", "error", _("The name is required.")),)
    issues: list[Issue] = []
    letters = [ch for ch in name if unicodedata.category(ch).startswith("L")]
    if not letters:
        return (Issue(field, "name.no_letters", "error", _("The name contains no letters.")),)
    if any(ch.isdigit() for ch in name):
        issues.append(
            Issue(field, "name.digits", "warning", _("The name contains digits; please check it."))
        )
    others = [
        ch
        for ch in name
        if not (ch.isspace() or ch.isdigit() or ch in _NAME_PUNCTUATION)
        and not unicodedata.category(ch).startswith(("L", "M"))
    ]
    if others:
        issues.append(
            Issue(
                field,
                "name.symbols",
                "warning",
                _(
                    "The name contains symbols other than apostrophes, hyphens, periods and "
                    "commas; please check it."
                ),
            )
        )
    if not all(_is_latin_letter(ch) for ch in letters):
        issues.append(
            Issue(
                field,
                "name.non_latin",
                "warning",
                _("The name contains non-Latin letters; KTP names use Latin letters."),
            )
        )
    if len(name) > MAX_NAME_LENGTH:
        issues.append(
            Issue(
                field,
                "name.too_long",
                "warning",
                _(
                    "The name is longer than {limit} characters, the limit for new "
                    "registrations (Permendagri 73/2022); older names remain valid."
                ).format(limit=MAX_NAME_LENGTH),
            )
        )
    return tuple(issues)


def _fold(value: str) -> str:
    """Casefold and strip accents: "Aṣ-Ṣiddīq" → "as-siddiq"."""
    decomposed = unicodedata.normalize("NFKD", clean_name(value).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _compact(word: str) -> str:
    return _NON_ALNUM.sub("", word)


def _drop_titles(words: list[str]) -> list[str]:
    """Remove title words, also when split by spaces ("S. Pd." is two words)."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        # Try the longest run first so "s. pd. i" is removed as one title.
        for span in (3, 2, 1):
            run = words[i : i + span]
            titles = PRENOMINAL_TITLES if not kept else TITLES
            # A multi-word run is a title only when its words are abbreviations ("s." "pd.").
            if (
                len(run) == span
                and _compact("".join(run)) in titles
                and (span == 1 or all(w.endswith(".") or len(_compact(w)) <= 2 for w in run))
            ):
                i += span
                break
        else:
            kept.append(words[i])
            i += 1
    return kept


def normalize_name(value: str) -> str:
    """Return a matching key for a name.

    Steps: casefold; strip accents (NFKD); drop apostrophes (``Ma'ruf`` = ``Maruf``); drop
    honorific, religious and academic titles (:data:`PRENOMINAL_TITLES` such as h, hj, haji,
    hajjah, dr, drs, ir, prof anywhere; :data:`POSTNOMINAL_TITLES` such as s.pd, s.e, s.h,
    s.kom, a.md, amd, s.sos, m.si after the first word) as whole words; turn remaining
    punctuation into spaces; map spelling variants (:data:`VARIANTS`: Muhammad, Abdul, Nur,
    Siti); collapse spaces. When a name consists of titles only, they are kept.

    Example:
        ``normalize_name("H. MOCH. Ridwan, S.Pd.") == "muhammad ridwan"``
    """
    folded = _fold(value)
    for apostrophe in _APOSTROPHES:
        folded = folded.replace(apostrophe, "")
    words = [w for w in _WORD_SPLIT.split(folded) if w]
    kept = _drop_titles(words) or words
    tokens = _NON_ALNUM.sub(" ", " ".join(kept)).split()
    return " ".join(VARIANTS.get(t, t) for t in tokens)


def name_tokens(value: str) -> list[str]:
    """The words of :func:`normalize_name`, e.g. ``["muhammad", "ridwan"]``."""
    return list(_cached_tokens(value))


@lru_cache(maxsize=65_536)
def _cached_tokens(value: str) -> tuple[str, ...]:
    # Names repeat a great deal (and every search normalises its query): normalise each once.
    return tuple(normalize_name(value).split())

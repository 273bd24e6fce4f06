# SPDX-License-Identifier: GPL-3.0-or-later
"""The score of a pair of persons, 0-100, its reasons, and the two levels.

The score starts from the name similarity (:func:`~kaltim_desktop.dedup.names.name_similarity`)
and moves with the other evidence. The weights were set on synthetic data (one seed of
:mod:`.synthetic`) and checked on other seeds, see ``tests/dedup/test_holdout.py``:

* birth date: equal costs nothing; swapped day/month or the NIK's date costs a little (both are
  common slips); a one-digit or one-day difference costs more; anything else costs much;
* sex: different sexes cost much (twins "Rizky" and "Rizka" are the classic look-alike);
* NIK: the same NIK always makes the pair a "duplicate" (a NIK belongs to one person for life);
  two NIKs one digit or one swap of neighbouring digits apart add a little (a typo), NIKs that
  differ only in the serial neither add nor cost (twins); two unrelated NIKs cost something,
  but not everything, since a temporary NIK and the real one do occur;
* a missing birth date (and no NIK to read one from) costs about as much as a near one;
* region: the same village or district adds a little; different regencies cost nothing,
  because migrants registered twice are exactly what the province scan is for;
* the same household: two active members of one family are brothers, sisters or twins far more
  often than one person entered twice, unless the names are the same.

The KK number plays no part: it changes when a family moves or splits (domain.md §1.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaltim_desktop.dedup.names import name_similarity
from kaltim_desktop.dedup.records import PersonRecord, swapped

DUPLICATE = "duplicate"
ADJUDICATE = "adjudicate"
DUPLICATE_THRESHOLD = 90
"""From this score on a pair is reported as "duplicate"."""
ADJUDICATE_THRESHOLD = 70
"""From this score on (and below :data:`DUPLICATE_THRESHOLD`) a pair "needs adjudication"."""

# Reason codes, in the order they are listed on a candidate.
SAME_NIK = "same_nik"
SIMILAR_NIK = "similar_nik"
SERIAL_NIK = "nik_serial_differs"
NAME = "name"
SIMILAR_NAME = "similar_name"
BIRTH_DATE = "birth_date"
BIRTH_DATE_SWAPPED = "birth_date_swapped"
BIRTH_DATE_FROM_NIK = "birth_date_from_nik"
SIMILAR_BIRTH_DATE = "similar_birth_date"
VILLAGE = "village"
DISTRICT = "district"

SIMILAR_NAME_FROM = 70
# Points added to or taken from the name similarity (see the module docstring).
SWAPPED_COST = 4
NIK_DATE_COST = 4
NEAR_DATE_COST = 20
OTHER_DATE_COST = 40
UNKNOWN_DATE_COST = 20
SEX_COST = 25
SIMILAR_NIK_BONUS = 5
OTHER_NIK_COST = 12
VILLAGE_BONUS = 4
DISTRICT_BONUS = 2
HOUSEHOLD_COST = 18


@dataclass(frozen=True)
class Candidate:
    """A pair of persons that may be one person.

    Attributes:
        first_id: the smaller person id; ``second_id`` the larger.
        level: ``"duplicate"`` or ``"adjudicate"`` (needs a person to decide).
        score: 0-100.
        reasons: the evidence, e.g. ``("same_nik",)`` or ``("name", "birth_date", "village")``;
            codes: same_nik, similar_nik (one digit or a swap apart), nik_serial_differs
            (only the serial differs: twins look like that), name, similar_name, birth_date,
            birth_date_swapped, birth_date_from_nik, similar_birth_date, village, district.
    """

    first_id: str
    second_id: str
    level: str
    score: int
    reasons: tuple[str, ...]


def _near_dates(a: int, b: int) -> bool:
    """One digit different (a typo in ``yyyymmdd``) or one day apart within a month."""
    if abs(a - b) == 1:
        return True
    differing = sum(x != y for x, y in zip(str(a), str(b), strict=True))
    return differing == 1


def _similar_niks(a: str, b: str) -> bool:
    """One digit differs, or two neighbouring digits are swapped (the typing slips), and not
    only in the serial (digits 13-16): twins and siblings registered together have NIKs that
    differ just there."""
    if len(a) != len(b) or a[:12] == b[:12]:
        return False
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return True
    i = diffs[0]
    return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]


def _date_evidence(a: PersonRecord, b: PersonRecord, reasons: list[str]) -> int:
    """The cost of the birth dates, and their reason."""
    if a.birth is not None and b.birth is not None:
        if a.birth == b.birth:
            reasons.append(BIRTH_DATE)
            return 0
        if swapped(a.birth) == b.birth:
            reasons.append(BIRTH_DATE_SWAPPED)
            return SWAPPED_COST
    shared = set(a.dates).intersection(b.dates)
    if shared:
        # The NIK of one carries the other's date (one of the declared dates is off).
        reasons.append(BIRTH_DATE_FROM_NIK)
        return NIK_DATE_COST
    # Without a declared date, the NIK's date stands in for it (the last date key).
    born_a, born_b = a.born, b.born
    if born_a is None or born_b is None:
        return UNKNOWN_DATE_COST
    if _near_dates(born_a, born_b):
        reasons.append(SIMILAR_BIRTH_DATE)
        return NEAR_DATE_COST
    return OTHER_DATE_COST


def _nik_evidence(a: PersonRecord, b: PersonRecord, reasons: list[str]) -> int:
    """The bonus or cost of the two NIKs (0 when one is missing), and their reason."""
    if a.nik is None or b.nik is None or a.nik == b.nik:
        return 0
    if _similar_niks(a.nik, b.nik):
        reasons.append(SIMILAR_NIK)
        return SIMILAR_NIK_BONUS
    if a.nik[:12] == b.nik[:12]:
        reasons.append(SERIAL_NIK)  # twins and siblings: neither for nor against
        return 0
    return -OTHER_NIK_COST


def score_pair(
    a: PersonRecord, b: PersonRecord, *, floor: int = 0
) -> tuple[int, tuple[str, ...]] | None:
    """The score (0-100) of two records being one person, and the reasons for it.

    The evidence other than the names is weighed first: when even equal names could not
    lift the pair to ``floor``, the names are not compared and ``None`` is returned (most
    pairs of a province scan end there).
    """
    same_nik = a.nik is not None and a.nik == b.nik
    nik_reasons = [SAME_NIK] if same_nik else []
    adjust = _nik_evidence(a, b, nik_reasons)
    date_reasons: list[str] = []
    adjust -= _date_evidence(a, b, date_reasons)
    if a.sex and b.sex and a.sex != b.sex:
        adjust -= SEX_COST
    if a.village is not None and b.village is not None:
        if a.village == b.village:
            date_reasons.append(VILLAGE)
            adjust += VILLAGE_BONUS
        elif a.village[:8] == b.village[:8]:
            date_reasons.append(DISTRICT)
            adjust += DISTRICT_BONUS
    if not same_nik and 100 + adjust < floor:
        return None
    name = name_similarity(a.key, b.key)
    name_reasons = [NAME] if name == 100 else [SIMILAR_NAME] if name >= SIMILAR_NAME_FROM else []
    score = name + adjust
    if a.household is not None and a.household == b.household and name < 100:
        score -= HOUSEHOLD_COST
    score = max(0, min(100, score))
    if same_nik:
        # A NIK is one person's for life: the pair is a duplicate whatever else differs.
        score = max(score, DUPLICATE_THRESHOLD)
    return score, tuple(nik_reasons + name_reasons + date_reasons)


def level_of(score: int) -> str | None:
    """``"duplicate"``, ``"adjudicate"`` or ``None`` (not a candidate) for a score."""
    if score >= DUPLICATE_THRESHOLD:
        return DUPLICATE
    if score >= ADJUDICATE_THRESHOLD:
        return ADJUDICATE
    return None


def candidate(a: PersonRecord, b: PersonRecord) -> Candidate | None:
    """The candidate for a pair, or ``None`` when its score is below both levels."""
    scored = score_pair(a, b, floor=ADJUDICATE_THRESHOLD)
    if scored is None:
        return None
    score, reasons = scored
    level = level_of(score)
    if level is None:
        return None
    first, second = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    return Candidate(first, second, level, score, reasons)

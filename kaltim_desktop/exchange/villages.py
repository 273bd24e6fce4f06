# SPDX-License-Identifier: GPL-3.0-or-later
"""Matching village names as officers spell them to Kemendagri village codes.

Names are compared after dropping prefixes ("Desa", "Kel.", "Kampung") and folding case and
punctuation, within the chosen regency and, when the sheet has a kecamatan column that matches,
within that district. Village names repeat (six villages are called "Sumber Sari"), so a name
alone is ambiguous even when it is spelt exactly.

A match is **confident** when its score is at least :data:`CONFIDENT` and no other village
comes within :data:`MARGIN`; it is used, with a note when the spelling differs. Anything else
becomes a :class:`VillageQuestion` the officer answers (the answer is passed back as
``choices``, keyed by :func:`spelling_key`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kaltim_desktop.domain.regions import Region, region_tree

CONFIDENT = 90.0
MARGIN = 4.0
CANDIDATE_FLOOR = 75.0
MAX_CANDIDATES = 5
_PREFIXES = re.compile(
    r"^(desa|ds|kelurahan|kel|kampung|kamp|kecamatan|kec|kabupaten|kab|kota)\b\.?\s*"
)


def fold_region_name(name: str) -> str:
    folded = re.sub(r"[^\w\s]", " ", name.casefold().replace("'", ""))
    folded = " ".join(folded.split())
    while True:
        stripped = _PREFIXES.sub("", folded)
        if stripped == folded:
            return folded
        folded = stripped


def spelling_key(village: str, district: str | None) -> str:
    """The key of an answer: the folded village spelling, with the folded district if any."""
    key = fold_region_name(village)
    return f"{key}|{fold_region_name(district)}" if district else key


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    district_name: str
    score: float


@dataclass(frozen=True)
class VillageMatch:
    """``code`` is set for a confident match or a confirmed answer; otherwise ``candidates``
    lists the villages the officer can choose from (possibly none)."""

    code: str | None
    exact: bool
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class VillageQuestion:
    """A spelling the officer must confirm, with how many rows use it."""

    key: str
    spelling: str
    district: str | None
    candidates: tuple[Candidate, ...]
    rows: int


class VillageMatcher:
    """Matches within ``regency_code`` (or the whole province when ``None``)."""

    def __init__(self, regency_code: str | None, choices: dict[str, str] | None = None):
        tree = region_tree()
        prefix = "" if regency_code is None else tree.get(regency_code).code + "."
        self._villages = [r for r in tree if r.level == "village" and r.code.startswith(prefix)]
        self._districts = {
            r.code: r for r in tree if r.level == "district" and r.code.startswith(prefix)
        }
        self._choices = {k: v for k, v in (choices or {}).items() if tree.is_village(v)}
        self._folded = [fold_region_name(v.name) for v in self._villages]
        self._district_folded = {
            code: fold_region_name(r.name) for code, r in self._districts.items()
        }
        self._cache: dict[str, VillageMatch] = {}

    def match(self, village: str, district: str | None = None) -> VillageMatch:
        key = spelling_key(village, district)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(key, village, district)
        return found

    def _district_code(self, district: str | None) -> str | None:
        if not district:
            return None
        wanted = fold_region_name(district)
        best = process.extractOne(wanted, self._district_folded, scorer=fuzz.ratio)
        if best and best[1] >= CONFIDENT:
            return best[2]
        return None

    def _match(self, key: str, village: str, district: str | None) -> VillageMatch:
        if key in self._choices:
            return VillageMatch(self._choices[key], exact=True)
        wanted = fold_region_name(village)
        if not wanted:
            return VillageMatch(None, exact=False)
        district_code = self._district_code(district)
        indexes = [
            i
            for i, v in enumerate(self._villages)
            if district_code is None or v.parent_code == district_code
        ]
        names = {i: self._folded[i] for i in indexes}
        hits = process.extract(
            wanted,
            names,
            scorer=fuzz.WRatio,
            limit=MAX_CANDIDATES * 2,
            score_cutoff=CANDIDATE_FLOOR,
        )
        candidates = tuple(self._candidate(self._villages[i], score) for _name, score, i in hits)[
            :MAX_CANDIDATES
        ]
        if not candidates:
            return VillageMatch(None, exact=False)
        best = candidates[0]
        exact_hits = [c for c in candidates if fold_region_name(c.name) == wanted]
        if len(exact_hits) == 1:
            return VillageMatch(exact_hits[0].code, exact=True, candidates=candidates)
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if not exact_hits and best.score >= CONFIDENT and best.score - runner_up >= MARGIN:
            return VillageMatch(best.code, exact=False, candidates=candidates)
        return VillageMatch(None, exact=False, candidates=candidates)

    def _candidate(self, village: Region, score: float) -> Candidate:
        district = self._districts.get(village.parent_code)
        return Candidate(
            code=village.code,
            name=village.name,
            district_name=district.name if district else "",
            score=round(score, 1),
        )


def regency_from_name(name: str) -> str | None:
    """The code of the regency called ``name`` ("Kab. Kukar" is not guessed; "Kutai
    Kartanegara", "Kota Samarinda", "Samarinda" are)."""
    wanted = fold_region_name(name)
    if not wanted:
        return None
    regencies = {r.code: fold_region_name(r.name) for r in region_tree().regencies()}
    best = process.extractOne(wanted, regencies, scorer=fuzz.ratio)
    return best[2] if best and best[1] >= CONFIDENT else None

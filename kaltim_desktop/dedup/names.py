# SPDX-License-Identifier: GPL-3.0-or-later
"""Indonesian name matching for duplicate detection: a spelling-folded key and a similarity.

Built on :func:`kaltim_desktop.domain.names.normalize_name`, which already drops titles (H.,
Hj., Drs., S.Pd. …) and maps Muhammad/M./Moh./Moch., Abdul/Abd., Nur/Noor and Siti/St. to one
word. On top of that, every word is folded by :data:`SPELLING_FOLDS`, so that spellings of the
same name that officers, old documents and the KTP write differently give the same key:
Soekarno/Sukarno, Djoko/Joko, Jusuf/Yusuf, Achmad/Akhmad/Ahmad, Rahmat/Ramat,
Syamsul/Samsul, Ramadhan/Ramadan, Abdullah/Abdulah.

The key is for comparison only: never shown, never stored, never used as an identifier.

:func:`name_similarity` then compares two keys word by word (order ignored), accepting typos
(rapidfuzz), initials ("A. Rahman" ~ "Abdul Rahman"), compounds written joined or apart
("Nurhayati" ~ "Nur Hayati") and a missing middle name at a cost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from kaltim_desktop.domain.names import normalize_name

# Extra words dropped before matching, beyond domain.names' titles: forms of address written
# on some registers (Ny. = Mrs, Tn. = Mr, Bpk. = Bapak) and the patronymic links, whose
# father's name then counts as an ordinary (possibly missing) word.
DROPPED_WORDS = frozenset({"ny", "tn", "bpk", "sdr", "sdri", "bin", "binti", "bt", "bte"})

# Abbreviations domain.names does not know, mapped to its key form before folding.
ABBREVIATIONS = {"mohd": "muhammad", "mochd": "muhammad", "moehd": "muhammad", "abdl": "abdul"}

# (pattern, replacement, example): applied in this order to every word. Old spelling first
# (Van Ophuijsen / Soewandi, before EYD 1972), then the Arabic-loan digraphs, then the
# silent h and the double letters, which officers write either way.
SPELLING_FOLDS: tuple[tuple[str, str, str], ...] = (
    ("oe", "u", "Soekarno = Sukarno"),
    ("dj", "j", "Djoko = Joko"),
    ("tj", "c", "Tjahjono = Cahjono"),
    ("sj", "sy", "Sjamsul = Syamsul"),
    ("nj", "ny", "Njoman = Nyoman"),
    ("ch", "kh", "Achmad = Akhmad"),
    ("kh", "h", "Akhmad = Ahmad, Khadijah = Hadijah"),
    ("j", "y", "Jusuf = Yusuf (old j is today's y; Joko and Djoko fold alike)"),
    ("sy", "s", "Syamsul = Samsul"),
    ("dh", "d", "Ramadhan = Ramadan"),
    ("th", "t", "Muthalib = Mutalib"),
    ("ph", "f", "Stephanus = Stefanus"),
    ("q", "k", "Qadir = Kadir, Batoq = Batok"),
    ("x", "ks", "Alexander = Aleksander"),
    ("v", "f", "Novi = Nofi"),
    ("ae", "ai", "Sulaeman = Sulaiman, Nuraeni = Nuraini"),
    ("(?<=.)h", "", "Rahmat = Ramat, Fatimah = Fatima (an h after the first letter)"),
    (r"(.)\1+", r"\1", "Abdullah = Abdulah, Muhammad = Muhamad"),
)
_FOLDS = tuple((re.compile(pattern), replacement) for pattern, replacement, _ in SPELLING_FOLDS)

INITIAL_SIMILARITY = 85
"""An initial against a word it starts ("A." and "Abdul"): likely, not certain."""
INITIAL_WEIGHT = 3
"""The weight of an initial in the mean, as if it were a three-letter word."""
COMMON_WORDS = frozenset({"muamad", "siti", "nur", "abdul", "amad", "sri", "putri", "putra"})
"""Folded words so common that sharing them says little ("Muhammad Rizky" and "Muhammad
Rizal" are brothers more often than one person): they weigh half."""
EXTRA_WORD_PENALTY = 10
"""Per word one name has beyond the other (a middle name left out, "bin Slamet")."""
SINGLE_WORD_PENALTY = 8
"""Extra cost when the shorter name is one word: "Ridwan" fits too many longer names."""


@lru_cache(maxsize=131_072)
def fold_word(word: str) -> str:
    """Fold one word of :func:`normalize_name` output by :data:`SPELLING_FOLDS`."""
    word = ABBREVIATIONS.get(word, word)
    for pattern, replacement in _FOLDS:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=262_144)
def name_key(name: str) -> tuple[str, ...]:
    """The folded words of a name, in their written order.

    Example:
        ``name_key("H. Moch. Soekarno, S.Pd.") == ("muamad", "sukarno")``
    """
    words = [w for w in normalize_name(name or "").split() if w not in DROPPED_WORDS]
    return tuple(fold_word(w) for w in words)


def _word_similarity(a: str, b: str) -> float:
    if a == b:
        return 100.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL_SIMILARITY if a[0] == b[0] else 0.0
    # OSA counts a swap of two neighbouring letters as one edit, the commonest typing slip.
    return OSA.normalized_similarity(a, b) * 100


def _aligned(short: tuple[str, ...], long: tuple[str, ...]) -> float:
    """Mean similarity of the words of ``short`` to words of ``long``, each used once, the
    most alike pairs first; weighted by word length (an initial as :data:`INITIAL_WEIGHT`
    letters, a common word half)."""
    pairs = sorted(
        ((_word_similarity(w, o), -i, -j) for i, w in enumerate(short) for j, o in enumerate(long)),
        reverse=True,
    )
    used_short: set[int] = set()
    used_long: set[int] = set()
    total = weight = 0.0
    for similarity, i, j in pairs:
        i, j = -i, -j
        if i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        word, other = short[i], long[j]
        w = max(len(word), len(other)) if len(word) > 1 else INITIAL_WEIGHT
        if word in COMMON_WORDS:
            w /= 2
        total += similarity * w
        weight += w
        if len(used_short) == len(short):
            break
    return total / weight if weight else 0.0


def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How alike two :func:`name_key` keys are, 0-100 (100: the same key); symmetric.

    Word order is ignored. A name with more words pays :data:`EXTRA_WORD_PENALTY` per extra
    word, since "Muhammad Ridwan" and "Muhammad Ridwan Saleh" may or may not be one person;
    the words written together ("nurhayati" / "nur hayati") are compared as well.
    """
    return _similarity(a, b) if a <= b else _similarity(b, a)


@lru_cache(maxsize=262_144)
def _similarity(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if a == b:
        return 100
    if not a or not b:
        return 0
    if sorted(a) == sorted(b):
        return 98
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    extra = len(long) - len(short)
    aligned = _aligned(short, long)
    if extra:
        aligned -= extra * EXTRA_WORD_PENALTY + (SINGLE_WORD_PENALTY if len(short) == 1 else 0)
        # Compounds: "Abdulrahman" against "Abdul Rahman" differs only by the space.
        aligned = max(aligned, ratio("".join(a), "".join(b)) - 2)
    return max(0, round(aligned))


def names_close(a: str, b: str, *, threshold: int = 85) -> bool:
    """Whether two written names are probably the same name (same number of words after
    folding, apart from titles): for the check while an officer types, which has no birth
    date to lean on and so must not match "Ridwan" with "Muhammad Ridwan"."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb or len(ka) != len(kb):
        return False
    return name_similarity(ka, kb) >= threshold


@lru_cache(maxsize=65_536)
def _key_text(name: str) -> str:
    return " ".join(sorted(name_key(name)))


PREFILTER = 60
"""Below this rapidfuzz ``ratio`` of the sorted keys, two names are never close: a cheap first
pass over a whole village, in C, before :func:`names_close` looks at the few left."""


def close_names(name: str, others: Sequence[tuple[str, str]]) -> list[str]:
    """The ids of ``others`` (``(id, written name)`` pairs, e.g. a village's residents) whose
    name is :func:`names_close` to ``name``."""
    if not name_key(name):
        return []
    texts = [_key_text(other) for _, other in others]
    near = process.extract(_key_text(name), texts, scorer=ratio, score_cutoff=PREFILTER, limit=None)
    return [others[i][0] for _, _, i in near if names_close(name, others[i][1])]


def release_caches(*, keys: bool) -> None:
    """Free the memory of the similarity cache, and with ``keys`` of the name keys too (after
    a province scan they hold hundreds of thousands of names the typing check never needs)."""
    _similarity.cache_clear()
    if keys:
        name_key.cache_clear()
        _key_text.cache_clear()
        fold_word.cache_clear()

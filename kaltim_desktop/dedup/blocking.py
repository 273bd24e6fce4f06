# SPDX-License-Identifier: GPL-3.0-or-later
"""Blocking: which pairs of records are worth scoring at all.

Scoring every pair of 500,000 persons is 10^11 comparisons; only pairs that share a *block* are
scored. A pair is compared when

1. both have the same NIK (always, and always reported: :func:`nik_groups`);
2. they share a date key (birth date, swapped day/month, NIK date; see :mod:`.records`) and
   either the first letters of a name word (:data:`WORD_PREFIX` letters of a folded word, so
   typos later in a word and missing or reordered words still meet) or the district;
3. or they have the same folded name (word order ignored) and either live in the same
   district or have birth dates that agree in two of year, month and day (one part
   mistyped, and no NIK to correct it);
4. or one of them has no date key at all (no birth date, no NIK) and they live in the same
   village and share the first letters of a name word.

The KK number and the household play no part in blocking: a duplicate is most often a person
registered in a second family card.

Pairs are produced one date key at a time and each pair only under the smallest date key the
two share, so nothing has to remember the pairs already produced across the whole scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from itertools import combinations

from kaltim_desktop.dedup.names import COMMON_WORDS
from kaltim_desktop.dedup.records import PersonRecord

WORD_PREFIX = 3
"""Letters of a folded name word that make its block ("rid" for "ridwan")."""
WORD_SUFFIX = 3
"""Last letters of a folded name word that make another block, for typos near the start."""
SMALL_GROUP = 12
"""Up to this many records of one name are paired directly, more go through buckets."""
BLOCK_CAP = 250
"""A block larger than this (a placeholder birth date such as 1 January shared by hundreds,
with a common word) is split further by the whole name before pairs are made."""


def _runs(indexes: list[int], key: Callable[[int], object]) -> Iterator[list[int]]:
    """Runs of two or more ``indexes`` with an equal ``key``, found by sorting (a sorted list
    of integers weighs far less than a dictionary of half a million keys)."""
    indexes.sort(key=key)
    run: list[int] = []
    last = object()
    for i in indexes:
        k = key(i)
        if k != last:
            if len(run) > 1:
                yield run
            run, last = [], k
        run.append(i)
    if len(run) > 1:
        yield run


def nik_groups(records: Sequence[PersonRecord], focus: Collection[int] | None) -> list[list[int]]:
    """Indexes of the records sharing a NIK, one list per NIK held more than once (only NIKs
    of ``focus`` records, when given)."""
    with_nik = [i for i, record in enumerate(records) if record.nik is not None]
    groups = list(_runs(with_nik, lambda i: records[i].nik))
    if focus is not None:
        wanted = {records[i].nik for i in focus if records[i].nik is not None}
        return [group for group in groups if records[group[0]].nik in wanted]
    return groups


def name_block(record: PersonRecord) -> tuple[str, ...]:
    """The folded name words in order: the same for the same name written in any order."""
    return tuple(sorted(record.key))


def _bucket_keys(record: PersonRecord) -> set:
    """The blocks of a record within its date keys (each once)."""
    keys: set = set()
    # "Muhammad" or "Siti" alone would put half the village in one block; if such words are
    # all a name has, they must do.
    words = [w for w in record.key if w not in COMMON_WORDS] or record.key
    for word in words:
        keys.add(word[:WORD_PREFIX])
        if len(word) > WORD_PREFIX:
            keys.add(("end", word[-WORD_SUFFIX:]))
    if record.village is not None:
        keys.add(("district", record.village[:8]))
    if record.nik is not None:
        # A mistyped NIK keeps either its first twelve or its last ten digits.
        keys.add(("nik-head", record.nik[:12]))
        keys.add(("nik-tail", record.nik[6:]))
    return keys


def _bucket_pairs(members: list[int], records: Sequence[PersonRecord]) -> Iterator[tuple]:
    """Pairs within one block of a date; an oversized block only pairs equal names."""
    if len(members) <= BLOCK_CAP:
        yield from combinations(members, 2)
        return
    by_name: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in members:
        by_name[name_block(records[i])].append(i)
    for same in by_name.values():
        yield from combinations(same, 2)


def _date_pairs(
    date_key: int, members: list[int], records: Sequence[PersonRecord]
) -> Iterator[tuple[int, int]]:
    """Pairs sharing ``date_key`` and a name-word prefix or the district, each once."""
    buckets: dict[object, list[int]] = defaultdict(list)
    for i in members:
        for bucket in _bucket_keys(records[i]):
            buckets[bucket].append(i)
    seen: set[tuple[int, int]] = set()
    for bucket in buckets.values():
        if len(bucket) < 2:
            continue
        for i, j in _bucket_pairs(bucket, records):
            pair = (i, j) if i < j else (j, i)
            if pair in seen:
                continue
            seen.add(pair)
            a, b = records[pair[0]], records[pair[1]]
            if a.nik is not None and a.nik == b.nik:
                continue  # reported by the NIK groups
            # Produced under the smallest date key the two share, and only there.
            if min(set(a.dates).intersection(b.dates)) != date_key:
                continue
            yield pair


def date_blocks(
    records: Sequence[PersonRecord],
    focus: Collection[int] | None,
    tick: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, int]]:
    """Pairs of rules 2 (shared date key): ``(i, j)`` record indexes with ``i < j``.

    Args:
        records: all records.
        focus: when given, only pairs with at least one of these indexes.
        tick: called now and then with (date keys done, date keys in all), for progress and
            cancelling.
    """
    by_date: dict[int, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for key in record.dates:
            by_date[key].append(i)
    if focus is not None:
        keys = sorted({key for i in focus for key in records[i].dates})
    else:
        keys = [key for key, members in by_date.items() if len(members) > 1]
    total = len(keys)
    for done, key in enumerate(keys):
        if tick is not None and done % 2048 == 0:
            tick(done, total)
        members = by_date[key]
        if len(members) < 2:
            continue
        if focus is None:
            yield from _date_pairs(key, members, records)
        else:
            for i, j in _date_pairs(key, members, records):
                if i in focus or j in focus:
                    yield i, j
    if tick is not None:
        tick(total, total)


def _near_birth(a: int | None, b: int | None) -> bool:
    """Two of year, month and day agree."""
    if a is None or b is None:
        return False
    same = (a // 10_000 == b // 10_000) + (a // 100 % 100 == b // 100 % 100) + (a % 100 == b % 100)
    return same >= 2


def _name_group_pairs(members: list[int], records: Sequence[PersonRecord]) -> Iterator[tuple]:
    """Pairs within one folded name that live in one district or whose birth dates share
    their year and month, month and day, or year and day."""
    if len(members) <= SMALL_GROUP:
        yield from combinations(members, 2)  # the checks in name_blocks decide
        return
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i in members:
        record, born = records[i], records[i].born
        if record.village is not None:
            buckets[("d", record.village[:8])].append(i)
        if born is not None:
            buckets[("ym", born // 100)].append(i)
            buckets[("md", born % 10_000)].append(i)
            buckets[("yd", born // 10_000 * 100 + born % 100)].append(i)
    seen: set[tuple[int, int]] = set()
    for bucket in buckets.values():
        if len(bucket) > BLOCK_CAP:
            continue  # hundreds of one name in one district: only dates can tell them apart
        for pair in combinations(bucket, 2):
            if pair not in seen:
                seen.add(pair)
                yield pair


def name_blocks(
    records: Sequence[PersonRecord], focus: Collection[int] | None
) -> Iterator[tuple[int, int]]:
    """Pairs of rule 3 (the same folded name, and the same district or nearly the same birth
    date) that share no date key and no NIK, since rules 1 and 2 produced those already."""
    named = [i for i, record in enumerate(records) if record.key]
    for members in _runs(named, lambda i: name_block(records[i])):
        members.sort()
        for i, j in _name_group_pairs(members, records):
            if focus is not None and i not in focus and j not in focus:
                continue
            a, b = records[i], records[j]
            if a.nik is not None and a.nik == b.nik:
                continue
            if set(a.dates).intersection(b.dates):
                continue
            same_district = (
                a.village is not None and b.village is not None and (a.village[:8] == b.village[:8])
            )
            if same_district or _near_birth(a.born, b.born):
                yield (i, j) if i < j else (j, i)


def undated_blocks(
    records: Sequence[PersonRecord], focus: Collection[int] | None
) -> Iterator[tuple[int, int]]:
    """Pairs of rule 4: a record without any date key and a record of its village sharing a
    name-word prefix (pairs of rule 3 excluded)."""
    villages = {r.village for r in records if not r.dates and r.village is not None}
    if not villages:
        return
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record.village in villages:
            for word in set(record.key):
                buckets[(record.village, word[:WORD_PREFIX])].append(i)
    seen: set[tuple[int, int]] = set()
    for members in buckets.values():
        members = list(dict.fromkeys(members))  # two words may share their first letters
        undated = [i for i in members if not records[i].dates]
        if not undated or len(members) < 2 or len(members) > BLOCK_CAP:
            continue
        for i in undated:
            for j in members:
                pair = (i, j) if i < j else (j, i)
                if i == j or pair in seen:
                    continue
                seen.add(pair)
                if focus is not None and i not in focus and j not in focus:
                    continue
                a, b = records[pair[0]], records[pair[1]]
                if a.nik is not None and a.nik == b.nik:
                    continue
                if name_block(a) == name_block(b) and a.village[:8] == b.village[:8]:
                    continue  # produced by rule 3
                yield pair

# SPDX-License-Identifier: GPL-3.0-or-later
"""Duplicate detection over records in memory: blocking, scoring, decisions, progress."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import chain, combinations

from kaltim_desktop.dedup.blocking import (
    date_blocks,
    name_block,
    name_blocks,
    nik_groups,
    undated_blocks,
)
from kaltim_desktop.dedup.names import release_caches
from kaltim_desktop.dedup.records import PersonRecord
from kaltim_desktop.dedup.scoring import Candidate, candidate
from kaltim_desktop.progress import NullProgress, Progress

LARGE_SCAN = 50_000
"""After scanning more records than this, the name caches are emptied too."""


def _neighbours(records: Sequence[PersonRecord], wanted: set[str]) -> list[PersonRecord]:
    """The focus records and those that can share a block with one (the same NIK, a shared
    date key, the same district, the same folded name): a bundle of a few hundred persons is
    then checked without blocking the whole province."""
    targets = [r for r in records if r.id in wanted]
    niks = {r.nik for r in targets if r.nik is not None}
    keys = {k for r in targets for k in r.dates}
    districts = {r.village[:8] for r in targets if r.village is not None}
    names = {name_block(r) for r in targets if r.key}
    return [
        r
        for r in records
        if r.id in wanted
        or r.nik in niks
        or not keys.isdisjoint(r.dates)
        or (r.village is not None and r.village[:8] in districts)
        or name_block(r) in names
    ]


def find_candidates(
    records: Sequence[PersonRecord],
    *,
    focus: Collection[str] | None = None,
    decided: Collection[frozenset[str]] = (),
    progress: Progress | None = None,
) -> list[Candidate]:
    """The pairs of ``records`` that may be one person.

    Args:
        records: the persons (each once).
        focus: person ids; when given, only pairs involving at least one of them.
        decided: pairs of person ids already decided "not a duplicate"; never returned.
        progress: told how far the scan is and asked whether to stop (raises
            :class:`~kaltim_desktop.errors.Cancelled`).

    Returns:
        The candidates, highest score first, then by ids. Every pair of records with the same
        NIK is among them at the "duplicate" level.
    """
    progress = progress or NullProgress()
    focus_idx = None
    if focus is not None:
        records = _neighbours(records, set(focus))
        wanted = set(focus)
        focus_idx = {i for i, r in enumerate(records) if r.id in wanted}
    refused = {frozenset(pair) for pair in decided}

    def tick(done: int, total: int) -> None:
        progress.update(done, total, "")
        progress.check()

    found: list[Candidate] = []
    for group in nik_groups(records, focus_idx):
        for i, j in combinations(group, 2):
            if focus_idx is None or i in focus_idx or j in focus_idx:
                found.append(candidate(records[i], records[j]))  # a NIK lifts it to "duplicate"
    progress.check()
    pairs = chain(
        date_blocks(records, focus_idx, tick),
        name_blocks(records, focus_idx),
        undated_blocks(records, focus_idx),
    )
    for i, j in pairs:
        pair = candidate(records[i], records[j])
        if pair is not None:
            found.append(pair)
    release_caches(keys=len(records) > LARGE_SCAN)
    if refused:
        found = [c for c in found if frozenset((c.first_id, c.second_id)) not in refused]
    found.sort(key=lambda c: (-c.score, c.first_id, c.second_id))
    return found

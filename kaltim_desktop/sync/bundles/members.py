# SPDX-License-Identifier: GPL-3.0-or-later
"""Building the ops members of a bundle: check each stored op against its hash, encode
(:mod:`.codec`), compress (:mod:`.compression`).

A member is built from op dicts (any content: tests craft hostile ones) or from ``sync_op``
rows as the exporter reads them, which are coded without building op dicts (:mod:`.codec_rows`:
the same bytes, a fifth less time per op). Large exports build their members in two worker
processes while this one reads the log: encoding is Python work per value, and the machines are
laptops with two cores or more. Small exports stay in this process.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from kaltim_desktop.sync.bundles import codec, codec_rows, compression
from kaltim_desktop.sync.purge import is_redacted_fields, wire_op
from kaltim_desktop.workers import worker_pool

_string = json.encoder.encode_basestring  # the quoting json.dumps(ensure_ascii=False) uses
WORKERS = 2


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a member's tens of thousands of dicts are built: they
    hold no cycles, and collections triggered by their allocations cost ~10 % of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class DamagedLog(ValueError):
    """A stored op no longer matches its stored hash."""


@dataclass(frozen=True)
class Member:
    data: bytes
    usize: int
    count: int
    ranges: dict[str, list[int]]  # origin -> [first, last, count]


def canonical_line(row) -> str:
    """The op's RFC 8785 text from a ``sync_op`` row, as :func:`..ops.encode_parts` hashes it."""
    origin, seq, op_id, hlc, entity, entity_id, action, base, fields, prev = row[:10]
    partition, actor, schema = row[10:13]
    # One f-string: ~10 % quicker than joining the pieces. A JSON column that is not text (NULL,
    # a blob) gives a line no stored hash matches: the log is damaged.
    return (
        f'{{"action":{_string(action)}'
        f',"actor":{"null" if actor is None else _string(actor)}'
        f',"base":{base!s},"entity":{_string(entity)},"entity_id":{_string(entity_id)}'
        f',"hlc":{_string(hlc)},"op_id":{_string(op_id)},"origin":{_string(origin)}'
        f',"partition":{"null" if partition is None else _string(partition)}'
        f',"prev":{prev!s},"schema":{schema!s},"seq":{seq!s},"set":{fields!s}}}'
    )


def check_rows(rows: list[tuple]) -> list[int]:
    """Every stored row (``origin … schema, op_hash``) against its hash: DamagedLog if not.

    Returns the indexes of redacted rows (erasure: their payload was blanked after the hash
    was taken, see :mod:`kaltim_desktop.sync.purge`), which travel with their hash."""
    sha256 = hashlib.sha256
    redacted: list[int] = []
    for index, row in enumerate(rows):
        if sha256(canonical_line(row).encode("utf-8")).hexdigest() != row[13]:
            if not is_redacted_fields(row[8]):
                raise DamagedLog(f"{row[0]}:{row[1]}")
            redacted.append(index)
    return redacted


def _checked_ops(rows: list[tuple], redacted: list[int]) -> list[dict[str, Any]]:
    """Op dicts of checked rows; a redacted one with its stored hash beside it."""
    ops = [codec_rows.op_of_row(row) for row in rows]
    for index in redacted:
        ops[index] = wire_op(ops[index], rows[index][13])
    return ops


def ops_from_rows(rows: list[tuple]) -> list[dict[str, Any]]:
    """Op dicts of stored rows, each checked against its hash."""
    return _checked_ops(rows, check_rows(rows))


def _ranges(pairs: Iterable[tuple[Any, Any]]) -> dict[str, list[int]]:
    """origin → [first, last, count] of the ops' ``(origin, seq)``."""
    ranges: dict[str, list[int]] = {}
    for origin, seq in pairs:
        if type(origin) is not str or type(seq) is not int:
            continue  # not a valid op: it travels, and the receiver refuses it
        current = ranges.get(origin)
        if current is None:
            ranges[origin] = [seq, seq, 1]
        else:
            current[0], current[1] = min(current[0], seq), max(current[1], seq)
            current[2] += 1
    return ranges


def _row_ranges(rows: list[tuple]) -> dict[str, list[int]]:
    """:func:`_ranges` of stored rows, without a loop in Python for one origin's int seqs."""
    origins, seqs = list(map(itemgetter(0), rows)), list(map(itemgetter(1), rows))
    single = set(origins)
    if len(single) == 1 and set(map(type, origins)) == {str} and set(map(type, seqs)) == {int}:
        return {single.pop(): [min(seqs), max(seqs), len(seqs)]}
    return _ranges(zip(origins, seqs, strict=True))


def _encode(items: list) -> tuple[bytes, int, dict[str, list[int]]]:
    if items and type(items[0]) is tuple:  # stored rows: coded as rows, no op dicts built
        redacted = check_rows(items)
        if redacted:  # the generic coder carries their hash (the same bytes for the others)
            return codec.encode_ops(_checked_ops(items, redacted)), len(items), _row_ranges(items)
        return codec_rows.encode_rows(items), len(items), _row_ranges(items)
    pairs = ((op.get("origin"), op.get("seq")) for op in items)
    return codec.encode_ops(items), len(items), _ranges(pairs)


def build(items: list) -> Member:
    """One member from op dicts or stored rows (the workers' entry point)."""
    with paused_gc():
        body, count, ranges = _encode(items)
    return Member(compression.compress(body), len(body), count, ranges)


ROWS_SQL = ("SELECT origin, seq, op_id, hlc, entity, entity_id, action, base, fields, prev, "
            "partition, actor, schema, op_hash FROM sync_op "
            "WHERE origin = ? AND seq BETWEEN ? AND ? ORDER BY seq")  # fmt: skip
Run = tuple[str, int, int]  # origin, first seq, last seq: the stored ops of a member, in order


@dataclass
class StoredOps:
    """Ops to export straight from a database's op log: member by member, each a list of
    runs; ops outside ``scope`` are left out (None: all). Workers open the file read-only
    while the exporting transaction holds the write lock, so they see what it sees."""

    members: list[list[Run]]
    scope: tuple[str, ...] | None
    household_tables: dict[str, str]  # entity -> its table, for records without a partition
    connection: Any  # the exporting transaction's own sqlite3 connection
    path: str | None  # the database file ('' or None: in memory, read in this process)


def _in_scope(region: str | None, scope: tuple[str, ...]) -> bool:
    return bool(region) and any(region == s or region.startswith(s + ".") for s in scope)


class _Region:
    """Where a record without a partition belongs: its household's village (cached)."""

    def __init__(self, connection, tables: dict[str, str]) -> None:
        self.connection, self.tables = connection, tables
        self.known: dict[str, str | None] = {}

    def __call__(self, entity: str, entity_id: str) -> str | None:
        if entity_id not in self.known:
            table, found = self.tables.get(entity), None
            if table is not None:
                row = self.connection.execute(
                    f"SELECT h.village_code FROM {table} t JOIN household h "
                    "ON h.id = t.household_id WHERE t.id = ?", (entity_id,)
                ).fetchone()  # fmt: skip
                found = row[0] if row else None
            self.known[entity_id] = found
        return self.known[entity_id]


def stored_rows(connection, runs: list[Run], scope, tables: dict[str, str]) -> list[tuple]:
    rows: list[tuple] = []
    for run in runs:
        rows += connection.execute(ROWS_SQL, run).fetchall()
    if scope is None:
        return rows
    region, allowed = _Region(connection, tables), {}
    kept = []
    for row in rows:
        partition = row[10] if row[10] is not None else region(row[4], row[5])
        ok = allowed.get(partition)
        if ok is None:
            ok = allowed[partition] = _in_scope(partition, scope)
        if ok:
            kept.append(row)
    return kept


_worker_connections: dict[str, Any] = {}


def build_stored(path: str, runs: list[Run], scope, tables: dict[str, str]) -> Member:
    """A worker's task: read the runs from the file (read-only), build their member."""
    connection = _worker_connections.get(path)
    if connection is None:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        _worker_connections[path] = connection
    with paused_gc():  # reading creates the member's rows: no collection either
        return build(stored_rows(connection, runs, scope, tables))


class _Local:
    """In this process: encode here, compress in a thread (``lzma`` releases the GIL)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ksb-compress")

    def submit(self, items: list) -> Callable[[], Member]:
        with paused_gc():
            body, count, ranges = _encode(items)
        future = self._pool.submit(compression.compress, body)
        return lambda: Member(future.result(), len(body), count, ranges)

    def close(self) -> None:
        self._pool.shutdown()


def _workers() -> ProcessPoolExecutor:
    return worker_pool(WORKERS)


def build_from_log(source: StoredOps) -> list[Member]:
    """Members of ``source``, in two worker processes when there are several of them."""
    if len(source.members) < 3 or not source.path:
        local = _Local()
        try:
            pending = [
                local.submit(stored_rows(source.connection, runs, source.scope,
                                         source.household_tables))
                for runs in source.members
            ]  # fmt: skip
            return [wait() for wait in pending]
        finally:
            local.close()
    with _workers() as pool:
        futures = [
            pool.submit(build_stored, source.path, runs, source.scope, source.household_tables)
            for runs in source.members
        ]
        return [future.result() for future in futures]


def build_all(items: Iterable, per_member: int) -> list[Member]:
    """Members of at most ``per_member`` op dicts or rows each, in order."""
    if isinstance(items, StoredOps):
        return build_from_log(items)
    local = _Local()
    pending: list[Callable[[], Member]] = []
    batch: list = []
    try:
        for item in items:
            batch.append(item)
            if len(batch) == per_member:
                pending.append(local.submit(batch))
                batch = []
        if batch:
            pending.append(local.submit(batch))
        return [wait() for wait in pending]
    finally:
        local.close()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Building the ops members of a bundle: check each stored op against its hash, encode
(:mod:`.codec`), compress (:mod:`.compression`).

A member is built from op dicts (any content: tests craft hostile ones) or from ``sync_op``
rows as the exporter reads them. Large exports build their members in two worker processes
while this one reads the log: encoding is Python work per value, and the machines are laptops
with two cores or more. Small exports stay in this process.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaltim_desktop.sync.bundles import codec, compression

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
    return "".join(
        (
            '{"action":', _string(action),
            ',"actor":', "null" if actor is None else _string(actor),
            ',"base":', base,
            ',"entity":', _string(entity),
            ',"entity_id":', _string(entity_id),
            ',"hlc":', _string(hlc),
            ',"op_id":', _string(op_id),
            ',"origin":', _string(origin),
            ',"partition":', "null" if partition is None else _string(partition),
            ',"prev":', prev,
            ',"schema":', str(schema),
            ',"seq":', str(seq),
            ',"set":', fields,
            "}",
        )
    )  # fmt: skip


def ops_from_rows(rows: list[tuple]) -> list[dict[str, Any]]:
    """Op dicts of stored rows (``origin … schema, op_hash``), each checked against its hash."""
    loads, sha256 = json.loads, hashlib.sha256
    ops = []
    for row in rows:
        if sha256(canonical_line(row).encode("utf-8")).hexdigest() != row[13]:
            raise DamagedLog(f"{row[0]}:{row[1]}")
        base, prev = row[7], row[9]
        ops.append({
            "origin": row[0], "seq": row[1], "op_id": row[2], "hlc": row[3], "entity": row[4],
            "entity_id": row[5], "action": row[6], "base": {} if base == "{}" else loads(base),
            "set": loads(row[8]), "prev": {} if prev == "{}" else loads(prev),
            "partition": row[10], "actor": row[11], "schema": row[12],
        })  # fmt: skip
    return ops


def _ranges(ops: list[dict[str, Any]]) -> dict[str, list[int]]:
    ranges: dict[str, list[int]] = {}
    for op in ops:
        origin, seq = op.get("origin"), op.get("seq")
        if type(origin) is not str or type(seq) is not int:
            continue  # not a valid op: it travels, and the receiver refuses it
        current = ranges.get(origin)
        if current is None:
            ranges[origin] = [seq, seq, 1]
        else:
            current[0], current[1] = min(current[0], seq), max(current[1], seq)
            current[2] += 1
    return ranges


def _encode(items: list) -> tuple[bytes, int, dict[str, list[int]]]:
    ops = ops_from_rows(items) if items and type(items[0]) is tuple else items
    return codec.encode_ops(ops), len(ops), _ranges(ops)


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
    return ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))


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

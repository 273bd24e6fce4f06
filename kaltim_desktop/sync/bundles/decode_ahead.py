# SPDX-License-Identifier: GPL-3.0-or-later
"""Large imports decode their ops members in a second process while this one applies.

Decoding a member and recomputing the canonical hash of each op is about a third of an
import's Python work and depends on nothing in the database, so a worker process does it ahead
of the applier: on a 2-core laptop the import then uses both cores, as the export does. Small
imports (most of them) stay in this process, where a worker's start would cost more than it
saves. The worker sees only members whose hashes the signed manifest has already vouched for;
any refusal it meets comes back as a code and is raised here, as the in-process path raises it.

Memory is what bounds the design (an import must stay within 500 MB on a laptop): a decoded op
is a dict of a dozen Python objects, ~2.5 kB, so the worker decodes a member one op at a time
and sends it back as pickled slices of :data:`SLICE_OPS` ops (~0.3 kB per op as bytes). Each
side then holds at most one slice of op dicts, and this side at most :data:`AHEAD` + 1 members
of bytes waiting.
"""

from __future__ import annotations

import pickle
from collections import deque
from collections.abc import Iterator
from typing import Any

from kaltim_desktop.sync.bundles import compression, layout, reader
from kaltim_desktop.sync.bundles.codec_decode import Damaged, iter_ops
from kaltim_desktop.sync.bundles.errors import E_DAMAGED, BundleRejected
from kaltim_desktop.sync.bundles.members import paused_gc
from kaltim_desktop.sync.ops import encode_parts
from kaltim_desktop.sync.projection import RecordTimes, create_builders
from kaltim_desktop.sync.upcast import upcast
from kaltim_desktop.workers import worker_pool

AHEAD_MIN_OPS = 50_000  # below this a worker's start (~0.3 s) costs more than it saves
AHEAD = 1  # members decoded ahead of the one being applied (kept pickled: ~15 MB each)
SLICE_OPS = 2048  # ops unpickled at once on either side (~5 MB of dicts)

# What the worker prepares for each op, or None when the op is malformed (the applier's shape
# check then refuses it, as it does in this process): (base, set, prev, hash) as
# sync.ops.EncodedOp holds them, then for a create the table row the applier would build
# (Applier._apply); None where there is none or building it failed (the applier then builds
# it itself, and fails as it would). Name tokens stay with the applier: measured, the worker
# is the busier of the two processes, so it keeps only what saves the applier the most.
Hashed = tuple[str, str, str, str, tuple | None] | None

_times = {stored: RecordTimes(stored) for stored in (False, True)}


def _row(op: dict[str, Any], builders: dict, times: RecordTimes) -> tuple | None:
    """The table row of a create, as :meth:`.apply.Applier._apply` builds it."""
    if op["action"] != "create":
        return None
    try:
        build = builders.get(op["entity"])
        if build is None:  # an unknown entity: the applier refuses it
            return None
        values = upcast(op)["set"]  # today's shape of the fields
        return build(op["entity_id"], values, times(int(op["hlc"].split(":")[0]))[1])
    except Exception:  # anything odd is left to the applier, which refuses it as it would
        return None


def _hashed(op: dict[str, Any], builders: dict, times: RecordTimes) -> Hashed:
    try:
        encoded = encode_parts(
            op["origin"], op["seq"], op["op_id"], op["hlc"], op["entity"], op["entity_id"],
            op["action"], op["base"], op["set"], op["prev"], op["partition"], op["actor"],
            op["schema"],
        )  # fmt: skip
    except Exception:  # a malformed op: the applier checks its shape and refuses it
        return None
    return encoded.base, encoded.set, encoded.prev, encoded.hash, _row(op, builders, times)


def decode_and_hash(
    data: bytes, usize: int, count: int, stored: bool = True
) -> tuple[str, Any, Any]:
    """Worker side: ``("ok", [pickled (ops, hashed) slice, ...], None)`` or
    ``("refused", code, detail)``.

    Slices travel pickled inside the result: the executor would otherwise rebuild every op
    dict of the member in the applying process as soon as the result arrives."""
    try:
        body = compression.decompress(data, usize)
        slices: list[bytes] = []
        ops: list[dict[str, Any]] = []
        hashed: list[Hashed] = []
        builders, times = create_builders(stored), _times[stored]
        with paused_gc():
            for op in iter_ops(body, count):
                ops.append(op)
                hashed.append(_hashed(op, builders, times))
                if len(ops) == SLICE_OPS:
                    slices.append(pickle.dumps((ops, hashed), pickle.HIGHEST_PROTOCOL))
                    ops, hashed = [], []
            if ops:
                slices.append(pickle.dumps((ops, hashed), pickle.HIGHEST_PROTOCOL))
    except Damaged:
        return "refused", E_DAMAGED, "ops member"
    except BundleRejected as exc:  # not picklable as such: sent back as its code
        return "refused", exc.code, exc.detail
    return "ok", slices, None


def read_ops_hashed(
    part: reader.Part, *, stored: bool = True
) -> Iterator[tuple[list[dict[str, Any]], list[Hashed] | None]]:
    """Per slice of ops in order: its op dicts and, for large parts, what the worker prepared
    (``stored``: rows in SQLite's storage form, as the applier builds them on SQLite)."""
    entries = [e for e in part.manifest["files"] if layout.OPS_NAME.fullmatch(e["path"])]
    if sum(e["count"] for e in entries) < AHEAD_MIN_OPS or len(entries) < 2:
        for ops in reader.read_ops(part):
            yield ops, None
        return
    with worker_pool(1) as pool:
        waiting = iter(entries)
        pending: deque = deque()

        def submit_next() -> None:
            entry = next(waiting, None)
            if entry is not None:
                pending.append(
                    pool.submit(decode_and_hash, part.members[entry["path"]],
                                int(entry["usize"]), entry["count"], stored)
                )  # fmt: skip

        for _ in range(AHEAD):
            submit_next()
        try:
            while pending:
                status, slices, detail = pending.popleft().result()
                if status != "ok":
                    raise BundleRejected(slices, detail)
                submit_next()
                for index, data in enumerate(slices):
                    slices[index] = None  # each slice's bytes go as soon as it is unpickled
                    with paused_gc():
                        ops, hashed = pickle.loads(data)  # our own worker's bytes
                    del data
                    yield ops, hashed
                    del ops, hashed
        finally:
            for future in pending:
                future.cancel()

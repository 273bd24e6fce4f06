# SPDX-License-Identifier: GPL-3.0-or-later
"""Large imports decode and hash their ops members in a worker process: same outcome as the
in-process path, and a damaged member is refused the same way."""

from __future__ import annotations

import pickle

import pytest

from kaltim_desktop.sync.bundles import decode_ahead, layout, reader
from kaltim_desktop.sync.bundles.codec import encode_ops
from kaltim_desktop.sync.bundles.codec_decode import Damaged, iter_ops
from kaltim_desktop.sync.bundles.codec_streams import pack, unpack
from kaltim_desktop.sync.bundles.compression import compress
from kaltim_desktop.sync.bundles.errors import E_DAMAGED, BundleRejected
from kaltim_desktop.sync.bundles.importer import APPLIED
from kaltim_desktop.sync.ops import encode_parts
from kaltim_desktop.sync.projection import create_tuple_builder, hlc_time, stored_time
from kaltim_desktop.workers import worker_pool
from tests.sync.bundles.conftest import replica_hash
from tests.sync.bundles.helpers import export_one, import_data, many_households, ops_of


class CountingPool:
    """The real worker pool, counting what is submitted to it."""

    submitted = 0

    def __init__(self, max_workers: int) -> None:
        self.pool = worker_pool(max_workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown()

    def submit(self, *args, **kwargs):
        CountingPool.submitted += 1
        return self.pool.submit(*args, **kwargs)


@pytest.fixture
def worker_path(monkeypatch):
    """Every part with two ops members or more goes through the worker process."""
    monkeypatch.setattr(decode_ahead, "AHEAD_MIN_OPS", 1)
    monkeypatch.setattr(decode_ahead, "worker_pool", CountingPool)
    CountingPool.submitted = 0
    return CountingPool


def test_an_import_through_the_worker_gives_the_senders_tables(
    province, laptop, monkeypatch, worker_path
):
    many_households(laptop, 12)
    monkeypatch.setattr(layout, "CHUNK_OPS", 25)  # several members in the one part
    bundle = export_one(laptop)

    result = import_data(province, bundle.read_bytes())

    assert result.status == APPLIED
    assert worker_path.submitted >= 2  # the members went to the worker, not this process
    assert replica_hash(province.db) == replica_hash(laptop.db)  # rows, op log and op hashes


def test_the_workers_hashes_are_the_canonical_ones_in_bounded_slices(laptop, monkeypatch):
    many_households(laptop, 3)
    ops = ops_of(laptop)
    body = encode_ops(ops)
    member = compress(body)
    monkeypatch.setattr(decode_ahead, "SLICE_OPS", 7)
    status, slices, _ = decode_ahead.decode_and_hash(member, len(body), len(ops))
    unpickled = [pickle.loads(data) for data in slices]
    decoded = [op for part, _hashes in unpickled for op in part]
    hashed = [item for _part, hashes in unpickled for item in hashes]

    assert status == "ok" and decoded == ops
    assert len(slices) == -(-len(ops) // 7)  # ceil: every slice full but the last
    assert all(len(part) == 7 for part, _hashes in unpickled[:-1])
    for op, (base, fields, prev, op_hash, row) in zip(ops, hashed, strict=True):
        expected = encode_parts(*(op[k] for k in ("origin", "seq", "op_id", "hlc", "entity",
                                                  "entity_id", "action", "base", "set", "prev",
                                                  "partition", "actor", "schema")))  # fmt: skip
        assert (base, fields, prev, op_hash) == (
            expected.base,
            expected.set,
            expected.prev,
            expected.hash,
        )
        if op["action"] != "create":
            assert row is None
            continue
        # The row the applier would have built itself (Applier._apply).
        at = stored_time(hlc_time(int(op["hlc"].split(":")[0])))
        assert row == create_tuple_builder(op["entity"], stored=True)(
            op["entity_id"], op["set"], at
        )


def test_a_damaged_member_in_the_worker_is_refused_as_damaged(worker_path):
    files = [
        {"path": layout.ops_name(1), "usize": 100, "count": 1},
        {"path": layout.ops_name(2), "usize": 100, "count": 1},
    ]
    damaged = {layout.ops_name(1): b"not xz", layout.ops_name(2): b"nor this"}
    part = reader.Part(None, {"files": files}, damaged)

    with pytest.raises(BundleRejected) as refused:
        list(decode_ahead.read_ops_hashed(part))

    assert refused.value.code == E_DAMAGED
    assert worker_path.submitted >= 1


def test_a_member_damaged_after_its_first_slices_is_refused_whole(laptop, monkeypatch):
    """The leftover checks run after the last op: slices already decoded never count."""
    many_households(laptop, 3)
    ops = ops_of(laptop)
    streams = unpack(encode_ops(ops))
    streams["schema"] += b"\x01"  # one value more than there are ops
    body = pack(list(streams.items()))
    monkeypatch.setattr(decode_ahead, "SLICE_OPS", 5)

    status, code, _ = decode_ahead.decode_and_hash(compress(body), len(body), len(ops))

    assert (status, code) == ("refused", E_DAMAGED)
    with pytest.raises(Damaged):
        list(iter_ops(body, len(ops)))

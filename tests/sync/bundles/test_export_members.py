# SPDX-License-Identifier: GPL-3.0-or-later
"""Exports read the op log in runs and build members here or in worker processes; either way
every op is checked against its stored hash and arrives exactly as stored."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles
from kaltim_desktop.sync.bundles import layout, members
from tests.sync.bundles.conftest import data_hash, replica_hash
from tests.sync.bundles.helpers import many_households, ops_of


@pytest.mark.parametrize("workers", [False, True])
def test_members_built_here_or_in_workers_carry_every_op(province, laptop, monkeypatch, workers):
    many_households(laptop, 12)
    count = len(ops_of(laptop))
    # Members of 7 ops: several of them, so the worker processes take them when allowed.
    monkeypatch.setattr(layout, "CHUNK_OPS", 7)
    pools = []
    real_workers = members._workers
    monkeypatch.setattr(members, "_workers", lambda: pools.append(1) or real_workers())
    if not workers:
        monkeypatch.setattr(members, "build_from_log", _local_only(members.build_from_log))
    (exported,) = export_bundles(laptop.db, laptop.data_dir, laptop.actor, laptop.data_dir / "o")
    assert exported.ops == count
    (part,) = exported.parts
    files = [e for e in part.manifest["files"] if layout.OPS_NAME.fullmatch(e["path"])]
    assert len(files) == -(-count // 7) and sum(e["count"] for e in files) == count
    assert len(pools) == (1 if workers else 0)
    (result,) = import_bundles(province.db, province.data_dir, province.actor, [part.path])
    assert result.status == "applied" and result.report["applied"] == count
    assert replica_hash(province.db) == replica_hash(laptop.db)


def _local_only(build_from_log):
    def local(source):
        source.path = None  # in memory as far as the builder knows: built in this process
        return build_from_log(source)

    return local


@pytest.mark.parametrize("chunk", [7, 10_000])
def test_a_damaged_op_log_is_refused_at_export(laptop, monkeypatch, chunk):
    many_households(laptop, 4)
    monkeypatch.setattr(layout, "CHUNK_OPS", chunk)  # 7: worker processes read the log
    with laptop.db.transaction() as session:
        session.execute(text("UPDATE sync_op SET fields = replace(fields, 'Warga', 'Wargi') "
                             "WHERE seq = 5"))  # fmt: skip
    before = data_hash(laptop.db)
    with pytest.raises(KaltimError, match="damaged"):
        export_bundles(laptop.db, laptop.data_dir, laptop.actor, laptop.data_dir / "o")
    assert data_hash(laptop.db) == before
    assert not list((laptop.data_dir / "o").glob("*.ksb"))

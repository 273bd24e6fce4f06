# SPDX-License-Identifier: GPL-3.0-or-later
"""The applier works per batch: what a batch's updates read (version vectors, stored regions)
is loaded before its loop, and rows are buffered and written in bulk. These tests pin down that
the result is the one op-by-op application gives, whatever the buffer and cache sizes: updates
in the part of their create, renames, and updates of records of an earlier import; and a large
import, which rebuilds the secondary indexes at its end, leaves the schema as it was."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select, text

from kaltim_desktop.models import Household, PersonNameToken, RecordClock, new_id
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.bundles import apply, apply_writes, layout
from kaltim_desktop.sync.bundles.errors import E_SCOPE
from tests.conftest import family
from tests.sync.bundles.conftest import data_hash, replica_hash
from tests.sync.bundles.helpers import craft, export_one, import_data, many_households, ops_of


def _clocks(site) -> dict[tuple[str, str], dict]:
    with site.db.read() as s:
        rows = s.execute(select(RecordClock.entity, RecordClock.entity_id, RecordClock.vv))
        return {(e, i): json.loads(vv) for e, i, vv in rows}


def _edit(site, saved, *, rt: int, head: str, keep: int = 3):
    """Save the household again with another RT, head name and maybe fewer members."""
    members = [
        dataclasses.replace(m, person_id=row.person_id)
        for m, row in zip(family().members, saved.members, strict=True)
    ]
    members[0] = dataclasses.replace(members[0], name=head)
    save_household(site.db, site.actor, family(id=saved.id, members=tuple(members[:keep]), rt=rt))


@pytest.fixture(params=["one flush per batch", "a flush per op, no cache", "no cache"])
def tiny_buffers(request, monkeypatch):
    if request.param == "a flush per op, no cache":
        monkeypatch.setattr(apply_writes, "FLUSH_EVERY", 1)
    if request.param != "one flush per batch":
        monkeypatch.setattr(apply, "_CACHE_LIMIT", 0)
    if request.param == "no cache":
        # Many small members: vectors changed by one and not yet written must survive the
        # cache's reset at the next.
        monkeypatch.setattr(layout, "CHUNK_OPS", 4)


def test_updates_and_renames_give_the_senders_tables(province, laptop, tiny_buffers):
    saved = save_household(laptop.db, laptop.actor, family(id=new_id(), rt=3))
    _edit(laptop, saved, rt=7, head="Ahmad Fauzan")  # in the part of the creates
    _edit(laptop, saved, rt=8, head="Ahmad Fikri", keep=2)
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    assert replica_hash(province.db) == replica_hash(laptop.db)
    assert _clocks(province) == _clocks(laptop) != {}

    # A second import updates records the first one created (vectors and regions are read
    # from the tables then); the first part's ops come again and are skipped.
    _edit(laptop, saved, rt=9, head="Ahmad Fauzi", keep=2)
    result = import_data(province, export_one(laptop).read_bytes(), name="second.ksb")
    assert result.status == "applied" and result.report["already"] > 0
    assert replica_hash(province.db) == replica_hash(laptop.db)
    assert _clocks(province) == _clocks(laptop)
    with province.db.read() as s:
        assert s.get(Household, saved.id).rt == 9
        tokens = set(s.scalars(select(PersonNameToken.token)))
    assert {"fauzi", "siti", "budi"} <= tokens and not {"fauzan", "fikri"} & tokens


def _indexes(db) -> list[tuple[str, str]]:
    with db.read() as s:
        return sorted(s.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")))


@pytest.fixture
def bulk_from_one_op(monkeypatch):
    """Every import counts as a large one; records the indexes each import dropped."""
    monkeypatch.setattr(apply_writes, "BULK_MIN_OPS", 1)
    dropped: list[list[str]] = []
    original = apply_writes.drop_secondary_indexes

    def recording(*args, **kwargs):
        dropped.append(original(*args, **kwargs))
        return dropped[-1]

    monkeypatch.setattr(apply_writes, "drop_secondary_indexes", recording)
    return dropped


def test_a_large_import_rebuilds_the_indexes_it_dropped(province, laptop, bulk_from_one_op):
    many_households(laptop, 5)
    data = export_one(laptop).read_bytes()
    indexes = _indexes(province.db)
    before = data_hash(province.db)
    assert import_data(province, data, dry_run=True).status == "preview"
    assert _indexes(province.db) == indexes and data_hash(province.db) == before
    assert import_data(province, data).status == "applied"
    assert any("ix_person_nik" in sql for sql in bulk_from_one_op[-1])  # it did drop them
    assert "ix_sync_op_entity_id" not in str(bulk_from_one_op)  # read by the apply: kept
    assert _indexes(province.db) == indexes
    assert replica_hash(province.db) == replica_hash(laptop.db)


def test_a_refused_large_import_keeps_its_indexes(province, laptop, bulk_from_one_op):
    many_households(laptop, 5)
    ops = ops_of(laptop)
    outside = [*ops, {**ops[-1], "seq": len(ops) + 1, "partition": "64.03.01.2001"}]
    indexes, before = _indexes(province.db), data_hash(province.db)
    result = import_data(province, craft(laptop, province, outside))
    assert (result.status, result.code) == ("rejected", E_SCOPE)
    assert bulk_from_one_op and bulk_from_one_op[-1]  # dropped, then rolled back
    assert _indexes(province.db) == indexes and data_hash(province.db) == before

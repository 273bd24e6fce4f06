# SPDX-License-Identifier: GPL-3.0-or-later
"""Failure modes 12, 13, 19–21, 23, 24 and 30 of sync-design §3.16: schema skew, forks,
restored databases, clock skew, scope and ownership, interrupted exports."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing

import pytest
from sqlalchemy import func, select

from kaltim_desktop import durable_files
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.models import (
    Household,
    SyncHeldOp,
    SyncOp,
    SyncOriginBlock,
    SyncPeer,
    utcnow,
)
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles, release_held
from kaltim_desktop.sync import oplog
from kaltim_desktop.sync.bundles.errors import E_FORK, E_OWNERSHIP, E_SCHEMA_TOO_NEW, E_SCOPE
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.ops import SYNC_SCHEMA
from tests.conftest import family
from tests.sync.bundles.conftest import data_hash, enrol_laptop, make_site, replica_hash
from tests.sync.bundles.helpers import craft, export_one, import_data, ops_of

YEAR_MS = 365 * 24 * 3600 * 1000


def _households(site) -> int:
    with site.db.read() as s:
        return s.scalar(select(func.count()).select_from(Household))


def test_a_bundle_from_a_newer_application_waits_for_the_update(province, laptop):
    save_household(laptop.db, laptop.actor, family())
    data = craft(laptop, province, ops_of(laptop), {"min_reader_schema": SYNC_SCHEMA + 1})
    before = data_hash(province.db)
    result = import_data(province, data)
    assert (result.status, result.code) == ("quarantined", E_SCHEMA_TOO_NEW)
    assert "update the application" in result.message
    assert import_data(province, data).status == "quarantined"
    assert data_hash(province.db) == before
    with province.db.read() as s:
        assert s.get(SyncPeer, result.sender) is None  # nothing acknowledged
    # After the update (a newer reader) the kept file is applied without the stick.
    results = import_bundles(
        province.db, province.data_dir, province.actor, [], reader_schema=SYNC_SCHEMA + 1
    )
    assert [r.status for r in results] == ["applied"]
    assert replica_hash(province.db) == replica_hash(laptop.db)


def test_unknown_fields_of_a_newer_compatible_op_are_kept(province, laptop):
    saved = save_household(laptop.db, laptop.actor, family(rt=3))
    ops = ops_of(laptop)
    origin = ops[0]["origin"]
    create = next(op for op in ops if op["entity"] == "household")
    newer = {
        **create, "seq": len(ops) + 1, "op_id": "01940000-0000-7000-8000-00000000beef",
        "action": "update", "base": {origin: create["seq"]}, "prev": {"rt": 3},
        "set": {"rt": 5, "solar_panel": True}, "schema": SYNC_SCHEMA + 1,
        "hlc": str(Hlc(Hlc.parse(ops[-1]["hlc"]).wall_ms + 1, 0)),
    }  # fmt: skip
    result = import_data(province, craft(laptop, province, [*ops, newer]))
    assert result.status == "applied" and result.report["applied"] == len(ops) + 1
    with province.db.read() as s:
        assert s.get(Household, saved.id).rt == 5
        stored = s.get(SyncOp, (origin, len(ops) + 1))
        assert json.loads(stored.fields) == {"rt": 5, "solar_panel": True}
        assert stored.op_hash == sha256_hex(canonical_json(newer))


def test_a_fork_is_refused_and_the_origin_blocked(province, laptop):
    save_household(laptop.db, laptop.actor, family())
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    ops = ops_of(laptop)
    forged = [{**ops[0], "set": {**ops[0]["set"], "rt": 99}}]
    before = data_hash(province.db)
    result = import_data(province, craft(laptop, province, forged))
    assert (result.status, result.code) == ("rejected", E_FORK)
    assert data_hash(province.db) == before
    with province.db.read() as s:
        block = s.get(SyncOriginBlock, ops[0]["origin"])
    assert (block.from_seq, block.reason) == (1, "fork")
    # Honest later changes of that origin wait for someone to look at the fork.
    save_household(laptop.db, laptop.actor, family(kk_number=None), confirm_warnings=True)
    later = import_data(province, export_one(laptop).read_bytes())
    assert (later.status, later.code) == ("rejected", E_FORK)
    assert data_hash(province.db) == before


def test_export_from_a_database_restored_behind_its_exports_is_refused(laptop, province):
    save_household(laptop.db, laptop.actor, family())
    copy = laptop.data_dir / "old-copy.sqlite"
    with closing(sqlite3.connect(laptop.db.path)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    save_household(laptop.db, laptop.actor, family(kk_number=None), confirm_warnings=True)
    export_one(laptop)
    laptop.db.dispose()
    with closing(sqlite3.connect(copy)) as src, closing(sqlite3.connect(laptop.db.path)) as dst:
        src.backup(dst)  # someone copies the old file back over the database
    out = laptop.data_dir / "after-restore"
    with pytest.raises(KaltimError, match="replaced by a copy"):
        export_bundles(laptop.db, laptop.data_dir, laptop.actor, out)
    assert not out.exists() or not list(out.iterdir())


def test_ops_from_a_clock_ten_years_ahead_are_held(province, laptop, monkeypatch):
    now = int(time.time() * 1000)
    monkeypatch.setattr(oplog, "wall_clock_ms", lambda: now + 10 * YEAR_MS)
    save_household(laptop.db, laptop.actor, family())
    monkeypatch.setattr(oplog, "wall_clock_ms", lambda: now - 20 * YEAR_MS)
    save_household(laptop.db, laptop.actor, family(kk_number=None), confirm_warnings=True)
    hlcs = [Hlc.parse(op["hlc"]) for op in ops_of(laptop)]
    assert hlcs == sorted(hlcs)  # the laptop's clock went back, its HLC did not
    before = data_hash(province.db)
    result = import_data(province, export_one(laptop).read_bytes())
    assert result.status == "applied" and result.report["applied"] == 0
    assert result.report["held_clock"] > 0 and "W_CLOCK_SKEW" in result.report["warnings"]
    assert data_hash(province.db) == before
    with province.db.read() as s:
        assert "clock_skew" in s.scalars(select(SyncHeldOp.reason)).all()
    # A supervisor who has checked them releases them; the rest of the origin follows.
    origin = ops_of(laptop)[0]["origin"]
    assert release_held(province.db, province.actor, origin) == len(ops_of(laptop))
    assert replica_hash(province.db) == replica_hash(laptop.db)
    with province.db.read() as s:
        assert s.scalars(select(SyncHeldOp)).all() == []


def test_a_laptop_cannot_write_outside_its_regency(province, laptop, template_db, tmp_path):
    save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    moved = [{**ops[0], "partition": "64.03.01.2001"}, *ops[1:]]
    before = data_hash(province.db)
    result = import_data(province, craft(laptop, province, moved))
    assert (result.status, result.code) == ("rejected", E_SCOPE)
    # A record stored under another regency, reached by an op that lies about its partition.
    other = make_site(template_db, tmp_path, "balikpapan")
    enrol_laptop(province, other, "64.71")
    theirs = save_household(other.db, other.actor, family(village_code="64.71.01.1001"),
                            confirm_warnings=True)  # fmt: skip
    assert import_data(province, export_one(other).read_bytes()).status == "applied"
    before = data_hash(province.db)
    sneaky = {
        "origin": ops[0]["origin"], "seq": len(ops) + 1,
        "op_id": "01940000-0000-7000-8000-0000000000ff",
        "hlc": ops[-1]["hlc"], "entity": "household", "entity_id": theirs.id, "action": "update",
        "base": {}, "set": {"rt": 9}, "prev": {"rt": 3}, "partition": "64.72.06.1001",
        "actor": None, "schema": 1,
    }  # fmt: skip
    result = import_data(province, craft(laptop, province, [*ops, sneaky]))
    assert (result.status, result.code) == ("rejected", E_SCOPE)
    assert data_hash(province.db) == before
    other.db.dispose()


def test_only_the_province_approves_grants(province, laptop):
    saved = save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    approval = {
        "origin": ops[0]["origin"], "seq": len(ops) + 1,
        "op_id": "01940000-0000-7000-8000-0000000000aa",
        "hlc": ops[-1]["hlc"], "entity": "grant_award", "action": "create", "base": {},
        "entity_id": "01940000-0000-7000-8000-0000000000ab",
        "set": {"household_id": saved.id, "stage": "approved"}, "prev": {},
        "partition": "64.72.06.1001", "actor": None, "schema": 1,
    }  # fmt: skip
    before = data_hash(province.db)
    result = import_data(province, craft(laptop, province, [*ops, approval]))
    assert (result.status, result.code) == ("rejected", E_OWNERSHIP)
    assert "only the province" in result.message
    assert data_hash(province.db) == before


def test_an_interrupted_export_leaves_only_a_tmp_file(laptop, province, monkeypatch):
    save_household(laptop.db, laptop.actor, family())

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(durable_files.os, "fsync", full_disk)
    out = laptop.data_dir / "stick"
    with pytest.raises(KaltimError, match="drive is full or was removed"):
        export_bundles(laptop.db, laptop.data_dir, laptop.actor, out)
    assert [p.suffix for p in out.iterdir()] == [".tmp"]
    monkeypatch.undo()
    (exported,) = export_bundles(laptop.db, laptop.data_dir, laptop.actor, out)
    results = import_bundles(province.db, province.data_dir, province.actor,
                             sorted(out.iterdir()))  # fmt: skip
    assert [r.status for r in results] == ["applied"]  # the .tmp file was not even read
    assert exported.parts[0].path.exists()


def test_malformed_ops_from_an_enrolled_laptop_are_refused(province, laptop):
    saved = save_household(laptop.db, laptop.actor, family())
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    ops = ops_of(laptop)
    nxt = len(ops) + 1
    base = {**ops[0], "seq": nxt, "op_id": "01940000-0000-7000-8000-0000000000c1"}
    fresh = "01940000-0000-7000-8000-0000000000c2"
    before = data_hash(province.db)
    for bad in (
        {**base, "seq": str(nxt)},  # wrong type
        {**base, "extra": 1},  # a key the op hash does not cover
        {**base, "entity": "officer"},  # not a replicated entity
        {**base, "entity_id": saved.id},  # creates a record that already exists
        {**base, "set": {**base["set"], "kk_as_of": "not a date"}},
        # A new record (so only the value is wrong) with a value its column cannot hold.
        {**base, "entity_id": fresh, "set": {**base["set"], "deleted": "yes"}},
        {**base, "entity_id": fresh, "set": {**base["set"], "kk_as_of": "2020-02-30"}},
    ):
        result = import_data(province, craft(laptop, province, [bad]))
        assert (result.status, result.code) == ("rejected", "E_DAMAGED"), bad
    assert data_hash(province.db) == before


def test_releasing_one_reason_leaves_the_others_held(province, laptop, monkeypatch):
    """Apply anyway names one reason; a change held for another one stays held."""
    save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    origin = ops[0]["origin"]
    with province.db.transaction() as session:
        for op, reason in ((ops[0], "clock_skew"), (ops[1], "revoked")):
            session.add(SyncHeldOp(
                origin=origin, seq=op["seq"], op_hash=sha256_hex(canonical_json(op)),
                line=canonical_json(op), reason=reason, received_at=utcnow(),
            ))  # fmt: skip
    assert release_held(province.db, province.actor, origin, ("clock_skew",)) == 1
    with province.db.read() as session:
        assert [r.reason for r in session.scalars(select(SyncHeldOp))] == ["revoked"]

# SPDX-License-Identifier: GPL-3.0-or-later
"""The op log: gapless sequence, exact previous values, no-op writes, atomicity, clocks."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kaltim_desktop.models import Device, RecordClock, SyncOp
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync import oplog
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex
from kaltim_desktop.sync.hlc import Hlc, receive, tick
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.ops import op_from_row
from tests.conftest import VILLAGE, family


def all_ops(db) -> list[SyncOp]:
    with db.read() as s:
        return list(s.scalars(select(SyncOp).order_by(SyncOp.seq)))


def test_sequence_is_gapless_and_hashes_verify(db, operator):
    for _ in range(3):
        save_household(db, operator, family(), confirm_warnings=True)
    ops = all_ops(db)
    assert [op.seq for op in ops] == list(range(1, len(ops) + 1))
    assert len({op.origin for op in ops}) == 1
    for op in ops:
        payload = op_from_row(op).as_dict()
        assert op.op_hash == sha256_hex(canonical_json(payload))
        assert op.partition == VILLAGE
    hlcs = [Hlc.parse(op.hlc) for op in ops]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)


def test_update_records_base_vector_and_previous_values(db, operator):
    detail = save_household(db, operator, family())
    with db.transaction() as s:
        changes = ChangeSet(s, actor=operator.officer_id, action="test.edit")
        assert changes.update("household", detail.id, {"rt": 9, "hamlet": "Dusun II"})
        assert not changes.update("household", detail.id, {"rt": 9})  # no change, no op
        changes.commit()
    last = all_ops(db)[-1]
    assert json.loads(last.fields) == {"rt": 9, "hamlet": "Dusun II"}
    assert json.loads(last.prev) == {"rt": 3, "hamlet": None}
    assert json.loads(last.base) == {last.origin: 1}  # the create was seq 1
    with db.read() as s:
        clock = s.get(RecordClock, ("household", detail.id))
    assert json.loads(clock.vv) == {last.origin: last.seq}


def test_failed_transaction_leaves_no_op_and_no_gap(db, operator):
    save_household(db, operator, family())
    with pytest.raises(RuntimeError), db.transaction() as s:
        changes = ChangeSet(s, actor=None, action="test")
        changes.create("household", {"village_code": VILLAGE})
        changes.commit()
        raise RuntimeError("power cut")
    save_household(db, operator, family(), confirm_warnings=True)
    seqs = [op.seq for op in all_ops(db)]
    assert seqs == list(range(1, len(seqs) + 1))
    with db.read() as s:
        assert s.scalar(select(Device.last_seq)) == len(seqs)


def test_unknown_fields_are_refused(db):
    with db.transaction() as s:
        changes = ChangeSet(s, actor=None, action="test")
        with pytest.raises(ValueError):
            changes.create("household", {"village_code": VILLAGE, "secret": 1})


def test_clock_going_back_keeps_hlc_monotonic(db, operator, monkeypatch):
    save_household(db, operator, family())
    before = Hlc.parse(all_ops(db)[-1].hlc)
    monkeypatch.setattr(
        oplog, "wall_clock_ms", lambda: 946684800000
    )  # the laptop thinks it is 2000
    save_household(db, operator, family(), confirm_warnings=True)
    after = [Hlc.parse(op.hlc) for op in all_ops(db)]
    assert min(h for h in after if h > before) > before
    assert after == sorted(after)


def test_hlc_rules():
    assert tick(Hlc(10, 3), 20) == Hlc(20, 0)
    assert tick(Hlc(10, 3), 5) == Hlc(10, 4)
    assert receive(Hlc(10, 1), Hlc(30, 2), 20) == Hlc(30, 3)
    assert receive(Hlc(10, 1), Hlc(10, 5), 5) == Hlc(10, 6)
    assert receive(Hlc(10, 1), Hlc(5, 5), 40) == Hlc(40, 0)
    assert str(Hlc(1767605300999, 7)) == "1767605300999:0007"


def test_one_op_per_written_record(db, operator):
    save_household(db, operator, family())
    with db.read() as s:
        rows = s.execute(select(SyncOp.entity, func.count()).group_by(SyncOp.entity)).all()
        per_entity = {entity: n for entity, n in rows}
    assert per_entity == {"household": 1, "person": 3, "membership": 3}

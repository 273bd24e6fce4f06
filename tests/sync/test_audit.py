# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit trail is hash-chained: any edit, deletion or reordering is detected."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from kaltim_desktop.models import AuditEntry, SyncOp
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.audit import verify_chain
from kaltim_desktop.sync.ops import encode_op, op_from_row
from tests.conftest import family


def make_trail(db, operator, n=4):
    for _ in range(n):
        save_household(db, operator, family(), confirm_warnings=True)


def test_untouched_chain_verifies(db, operator):
    make_trail(db, operator)
    with db.read() as s:
        report = verify_chain(s)
    assert report.ok and report.entries == 4


def test_edited_entry_is_detected(db, operator):
    make_trail(db, operator)
    with db.transaction() as s:
        s.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2"))
    with db.read() as s:
        assert verify_chain(s).first_broken_seq == 2


def test_deleted_entry_is_detected(db, operator):
    make_trail(db, operator)
    with db.transaction() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    with db.read() as s:
        assert verify_chain(s).first_broken_seq == 4


def test_rewritten_values_are_detected(db, operator):
    make_trail(db, operator)
    with db.transaction() as s:
        s.execute(
            text("UPDATE sync_op SET fields = replace(fields, 'Ahmad', 'Achmad') WHERE seq = 2")
        )
    with db.read() as s:
        assert verify_chain(s).first_broken_seq == 1
        assert verify_chain(s, check_ops=False).ok  # the entries themselves are intact


def test_rewritten_op_with_a_recomputed_hash_is_detected(db, operator):
    """A careful forger recomputes the op's own hash; the audit entry's digest still differs."""
    make_trail(db, operator)
    with db.transaction() as s:
        op = s.scalars(select(SyncOp).where(SyncOp.seq == 9)).one()
        op.fields = op.fields.replace("Ahmad", "Achmad")
        op.op_hash = encode_op(op_from_row(op)).hash
    with db.read() as s:
        assert verify_chain(s).first_broken_seq == 2


def test_deleted_op_is_detected(db, operator):
    make_trail(db, operator)
    with db.transaction() as s:
        s.execute(text("DELETE FROM sync_op WHERE seq = 20"))
    with db.read() as s:
        assert verify_chain(s).first_broken_seq == 3


def test_update_entries_keep_before_and_after(db, operator):
    make_trail(db, operator, n=1)
    with db.read() as s:
        household_id = s.scalar(select(AuditEntry.entity_id))
    save_household(db, operator, family(id=household_id, rt=8), confirm_warnings=True)
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert verify_chain(s).ok
    assert json.loads(entry.before) == {f"household/{household_id}": {"rt": 3}}
    assert json.loads(entry.after) == {f"household/{household_id}": {"rt": 8}}
    assert entry.action == "household.update" and entry.actor == operator.officer_id

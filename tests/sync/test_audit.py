# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit trail is hash-chained: any edit, deletion or reordering is detected."""

from __future__ import annotations

from sqlalchemy import text

from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.audit import verify_chain
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
            text("UPDATE audit_log SET after = replace(after, 'Ahmad', 'Achmad') WHERE seq = 1")
        )
    with db.read() as s:
        assert verify_chain(s).first_broken_seq == 1

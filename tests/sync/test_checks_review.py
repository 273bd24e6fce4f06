# SPDX-License-Identifier: GPL-3.0-or-later
"""The province's invariants, broken by two changes that were each correct where they were
made: an item while the breach lasts, resolved once a later change repairs it."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from kaltim_desktop.models import ReviewItem
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.checks_review import check_invariants
from kaltim_desktop.sync.oplog import ChangeSet
from tests.conftest import VILLAGE, family

HANDOVER = {"stage": "surveyed", "funder": "CSR PT Contoh", "house_type": "type36_concrete",
            "cost_rupiah": 90_000_000, "surveyed_on": date(2025, 2, 1)}  # fmt: skip
GRANT = {"programme": "modal_usaha", "period": 2026, "stage": "proposed", "form": "cash",
         "agency": "disperindagkop", "amount_rupiah": 5_000_000}  # fmt: skip


def _write(db, entity, fields=None, *, update=None):
    """A change as another laptop made it (each one allowed where it was made)."""
    with db.transaction() as session:
        changes = ChangeSet(session, actor=None, action="test")
        if update is not None:
            changes.update(entity, update, fields, partition=VILLAGE)
            record_id = update
        else:
            record_id = changes.create(entity, fields, partition=VILLAGE)
        changes.commit()
    return record_id


def _items(db, field):
    with db.read() as session:
        return session.scalars(
            select(ReviewItem).where(ReviewItem.kind == "invariant", ReviewItem.field == field)
        ).all()


def _check(db, household_id) -> int:
    with db.transaction() as session:
        return check_invariants(session, {household_id})


def test_two_live_handovers_of_one_household_open_an_item_until_one_is_cancelled(db, operator):
    saved = save_household(db, operator, family())
    first = _write(db, "handover", {**HANDOVER, "household_id": saved.id})
    assert _check(db, saved.id) == 0 and _items(db, "handovers") == []
    second = _write(db, "handover", {**HANDOVER, "household_id": saved.id})
    assert _check(db, saved.id) == 1
    (item,) = _items(db, "handovers")
    assert (item.entity_id, item.status, item.region) == (saved.id, "open", VILLAGE)
    assert json.loads(item.detail)["handovers"] == sorted([first, second])
    _write(db, "handover", {"stage": "cancelled"}, update=second)
    assert _check(db, saved.id) == 0
    (item,) = _items(db, "handovers")
    assert item.status == "resolved"


def test_a_second_grant_of_a_programme_in_one_period_is_a_breach(db, operator):
    saved = save_household(db, operator, family())
    head = saved.members[0].person_id
    for _ in range(2):
        _write(db, "grant_award", {**GRANT, "household_id": saved.id, "recipient_person_id": head})
    _write(db, "grant_award", {**GRANT, "period": 2027, "household_id": saved.id,
                               "recipient_person_id": head})  # fmt: skip
    with db.transaction() as session:
        assert check_invariants(session) == 1  # everywhere: the same breach
    (item,) = _items(db, "grants:modal_usaha:2026")
    detail = json.loads(item.detail)
    assert (detail["rule"], detail["period"], len(detail["grants"])) == ("grants", 2026, 2)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo database comes with persons registered twice, found by the duplicate scan."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kaltim_desktop.models import ReviewItem
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.demo_review import add_demo_duplicates


def test_the_demo_has_duplicates_to_review(db):
    generate_demo(db, households=60, seed=3, today=date(2026, 11, 1))
    result = add_demo_duplicates(db, Actor.system())
    assert result.registered_again == 4
    with db.read() as session:
        items = session.scalars(select(ReviewItem).where(ReviewItem.kind == "duplicate")).all()
    assert result.duplicates == len(items) >= 3  # the typo'd one may fall below the threshold
    assert all(item.status == "open" and item.region for item in items)

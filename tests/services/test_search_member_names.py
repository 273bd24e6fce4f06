# SPDX-License-Identifier: GPL-3.0-or-later
"""The name check of the household search, asked of the token index, agrees with the
normalised names themselves (``matches_words``), deleted persons and moved members included."""

from __future__ import annotations

from sqlalchemy import select, update

from kaltim_desktop.models import Membership, Person
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.search_sources import households_with_member_named, matches_words


def _expected(session, household_ids: list[str], words: list[str]) -> set[str]:
    members = session.execute(
        select(Membership.household_id, Person.name)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.household_id.in_(household_ids),
            Membership.current(),
            Person.deleted.is_(False),
        )
    ).all()
    return {household_id for household_id, name in members if matches_words(name, words)}


def test_member_name_check_matches_the_names(db):
    generate_demo(db, households=300, seed=5)
    with db.transaction() as session:
        # A few deleted persons: their households must not match through them.
        deleted = session.scalars(select(Person.id).order_by(Person.id).limit(40)).all()[::4]
        session.execute(update(Person).where(Person.id.in_(deleted)).values(deleted=True))
    with db.read() as session:
        ids = session.scalars(select(Membership.household_id).distinct()).all()
        names = session.scalars(select(Person.name).order_by(Person.id).limit(60)).all()
        queries = [["a"], ["zzz"]]
        for name in names:
            first, *rest = name.split()
            queries.append([first.lower()[:3]])
            if rest:
                queries.append(sorted({first.lower(), rest[0].lower()[:1]}))
        checked = 0
        for words in queries:
            expected = _expected(session, ids, words)
            assert households_with_member_named(session, ids, words) == expected, words
            checked += bool(expected)
        assert checked > 20  # the check is not trivially empty
        assert households_with_member_named(session, [], ["a"]) == set()

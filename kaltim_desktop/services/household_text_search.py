# SPDX-License-Identifier: GPL-3.0-or-later
"""The search text of the household list, answered fast while the officer is still typing.

:func:`~kaltim_desktop.services.search.search_households` answers a specific query (a whole
NIK, a rare name) in a few milliseconds, but the first keystrokes of a query are broad: "6401"
is the start of a quarter of all NIKs, "ma" starts tens of thousands of names, and reading and
sorting all of them costs hundreds of milliseconds at 100,000 households. The list only needs
the first few hundred households by head name, so for a broad query the plan is turned around:
walk the households in head-name order (``ix_household_head_name_id``) and keep those with a
matching member, until enough are found; when a quarter of all people match, that reads a few
thousand households. Which plan is cheaper is decided by counting the query's index range, up
to :data:`BROAD_FROM` entries (a bounded count costs well under a millisecond).

A name word of one or two letters ("siti a", "masnah r") matches so many names that it is left
out of the SQL and checked on the few hundred candidates found by the other words.
"""

from __future__ import annotations

from sqlalchemy import String, exists, false, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.domain.names import name_tokens
from kaltim_desktop.domain.nik import mask_nik, strip_separators
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.models import Household, Membership, Person, PersonNameToken
from kaltim_desktop.services.search import (
    MIN_NUMBER_DIGITS,
    MIN_WORD_LETTERS,
    search_household_matches,
)
from kaltim_desktop.services.search_sources import (
    households_with_member_named,
    in_region,
    starts_with,
)

BROAD_FROM = 4000
"""A NIK or KK range with at least this many entries is a broad query."""
BROAD_WORD_FROM = 8000
"""A name word starting this many name words is broad (a word matching fewer people makes the
walk through the list read too many households before it has found enough). Measured at
100,000 households: "ri" (8,900 words) 44 ms searched, 28 ms walked; "di" (6,800) 44 ms
searched, 69 ms walked; "sar" (3,300) 30 ms against 110 ms."""
SHORT_WORD = 2
"""Name words this short are checked on the candidates, not searched."""

_COUNT_NIK = text(
    "SELECT count(*) FROM (SELECT 1 FROM person WHERE nik >= :low AND nik < :high LIMIT :cap)"
)
_COUNT_KK = text(
    "SELECT count(*) FROM (SELECT 1 FROM household"
    " WHERE kk_number >= :low AND kk_number < :high LIMIT :cap)"
)
_COUNT_TOKEN = text(
    "SELECT count(*) FROM (SELECT 1 FROM person_name_token"
    " WHERE token >= :low AND token < :high LIMIT :cap)"
)


# Inside the per-household checks the row is found by its key (person id); a range index on
# these columns would make SQLite read the whole range for every household. The unary plus
# keeps it from using one.
_NIK = literal_column("+person.nik", String)
_NIK_REVERSED = literal_column("+person.nik_reversed", String)
_TOKEN = literal_column("+person_name_token.token", String)


def _broad(session: Session, statement, prefix: str, cap: int = BROAD_FROM) -> bool:
    bounds = {"low": prefix, "high": prefix[:-1] + chr(ord(prefix[-1]) + 1), "cap": cap}
    return (session.scalar(statement, bounds) or 0) >= cap


def _member_where(*conditions) -> exists:
    """A current member of the household (the outer ``household`` row) satisfying
    ``conditions`` on ``person``/``membership``."""
    return exists().where(
        Membership.household_id == Household.id,
        Membership.current(),
        *conditions,
    )


def _scan(session: Session, condition, region: str | None, include_deleted: bool, limit: int):
    filters = [condition]
    if not include_deleted:
        filters.append(Household.deleted == false())
    if region:
        filters.append(in_region(region_tree().get(region)))
    return session.execute(
        select(Household.id, Household.head_name)
        .where(*filters)
        .order_by(Household.head_name, Household.id)
        .limit(limit)
    ).all()


Found = list[tuple[str, str | None, int | None]]
"""Households found, in head-name order: id, the masked NIK it matched (or None), and its
member count when the search already counted them (else None)."""


def _search(db: Database, typed: str, region, include_deleted: bool, limit: int) -> Found:
    """:func:`~kaltim_desktop.services.search.search_households`' households, without the
    details it would read for them (the list reads its own, and counts the members)."""
    found = search_household_matches(
        db, typed, region=region, limit=limit, include_deleted=include_deleted
    )
    return [(household_id, nik, None) for household_id, nik in found]


def _digits_broad(db, digits, region, include_deleted, limit) -> Found | None:
    with db.read() as session:
        if not (_broad(session, _COUNT_NIK, digits) or _broad(session, _COUNT_KK, digits)):
            return None
        person_match = or_(starts_with(_NIK, digits), starts_with(_NIK_REVERSED, digits[::-1]))
        member = _member_where(
            exists().where(
                Person.id == Membership.person_id, Person.deleted == false(), person_match
            )
        )
        rows = _scan(
            session,
            or_(starts_with(Household.kk_number, digits), member),
            region,
            include_deleted,
            limit,
        )
        ids = [r.id for r in rows]
        niks = dict(
            session.execute(
                select(Membership.household_id, func.min(Person.nik))
                .join(Person, Person.id == Membership.person_id)
                .where(Membership.household_id.in_(ids), Membership.current(), person_match)
                .group_by(Membership.household_id)
            ).all()
        )
    return [(i, mask_nik(niks[i]) if niks.get(i) else None, None) for i in ids]


def _words_broad(db, words, region, include_deleted, limit) -> Found | None:
    with db.read() as session:
        if not all(_broad(session, _COUNT_TOKEN, w, BROAD_WORD_FROM) for w in words):
            return None
        checks = [
            exists().where(
                PersonNameToken.person_id == Membership.person_id,
                starts_with(_TOKEN, word),
            )
            for word in words
        ]
        member = _member_where(
            *checks,
            exists().where(Person.id == Membership.person_id, Person.deleted == false()),
        )
        return [(r.id, None, None) for r in _scan(session, member, region, include_deleted, limit)]


def _keep_matching(db: Database, found: Found, words: list[str]) -> Found:
    """The households with a current member whose name matches every word."""
    if not found:
        return found
    with db.read() as session:
        kept = households_with_member_named(session, [f[0] for f in found], words)
    return [f for f in found if f[0] in kept]


def find_for_list(
    db: Database, typed: str, *, region: str | None, include_deleted: bool, limit: int
) -> Found:
    """The first ``limit`` households by head name for a search text (see the module)."""
    typed = typed.strip()
    digits = strip_separators(typed)
    if digits.isascii() and digits.isdigit():
        if len(digits) >= MIN_NUMBER_DIGITS:
            broad = _digits_broad(db, digits, region, include_deleted, limit)
            if broad is not None:
                return broad
        return _search(db, typed, region, include_deleted, limit)
    words = sorted(set(name_tokens(typed)))
    searched = [w for w in words if len(w) > SHORT_WORD]
    if words and not searched:
        searched = [w for w in words if len(w) >= MIN_WORD_LETTERS]
    if len(searched) == 1:
        # One broad word: walk the list. Several broad words may still match few people
        # together ("muhamad ami"), which the search service finds faster.
        broad = _words_broad(db, searched, region, include_deleted, limit)
        if broad is not None:
            return _keep_matching(db, broad, words) if searched != words else broad
    if searched and searched != words:
        # Search with the longer words, check the short ones on what they found.
        found = _search(db, " ".join(searched), region, include_deleted, limit)
        return _keep_matching(db, found, words)
    return _search(db, typed, region, include_deleted, limit)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The queries behind :mod:`kaltim_desktop.services.search`: index ranges over NIKs, KK
numbers, name words and regions, each returning the first households by head name."""

from __future__ import annotations

import json

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    exists,
    false,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from kaltim_desktop.domain.names import name_tokens
from kaltim_desktop.domain.regions import Region
from kaltim_desktop.models import Household, Membership, Person, PersonNameToken


def next_prefix(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def starts_with(column, prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < next_prefix(prefix))


_NO_INDEX_VILLAGE = literal_column("+household.village_code", String)


def in_region(region: Region) -> ColumnElement[bool]:
    if region.level == "village":
        return Household.village_code == region.code
    if region.level == "district":
        return starts_with(Household.village_code, region.code + ".")
    # A regency holds up to a quarter of all households. Reading that many rows through the
    # index costs a random row lookup each (40 ms for 25,000 of 100,000 households); reading the
    # whole table in order is faster (15 ms), so the index is switched off with a unary plus.
    return starts_with(_NO_INDEX_VILLAGE, region.code + ".")


class SearchQuery:
    """The filters shared by every source of one search."""

    def __init__(self, region: Region | None, limit: int, include_deleted: bool) -> None:
        self.region = region
        self.limit = limit
        self.include_deleted = include_deleted

    def household_filters(self) -> list[ColumnElement[bool]]:
        filters = []
        if not self.include_deleted:
            # "= 0" rather than "IS 0": SQLite evaluates it a little faster on a full scan. A
            # household merged into another is found as its survivor.
            filters.extend((Household.deleted == false(), Household.merged_into.is_(None)))
        if self.region is not None:
            filters.append(in_region(self.region))
        return filters

    def households(self, *conditions: ColumnElement[bool]) -> Select:
        """The first households by head name that satisfy ``conditions``."""
        return (
            select(Household.id, Household.head_name, None)
            .where(*conditions, *self.household_filters())
            .order_by(Household.head_name, Household.id)
            .limit(self.limit)
        )

    def via_memberships(self, person_ids: Subquery, limit: int) -> Select:
        """Like :meth:`via_persons` for a ``person_ids`` subquery, but without reading the
        person rows (so deleted persons are not filtered out, and no NIK is returned)."""
        return (
            select(Household.id, Household.head_name, None)
            .select_from(person_ids)
            .join(
                Membership,
                and_(
                    Membership.person_id == person_ids.c.person_id,
                    Membership.current(),
                ),
            )
            .join(Household, Household.id == Membership.household_id)
            .where(*self.household_filters())
            .group_by(Household.id)
            .order_by(Household.head_name, Household.id)
            .limit(limit)
        )

    def via_persons(
        self, *conditions: ColumnElement[bool], person_ids: Subquery | None = None
    ) -> Select:
        """The first households by head name with an active member matching ``conditions``
        (or listed by the ``person_ids`` subquery), with the smallest matching NIK."""
        stmt = select(Household.id, Household.head_name, func.min(Person.nik))
        if person_ids is not None:
            stmt = stmt.select_from(person_ids).join(Person, Person.id == person_ids.c.person_id)
        return (
            stmt.join(
                Membership,
                and_(
                    Membership.person_id == Person.id,
                    Membership.current(),
                ),
            )
            .join(Household, Household.id == Membership.household_id)
            .where(*conditions, Person.deleted.is_(False), *self.household_filters())
            .group_by(Household.id)
            .order_by(Household.head_name, Household.id)
            .limit(self.limit)
        )


def number_sources(q: SearchQuery, digits: str) -> list[Select]:
    return [
        q.via_persons(starts_with(Person.nik, digits)),
        q.via_persons(starts_with(Person.nik_reversed, digits[::-1])),
        q.households(starts_with(Household.kk_number, digits)),
    ]


# Name words that start with a query word, found by hopping through the token index (one seek
# per distinct word) rather than reading every row of the range.
_EXPAND = text(
    "WITH RECURSIVE word(token) AS ("
    " SELECT min(token) FROM person_name_token WHERE token >= :low AND token < :high"
    " UNION ALL"
    " SELECT (SELECT min(token) FROM person_name_token WHERE token > word.token AND token < :high)"
    " FROM word WHERE word.token IS NOT NULL"
    ") SELECT token FROM word WHERE token IS NOT NULL LIMIT :limit"
)
_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM person_name_token WHERE token >= :low AND token < :high"
    " LIMIT :limit)"
)
_COUNT_CAP = 20_000
_MAX_EXPANSION = 64
_SPARE_ROWS = 10


def _bounds(prefix: str) -> dict[str, str]:
    return {"low": prefix, "high": next_prefix(prefix)}


def _person_ids(session: Session, words: list[str]) -> Subquery | None:
    """The persons for whom every query word starts one of their name words, as a subquery; None
    when no name can match.

    One word drives the query: the one with the fewest index entries (counted up to a cap). Each
    other word is checked per candidate, whichever is cheaper: expanded into the distinct name
    words it starts, each a point lookup in the token primary key ("rid" → ridho, ridwan), or,
    when it starts many words ("nur" → nur, nuraini, nurdin...), against the candidate's own
    tokens in the person index. Intersecting two whole ranges would read both, and "siti" alone
    has tens of thousands of entries at 100,000 households.
    """
    words = sorted(set(words))
    sizes = {}
    if len(words) > 1:
        sizes = {w: session.scalar(_COUNT, {**_bounds(w), "limit": _COUNT_CAP}) for w in words}
        words.sort(key=lambda w: (sizes[w], w))
    driver, checks = words[0], []
    for word in words[1:]:
        expanded = session.scalars(_EXPAND, {**_bounds(word), "limit": _MAX_EXPANSION + 1}).all()
        if not expanded:
            return None  # no name has a word starting like this
        other = aliased(PersonNameToken)
        if len(expanded) <= _MAX_EXPANSION and len(expanded) * sizes[driver] <= sizes[word]:
            checks.append(
                exists().where(
                    other.token.in_(expanded), other.person_id == PersonNameToken.person_id
                )
            )
        else:
            # The candidate's own few tokens, read through the person index (which holds the
            # token too): one seek per candidate. The unary plus keeps SQLite from reading the
            # word's whole range instead ("rah" starts 17,000 name words at 100,000
            # households: 100 ms, against 3 ms this way).
            own = aliased(PersonNameToken, name=f"own_token_{len(checks)}")
            checks.append(
                exists().where(
                    own.person_id == PersonNameToken.person_id,
                    starts_with(literal_column(f"+own_token_{len(checks)}.token", String), word),
                )
            )
    return (
        select(PersonNameToken.person_id)
        .where(starts_with(PersonNameToken.token, driver), *checks)
        .subquery()
    )


def matches_words(name: str, words: list[str]) -> bool:
    """The rule of the token index, applied to one name: each word starts one of its words."""
    tokens = name_tokens(name)
    return all(any(t.startswith(w) for t in tokens) for w in words)


def households_with_member_named(
    session: Session, household_ids: list[str], words: list[str]
) -> set[str]:
    """Those of ``household_ids`` with a current, non-deleted member whose name matches every
    word (:func:`matches_words`).

    Asked of the token index, by person: a seek per member and word. Normalising the members'
    names in Python gives the same answer (the index holds exactly their :func:`name_tokens`)
    but costs ten times more for names not seen before.
    """
    if not household_ids:
        return set()
    checks = []
    for word in words:
        token = aliased(PersonNameToken)
        checks.append(exists().where(token.person_id == Person.id, starts_with(token.token, word)))
    return set(
        session.scalars(
            select(Membership.household_id)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.household_id.in_(select(text("value FROM json_each(:ids)"))),
                Membership.current(),
                Person.deleted.is_(False),
                *checks,
            )
            .distinct(),
            {"ids": json.dumps(household_ids)},
        )
    )


def name_rows(session: Session, q: SearchQuery, words: list[str]) -> list[Row]:
    """The first households by head name with an active member matching the name words.

    Reading each candidate's person row only to skip deleted persons costs a third of a broad
    name search, and deleted persons are rare. So the households are first found through the
    memberships alone, with a few spare rows; then the members of those few households are
    checked (not deleted, name matching). Only when that check removes a household and more
    candidates exist is the exact query run.
    """
    person_ids = _person_ids(session, words)
    if person_ids is None:
        return []
    spare = q.limit + _SPARE_ROWS
    rows = session.execute(q.via_memberships(person_ids, spare)).all()
    if not rows:
        return []
    confirmed = households_with_member_named(session, [r[0] for r in rows], words)
    if len(confirmed) == len(rows) or len(rows) < spare:
        return [r for r in rows if r[0] in confirmed]
    return session.execute(q.via_persons(person_ids=person_ids)).all()

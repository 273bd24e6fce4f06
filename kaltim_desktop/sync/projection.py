# SPDX-License-Identifier: GPL-3.0-or-later
"""Turning ops into table rows.

Local writes and replay (later: bundle import) go through these same functions, so the tables
are by construction a function of the op log: replaying the log into an empty database
reproduces them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, delete
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from kaltim_desktop.domain.names import name_tokens
from kaltim_desktop.models import REPLICATED, PersonNameToken
from kaltim_desktop.sync.bulk import column_keys, insert_tuples

# Columns never set through an op: identity and timestamps come from the op itself, and
# derived columns are recomputed by :func:`derived_values`.
_MANAGED = {"id", "created_at", "updated_at"}
_DERIVED = {"person": {"nik_reversed"}}


def writable_columns(entity: str) -> frozenset[str]:
    model = REPLICATED[entity]
    skip = _MANAGED | _DERIVED.get(entity, set())
    return frozenset(c.key for c in model.__table__.columns if c.key not in skip)


_WRITABLE = {entity: writable_columns(entity) for entity in REPLICATED}
if column_keys(PersonNameToken.__table__) != ("token", "person_id"):  # the tuples built below
    raise RuntimeError("person_name_token columns changed")
_DATE_COLUMNS = {
    entity: frozenset(c.key for c in model.__table__.columns if isinstance(c.type, Date))
    for entity, model in REPLICATED.items()
}


def check_fields(entity: str, fields: dict[str, Any]) -> None:
    unknown = set(fields) - _WRITABLE[entity]
    if unknown:
        raise ValueError(f"{entity}: fields not writable through ops: {sorted(unknown)}")


def _refuse_float(value: float) -> Any:
    raise TypeError("floats are not allowed in ops")


# Looked up by exact type: one dict lookup per value on the write path's hot loop.
_ENCODERS = {date: date.isoformat, datetime: datetime.isoformat, float: _refuse_float}


def encode_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Python values → JSON-safe op values (dates as ISO text; floats refused)."""
    return {
        key: encoder(value) if (encoder := _ENCODERS.get(type(value))) else value
        for key, value in fields.items()
    }


def decode_fields(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    """JSON op values → Python values for the columns of ``entity``."""
    dates = _DATE_COLUMNS[entity]
    return {
        key: (date.fromisoformat(value) if key in dates and value is not None else value)
        for key, value in fields.items()
    }


def derived_values(entity: str, fields: dict[str, Any]) -> dict[str, Any]:
    if entity == "person" and "nik" in fields:
        nik = fields["nik"]
        return {"nik_reversed": nik[::-1] if nik else None}
    return {}


def hlc_time(wall_ms: int) -> datetime:
    return datetime.fromtimestamp(wall_ms / 1000, UTC)


def create_row(entity: str, entity_id: str, fields: dict[str, Any], at: datetime) -> dict:
    """The full row a ``create`` op produces (``fields`` already decoded)."""
    row = dict.fromkeys(_WRITABLE[entity])
    row["deleted"] = False
    row.update(fields)
    row.update(derived_values(entity, fields))
    row.update(id=entity_id, created_at=at, updated_at=at)
    return row


CreateTuple = Callable[[str, dict[str, Any], Any], tuple]
_SQLITE = sqlite.dialect()
_MANAGED_TIMES = ("created_at", "updated_at")


def _stored_bool(value: Any) -> int:
    """SQLite's form of a boolean, as strict as SQLAlchemy's own (refuses "yes", 2, …)."""
    if value is not True and value is not False and value not in (0, 1):
        raise ValueError("not a boolean")
    return int(value)


def _stored_date(value: str) -> str:
    """SQLite's form of a date (ISO text); the op's text is parsed, so a bad date is refused."""
    return date.fromisoformat(value).isoformat()


def stored_time(at: datetime) -> str:
    """SQLite's form of a record timestamp (``created_at``), for :func:`create_tuple_builder`."""
    return _TIME_PROCESSOR(at)


_TIME_PROCESSOR = (
    REPLICATED["household"]
    .__table__.c.created_at.type.dialect_impl(_SQLITE)
    .bind_processor(_SQLITE)
)


def create_tuple_builder(entity: str, *, stored: bool = False) -> CreateTuple:
    """A function ``(entity_id, set_fields, at) -> row tuple`` (in the table's column order)
    giving what :func:`create_row` gives, for the import's hot loop: the op's JSON values are
    decoded in the same pass, and fields the table does not know (written by a newer
    application) are left out -- they stay in the stored op.

    ``stored``: the values come out in SQLite's storage form (dates as ISO text, booleans as
    0/1; ``at`` given by :func:`stored_time`), for ``insert_tuples(..., stored=True)``, which
    then skips SQLAlchemy's per-value processing."""
    table = REPLICATED[entity].__table__
    writable = _WRITABLE[entity]
    keys = column_keys(table)
    convert: dict[str, Callable[[Any], Any]] = {
        k: date.fromisoformat for k in _DATE_COLUMNS[entity]
    }
    blank = dict.fromkeys(keys)
    blank["deleted"] = False
    if stored:
        convert = {k: _stored_date for k in _DATE_COLUMNS[entity]}
        convert.update({c.key: _stored_bool for c in table.columns if isinstance(c.type, Boolean)})
        blank["deleted"] = 0
        unhandled = [
            c.key for c in table.columns
            if c.type.dialect_impl(_SQLITE).bind_processor(_SQLITE)
            and c.key not in convert and c.key not in _MANAGED_TIMES
        ]  # fmt: skip
        if unhandled:  # a new column type: it needs its storage form here
            raise RuntimeError(f"{entity}: no storage form for {unhandled}")
    as_tuple = itemgetter(*keys)
    derived = entity in _DERIVED

    def build(entity_id: str, set_fields: dict[str, Any], at: Any) -> tuple:
        row = blank.copy()
        for key, value in set_fields.items():
            if key in writable:
                to_column = convert.get(key)
                row[key] = value if to_column is None or value is None else to_column(value)
        if derived:
            row.update(derived_values(entity, row))
        row["id"] = entity_id
        row["created_at"] = row["updated_at"] = at
        return as_tuple(row)

    return build


@functools.cache
def create_builders(stored: bool) -> dict[str, CreateTuple]:
    """:func:`create_tuple_builder` of every replicated entity (made once per form)."""
    return {entity: create_tuple_builder(entity, stored=stored) for entity in REPLICATED}


class RecordTimes:
    """The record timestamp of an op's HLC wall time: ``(datetime, as created rows take it)``
    (``stored``: SQLite's text, see :func:`stored_time`). The ops of one change set share
    their wall time, so each is converted once; at most :attr:`LIMIT` are kept."""

    LIMIT = 100_000

    def __init__(self, stored: bool) -> None:
        self.stored = stored
        self._known: dict[int, tuple[datetime, Any]] = {}

    def __call__(self, wall_ms: int) -> tuple[datetime, Any]:
        times = self._known.get(wall_ms)
        if times is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            at = hlc_time(wall_ms)
            times = self._known[wall_ms] = (at, stored_time(at) if self.stored else at)
        return times


def update_values(entity: str, fields: dict[str, Any], at: datetime) -> dict:
    values = dict(fields)
    values.update(derived_values(entity, fields))
    values["updated_at"] = at
    return values


def refresh_search_index(
    session: Session, rows: list[tuple[str, str | None]], *, new: bool = False
) -> None:
    """Rebuild the name tokens of persons ``(person_id, name)`` whose name was written;
    ``new`` persons have no tokens yet, so there is nothing to delete first."""
    if not rows:
        return
    ids = [] if new else [person_id for person_id, _ in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(PersonNameToken).where(PersonNameToken.person_id.in_(chunk)))
    # (token, person_id): the table's key, in its column order. Sorted, the rows go into the
    # key's B-tree in order, which keeps a large import's pages hot in the cache.
    tokens = sorted(
        {(token, person_id) for person_id, name in rows for token in name_tokens(name or "")}
    )
    insert_tuples(session, PersonNameToken.__table__, tokens)

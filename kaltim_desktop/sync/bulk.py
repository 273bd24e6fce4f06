# SPDX-License-Identifier: GPL-3.0-or-later
"""Inserting many rows at the speed of the database driver.

SQLAlchemy's Core ``executemany`` processes every parameter of every row through several layers;
for the op log (a demo of 100,000 households writes a million ops) that overhead dominates. On
SQLite we apply the very same column type processors ourselves, once per distinct value, and hand
plain tuples to the driver. Other databases take the ordinary Core path.

Callers on a hot path build the tuples themselves, in the order of :func:`column_keys`, and call
:func:`insert_tuples`; :func:`insert_rows` takes dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

_Plan = tuple[str, tuple[tuple[int, Callable[[Any], Any]], ...]]
_plans: dict[tuple[str, str], _Plan] = {}
_getters: dict[str, Callable[[dict], tuple]] = {}


def column_keys(table: Table) -> tuple[str, ...]:
    """The column keys of ``table`` in the order :func:`insert_tuples` expects."""
    return tuple(c.key for c in table.columns)


def _plan(table: Table, dialect) -> _Plan:
    key = (table.name, dialect.name)
    plan = _plans.get(key)
    if plan is None:
        columns = tuple(table.columns)
        quoted = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
        marks = ", ".join("?" for _ in columns)
        target = dialect.identifier_preparer.format_table(table)
        sql = f"INSERT INTO {target} ({quoted}) VALUES ({marks})"
        # dialect_impl: the generic Date becomes SQLite's DATE, which knows its storage format.
        processors = tuple(
            (index, process)
            for index, column in enumerate(columns)
            if (process := column.type.dialect_impl(dialect).bind_processor(dialect))
        )
        plan = _plans[key] = (sql, processors)
    return plan


def insert_tuples(
    session: Session, table: Table, rows: Sequence[tuple], *, stored: bool = False
) -> None:
    """Insert ``rows`` (tuples of Python values in :func:`column_keys` order) in the session's
    transaction; ``stored``: the values are already in SQLite's storage form (SQLite only)."""
    if not rows:
        return
    connection = session.connection()
    if stored:
        if connection.dialect.name != "sqlite":
            raise ValueError("storage-form rows are for SQLite only")
        connection.exec_driver_sql(_plan(table, connection.dialect)[0], rows)
        return
    if connection.dialect.name != "sqlite":
        keys = column_keys(table)
        connection.execute(insert(table), [dict(zip(keys, row, strict=True)) for row in rows])
        return
    sql, processors = _plan(table, connection.dialect)
    params = rows
    if processors:
        # Work column by column (zip does the transposing in C). The same few values repeat --
        # every row of a use case has the same timestamps -- so each distinct value is
        # converted once.
        columns = list(zip(*rows, strict=True))
        for index, process in processors:
            seen: dict[Any, Any] = {}
            columns[index] = [
                None if value is None else seen[value] if value in seen
                else seen.setdefault(value, process(value))
                for value in columns[index]
            ]  # fmt: skip
        params = list(zip(*columns, strict=True))
    connection.exec_driver_sql(sql, params)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts holding every column of ``table``) in the session's transaction."""
    if not rows:
        return
    getter = _getters.get(table.name)
    if getter is None:
        getter = _getters[table.name] = itemgetter(*column_keys(table))
    insert_tuples(session, table, list(map(getter, rows)))


def drop_secondary_indexes(session: Session, tables: Sequence[Table], keep: set[str]) -> list[str]:
    """Drop the plain (non-unique) indexes of ``tables`` except those named in ``keep``, in the
    session's transaction, and return the statements that recreate them.

    For a very large insert into SQLite: building an index once from the finished table (a sort)
    is several times cheaper than inserting every row into it in key order it does not arrive
    in. SQLite DDL is transactional, so a rollback restores the indexes too. Other databases
    keep their indexes (returns no statements).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or not tables:
        return []
    names = ", ".join("?" for _ in tables)
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({names}) ORDER BY name",
        tuple(table.name for table in tables),
    ).all()
    dropped = []
    quote = connection.dialect.identifier_preparer.quote
    for name, sql in rows:
        if name in keep or sql.lstrip().upper().startswith("CREATE UNIQUE"):
            continue
        connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
        dropped.append(sql)
    return dropped


def create_indexes(session: Session, statements: Sequence[str]) -> None:
    """Recreate the indexes :func:`drop_secondary_indexes` dropped."""
    connection = session.connection()
    for sql in statements:
        connection.exec_driver_sql(sql)

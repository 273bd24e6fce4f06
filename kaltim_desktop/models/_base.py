# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarative base, id generation and dialect-neutral column types.

The schema must run unchanged on SQLite (district laptops) and PostgreSQL (province): ids are
UUIDv7 text, money is integer rupiah, timestamps are UTC, and nothing is a float.
"""

from __future__ import annotations

from datetime import UTC, datetime

import uuid_utils
from sqlalchemy import Boolean, DateTime, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints: Alembic's batch mode on SQLite can only drop or alter what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> str:
    """Return a new UUIDv7 as text: time-ordered, so B-tree inserts stay compact."""
    return str(uuid_utils.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no timezone type; naive values would silently be read as local time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


class Replicated:
    """Columns every replicated record has.

    ``created_at``/``updated_at`` are set from the op that wrote them, so replaying the op log
    reproduces them exactly; ``deleted`` is a tombstone (records are never removed) and
    ``merged_into`` points at the surviving record after a duplicate merge.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    merged_into: Mapped[str | None] = mapped_column(String(36))

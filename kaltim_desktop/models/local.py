# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables that belong to this installation and never travel: officers, device, settings,
the sync op log with its record clocks, and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, UTCDateTime


class Officer(Base):
    """A user of this installation. Password hashes never leave the laptop."""

    __tablename__ = "officer"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    nip: Mapped[str | None] = mapped_column(String(18))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Device(Base):
    """This installation's sync identity: origin ``device_id#epoch`` and its counters.

    ``last_seq`` is raised inside every writing transaction, so the op sequence is gapless; the
    hybrid logical clock is persisted so it stays monotonic even when the laptop clock jumps back.
    """

    __tablename__ = "device"

    device_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hlc_wall_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    hlc_counter: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def origin(self) -> str:
        return f"{self.device_id}#{self.epoch}"


class Setting(Base):
    """Business settings that must migrate and back up with the data (installation role,
    regency, letterhead...). UI state lives in QSettings instead."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncOp(Base):
    """One immutable operation of the sync op log (sync-design §3.3 op record)."""

    __tablename__ = "sync_op"
    __table_args__ = (UniqueConstraint("op_id"),)

    origin: Mapped[str] = mapped_column(String(50), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36))
    # Wall milliseconds and counter ("1767605300999:0004"); sorts as text, gives the time.
    hlc: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(10))
    base: Mapped[str] = mapped_column(Text)  # JSON version vector of the record before
    fields: Mapped[str] = mapped_column(Text)  # JSON: fields set
    prev: Mapped[str] = mapped_column(Text)  # JSON: their previous values
    partition: Mapped[str | None] = mapped_column(String(13))
    actor: Mapped[str | None] = mapped_column(String(40))
    schema: Mapped[int] = mapped_column(Integer)
    op_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="applied")


class RecordClock(Base):
    """Version vector of one record: origin → highest seq that wrote it."""

    __tablename__ = "record_clock"
    # Small rows looked up by their key: stored in the key's B-tree itself on SQLite.
    __table_args__ = ({"sqlite_with_rowid": False},)

    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vv: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One entry of the hash-chained audit trail; editing any entry breaks the chain."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str | None] = mapped_column(String(36))
    device: Mapped[str | None] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    # The ops the use case wrote: one origin, a contiguous sequence range, and a digest of their
    # hashes, so the chain also protects the op log (where the created values are).
    op_origin: Mapped[str | None] = mapped_column(String(50))
    op_first_seq: Mapped[int | None] = mapped_column(BigInteger)
    op_last_seq: Mapped[int | None] = mapped_column(BigInteger)
    ops_digest: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

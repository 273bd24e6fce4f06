# SPDX-License-Identifier: GPL-3.0-or-later
"""Local state of bundle sync: trust documents, what each peer has, the import/export history,
held ops and blocked origins. None of it travels as ops; all of it stays on this installation.

Private keys are never here: only public documents (the signed registry, this device's
certificate, the pinned province root) and ciphertext of quarantined bundles.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, UTCDateTime


class SyncTrust(Base):
    """Public trust documents by name: ``registry``, ``device_cert``, ``root_key``."""

    __tablename__ = "sync_trust"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncPeer(Base):
    """What a peer reported it has applied (its version vector), keyed by its device id.

    On a laptop the only peer is the province: its vector's entry for this laptop's origin is
    the acknowledgement. At the province every enrolled laptop is a peer.
    """

    __tablename__ = "sync_peer"

    device_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    vv_applied: Mapped[str] = mapped_column(Text)  # canonical JSON: origin -> seq
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncBundle(Base):
    """One bundle part exported or imported (the import history), with its report.

    ``payload`` keeps the (still encrypted) file only while the part is quarantined, so it can
    be applied after an application update.
    """

    __tablename__ = "sync_bundle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    status: Mapped[str] = mapped_column(String(12), index=True)
    code: Mapped[str | None] = mapped_column(String(30))
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    set_id: Mapped[str | None] = mapped_column(String(36))
    part: Mapped[int | None] = mapped_column(Integer)
    parts: Mapped[int | None] = mapped_column(Integer)
    peer: Mapped[str | None] = mapped_column(String(40))
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    report: Mapped[str] = mapped_column(Text)  # JSON
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)


class SyncHeldOp(Base):
    """A received op not applied yet: waiting for its predecessors, or held for review
    (``reason``: ``gap``, ``revoked``, ``clock_skew``)."""

    __tablename__ = "sync_held_op"

    origin: Mapped[str] = mapped_column(String(50), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_hash: Mapped[str] = mapped_column(String(64))
    line: Mapped[str] = mapped_column(Text)  # the op's canonical JSON
    reason: Mapped[str] = mapped_column(String(20))
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncOriginBlock(Base):
    """An origin that forked (two different ops for one slot): nothing from ``from_seq`` on
    is applied until someone has looked at it."""

    __tablename__ = "sync_origin_block"

    origin: Mapped[str] = mapped_column(String(50), primary_key=True)
    from_seq: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

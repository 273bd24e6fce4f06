# SPDX-License-Identifier: GPL-3.0-or-later
"""Tinjauan of what the exchange holds back: changes held by origin and reason, origins blocked
after a fork, and quarantined bundles. Releasing held changes is
:func:`kaltim_desktop.services.sync_exchange.release_held`; this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from kaltim_desktop.db import Database
from kaltim_desktop.models import SyncHeldOp, SyncOriginBlock
from kaltim_desktop.services import sync_exchange
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.sync.bundles.policy import device_of


@dataclass(frozen=True)
class HeldGroup:
    """Changes of one origin held back for one reason (``gap``, ``clock_skew``, ``revoked``)."""

    origin: str
    device_id: str
    reason: str
    count: int
    first_seq: int
    last_seq: int
    received_at: datetime
    releasable: bool


@dataclass(frozen=True)
class BlockedOrigin:
    """An origin that sent two different changes for one number: nothing from ``from_seq`` on
    is applied until someone has looked at it."""

    origin: str
    from_seq: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class HeldOverview:
    held: tuple[HeldGroup, ...]
    blocked: tuple[BlockedOrigin, ...]
    quarantined: tuple[sync_exchange.HistoryRow, ...]


def held_overview(db: Database, actor: Actor) -> HeldOverview:
    """What the exchange holds back: held changes by origin and reason, blocked origins, and
    the quarantined bundles of the import history (with their codes)."""
    require_role(actor, "supervisor")
    with db.read() as session:
        rows = session.execute(
            select(
                SyncHeldOp.origin, SyncHeldOp.reason, func.count(), func.min(SyncHeldOp.seq),
                func.max(SyncHeldOp.seq), func.min(SyncHeldOp.received_at),
            )
            .group_by(SyncHeldOp.origin, SyncHeldOp.reason)
            .order_by(SyncHeldOp.origin, SyncHeldOp.reason)
        ).all()  # fmt: skip
        # min() keeps the column's type, so the times come back as aware UTC datetimes.
        held = tuple(
            HeldGroup(o, device_of(o), r, n, first, last, at, r in sync_exchange.HELD_FOR_REVIEW)
            for o, r, n, first, last, at in rows
        )
        blocked = tuple(
            BlockedOrigin(b.origin, b.from_seq, b.reason, b.at)
            for b in session.scalars(select(SyncOriginBlock).order_by(SyncOriginBlock.at))
        )
    quarantined = tuple(r for r in sync_exchange.history(db) if r.status == "quarantined")
    return HeldOverview(held, blocked, quarantined)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The few facts the main window's status bar shows, read in one cheap query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kaltim_desktop.db import Database
from kaltim_desktop.services.context import get_setting

LAST_SYNC_SETTING = "sync.last_exchange_at"
"""ISO 8601 UTC time of the last bundle exported or imported (written by the sync services)."""


@dataclass(frozen=True)
class StatusInfo:
    database_name: str
    last_sync_at: datetime | None


def read_status(db: Database) -> StatusInfo:
    with db.read() as session:
        raw = get_setting(session, LAST_SYNC_SETTING)
    try:
        last = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        last = None
    name = db.path.name if db.path is not None else ":memory:"
    return StatusInfo(database_name=name, last_sync_at=last)

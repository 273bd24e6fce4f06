# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a received op's record lives, for the scope check of :class:`~.apply.Applier`.

A record's region is what is stored *here* when the record exists (the partition of its ops):
a laptop cannot reach into another regency by lying in an op's partition. Regions of a batch's
records are read in a few set-based queries before its loop (:meth:`RecordRegions.preload`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, Household, SyncOp

_CHUNK = 500  # ids per IN (...) list


class RecordRegions:
    """Stored regions of records, cached for one import; ``flush`` writes what the applier
    buffered before a read."""

    def __init__(self, session: Session, flush: Callable[[], None]) -> None:
        self.session = session
        self.flush = flush
        self._known: dict[tuple[str, str], str | None] = {}

    def __len__(self) -> int:
        return len(self._known)

    def clear(self) -> None:
        self._known.clear()

    def preload(self, records: set[tuple[str, str]]) -> None:
        """Read the stored regions of ``records`` (entity, id) not read yet."""
        missing = records - self._known.keys()
        ids = sorted({entity_id for _entity, entity_id in missing})
        query = select(SyncOp.entity, SyncOp.entity_id, SyncOp.partition)
        query = query.where(SyncOp.partition.is_not(None))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for entity, entity_id, partition in self.session.execute(
                query.where(SyncOp.entity_id.in_(chunk))
            ):
                self._known.setdefault((entity, entity_id), partition)
        for key in missing:
            self._known.setdefault(key, None)

    def of(self, op: dict[str, Any]) -> str | None:
        """The region of the record an op writes, from what is stored here when it exists."""
        if op["action"] != "create":
            key = (op["entity"], op["entity_id"])
            if key in self._known:
                stored = self._known[key]
            else:  # not preloaded: an op the batch did not list
                self.flush()
                stored = self.session.scalar(
                    select(SyncOp.partition)
                    .where(SyncOp.entity_id == op["entity_id"], SyncOp.entity == op["entity"])
                    .where(SyncOp.partition.is_not(None))
                    .limit(1)
                )
            if stored is not None:
                return stored
        if op["partition"]:
            return op["partition"]
        # Records without a partition (issued documents) belong where their household is.
        household_id = op["set"].get("household_id")
        if household_id is None and op["action"] != "create":
            table = REPLICATED[op["entity"]].__table__
            if "household_id" in table.c:
                self.flush()
                household_id = self.session.scalar(
                    select(table.c.household_id).where(table.c.id == op["entity_id"])
                )
        if household_id is None:
            return None
        self.flush()
        return self.session.scalar(
            select(Household.village_code).where(Household.id == household_id)
        )

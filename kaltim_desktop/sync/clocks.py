# SPDX-License-Identifier: GPL-3.0-or-later
"""Version vectors of records: origin → highest sequence number that wrote the record.

A vector is stored in ``record_clock`` once the record has more than its create op; until then
it is computed from the op log (indexed by entity id), which holds exactly that one op.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import RecordClock, SyncOp
from kaltim_desktop.sync.canonical import canonical_json


def record_clock(session: Session, entity: str, entity_id: str) -> tuple[RecordClock | None, dict]:
    """Return the stored clock row (or None) and the record's version vector."""
    clock = session.get(RecordClock, (entity, entity_id))
    if clock is not None:
        return clock, json.loads(clock.vv)
    rows = session.execute(
        select(SyncOp.origin, func.max(SyncOp.seq))
        .where(SyncOp.entity_id == entity_id, SyncOp.entity == entity)
        .group_by(SyncOp.origin)
    ).all()
    return None, {origin: seq for origin, seq in rows}


def store_clock(
    session: Session, clock: RecordClock | None, entity: str, entity_id: str, vv: dict
) -> None:
    """Write the record's vector, into ``clock`` when it exists or as a new row."""
    text = canonical_json(vv)
    if clock is None:
        session.add(RecordClock(entity=entity, entity_id=entity_id, vv=text))
    else:
        clock.vv = text

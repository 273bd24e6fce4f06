# SPDX-License-Identifier: GPL-3.0-or-later
"""Version vectors of records: origin → highest sequence number that wrote the record.

A vector is stored in ``record_clock`` once the record has more than its create op; until then
it is computed from the op log (indexed by entity id), which holds exactly that one op.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import RecordClock, SyncOp
from kaltim_desktop.sync.bulk import column_keys, insert_tuples
from kaltim_desktop.sync.canonical import canonical_json

if column_keys(RecordClock.__table__) != ("entity", "entity_id", "vv"):  # store_clocks' tuples
    raise RuntimeError("record_clock columns changed")


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


Key = tuple[str, str]  # (entity, entity_id)
_CHUNK = 500  # ids per IN (...) list: well below every database's parameter limit


def load_clocks(session: Session, keys: set[Key]) -> dict[Key, dict[str, int]]:
    """The version vectors of many records at once (an empty vector for a record with no op
    here), in a few set-based queries: what :func:`record_clock` gives one by one."""
    result: dict[Key, dict[str, int]] = {}
    ids = sorted({entity_id for _entity, entity_id in keys})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        stored = select(RecordClock.entity, RecordClock.entity_id, RecordClock.vv)
        stored = stored.where(RecordClock.entity_id.in_(chunk))
        for entity, entity_id, vv in session.execute(stored):
            if (entity, entity_id) in keys:
                result[(entity, entity_id)] = json.loads(vv)
    computed = {key: {} for key in keys if key not in result}
    ids = sorted({entity_id for _entity, entity_id in computed})
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(SyncOp.entity, SyncOp.entity_id, SyncOp.origin, func.max(SyncOp.seq))
            .where(SyncOp.entity_id.in_(ids[start : start + _CHUNK]))
            .group_by(SyncOp.entity, SyncOp.entity_id, SyncOp.origin)
        )
        for entity, entity_id, origin, seq in session.execute(query):
            vv = computed.get((entity, entity_id))
            if vv is not None:
                vv[origin] = seq
    result.update(computed)
    return result


def store_clocks(session: Session, clocks: dict[Key, dict[str, int]]) -> None:
    """Write many records' vectors (replacing stored ones) in bulk."""
    by_entity: dict[str, list[str]] = {}
    for entity, entity_id in clocks:
        by_entity.setdefault(entity, []).append(entity_id)
    for entity, ids in by_entity.items():
        for start in range(0, len(ids), _CHUNK):
            session.execute(
                delete(RecordClock).where(
                    RecordClock.entity == entity,
                    RecordClock.entity_id.in_(ids[start : start + _CHUNK]),
                ),
                execution_options={"synchronize_session": False},
            )
    rows = [(entity, entity_id, canonical_json(vv)) for (entity, entity_id), vv in clocks.items()]
    insert_tuples(session, RecordClock.__table__, rows)

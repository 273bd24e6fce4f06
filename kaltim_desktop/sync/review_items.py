# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeping a record's review items in step with its ops (the derivation is :mod:`.merge`).

A record gets items only once two of its ops were concurrent; from then on every op applied
to it (received or written here) derives them again, so their status and details follow the
record's whole history identically on every replica. Items are never deleted by a later op:
a conflict that was settled stays, marked resolved (except by erasure, which removes them
with the personal data they quote).
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, Household, SyncOp, utcnow
from kaltim_desktop.models.review import (
    CONFLICT,
    DELETED_EDIT,
    IDENTITY,
    OPEN,
    PARALLEL,
    REDIRECTED,
    RESOLVED,
    ReviewItem,
)
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.merge import RecordMerge, RecordOp, merge_record
from kaltim_desktop.sync.upcast import upcast

# The kinds derived from the op log (duplicates and invariants come from their own checks).
MERGE_KINDS = (CONFLICT, PARALLEL, DELETED_EDIT, IDENTITY, REDIRECTED)


def item_id(kind: str, entity: str, entity_id: str, key: str) -> str:
    """The same item gets the same id on every replica."""
    return hashlib.sha256(f"{kind}|{entity}|{entity_id}|{key}".encode()).hexdigest()


def record_ops(session: Session, entity: str, entity_id: str) -> tuple[list[RecordOp], str | None]:
    """The record's stored ops (fields in today's shape) and the region they were written in."""
    rows = session.execute(
        select(
            SyncOp.origin, SyncOp.seq, SyncOp.hlc, SyncOp.action, SyncOp.base, SyncOp.fields,
            SyncOp.actor, SyncOp.schema, SyncOp.partition, SyncOp.status,
        ).where(SyncOp.entity_id == entity_id, SyncOp.entity == entity)
    ).all()  # fmt: skip
    ops: list[RecordOp] = []
    region = None
    for origin, seq, hlc, action, base, fields, actor, schema, partition, status in rows:
        region = region or partition
        values = json.loads(fields)
        if status == "redacted":  # erased: its values are gone, its place in history is not
            values = {}
        else:
            values = upcast({"entity": entity, "schema": schema, "set": values})["set"]
        ops.append(RecordOp(origin, seq, hlc, action, json.loads(base), values, actor))
    return ops, region


def _region(session: Session, entity: str, entity_id: str, partition: str | None) -> str | None:
    if partition or entity == "household":
        return partition
    table = REPLICATED[entity].__table__
    if "household_id" not in table.c:
        return None
    return session.scalar(
        select(Household.village_code)
        .join(table, table.c.household_id == Household.id)
        .where(table.c.id == entity_id)
    )


def refresh_record(
    session: Session, entity: str, entity_id: str, *, actor: str | None = None
) -> tuple[RecordMerge, int]:
    """Derive the record's values and review items from its stored ops and store the items;
    return them with the number of items opened now (for the import report).

    The caller has written the record's ops (flushed); it applies the returned values.
    """
    ops, partition = record_ops(session, entity, entity_id)
    merged = merge_record(entity, ops)
    opened = 0
    if not merged.items:
        return merged, opened
    existing = {
        row.id: row
        for row in session.scalars(
            select(ReviewItem).where(
                ReviewItem.entity_id == entity_id, ReviewItem.kind.in_(MERGE_KINDS)
            )
        )
    }
    now = utcnow()
    region = _region(session, entity, entity_id, partition)
    for spec in merged.items:
        key = item_id(spec.kind, entity, entity_id, spec.key)
        detail = canonical_json(spec.detail)
        row = existing.get(key)
        if row is None:
            row = ReviewItem(
                id=key, kind=spec.kind, status=spec.status, entity=entity, entity_id=entity_id,
                field=spec.field, region=region, detail=detail, created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(row)
            opened += spec.status == OPEN
        elif row.status == spec.status and row.detail == detail:
            continue
        row.status, row.detail, row.updated_at = spec.status, detail, now
        if spec.status == RESOLVED and row.resolved_at is None:
            row.resolved_at, row.resolved_by = now, actor
    session.flush()
    return merged, opened


def reviewed_records(session: Session) -> set[str]:
    """Ids of the records that have merge review items (every op to them derives them again)."""
    query = select(ReviewItem.entity_id).where(ReviewItem.kind.in_(MERGE_KINDS)).distinct()
    return set(session.scalars(query))


def under_review(session: Session, records: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Those of ``records`` (entity, id) that have merge review items."""
    ids = sorted({entity_id for _entity, entity_id in records})
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        query = select(ReviewItem.entity_id).where(
            ReviewItem.entity_id.in_(ids[start : start + 500]), ReviewItem.kind.in_(MERGE_KINDS)
        )
        found.update(session.scalars(query.distinct()))
    return sorted(key for key in records if key[1] in found)


def drop_record_items(session: Session, entity_id: str) -> None:
    """Remove every review item about a record (erasure: they quote its personal data)."""
    session.execute(
        delete(ReviewItem).where(
            (ReviewItem.entity_id == entity_id) | (ReviewItem.other_id == entity_id)
        )
    )

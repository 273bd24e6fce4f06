# SPDX-License-Identifier: GPL-3.0-or-later
"""Choosing the ops a bundle carries, as op dicts read straight from the op log.

A laptop sends every op of its own origins the province has not acknowledged (cumulative: a
lost stick is repaired by the next export). The province sends a laptop every op in the
laptop's scope that the laptop has not reported as applied, in HLC order (causal order across
origins). Each op's canonical text is rebuilt from the stored columns and checked against the
stored op hash on the way out, so a damaged op log is noticed here and not at the receiver.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import REPLICATED, Household, SyncOp, SyncPeer
from kaltim_desktop.sync.bundles.apply import in_scope
from kaltim_desktop.sync.hlc import Hlc

_string = json.encoder.encode_basestring  # the quoting json.dumps(ensure_ascii=False) uses

_COLUMNS = ("SELECT origin, seq, op_id, hlc, entity, entity_id, action, base, fields, prev, "
            "partition, actor, schema, op_hash FROM sync_op")  # fmt: skip


def canonical_line(row) -> str:
    """The op's RFC 8785 text, as :func:`kaltim_desktop.sync.ops.encode_parts` hashes it."""
    origin, seq, op_id, hlc, entity, entity_id, action, base, fields, prev = row[:10]
    partition, actor, schema = row[10:13]
    return "".join(
        (
            '{"action":', _string(action),
            ',"actor":', "null" if actor is None else _string(actor),
            ',"base":', base,
            ',"entity":', _string(entity),
            ',"entity_id":', _string(entity_id),
            ',"hlc":', _string(hlc),
            ',"op_id":', _string(op_id),
            ',"origin":', _string(origin),
            ',"partition":', "null" if partition is None else _string(partition),
            ',"prev":', prev,
            ',"schema":', str(schema),
            ',"seq":', str(seq),
            ',"set":', fields,
            "}",
        )
    )  # fmt: skip


def _ops(session: Session, sql: str, params: dict) -> Iterator[dict[str, Any]]:
    cursor = session.connection().exec_driver_sql(sql, params)
    loads, sha256 = json.loads, hashlib.sha256
    while rows := cursor.fetchmany(5000):
        for row in rows:
            if sha256(canonical_line(row).encode("utf-8")).hexdigest() != row[13]:
                raise KaltimError(
                    _("The change log of this database is damaged; run the database check.")
                )
            base, fields, prev = row[7], row[8], row[9]
            yield {
                "origin": row[0], "seq": row[1], "op_id": row[2], "hlc": row[3],
                "entity": row[4], "entity_id": row[5], "action": row[6],
                "base": {} if base == "{}" else loads(base), "set": loads(fields),
                "prev": {} if prev == "{}" else loads(prev), "partition": row[10],
                "actor": row[11], "schema": row[12],
            }  # fmt: skip


def applied_vv(session: Session) -> dict[str, int]:
    """What this installation has applied: origin → highest seq."""
    rows = session.execute(select(SyncOp.origin, func.max(SyncOp.seq)).group_by(SyncOp.origin))
    return {origin: seq for origin, seq in rows.all()}


def peer_vv(session: Session, device_id: str) -> dict[str, int]:
    peer = session.get(SyncPeer, device_id)
    return json.loads(peer.vv_applied) if peer is not None else {}


def own_ops(session: Session, device_id: str, acked: dict[str, int]) -> Iterator[dict[str, Any]]:
    """This laptop's ops the province has not acknowledged, per origin in seq order."""
    origins = [o for o in applied_vv(session) if o.rpartition("#")[0] == device_id]
    for origin in sorted(origins):
        sql = f"{_COLUMNS} WHERE origin = :origin AND seq > :after ORDER BY seq"
        yield from _ops(session, sql, {"origin": origin, "after": acked.get(origin, 0)})


def peer_ops(
    session: Session, scope: tuple[str, ...], their_vv: dict[str, int], device_id: str
) -> Iterator[dict[str, Any]]:
    """Ops in ``scope`` the laptop ``device_id`` has not applied, in HLC order.

    Each origin is read in its primary-key order (no sort of the whole log) and the origins
    are merged by numeric HLC, which is monotonic within an origin: the result is causal.
    """
    streams = []
    for origin in sorted(applied_vv(session)):
        if origin.rpartition("#")[0] == device_id:
            continue  # the laptop's own changes: it has them
        sql = f"{_COLUMNS} WHERE origin = :origin AND seq > :after ORDER BY seq"
        params = {"origin": origin, "after": their_vv.get(origin, 0)}
        streams.append(_ops(session, sql, params))
    merged = streams[0] if len(streams) == 1 else heapq.merge(
        *streams, key=lambda op: Hlc.parse(op["hlc"])
    )  # fmt: skip
    regions: dict[str, str | None] = {}
    for op in merged:
        partition = op["partition"]
        if partition is None:
            # Records without a partition (issued documents) go where their household is.
            entity, entity_id = op["entity"], op["entity_id"]
            if entity_id not in regions:
                regions[entity_id] = _household_region(session, entity, entity_id)
            partition = regions[entity_id]
        if in_scope(partition, scope):
            yield op


def _household_region(session: Session, entity: str, entity_id: str) -> str | None:
    table = REPLICATED[entity].__table__
    if "household_id" not in table.c:
        return None
    household_id = session.scalar(select(table.c.household_id).where(table.c.id == entity_id))
    if household_id is None:
        return None
    return session.scalar(select(Household.village_code).where(Household.id == household_id))

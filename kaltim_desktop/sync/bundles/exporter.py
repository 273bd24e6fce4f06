# SPDX-License-Identifier: GPL-3.0-or-later
"""Choosing the ops a bundle carries: runs of the op log, read where the members are built.

A laptop sends every op of its own origins the province has not acknowledged (cumulative: a
lost stick is repaired by the next export). The province sends a laptop every op in the
laptop's scope that the laptop has not reported as applied, in HLC order (causal order across
origins). :mod:`.members` reads the rows, rebuilds each op's canonical text and checks it
against the stored op hash on the way out, so a damaged op log is noticed at export and not at
the receiver.
"""

from __future__ import annotations

import heapq
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, SyncOp, SyncPeer
from kaltim_desktop.sync.bundles import layout
from kaltim_desktop.sync.bundles.members import Run, StoredOps
from kaltim_desktop.sync.hlc import Hlc


def _source(session: Session, members: list[list[Run]], scope) -> StoredOps:
    driver = session.connection().connection.driver_connection
    path = driver.execute("PRAGMA database_list").fetchone()[2]
    tables = {
        entity: model.__tablename__
        for entity, model in REPLICATED.items()
        if "household_id" in model.__table__.c
    }
    return StoredOps(members, scope, tables, driver, path)


def _split(origin: str, first: int, last: int) -> list[list[Run]]:
    """Runs of at most CHUNK_OPS seqs, one member each."""
    size = layout.CHUNK_OPS
    starts = range(first, last + 1, size)
    return [[(origin, start, min(start + size - 1, last))] for start in starts]


def applied_vv(session: Session) -> dict[str, int]:
    """What this installation has applied: origin → highest seq."""
    rows = session.execute(select(SyncOp.origin, func.max(SyncOp.seq)).group_by(SyncOp.origin))
    return {origin: seq for origin, seq in rows.all()}


def peer_vv(session: Session, device_id: str) -> dict[str, int]:
    peer = session.get(SyncPeer, device_id)
    return json.loads(peer.vv_applied) if peer is not None else {}


def own_ops(session: Session, device_id: str, acked: dict[str, int]) -> StoredOps:
    """This laptop's ops the province has not acknowledged, per origin in seq order."""
    vv = applied_vv(session)
    members: list[list[Run]] = []
    for origin in sorted(o for o in vv if o.rpartition("#")[0] == device_id):
        members += _split(origin, acked.get(origin, 0) + 1, vv[origin])
    return _source(session, members, None)


def peer_ops(
    session: Session, scope: tuple[str, ...], their_vv: dict[str, int], device_id: str
) -> StoredOps:
    """Ops in ``scope`` the laptop ``device_id`` has not applied, in HLC order.

    Each origin is read in its primary-key order (no sort of the whole log) and the origins
    are merged by numeric HLC, which is monotonic within an origin: the result is causal. Only
    the clocks are read here; the members' ops are read (and filtered by scope) where they are
    built.
    """
    vv = applied_vv(session)
    origins = [o for o in sorted(vv) if o.rpartition("#")[0] != device_id]
    if len(origins) == 1:
        origin = origins[0]
        return _source(session, _split(origin, their_vv.get(origin, 0) + 1, vv[origin]), scope)
    driver = session.connection().connection.driver_connection

    def clocks(origin: str):
        # A function, not a generator expression in the comprehension below: there ``origin``
        # would be read lazily, after the loop moved on, and label every stream with the last.
        query = "SELECT seq, hlc FROM sync_op WHERE origin = ? AND seq > ? ORDER BY seq"
        for seq, hlc in driver.execute(query, (origin, their_vv.get(origin, 0))):
            yield origin, seq, hlc

    streams = [clocks(origin) for origin in origins]
    members: list[list[Run]] = [[]]
    count = 0
    for origin, seq, _hlc in heapq.merge(*streams, key=lambda item: Hlc.parse(item[2])):
        runs = members[-1]
        if count == layout.CHUNK_OPS:
            runs = []
            members.append(runs)
            count = 0
        if runs and runs[-1][0] == origin and runs[-1][2] == seq - 1:
            runs[-1] = (origin, runs[-1][1], seq)
        else:
            runs.append((origin, seq, seq))
        count += 1
    return _source(session, [runs for runs in members if runs], scope)

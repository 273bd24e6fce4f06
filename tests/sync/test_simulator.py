# SPDX-License-Identifier: GPL-3.0-or-later
"""Convergence under random delivery (sync-design §3.16 case 33, appendix B generalised).

Four replicas, each a real SQLite database with its own origin, edit the same family at random
(same fields, different fields, deletes against edits, undeletes, resolutions of the conflicts
they see) and gossip their op logs to each other with random drops, duplicates and reorders,
through the real applier (causal holds included). After a final delivery of everything, every
replica must hold identical tables, op logs and review items, and each open conflict must
really have disagreeing values, the shown one being the winner.
"""

from __future__ import annotations

import json
import random
import shutil

import pytest
from sqlalchemy import select

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.models import Household, Person, ReviewItem, SyncHeldOp
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.bundles.apply import Applier, Policy
from kaltim_desktop.sync.hlc import Hlc, receive
from kaltim_desktop.sync.merge import heads
from kaltim_desktop.sync.oplog import ChangeSet, this_device, wall_clock_ms
from kaltim_desktop.sync.replay import read_ops
from kaltim_desktop.sync.review_items import record_ops
from tests.conftest import VILLAGE, family
from tests.sync.bundles.conftest import replica_hash

REPLICAS = 4
STEPS = 60
ANYONE = Policy(own_device=None, scope=None, province_devices=frozenset())
VALUES = {
    "household": {
        "phone": ["081200000001", "081200000002", "081300000003", None],
        "street": ["Jl. Pahlawan", "Jl. Pramuka", "Jl. Juanda"],
        "rt": [1, 2, 3, 4],
        "notes": ["rumah panggung", "atap bocor", None],
    },
    "person": {
        "occupation": ["Nelayan", "Petani", "Buruh", None],
        "birth_place": ["Samarinda", "Tenggarong", "Bontang"],
        "name": ["Ahmad Fauzi", "Achmad Fauzi", "Ahmad Fauzy"],
    },
}


class Replica:
    def __init__(self, path, actor: str) -> None:
        self.db = Database(make_engine(sqlite_url(path)), path)
        self.actor = actor

    def write(self, rng: random.Random, records: list[tuple[str, str]]) -> None:
        entity, record_id = rng.choice(records)
        with self.db.transaction() as session:
            changes = ChangeSet(session, actor=self.actor, action="sim.edit")
            open_items = session.scalars(
                select(ReviewItem).where(ReviewItem.status == "open", ReviewItem.kind == "conflict")
            ).all()
            roll = rng.random()
            if open_items and roll < 0.15:  # settle a conflict seen here with one of its values
                item = rng.choice(sorted(open_items, key=lambda i: i.id))
                value = rng.choice(json.loads(item.detail)["heads"])["value"]
                changes.resolve(item.entity, item.entity_id, {item.field: value},
                                partition=VILLAGE)  # fmt: skip
            elif entity == "household" and roll < 0.25:
                deleted = session.get(Household, record_id).deleted
                changes.update(entity, record_id, {"deleted": not deleted}, partition=VILLAGE,
                               action="undelete" if deleted else "delete")  # fmt: skip
            else:
                fields = rng.sample(sorted(VALUES[entity]), rng.choice((1, 1, 2)))
                values = {f: rng.choice(VALUES[entity][f]) for f in fields}
                changes.update(entity, record_id, values, partition=VILLAGE)
            changes.commit()

    def ops(self) -> list[dict]:
        with self.db.read() as session:
            return list(read_ops(session))

    def receive(self, ops: list[dict]) -> None:
        with self.db.transaction() as session:
            applier = Applier(session, ANYONE)
            applier.receive(ops)
            applier.release_held()
            applier.finish()
            if applier.max_hlc.wall_ms:  # as the importer does: later local ops come after
                device = this_device(session)
                merged = receive(
                    Hlc(device.hlc_wall_ms, device.hlc_counter), applier.max_hlc, wall_clock_ms()
                )
                device.hlc_wall_ms, device.hlc_counter = merged.wall_ms, merged.counter

    def items(self) -> list[tuple]:
        with self.db.read() as session:
            rows = session.scalars(select(ReviewItem).order_by(ReviewItem.id)).all()
            return [(r.id, r.kind, r.status, r.entity_id, r.field, r.detail) for r in rows]


def gossip(rng: random.Random, source: Replica, target: Replica) -> None:
    """Some of ``source``'s ops, shuffled, some twice: drops, reorders and duplicates."""
    ops = source.ops()
    chosen = [op for op in ops if rng.random() < 0.6]
    chosen += rng.sample(chosen, len(chosen) // 4)
    rng.shuffle(chosen)
    if chosen:
        target.receive(chosen)


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_and_random_delivery_converge(template_db, tmp_path, seed):
    rng = random.Random(seed)
    replicas = []
    for number in range(REPLICAS):
        path = tmp_path / f"replica{number}.sqlite"
        shutil.copy(template_db, path)
        replicas.append(Replica(path, f"00000000-0000-7000-8000-00000000000{number}"))
    saved = save_household(replicas[0].db, _actor(), family())
    records = [("household", saved.id), *(("person", m.person_id) for m in saved.members)]
    for replica in replicas[1:]:
        replica.receive(replicas[0].ops())

    for _step in range(STEPS):
        if rng.random() < 0.5:
            rng.choice(replicas).write(rng, records)
        else:
            source, target = rng.sample(replicas, 2)
            gossip(rng, source, target)

    for _round in range(2):  # eventual delivery of everything, in random order
        for target in replicas:
            everything = [op for source in replicas if source is not target for op in source.ops()]
            rng.shuffle(everything)
            target.receive(everything)

    for replica in replicas:
        with replica.db.read() as session:
            assert session.scalar(select(SyncHeldOp.seq).limit(1)) is None  # nothing waits
    hashes = {replica_hash(r.db) for r in replicas}
    assert len(hashes) == 1, "tables and op logs differ between replicas"
    items = [r.items() for r in replicas]
    assert all(i == items[0] for i in items), "review items differ between replicas"
    _check_open_conflicts(replicas[0])
    for replica in replicas:
        replica.db.dispose()


def _check_open_conflicts(replica: Replica) -> None:
    """An open conflict has disagreeing heads, and the table shows the winner's value."""
    with replica.db.read() as session:
        for item in session.scalars(select(ReviewItem).where(ReviewItem.kind == "conflict")):
            ops, _region = record_ops(session, item.entity, item.entity_id)
            current = heads([op for op in ops if item.field in op.fields])
            values = {json.dumps(h.fields[item.field]) for h in current}
            assert (item.status == "open") == (len(values) > 1)
            model = Household if item.entity == "household" else Person
            shown = getattr(session.get(model, item.entity_id), item.field)
            assert shown == current[0].fields[item.field]


def _actor():
    from kaltim_desktop.services.context import Actor

    return Actor(officer_id="00000000-0000-7000-8000-000000000009", username="sim", role="admin")

# SPDX-License-Identifier: GPL-3.0-or-later
"""The applier works per batch: what a batch's updates read (version vectors, stored regions)
is loaded before its loop, and rows are buffered and written in bulk. These tests pin down that
the result is the one op-by-op application gives, whatever the buffer and cache sizes: updates
in the part of their create, renames, and updates of records of an earlier import."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from kaltim_desktop.models import Household, PersonNameToken, RecordClock, new_id
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.bundles import apply
from tests.conftest import family
from tests.sync.bundles.conftest import replica_hash
from tests.sync.bundles.helpers import export_one, import_data


def _clocks(site) -> dict[tuple[str, str], dict]:
    with site.db.read() as s:
        rows = s.execute(select(RecordClock.entity, RecordClock.entity_id, RecordClock.vv))
        return {(e, i): json.loads(vv) for e, i, vv in rows}


def _edit(site, saved, *, rt: int, head: str, keep: int = 3):
    """Save the household again with another RT, head name and maybe fewer members."""
    members = [
        dataclasses.replace(m, person_id=row.person_id)
        for m, row in zip(family().members, saved.members, strict=True)
    ]
    members[0] = dataclasses.replace(members[0], name=head)
    save_household(site.db, site.actor, family(id=saved.id, members=tuple(members[:keep]), rt=rt))


@pytest.fixture(params=["one flush per batch", "a flush per op, no cache"])
def tiny_buffers(request, monkeypatch):
    if request.param != "one flush per batch":
        monkeypatch.setattr(apply, "FLUSH_EVERY", 1)
        monkeypatch.setattr(apply, "_CACHE_LIMIT", 0)


def test_updates_and_renames_give_the_senders_tables(province, laptop, tiny_buffers):
    saved = save_household(laptop.db, laptop.actor, family(id=new_id(), rt=3))
    _edit(laptop, saved, rt=7, head="Ahmad Fauzan")  # in the part of the creates
    _edit(laptop, saved, rt=8, head="Ahmad Fikri", keep=2)
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    assert replica_hash(province.db) == replica_hash(laptop.db)
    assert _clocks(province) == _clocks(laptop) != {}

    # A second import updates records the first one created (vectors and regions are read
    # from the tables then); the first part's ops come again and are skipped.
    _edit(laptop, saved, rt=9, head="Ahmad Fauzi", keep=2)
    result = import_data(province, export_one(laptop).read_bytes(), name="second.ksb")
    assert result.status == "applied" and result.report["already"] > 0
    assert replica_hash(province.db) == replica_hash(laptop.db)
    assert _clocks(province) == _clocks(laptop)
    with province.db.read() as s:
        assert s.get(Household, saved.id).rt == 9
        tokens = set(s.scalars(select(PersonNameToken.token)))
    assert {"fauzi", "siti", "budi"} <= tokens and not {"fauzan", "fikri"} & tokens

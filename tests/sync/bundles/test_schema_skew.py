# SPDX-License-Identifier: GPL-3.0-or-later
"""Failure mode 13 of sync-design §3.16: ops of a newer but compatible schema, and ops of an
older schema that an upcaster brings to today's shape, through real bundles — laptop to
province and on to another laptop of the regency. The tables see today's fields; the stored
op, its hash and what is exported again stay exactly what the origin wrote."""

from __future__ import annotations

import json

import pytest

from kaltim_desktop.models import Household, SyncOp
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.sync_exchange import export_bundles
from kaltim_desktop.sync import upcast
from kaltim_desktop.sync.bundles.errors import E_OWNERSHIP
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.oplog import this_device
from tests.conftest import family
from tests.sync.bundles.conftest import Site, data_hash, enrol_laptop, make_site, replica_hash
from tests.sync.bundles.helpers import craft, import_data, ops_of


@pytest.fixture
def rt_was_rukun_tetangga(monkeypatch):
    """A test-only schema transition: schema 0 household ops named ``rt`` ``rukun_tetangga``."""
    monkeypatch.setattr(upcast, "UPCASTERS", {})

    def rename(fields: dict) -> dict:
        return {("rt" if key == "rukun_tetangga" else key): v for key, v in fields.items()}

    upcast.register("household", 0, rename)


@pytest.fixture
def colleague(template_db, tmp_path, province) -> Site:
    site = make_site(template_db, tmp_path, "colleague")  # another laptop of Samarinda
    enrol_laptop(province, site, "64.72")
    yield site
    site.db.dispose()


def _update_after(laptop: Site, fields: dict, prev: dict, schema: int) -> tuple[list, dict]:
    """The laptop's real ops and one more household update, as a sender of ``schema`` wrote it."""
    ops = ops_of(laptop)
    create = next(op for op in ops if op["entity"] == "household")
    extra = {
        **create, "seq": len(ops) + 1, "op_id": "01940000-0000-7000-8000-00000000c0de",
        "action": "update", "base": {create["origin"]: ops[-1]["seq"]}, "prev": prev,
        "set": fields, "schema": schema,
        "hlc": str(Hlc(Hlc.parse(ops[-1]["hlc"]).wall_ms + 1, 0)),
    }  # fmt: skip
    return ops, extra


def _stored(site: Site, op: dict) -> SyncOp:
    with site.db.read() as s:
        return s.get(SyncOp, (op["origin"], op["seq"]))


def _assert_kept_as_written(site: Site, op: dict) -> None:
    stored = _stored(site, op)
    assert json.loads(stored.fields) == op["set"]
    assert json.loads(stored.prev) == op["prev"]
    assert stored.schema == op["schema"]
    assert stored.op_hash == sha256_hex(canonical_json(op))


def _relay(province: Site, colleague: Site, tmp_path) -> dict:
    with colleague.db.read() as s:
        device_id = this_device(s).device_id
    (relayed,) = export_bundles(province.db, province.data_dir, province.actor,
                                tmp_path / "relay", device_id=device_id)  # fmt: skip
    return import_data(colleague, relayed.parts[0].path.read_bytes()).report


def _rt(site: Site, household_id: str):
    with site.db.read() as s:
        return s.get(Household, household_id).rt


def test_newer_compatible_op_applies_known_fields_and_travels_on_unchanged(
    province, laptop, colleague, tmp_path
):
    saved = save_household(laptop.db, laptop.actor, family(rt=3))
    ops, newer = _update_after(laptop, {"rt": 5, "solar_panel": True}, {"rt": 3}, schema=2)
    result = import_data(province, craft(laptop, province, [*ops, newer]))
    assert result.status == "applied" and result.report["applied"] == len(ops) + 1
    assert _rt(province, saved.id) == 5  # the known field lands in the table
    _assert_kept_as_written(province, newer)  # the unknown one stays in the stored op

    # The province re-exports the op as the origin wrote it: the other laptop checks the same
    # hash and applies the same known field.
    report = _relay(province, colleague, tmp_path)
    assert report["applied"] == len(ops) + 1
    _assert_kept_as_written(colleague, newer)
    assert _rt(colleague, saved.id) == 5
    assert replica_hash(colleague.db) == replica_hash(province.db)


def test_older_op_is_upcast_for_the_tables_and_kept_as_written(
    province, laptop, colleague, tmp_path, rt_was_rukun_tetangga
):
    saved = save_household(laptop.db, laptop.actor, family(rt=3))
    ops, older = _update_after(laptop, {"rukun_tetangga": 7}, {"rukun_tetangga": 3}, schema=0)
    result = import_data(province, craft(laptop, province, [*ops, older]))
    assert result.status == "applied" and result.report["applied"] == len(ops) + 1
    assert _rt(province, saved.id) == 7
    _assert_kept_as_written(province, older)

    report = _relay(province, colleague, tmp_path)
    assert report["applied"] == len(ops) + 1
    assert _rt(colleague, saved.id) == 7
    _assert_kept_as_written(colleague, older)


def test_an_older_op_held_for_its_predecessors_is_upcast_when_released(
    province, laptop, rt_was_rukun_tetangga
):
    saved = save_household(laptop.db, laptop.actor, family(rt=3))
    ops, older = _update_after(laptop, {"rukun_tetangga": 9}, {"rukun_tetangga": 3}, schema=0)
    first = import_data(province, craft(laptop, province, [older]))
    assert first.status == "applied" and first.report["held_gap"] == 1
    second = import_data(province, craft(laptop, province, ops))
    assert second.report["released"] == 1
    assert _rt(province, saved.id) == 9
    _assert_kept_as_written(province, older)


def test_without_its_upcaster_an_older_field_is_not_applied(province, laptop, monkeypatch):
    """The same old op where no upcaster is registered: the unknown name is kept, not guessed."""
    monkeypatch.setattr(upcast, "UPCASTERS", {})
    saved = save_household(laptop.db, laptop.actor, family(rt=3))
    ops, older = _update_after(laptop, {"rukun_tetangga": 7}, {"rukun_tetangga": 3}, schema=0)
    assert import_data(province, craft(laptop, province, [*ops, older])).status == "applied"
    assert _rt(province, saved.id) == 3
    _assert_kept_as_written(province, older)


def test_checks_read_the_upcast_fields_an_old_grant_approval_is_refused(
    province, laptop, monkeypatch
):
    """Were the checks to read the old names, a district could approve a grant by writing it
    in an old schema's words."""
    monkeypatch.setattr(upcast, "UPCASTERS", {})
    upcast.register("grant_award", 0, lambda f: {("stage" if k == "status" else k): v
                                                 for k, v in f.items()})  # fmt: skip
    saved = save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    approval = {
        "origin": ops[0]["origin"], "seq": len(ops) + 1,
        "op_id": "01940000-0000-7000-8000-0000000000aa",
        "hlc": ops[-1]["hlc"], "entity": "grant_award", "action": "create", "base": {},
        "entity_id": "01940000-0000-7000-8000-0000000000ab",
        "set": {"household_id": saved.id, "status": "approved"}, "prev": {},
        "partition": "64.72.06.1001", "actor": None, "schema": 0,
    }  # fmt: skip
    before = data_hash(province.db)
    result = import_data(province, craft(laptop, province, [*ops, approval]))
    assert (result.status, result.code) == ("rejected", E_OWNERSHIP)
    assert data_hash(province.db) == before


@pytest.mark.parametrize(
    ("schema", "written", "rt"),
    [(2, {"solar_panel": True}, 3), (0, {"rukun_tetangga": 4}, 4)],
    ids=["newer-field", "older-name"],
)
def test_creates_of_another_schema_apply_today_s_fields(
    province, laptop, rt_was_rukun_tetangga, schema, written, rt
):
    """A household *created* by another schema: newer fields kept aside, older names upcast."""
    saved = save_household(laptop.db, laptop.actor, family(rt=3))
    ops = ops_of(laptop)
    index = next(i for i, op in enumerate(ops) if op["entity"] == "household")
    fields = {k: v for k, v in ops[index]["set"].items() if not (schema == 0 and k == "rt")}
    other = {**ops[index], "set": {**fields, **written}, "schema": schema}
    sent = [*ops[:index], other, *ops[index + 1 :]]
    result = import_data(province, craft(laptop, province, sent))
    assert result.status == "applied" and result.report["applied"] == len(ops)
    assert _rt(province, saved.id) == rt
    _assert_kept_as_written(province, other)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The upcaster registry: chains steps up to today's schema, never touches the received op."""

from __future__ import annotations

import copy

import pytest

from kaltim_desktop.sync import upcast
from kaltim_desktop.sync.ops import SYNC_SCHEMA


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(upcast, "UPCASTERS", {})


def _op(schema: int, fields: dict, entity: str = "household") -> dict:
    return {"entity": entity, "schema": schema, "set": fields, "prev": {}, "seq": 1}


def test_an_op_of_todays_schema_or_newer_is_returned_as_is():
    upcast.register("household", SYNC_SCHEMA - 1, lambda f: {"changed": True})
    for schema in (SYNC_SCHEMA, SYNC_SCHEMA + 1):
        op = _op(schema, {"rt": 1})
        assert upcast.upcast(op) is op


def test_steps_chain_in_order_and_the_received_op_is_untouched(monkeypatch):
    monkeypatch.setattr(upcast, "SYNC_SCHEMA", 3)
    upcast.register("household", 0, lambda f: {"rt_text": f["rt_number"]})
    upcast.register("household", 2, lambda f: {"rt": f["rt_text"].zfill(3)})
    upcast.register("person", 0, lambda f: {"wrong": "entity"})
    op = _op(0, {"rt_number": "7"})
    original = copy.deepcopy(op)
    result = upcast.upcast(op)
    assert result["set"] == {"rt": "007"}  # 0 -> 1 renamed, 1 -> 2 unchanged, 2 -> 3 padded
    assert result["schema"] == 0  # still the origin's: it is stored and hashed as written
    assert op == original
    assert upcast.upcast(_op(2, {"rt_text": "12"}))["set"] == {"rt": "012"}


def test_a_second_upcaster_for_the_same_step_is_refused():
    upcast.register("household", 0, lambda f: f)
    with pytest.raises(ValueError):
        upcast.register("household", 0, lambda f: f)

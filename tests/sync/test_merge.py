# SPDX-License-Identifier: GPL-3.0-or-later
"""The field-level merge rule on hand-made histories of one record."""

from __future__ import annotations

import itertools

from kaltim_desktop.sync.merge import RecordOp, concurrent, heads, merge_record

A, B, P = "L-A#1", "L-B#1", "PROV#1"


def op(origin, seq, wall, fields, base=None, action="update") -> RecordOp:
    return RecordOp(origin, seq, f"{wall}:0000", action, base or {}, fields, None)


CREATE = op(A, 1, 100, {"phone": "0811", "rt": 1, "name": "Ahmad"}, action="create")


def test_a_write_that_saw_another_supersedes_it():
    later = op(B, 1, 200, {"phone": "0812"}, {A: 1})
    assert later.supersedes(CREATE) and not CREATE.supersedes(later)
    same_origin = op(A, 2, 50, {"rt": 2})  # an earlier clock does not matter within an origin
    assert same_origin.supersedes(CREATE)


def test_concurrent_same_field_writes_conflict_and_the_latest_clock_is_shown():
    a = op(A, 2, 300, {"phone": "0812"}, {A: 1})
    b = op(B, 1, 200, {"phone": "0813"}, {A: 1})
    assert concurrent(a, b)
    for order in itertools.permutations([CREATE, a, b]):
        merged = merge_record("household", list(order))
        assert merged.values["phone"] == "0812"  # greatest (hlc, origin), whatever the order
        (item,) = merged.items
        assert (item.kind, item.status, item.field) == ("conflict", "open", "phone")
        assert [h["value"] for h in item.detail["heads"]] == ["0812", "0813"]
        assert item.detail["base"] == "0811"


def test_equal_clocks_are_broken_by_origin():
    a = op(A, 2, 300, {"phone": "0812"}, {A: 1})
    b = op(B, 1, 300, {"phone": "0813"}, {A: 1})
    assert heads([a, b])[0] is b


def test_a_resolution_supersedes_every_head_and_closes_the_conflict():
    a = op(A, 2, 300, {"phone": "0812"}, {A: 1})
    b = op(B, 1, 200, {"phone": "0813"}, {A: 1})
    settle = op(P, 1, 400, {"phone": "0813"}, {A: 2, B: 1}, action="resolve")
    merged = merge_record("household", [CREATE, a, b, settle])
    assert merged.values["phone"] == "0813"
    (item,) = merged.items
    assert item.status == "resolved" and len(item.detail["heads"]) == 1


def test_concurrent_equal_values_are_no_conflict():
    a = op(A, 2, 300, {"phone": "0812"}, {A: 1})
    b = op(B, 1, 200, {"phone": "0812", "rt": 4}, {A: 1})
    merged = merge_record("household", [CREATE, a, b])
    assert [(i.kind, i.status) for i in merged.items] == [("parallel", "info")]


def test_pairs_are_classified():
    edit = op(B, 1, 200, {"rt": 4}, {A: 1})
    cases = {
        "deleted_edit": op(A, 2, 300, {"deleted": True}, {A: 1}, action="delete"),
        "redirected": op(P, 1, 300, {"merged_into": "x"}, {A: 1}, action="merge"),
        "identity": op(A, 2, 300, {"name": "Achmad"}, {A: 1}),
        "parallel": op(A, 2, 300, {"phone": "0812"}, {A: 1}),
    }
    for kind, other in cases.items():
        merged = merge_record("person", [CREATE, edit, other])
        assert [i.kind for i in merged.items] == [kind]
        expected = "info" if kind in ("parallel", "redirected") else "open"
        assert merged.items[0].status == expected


def test_update_against_delete_keeps_both():
    delete = op(A, 2, 300, {"deleted": True}, {A: 1}, action="delete")
    edit = op(B, 1, 200, {"rt": 4}, {A: 1})
    merged = merge_record("household", [CREATE, delete, edit])
    assert merged.values["deleted"] is True and merged.values["rt"] == 4


def test_a_resolution_of_a_pair_closes_it():
    a = op(A, 2, 300, {"name": "Achmad"}, {A: 1})
    b = op(B, 1, 200, {"rt": 4}, {A: 1})
    settle = op(P, 1, 400, {"name": "Achmad"}, {A: 2, B: 1}, action="resolve")
    (item,) = merge_record("person", [CREATE, a, b, settle]).items
    assert (item.kind, item.status) == ("identity", "resolved")

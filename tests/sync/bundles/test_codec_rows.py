# SPDX-License-Identifier: GPL-3.0-or-later
"""Exports code ``sync_op`` rows straight into a member: byte for byte the member the same ops
give as dicts (:func:`.codec.encode_ops`), for real rows and for anything a database row can
hold, and a row that no longer matches its hash is refused either way."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.sync.bundles import codec, codec_rows, members
from kaltim_desktop.sync.bundles.codec_decode import decode_ops
from kaltim_desktop.sync.ops import derived_op_id
from tests.sync.bundles.test_codec import _exact, _fields, _mostly, _origins, _uuids


def _by_dicts(rows: list[tuple]) -> tuple[bytes, int, dict]:
    """The reference: op dicts (each checked against its hash), then the generic coder."""
    ops = members.ops_from_rows(rows)
    pairs = ((op["origin"], op["seq"]) for op in ops)
    return codec.encode_ops(ops), len(ops), members._ranges(pairs)


def _outcome(build, rows: list[tuple]):
    try:
        return build(rows)
    except Exception as exc:  # compared: the same failure either way
        return type(exc), str(exc)


def _read(connection: sqlite3.Connection, first: int, last: int) -> list[tuple]:
    origin = connection.execute("SELECT origin FROM sync_op").fetchone()[0]
    return members.stored_rows(connection, [(origin, first, last)], None, {})


def test_real_rows_make_the_member_their_op_dicts_make(db, monkeypatch):
    generate_demo(db, households=40, seed=7, today=date(2026, 11, 1))
    with sqlite3.connect(f"{db.path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        (count,) = connection.execute("SELECT count(*) FROM sync_op").fetchone()
        members_rows = [_read(connection, first, first + 99) for first in range(1, count, 100)]
    rows = [row for batch in members_rows for row in batch]
    assert len(rows) == count
    assert {row[4] for row in rows} >= {"household", "person", "membership", "house_assessment"}
    expected = [_by_dicts(batch) for batch in members_rows]
    for batch, (body, ops_count, _ranges) in zip(members_rows, expected, strict=True):
        assert _exact(decode_ops(body, ops_count)) == _exact(members.ops_from_rows(batch))
    # Every demo row is of the usual shape: none of them needs the op dict of the generic path.
    generic = []
    monkeypatch.setattr(codec_rows, "op_of_row", lambda row: generic.append(row))
    assert [members._encode(batch) for batch in members_rows] == expected
    assert generic == []


def test_a_row_that_no_longer_matches_its_hash_is_refused(db):
    generate_demo(db, households=3, seed=2, today=date(2026, 11, 1))
    with sqlite3.connect(f"{db.path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        rows = _read(connection, 1, 10**6)
    members.build(rows)  # as stored: fine
    for column, changed in ((8, rows[5][8].replace('":', '": ', 1)), (1, rows[5][1] + 1),
                            (3, rows[5][3] + " "), (11, "someone")):  # fmt: skip
        damaged = [*rows[:5], (*rows[5][:column], changed, *rows[5][column + 1 :]), *rows[6:]]
        with pytest.raises(members.DamagedLog):
            members.build(damaged)


# ---- any row a database can hold -----------------------------------------------------------

# The columns of ``sync_op`` with their declared types (so SQLite gives back what it gives an
# export: "5" in seq becomes 5, "x" stays text), without the constraints the hostile rows break.
_TABLE = ("CREATE TABLE sync_op (origin VARCHAR(50), seq BIGINT, op_id VARCHAR(36), "
          "hlc VARCHAR(20), entity VARCHAR(30), entity_id VARCHAR(36), action VARCHAR(10), "
          "base TEXT, fields TEXT, prev TEXT, partition VARCHAR(13), actor VARCHAR(40), "
          "schema INTEGER, op_hash VARCHAR(64))")  # fmt: skip
# JSON the log never writes (each must take the generic path), and now and then no JSON at all
# or a lone surrogate (the export fails, the same way on either path).
_FATAL_JSON = st.sampled_from(["not json", "{}{}", "\ufeff{}", "{", "", '{"a":"\\ud800"}'])
_ODD_JSON = _mostly(st.sampled_from([
    "[1, 2]", "5", "null", '"text"', '{"a": 1.5, "b": -0.0}', '{"a":NaN,"b":1e400}', " {}",
    '{"a":1} ', '{"a":"x\\u0000y"}', '{"a":1,"a":2}', '{"a":[1,{"b":null}]}', '{"\\u0000":1}',
    '{"b":1,"a":2}', "{}\n",
]), _FATAL_JSON)  # fmt: skip


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _or(usual, *others):
    """``usual`` nine times in ten, else one of ``others``."""
    return _mostly(usual, st.one_of(*others))


_int64 = st.integers(-(2**63), 2**63 - 1)
_clocks = st.builds(lambda w, c: f"{w:013d}:{c:04d}", st.integers(0, 2**45), st.integers(0, 10**5))
_odd_clocks = st.sampled_from(["1:1", "01795888156761:0001", "1795888156761:01", "١:٢", "1:1 "])
_names = _mostly(st.one_of(st.text(max_size=3), st.just("a\0b")), st.none())


@st.composite
def _rows(draw) -> tuple[tuple, bool]:
    """A row of the usual shape in most columns, something else (of any type SQLite stores) in
    about one column in ten, and whether its hash is to be right (nearly always)."""
    origin = draw(_or(st.sampled_from(["L-ABC123#1", "PROV#1"]),
                      _mostly(_origins, st.one_of(_int64, st.none()))))  # fmt: skip
    seq = draw(_or(st.integers(1, 10**6), _int64, st.sampled_from([0, -1, 2**48, 2**62]),
                   st.text(max_size=3), st.floats(-9, 2.0**60)))  # fmt: skip
    derived = "x"  # the op id derived from origin and seq, or its form for any seq
    if type(origin) is str and type(seq) is int and 0 < seq < 2**62:
        derived = derived_op_id(origin, seq)
    if type(origin) is str and type(seq) is int and not 0 < seq < 2**48:
        derived = derived_op_id(origin, 1)[:24] + f"{seq:012x}"
    op_id = draw(_or(st.just(derived), _uuids, st.text(max_size=5), st.just(derived.upper())))
    objects = st.dictionaries(_origins, st.integers(0, 10**9), max_size=2).map(_canonical)
    row = (
        origin, seq, op_id, draw(_or(_clocks, _odd_clocks)),
        draw(_or(st.sampled_from(["person", "household"]), _names)),
        draw(_or(_uuids, st.text(max_size=12), _int64)),
        draw(_or(st.sampled_from(["create", "update"]), _names)),
        draw(_or(st.just("{}"), objects, _ODD_JSON)),
        draw(_or(_fields.map(_canonical), _fields.map(json.dumps), _ODD_JSON, _FATAL_JSON)),
        draw(_or(st.just("{}"), _fields.map(_canonical), _ODD_JSON)),
        draw(st.one_of(st.none(), st.sampled_from(["64.71.04.1002", "64.72"]), _names)),
        draw(st.one_of(st.none(), st.text(max_size=8))),
        draw(_or(st.integers(0, 3), _int64, st.text(max_size=2))),
    )  # fmt: skip
    return row, draw(st.integers(0, 29)) != 15  # (Hypothesis favours the bounds)


def _stored(rows: list[tuple[tuple, bool]]) -> list[tuple]:
    """The rows as SQLite gives them back, each with its right hash (or a wrong one)."""
    with sqlite3.connect(":memory:") as connection:
        connection.execute(_TABLE)
        connection.executemany(
            f"INSERT INTO sync_op VALUES ({', '.join('?' * 13)}, '')", [row for row, _ in rows]
        )
        query = members.ROWS_SQL.split(" WHERE")[0] + " ORDER BY rowid"
        stored = connection.execute(query).fetchall()
    hashed = []
    for row, (_, right) in zip(stored, rows, strict=True):
        try:
            line = members.canonical_line(row).encode("utf-8")
        except (TypeError, UnicodeEncodeError):  # no right hash: it fails the same either way
            right = False
        hashed.append((*row[:13], hashlib.sha256(line).hexdigest() if right else "0" * 64))
    return hashed


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_rows(), max_size=8))
def test_any_stored_rows_make_the_member_their_op_dicts_make(rows):
    stored = _stored(rows)
    expected = _outcome(_by_dicts, stored)
    assert _outcome(members._encode, stored) == expected
    if type(expected[0]) is bytes:
        assert _exact(decode_ops(expected[0], expected[1])) == _exact(members.ops_from_rows(stored))

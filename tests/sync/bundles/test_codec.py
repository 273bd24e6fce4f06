# SPDX-License-Identifier: GPL-3.0-or-later
"""The columnar ops member gives back exactly the ops it was given (so their hashes), for any
input, and refuses damaged bytes with its own error only."""

from __future__ import annotations

import json
import uuid

import pytest
import uuid_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.bundles import codec_streams
from kaltim_desktop.sync.bundles.codec import encode_ops
from kaltim_desktop.sync.bundles.codec_decode import Damaged, decode_ops
from kaltim_desktop.sync.ops import derived_op_id, encode_parts
from kaltim_desktop.sync.replay import read_ops
from tests.conftest import family


def _exact(ops: list) -> str:
    """Type-exact text of ops (``True`` and ``1`` differ, key order does not)."""
    return json.dumps(ops, sort_keys=True, ensure_ascii=False)


def _hash(op: dict) -> str:
    return encode_parts(
        op["origin"], op["seq"], op["op_id"], op["hlc"], op["entity"], op["entity_id"],
        op["action"], op["base"], op["set"], op["prev"], op["partition"], op["actor"],
        op["schema"],
    ).hash  # fmt: skip


def _round_trip(ops: list) -> list:
    body = encode_ops(ops)
    back = decode_ops(body, len(ops))
    assert _exact(back) == _exact(ops)
    return back


# ---- values of every kind the rules look at, and around them ------------------------------

_uuids = st.one_of(
    st.uuids().map(str),
    st.builds(lambda: str(uuid_utils.uuid7())),
    st.uuids().map(lambda u: str(u).upper()),  # not the lowercase form: travels as text
)
_dates = st.dates().map(lambda d: d.isoformat())
_digits16 = st.text("0123456789", min_size=16, max_size=16)
_odd = st.sampled_from(
    ["", "\0", "a\0b", "2024-02-30", "+2024-01-01", "６４７１０４５２０１８６０００９"]
)
_texts = st.one_of(st.text(max_size=12), _dates, _digits16, _uuids, _odd)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70), _texts)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
_keys = st.one_of(st.sampled_from(["name", "nik", "birth_date", "sex", "household_id"]),
                  st.text(max_size=6))  # fmt: skip
_fields = st.dictionaries(_keys, _values, max_size=6)
_origins = st.sampled_from(["L-ABC123#1", "PROV#1", "L-ABC123#2", "x\0y", "Désa#1"])


def _mostly(good, other):
    """``good`` nine times in ten: most ops take the structured form, some the fallback."""
    return st.integers(0, 9).flatmap(lambda n: good if n else other)


@st.composite
def _ops(draw) -> dict:
    origin = draw(_origins)
    seq = draw(
        _mostly(st.integers(1, 10**6), st.one_of(st.integers(), st.sampled_from([True, "5"])))
    )
    derived = derived_op_id(origin, seq) if type(seq) is int else "x"
    op = {
        "origin": origin,
        "seq": seq,
        "op_id": draw(_mostly(st.one_of(st.just(derived), _uuids), st.text(max_size=5))),
        "hlc": draw(_mostly(
            st.builds(lambda w, c: f"{w:013d}:{c:04d}", st.integers(0, 2**45),
                      st.integers(0, 10**5)),
            st.sampled_from(["1:1", "01795888156761:0001", "1795888156761:01", "١:٢"]),
        )),
        "entity": draw(st.sampled_from(["person", "household", "membership", "gadget"])),
        "entity_id": draw(st.one_of(_uuids, _texts, st.integers())),
        "action": draw(st.sampled_from(["create", "update", "delete", "merge"])),
        "base": draw(_mostly(st.dictionaries(_origins, st.integers(0, 10**9), max_size=2),
                             st.dictionaries(_origins, _values, max_size=2))),
        "set": draw(_fields),
        "prev": draw(_fields),
        "partition": draw(st.one_of(st.none(), st.sampled_from(["64.71.04.1002", "64.72",
                                                                  "99.99.99"]), st.text())),
        "actor": draw(st.one_of(st.none(), st.text(max_size=20))),
        "schema": draw(_mostly(st.integers(0, 3), st.integers())),
    }  # fmt: skip
    if not draw(_mostly(st.just(True), st.just(False))):  # a key added by a newer version, or lost
        if draw(st.booleans()):
            op["extra"] = draw(_values)
        else:
            op.pop(draw(st.sampled_from(sorted(op))))
    return op


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ops(), max_size=12))
def test_any_ops_decode_to_exactly_the_same_ops(ops):
    _round_trip(ops)


# A few values that the rules look at, drawn again and again: texts repeated in an op (in its
# entity id, ``set`` and ``prev``), NIKs whose date is an earlier value of the op, the same id in
# several columns (new in one, referenced from the others), also across members' columns.
_REPEATED = st.sampled_from([
    "1986-01-12", "1987-12-19", "2024-02-29", "6471045201860009", "6471041912870004",
    "6402011912870004", "0000000000000000", "Siti Aminah", "Wahyuni", "12345678",
    "018f4c1e-7b2a-7c3d-8e4f-0123456789ab", "018f4c1e-7b2a-7c3d-8e4f-0123456789ac",
    "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-0000-0000-000000000000",
])  # fmt: skip
_repeating_fields = st.dictionaries(
    st.sampled_from(["a", "b", "c", "nik", "birth_date"]),
    st.one_of(_REPEATED, st.none(), st.integers()),
    max_size=5,
)


@st.composite
def _repeating_ops(draw) -> dict:
    seq = draw(st.integers(1, 10**6))
    return {
        "origin": "A#1", "seq": seq, "op_id": derived_op_id("A#1", seq),
        "hlc": "1795888156761:0000", "entity": draw(st.sampled_from(["person", "household"])),
        "entity_id": draw(_REPEATED),
        "action": "create", "base": {}, "set": draw(_repeating_fields),
        "prev": draw(_repeating_fields),
        "partition": draw(st.sampled_from([None, "64.71.04.1002", "64.02.01.2001"])),
        "actor": None, "schema": 1,
    }  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_repeating_ops(), max_size=8))
def test_values_repeated_within_and_across_ops_decode_exactly(ops):
    back = _round_trip(ops)
    assert [_hash(op) for op in back] == [_hash(op) for op in ops]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_ops(), min_size=1, max_size=6),
    st.data(),
)
def test_damaged_bodies_fail_with_the_codec_error_only(ops, data):
    body = bytearray(encode_ops(ops))
    how = data.draw(st.sampled_from(["flip", "cut", "extend", "count"]))
    count = len(ops)
    if how == "flip":
        at = data.draw(st.integers(0, len(body) - 1))
        body[at] ^= data.draw(st.integers(1, 255))
    elif how == "cut":
        del body[data.draw(st.integers(0, len(body) - 1)) :]
    elif how == "extend":
        body += data.draw(st.binary(min_size=1, max_size=8))
    else:
        count += data.draw(st.sampled_from([-1, 1, 1000]))
    try:
        decode_ops(bytes(body), count)
    except Damaged:
        pass  # refused: the reader reports E_DAMAGED
    else:
        # A flip may land on a value and decode to other valid ops (the signed manifest's
        # hash catches that before decoding); lengths and counts never pass.
        assert how == "flip"


@pytest.mark.parametrize(
    "body",
    [b"", b"KOP1", b"KOP1\x01\x03abc\x00", b"KOP1\x01\x04kind\x01\x05", b"XXXX\x00",
     b"KOP1\x02\x04kind\x00\x04kind\x00", b"KOP1\x00trailing", b"KOP1\x01\x07unknown\x00"],
)  # fmt: skip
def test_malformed_containers_are_damaged(body):
    with pytest.raises(Damaged):
        decode_ops(body, 1 if b"kind\x01" in body else 0)


def test_unknown_value_tags_and_overlong_varints_are_damaged():
    good = encode_ops([{"origin": "A#1", "seq": 1, "op_id": derived_op_id("A#1", 1),
                        "hlc": "1795888156761:0000", "entity": "person",
                        "entity_id": str(uuid_utils.uuid7()), "action": "create", "base": {},
                        "set": {"name": "Siti"}, "prev": {}, "partition": None, "actor": None,
                        "schema": 1}])  # fmt: skip
    streams = codec_streams.unpack(good)
    assert set(streams) >= {"kind", "runs", "e.tag", "e.idh", "e.idl"}
    for name, bad in (("e.tag", b"\x63"), ("runs", b"\xff" * 20), ("e.idl", b"\x00\x01")):
        changed = codec_streams.pack([(n, bad if n == name else d) for n, d in streams.items()])
        with pytest.raises(Damaged):
            decode_ops(changed, 1)


def test_real_ops_keep_their_stored_hashes_and_old_random_op_ids_travel(db, operator):
    save_household(db, operator, family())
    with db.read() as session:
        ops = list(read_ops(session))
    assert all(op["op_id"] == derived_op_id(op["origin"], op["seq"]) for op in ops)
    # Ops written before derived op ids keep their random UUIDv7 ids, byte for byte.
    old = [{**op, "op_id": str(uuid_utils.uuid7())} for op in ops[:3]]
    for batch in (ops, old, [*old, *ops[3:]]):
        back = _round_trip(batch)
        assert [_hash(op) for op in back] == [_hash(op) for op in batch]
    streams = codec_streams.unpack(encode_ops(ops))
    assert "op_id_bytes" not in streams  # derived: nothing carried
    assert len(codec_streams.unpack(encode_ops(old))["op_id_bytes"]) == 16 * len(old)


def test_nik_and_kk_are_coded_against_the_record_and_fall_back_exactly():
    base = {"origin": "A#1", "op_id": "", "hlc": "1795888156761:0000", "entity": "person",
            "action": "create", "base": {}, "prev": {}, "partition": "64.71.04.1002",
            "actor": None, "schema": 1}  # fmt: skip
    cases = [
        {"birth_date": "1986-01-12", "nik": "6471045201860009", "sex": "F"},  # day + 40
        {"birth_date": "1987-12-19", "nik": "6471041912870004", "sex": "M"},
        {"birth_date": "1987-12-19", "nik": "6471041912880004"},  # date differs: region only
        {"birth_date": "1987-12-19", "nik": "6402011912870004"},  # region differs: date only
        {"nik": "6471040000000000"},  # no date in the record
        {"nik": "0000000000000000", "birth_date": "2000-01-01"},
        {"kk_number": "6471040108260006", "kk_as_of": "2026-08-29"},
    ]
    ops = []
    for seq, fields in enumerate(cases, start=1):
        op = {**base, "seq": seq, "op_id": derived_op_id("A#1", seq),
              "entity_id": str(uuid.UUID(int=seq)), "set": fields}  # fmt: skip
        ops.append(op)
    ops.append({**ops[0], "seq": 99, "partition": None, "op_id": derived_op_id("A#1", 99)})
    _round_trip(ops)
    nik_column = [
        name for name, data in codec_streams.unpack(encode_ops(ops[:2])).items()
        if name.endswith(".digits")
    ]  # fmt: skip
    assert nik_column  # the rule was used, not only the text fallback


def test_derived_op_ids_are_version_8_unique_and_never_a_uuid7():
    ids = {derived_op_id(origin, seq) for origin in ("A#1", "A#2", "PROV#1") for seq in
           range(1, 2000)}  # fmt: skip
    assert len(ids) == 3 * 1999
    sample = uuid.UUID(derived_op_id("A#1", 5))
    assert sample.version == 8 and sample.variant == uuid.RFC_4122
    assert derived_op_id("A#1", 5) == derived_op_id("A#1", 5)
    assert derived_op_id("A#1", 0) == "" and derived_op_id("A#1", 1 << 62) == ""
    assert all(uuid.UUID(str(uuid_utils.uuid7())).version == 7 for _ in range(3))


def test_demo_ids_have_the_structure_of_the_applications_uuid7():
    import random

    from kaltim_desktop.services.demo import DemoIds

    ids = DemoIds(random.Random("seed"))
    households = []
    for _ in range(3):
        ids.next_millisecond()
        households.append([uuid.UUID(ids()) for _ in range(4)])
    flat = [u for made in households for u in made]
    assert [str(u) for u in flat] == sorted(str(u) for u in flat)
    for made in households:
        assert len({u.int >> 80 for u in made}) == 1  # one millisecond per household
        counters = [((u.int >> 64) & 0xFFF) << 30 | ((u.int >> 32) & (2**30 - 1)) for u in made]
        assert counters == list(range(counters[0], counters[0] + 4))  # counting up
        assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)
    assert [u.int >> 80 for u in flat[::4]] == [(flat[0].int >> 80) + i for i in range(3)]
    # The same seed gives the same ids (demo data is reproducible).
    again = DemoIds(random.Random("seed"))
    replay = []
    for _ in range(3):
        again.next_millisecond()
        replay += [uuid.UUID(again()) for _ in range(4)]
    assert replay == flat


def test_a_malformed_member_in_a_signed_bundle_is_refused_as_damaged(province, laptop):
    """Signed by an enrolled laptop, hashes right: only the decoder can refuse it."""
    import base64
    import hashlib
    import lzma

    import pyrage

    from kaltim_desktop.sync.bundles.compression import compress
    from kaltim_desktop.sync.bundles.errors import E_DAMAGED
    from tests.sync.bundles.conftest import data_hash
    from tests.sync.bundles.helpers import (
        export_one,
        import_data,
        members,
        province_identities,
        reencrypt_for_province,
        signed_zip,
    )

    save_household(laptop.db, laptop.actor, family())
    plain = pyrage.decrypt(export_one(laptop).read_bytes(), province_identities(province))
    entries = members(plain)
    manifest = json.loads(base64.b64decode(json.loads(entries[0][1])["payload"]))
    good = codec_streams.unpack(lzma.decompress(dict(entries)["ops/000001.kop"]))
    before = data_hash(province.db)

    def send(streams: dict) -> object:
        body = codec_streams.pack(list(streams.items()))
        member = compress(body)
        files = [
            {**e, "sha256": hashlib.sha256(member).hexdigest(), "size": len(member),
             "usize": len(body)} if e["path"] == "ops/000001.kop" else e
            for e in manifest["files"]
        ]  # fmt: skip
        others = [(n, d) for n, d in entries[1:] if n != "ops/000001.kop"]
        signed = signed_zip(laptop, {**manifest, "files": files},
                            [*others, ("ops/000001.kop", member)])  # fmt: skip
        return import_data(province, reencrypt_for_province(province, signed))

    for broken in (
        {**good, "runs": good["runs"][:-1]},  # a run cut short
        {**good, "e.tag": b"\x63" + good["e.tag"][1:]},  # a tag no version writes
        {**good, "strings": good["strings"][:-1]},  # an unterminated string table
        {**good, "c0.zzz": b"\x00"},  # an unknown stream
    ):
        result = send(broken)
        assert (result.status, result.code) == ("rejected", E_DAMAGED), broken.keys()
    assert data_hash(province.db) == before
    # The same streams unbroken, packed and signed the same way, apply.
    assert send(good).status == "applied"

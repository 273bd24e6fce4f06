# SPDX-License-Identifier: GPL-3.0-or-later
"""Our fast canonical JSON equals RFC 8785 for every payload shape the op log can hold."""

from __future__ import annotations

import hashlib
import json

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.ops import Op, encode_op

scalars = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
payloads = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(max_codepoint=127), max_size=12), children, max_size=5
        )
    ),
    max_leaves=20,
)


@given(payloads)
def test_matches_rfc8785(value):
    assert canonical_json(value).encode("utf-8") == rfc8785.dumps(value)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        canonical_json(1.5)


field_values = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text()
field_maps = st.dictionaries(
    st.from_regex(r"[a-z_]{1,12}", fullmatch=True), field_values, max_size=6
)
ops = st.builds(
    Op,
    origin=st.text(min_size=1, max_size=20),
    seq=st.integers(1, 2**53 - 1),
    op_id=st.uuids().map(str),
    hlc=st.from_regex(r"\d{13}:\d{4}", fullmatch=True),
    entity=st.sampled_from(["household", "person", "membership", "grant_award"]),
    entity_id=st.uuids().map(str),
    action=st.sampled_from(["create", "update", "delete"]),
    # Version-vector keys are origins: device ids, ASCII by construction. (Python sorts keys by
    # code point, RFC 8785 by UTF-16 unit; the two differ only beyond the BMP.)
    base=st.dictionaries(
        st.from_regex(r"[A-Z0-9-]{1,16}#[0-9]{1,3}", fullmatch=True),
        st.integers(1, 2**53 - 1),
        max_size=3,
    ),
    set=field_maps,
    prev=field_maps,
    partition=st.none() | st.text(max_size=13),
    actor=st.none() | st.text(max_size=36),
)


@given(ops)
def test_fast_op_encoding_is_canonical(op):
    encoded = encode_op(op)
    assert encoded.hash == op.hash
    canonical = rfc8785.dumps(op.as_dict())
    assert encoded.hash == hashlib.sha256(canonical).hexdigest()
    assert json.loads(encoded.set) == op.set and json.loads(encoded.base) == op.base

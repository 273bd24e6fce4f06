# SPDX-License-Identifier: GPL-3.0-or-later
"""Our fast canonical JSON equals RFC 8785 for every payload shape the op log can hold."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desktop.sync.canonical import canonical_json

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

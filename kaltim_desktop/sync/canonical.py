# SPDX-License-Identifier: GPL-3.0-or-later
"""Canonical JSON (RFC 8785) for hashing ops and audit entries.

Our payloads hold only strings, integers, booleans, nulls, lists and objects with ASCII keys --
never floats. For that subset the standard library's sorted, compact, non-ASCII-escaping output is
byte-identical to RFC 8785 (a property test checks it against the ``rfc8785`` package), and it is
many times faster, which matters when a demo writes a million ops.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical payloads")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Work around a reference-count bug of PySide6 6.12.0 on Python 3.11.

Every call of a Qt method that returns ``void`` (``setText``, ``show``, ``processEvents``...)
hands Python a ``None`` without taking a reference to it, so each call lowers ``None``'s
reference count by one. After some tens of thousands of calls, a few minutes of use or one
test run, the count reaches zero and the interpreter aborts with "none_dealloc: deallocating
None". Python 3.12 made ``None`` immortal, which hides the bug; on 3.11 we give ``None`` a
reference count so large that the lost references can never bring it to zero.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 60


def keep_none_alive() -> None:
    """Make ``None`` practically immortal on CPython before 3.12 (idempotent enough: once is
    plenty, twice still leaves a huge margin)."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    # ob_refcnt is the first field of every CPython object, at the address id() returns.
    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < _MARGIN:
        refcount.value += _MARGIN

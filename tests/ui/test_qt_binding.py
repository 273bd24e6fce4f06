# SPDX-License-Identifier: GPL-3.0-or-later
"""Guards against a Qt binding that corrupts reference counts.

PySide6 6.12.0 dropped a reference to ``None`` on every Qt method returning ``void`` (and
similar for ``True``/``False``); on Python 3.11 that aborts the interpreter after some
thousands of calls ("none_dealloc"). pyproject.toml excludes that release; this test fails if a
binding with such a leak ever comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_qt_calls_keep_the_reference_counts_of_singletons(qapp):
    holder = QObject()
    before = {value: sys.getrefcount(value) for value in (None, True, False)}
    for _ in range(2_000):
        holder.setObjectName("x")  # returns void
        holder.signalsBlocked()  # returns bool
        holder.blockSignals(False)  # returns bool
    after = {value: sys.getrefcount(value) for value in (None, True, False)}
    # Other threads may hold or drop a handful of references meanwhile; a leak loses 2,000+.
    assert all(abs(after[v] - before[v]) < 100 for v in before), (before, after)

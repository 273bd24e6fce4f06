# SPDX-License-Identifier: GPL-3.0-or-later
"""PySide6 6.12 drops a reference to None on every void Qt call; on Python 3.11 that used to
abort the interpreter after some tens of thousands of calls (see ``ui/pyside_fix.py``)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject

import kaltim_desktop.ui  # noqa: F401 (applies the work-around, as every UI import does)


def test_many_void_qt_calls_do_not_exhaust_none(qapp):
    before = sys.getrefcount(None)
    holder = QObject()
    for _ in range(300_000):  # several times None's ordinary reference count
        holder.setObjectName("x")
    assert sys.getrefcount(None) > 300_000
    assert before - sys.getrefcount(None) < 400_000

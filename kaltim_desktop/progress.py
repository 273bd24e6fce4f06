# SPDX-License-Identifier: GPL-3.0-or-later
"""A Qt-free progress and cancel handle for long work (demo data, imports, batch printing).

The worker calls :meth:`Progress.update` now and then and :meth:`Progress.check` between safe
steps; the GUI side implements the same protocol with a delayed progress dialog.
"""

from __future__ import annotations

import threading
from typing import Protocol

from kaltim_desktop.errors import Cancelled
from kaltim_desktop.i18n import _


class Progress(Protocol):
    def update(self, done: int, total: int | None = None, message: str = "") -> None: ...

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""


class NullProgress:
    """Reports nowhere and is never cancelled."""

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        pass

    def check(self) -> None:
        pass


class CancelToken:
    """A progress handle that records the latest figures and can be cancelled from any thread."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self.done = 0
        self.total: int | None = None
        self.message = ""

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        self.done, self.total, self.message = done, total, message

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled(_("Cancelled; nothing was changed."))

# SPDX-License-Identifier: GPL-3.0-or-later
"""The base class of the main window's screens."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kaltim_desktop.ui.context import UiContext


class Page(QWidget):
    """A screen of the main window.

    Subclasses build their widgets in ``__init__`` without touching the database (the window
    creates pages lazily and must stay quick), load their data in :meth:`activated`, and
    refresh when ``ui.events.data_changed`` names an entity they show.
    """

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui

    def title(self) -> str:
        """The translated heading of the page."""
        raise NotImplementedError

    def activated(self) -> None:
        """Called every time the page is shown: load or refresh what it displays."""

    def confirm_leave(self) -> bool:
        """Return False to stay on the page (unsaved changes the officer wants to keep)."""
        return True

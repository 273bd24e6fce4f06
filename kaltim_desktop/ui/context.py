# SPDX-License-Identifier: GPL-3.0-or-later
"""What every screen is handed: the database, the officer, the task runner, the error
presenter, the event hub and the UI-state settings.

Screens keep a :class:`UiContext`, never a session: they call the services with ``ui.db`` and
``ui.actor``, preferably through ``ui.runner`` so that the GUI thread never waits on the disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from kaltim_desktop.db import Database
from kaltim_desktop.services.context import Actor

if TYPE_CHECKING:
    from kaltim_desktop.ui.errors import ErrorPresenter
    from kaltim_desktop.ui.tasks import TaskRunner


class UiEvents(QObject):
    """Application-wide notifications between screens that do not know each other."""

    data_changed = Signal(str)
    """An entity kind changed ("household", "handover", "grant", ... or "*"): refresh views."""
    open_household = Signal(str)
    """Show the household with this id (the main window routes it to the households page)."""
    status_changed = Signal()
    """Something shown in the status bar changed (officer, last sync)."""


@dataclass
class UiContext:
    """The shared state of one running desktop session.

    Attributes:
        actor: the signed-in officer; replaced when another officer unlocks the session.
        settings: UI state only (geometry, column widths, last filters). Business settings
            live in the database and go through the services.
    """

    db: Database
    actor: Actor
    runner: TaskRunner
    errors: ErrorPresenter
    events: UiEvents
    settings: QSettings
    data_dir: Path
    log_file: Path


def ui_settings(data_dir: Path) -> QSettings:
    """The UI-state store of a data directory: an ini file beside the database, so that the
    demo data directory and every test keep their own window state."""
    return QSettings(str(data_dir / "ui-state.ini"), QSettings.Format.IniFormat)

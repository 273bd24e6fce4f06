# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the application finds its own files and the officer's data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from kaltim_desktop import APP_NAME, ORG_NAME

PACKAGE_DIR = Path(__file__).resolve().parent


def migrations_dir() -> Path:
    """Return the Alembic script directory, in a source tree, a wheel or a frozen build."""
    candidates = []
    if getattr(sys, "frozen", False):
        candidates.append(Path(getattr(sys, "_MEIPASS", PACKAGE_DIR)) / "migrations")
    candidates += [PACKAGE_DIR / "migrations", PACKAGE_DIR.parent / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("migrations directory not found")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``--data-dir``, else ``KALTIM_DATA_DIR``, else the user's.

    The directory holds the database, its backups and the logs; it is never the install folder.
    """
    chosen = explicit or os.environ.get("KALTIM_DATA_DIR")
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(directory: Path) -> Path:
    return directory / "kaltim.sqlite"


def backups_dir(directory: Path) -> Path:
    path = directory / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path

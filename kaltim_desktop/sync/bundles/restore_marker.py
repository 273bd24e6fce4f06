# SPDX-License-Identifier: GPL-3.0-or-later
"""Detecting a database restored from a copy (sync-design §3.5, failure mode 20).

After every export the laptop writes, outside the database (next to its keys), the highest
sequence number it has handed out per origin. A database whose counter is *behind* that marker
was replaced by an older copy: exporting from it would give new, different ops the slots the
province already holds (a fork). Export is refused until the laptop moves to a new epoch
(``main.py db restore`` does that for a restore it performs itself).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.trust.keys import keys_dir

MARKER_FILE = "sync-marker.json"


def _path(data_dir: Path) -> Path:
    return keys_dir(data_dir) / MARKER_FILE


def read_marker(data_dir: Path) -> dict[str, int]:
    try:
        data = json.loads(_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def check_marker(data_dir: Path, origin: str, last_seq: int) -> None:
    """Raise when the database is behind what this laptop already exported."""
    if read_marker(data_dir).get(origin, 0) > last_seq:
        raise KaltimError(
            _(
                "This database is older than the changes this laptop already sent: it was "
                "replaced by a copy. Restore it with the application's restore function (which "
                "starts a new numbering) before exporting again."
            )
        )


def write_marker(data_dir: Path, origin: str, last_seq: int) -> None:
    marker = read_marker(data_dir)
    marker[origin] = max(last_seq, marker.get(origin, 0))
    path = _path(data_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(marker, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)

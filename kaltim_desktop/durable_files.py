# SPDX-License-Identifier: GPL-3.0-or-later
"""Files that are either complete or not there: written beside their target, flushed to the
disk, renamed into place, and the rename itself made durable.

Bundles on USB sticks, received photo files and certificate PDFs all go through here, so a
stick pulled out or a laptop losing power never leaves a half-written file under its real name.
"""

from __future__ import annotations

import os
from pathlib import Path


def sync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync,
    and its renames are durable once the file is)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(temporary: Path, target: Path) -> None:
    """Flush ``temporary`` (already written and closed) to the disk and rename it to
    ``target``. On failure ``temporary`` may remain: callers name it so that nothing reads it
    as a finished file."""
    # Opened for writing: Windows flushes a file only through a handle with write access.
    with open(temporary, "r+b") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    sync_directory(Path(target).parent)


def write_durably(temporary: Path, target: Path, data: bytes) -> None:
    """Write ``data`` to ``temporary`` beside ``target``, then :func:`replace_durably`."""
    Path(temporary).write_bytes(data)
    replace_durably(temporary, target)

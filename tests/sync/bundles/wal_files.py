# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading and tearing SQLite WAL files, to simulate what a power cut leaves on disk.

A WAL file is a 32-byte header and frames of a 24-byte header plus one page. A frame whose
"commit size" field is non-zero ends a transaction; frames after the last such frame belong to
a transaction that had not committed. With ``synchronous=FULL`` the WAL is fsynced at every
commit, so a power cut can lose or tear only what follows the last commit frame: that is the
region these helpers damage. (https://www.sqlite.org/fileformat2.html#walformat)
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import struct
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass(frozen=True)
class WalState:
    size: int
    page_size: int
    frames: int  # frames of the current WAL generation (valid salt)
    committed_end: int  # byte offset just after the last commit frame (32 if none)

    @property
    def frame_size(self) -> int:
        return FRAME_HEADER + self.page_size

    @property
    def uncommitted(self) -> int:
        """Frames written after the last commit: a transaction in progress when it stopped."""
        return self.frames - (self.committed_end - WAL_HEADER) // self.frame_size


def read_wal(path: Path) -> WalState:
    data = path.read_bytes() if path.exists() else b""
    if len(data) < WAL_HEADER:
        return WalState(len(data), 0, 0, WAL_HEADER)
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    frame = FRAME_HEADER + page_size
    offset, frames, committed_end = WAL_HEADER, 0, WAL_HEADER
    while offset + frame <= len(data):
        header = data[offset : offset + FRAME_HEADER]
        if header[8:16] != salts:  # a frame left over from an earlier generation
            break
        frames += 1
        offset += frame
        if struct.unpack(">I", header[4:8])[0]:
            committed_end = offset
    return WalState(len(data), page_size, frames, committed_end)


def snapshot(db_path: Path, target: Path) -> Path:
    """Copy the database file and its WAL as they are now (not the shared-memory index, which
    SQLite rebuilds from the WAL after a crash)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db_path, target)
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return target


def truncate_wal(db_path: Path, offset: int) -> None:
    wal = db_path.with_name(db_path.name + "-wal")
    with open(wal, "r+b") as handle:
        handle.truncate(offset)


def flip_wal_byte(db_path: Path, offset: int) -> None:
    wal = db_path.with_name(db_path.name + "-wal")
    with open(wal, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


def whole_hash(db_path: Path) -> str:
    """A hash of every row of every table of the database (recovering its WAL if needed)."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(db_path)) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )]  # fmt: skip
        for name in names:
            digest.update(name.encode())
            for row in sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"')):
                digest.update(row.encode())
    return digest.hexdigest()


def integrity(db_path: Path) -> list[str]:
    with closing(sqlite3.connect(db_path)) as conn:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]

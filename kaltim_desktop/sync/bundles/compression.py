# SPDX-License-Identifier: GPL-3.0-or-later
"""Compression of ops members: the ``.xz`` container (LZMA2), readable by the standard ``xz``
tool, decompressed with a bound so a bomb stops at the size the signed manifest declares."""

from __future__ import annotations

import lzma

from kaltim_desktop.sync.bundles.errors import E_DAMAGED, E_SIZE_LIMIT, BundleRejected

PRESET = 3
# Enough for any preset's dictionary; a hostile header asking for more fails to decode.
MEMORY_LIMIT = 128 * 1024 * 1024


def compress(body: bytes) -> bytes:
    return lzma.compress(body, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE, preset=PRESET)


def decompress(data: bytes, usize: int) -> bytes:
    """At most ``usize`` bytes: larger output is a bomb, shorter or trailing data damage."""
    inflater = lzma.LZMADecompressor(format=lzma.FORMAT_XZ, memlimit=MEMORY_LIMIT)
    try:
        out = inflater.decompress(data, usize + 1)
    except lzma.LZMAError as exc:
        raise BundleRejected(E_DAMAGED, "ops decompression") from exc
    if len(out) > usize:
        raise BundleRejected(E_SIZE_LIMIT, "ops larger than declared")
    if len(out) != usize or not inflater.eof or inflater.unused_data:
        raise BundleRejected(E_DAMAGED, "ops shorter than declared")
    return out

# SPDX-License-Identifier: GPL-3.0-or-later
"""What a bundle part contains, its limits and its file name (sync-design §3.3).

Inner ZIP (STORED entries; never written to disk unencrypted)::

    manifest.dsse.json      DSSE envelope of the canonical manifest, signed by the sender
    certs/sender.json       the sender's device certificate (signed by the province root)
    registry.dsse.json      province bundles only: the current signed registry
    ops/000001.kop          ops in the columnar format of :mod:`.codec`, xz-compressed,
                            ≤ CHUNK_OPS ops each
    blobs/<sha256>          a file (photo) named by the SHA-256 of its bytes, stored as is

The manifest lists every other member with its SHA-256 and sizes; the reader refuses anything
else. A set of parts is split logically: every part is a complete bundle on its own.
"""

from __future__ import annotations

import re

FORMAT = 1
MANIFEST_KIND = "ksb-manifest"
MIN_READER_SCHEMA = 2  # raise when ops written by this version would be misread by older ones

MIB = 1024 * 1024
PART_CAP = 15 * MIB
SMALL_PART_CAP = 7 * MIB
CHUNK_OPS = 32768  # ops of one member (its decoded op dicts are held while it is applied)
MAX_PART_FILE = 64 * MIB  # larger files are refused before decryption
MAX_MEMBERS = 1024
MAX_MEMBER_USIZE = 64 * MIB
MAX_TOTAL_USIZE = 1024 * MIB
# Room kept in a part for the manifest, the certificate and age's framing.
PART_RESERVE = 256 * 1024

MANIFEST_NAME = "manifest.dsse.json"
CERT_NAME = "certs/sender.json"
REGISTRY_NAME = "registry.dsse.json"
OPS_NAME = re.compile(r"ops/[0-9]{6}\.kop")
BLOB_NAME = re.compile(r"blobs/[0-9a-f]{64}")
BLOB_KIND = "blob"  # the manifest entry's "kind"
ALLOWED = re.compile(r"(manifest\.dsse\.json|certs/sender\.json|registry\.dsse\.json|"
                     r"ops/[0-9]{6}\.kop|blobs/[0-9a-f]{64})")  # fmt: skip
EXTENSION = ".ksb"
TEMP_SUFFIX = ".tmp"


def ops_name(number: int) -> str:
    return f"ops/{number:06d}.kop"


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256}"


def part_file_name(sender: str, set_id: str, part: int, parts: int) -> str:
    """No personal data: the sending device, a random set id and the part number."""
    safe_sender = re.sub(r"[^A-Za-z0-9-]", "", sender)[:20]
    return f"KSB1_{safe_sender}_{set_id[-12:]}_p{part:02d}of{parts:02d}{EXTENSION}"

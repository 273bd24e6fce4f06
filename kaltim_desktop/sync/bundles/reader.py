# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading one bundle part strictly: decrypt, read the ZIP directory, check names, sizes and
hashes against the signed manifest, decompress ops with bounded output and decode them strictly.

Nothing here trusts the content; :mod:`.checks` verifies the signature and the sender before
:func:`read_ops` is called. Every failure is a :class:`BundleRejected` with a stable code.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyrage

from kaltim_desktop.sync.bundles import compression, envelope, layout
from kaltim_desktop.sync.bundles.codec_decode import Damaged, decode_ops
from kaltim_desktop.sync.bundles.errors import (
    E_BAD_SIGNATURE,
    E_DAMAGED,
    E_FORMAT_UNSUPPORTED,
    E_NOT_FOR_US,
    E_SIZE_LIMIT,
    E_UNLISTED_MEMBER,
    BundleRejected,
)
from kaltim_desktop.sync.bundles.members import paused_gc


def decrypt(data: bytes, identities: list[pyrage.x25519.Identity]) -> bytes:
    """age-decrypt ``data``; tampering and truncation fail here (authenticated chunks).

    age cannot tell "not for us" from "header damaged" (both leave no stanza we can open), so
    that case is reported as not addressed to us, with "or damaged" in the words shown.
    """
    if len(data) > layout.MAX_PART_FILE:
        raise BundleRejected(E_SIZE_LIMIT, "file too large")
    if not data.startswith(b"age-encryption.org/v1\n"):
        raise BundleRejected(E_DAMAGED, "not an age file")
    try:
        return pyrage.decrypt(data, identities)
    except pyrage.DecryptError as exc:
        code = E_NOT_FOR_US if "No matching keys" in str(exc) else E_DAMAGED
        raise BundleRejected(code, "decrypt") from exc
    except Exception as exc:  # pyrage raises plain errors for malformed headers
        raise BundleRejected(E_DAMAGED, "decrypt") from exc


@dataclass(frozen=True)
class Part:
    """The members of one decrypted part, not yet trusted."""

    manifest_envelope: envelope.Envelope
    manifest: dict[str, Any]
    members: dict[str, bytes]

    def member_text(self, name: str) -> str | None:
        data = self.members.get(name)
        return None if data is None else data.decode("utf-8")

    def blobs(self) -> dict[str, bytes]:
        """The files carried as ``blobs/<sha256>``, by SHA-256 (checked by
        :func:`check_members` against the signed manifest)."""
        prefix = len(layout.blob_name(""))
        return {
            name[prefix:]: data
            for name, data in self.members.items()
            if layout.BLOB_NAME.fullmatch(name)
        }


def open_zip(plain: bytes) -> Part:
    """Read the ZIP directory and members, refusing anything unexpected before reading data."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(plain))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BundleRejected(E_DAMAGED, "zip") from exc
    if len(infos) > layout.MAX_MEMBERS:
        raise BundleRejected(E_SIZE_LIMIT, "too many members")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise BundleRejected(E_UNLISTED_MEMBER, "duplicate member names")
    for info in infos:
        if not layout.ALLOWED.fullmatch(info.filename):
            raise BundleRejected(E_UNLISTED_MEMBER, "unexpected member name")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise BundleRejected(E_DAMAGED, "compressed or encrypted member")
        if info.file_size > layout.MAX_MEMBER_USIZE:
            raise BundleRejected(E_SIZE_LIMIT, "member too large")
    if layout.MANIFEST_NAME not in names:
        raise BundleRejected(E_DAMAGED, "no manifest")
    try:
        members = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise BundleRejected(E_DAMAGED, "zip member") from exc
    try:
        env = envelope.parse(members.pop(layout.MANIFEST_NAME), envelope.MANIFEST_TYPE)
        manifest = env.document()
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleRejected(E_DAMAGED, "manifest") from exc
    if manifest.get("type") != layout.MANIFEST_KIND:
        raise BundleRejected(E_DAMAGED, "manifest type")
    if manifest.get("format") != layout.FORMAT:
        # Read before the signature is checked, but only to refuse: refusing is always safe.
        raise BundleRejected(E_FORMAT_UNSUPPORTED, f"format {manifest.get('format')!r}")
    return Part(env, manifest, members)


def check_members(part: Part) -> None:
    """Every member listed in the (verified) manifest, with its hash and size; no others."""
    try:
        listed = {entry["path"]: entry for entry in part.manifest["files"]}
    except (KeyError, TypeError) as exc:
        raise BundleRejected(E_DAMAGED, "manifest files") from exc
    for name in part.members:
        if name not in listed:
            raise BundleRejected(E_UNLISTED_MEMBER, "member not in manifest")
    total = 0
    for name, entry in listed.items():
        data = part.members.get(name)
        if data is None:
            raise BundleRejected(E_DAMAGED, "listed member missing")
        if len(data) != entry.get("size") or hashlib.sha256(data).hexdigest() != entry.get(
            "sha256"
        ):
            raise BundleRejected(E_BAD_SIGNATURE, "member hash")
        usize = entry.get("usize", len(data))
        if not isinstance(usize, int) or not 0 <= usize <= layout.MAX_MEMBER_USIZE:
            raise BundleRejected(E_SIZE_LIMIT, "declared member size")
        if layout.OPS_NAME.fullmatch(name) and not isinstance(entry.get("count"), int):
            raise BundleRejected(E_DAMAGED, "ops count")
        if layout.BLOB_NAME.fullmatch(name) and (
            entry.get("kind") != layout.BLOB_KIND or layout.blob_name(entry["sha256"]) != name
        ):
            raise BundleRejected(E_DAMAGED, "blob entry")
        total += usize
    if total > layout.MAX_TOTAL_USIZE:
        raise BundleRejected(E_SIZE_LIMIT, "declared content too large")


def read_ops(part: Part) -> Iterator[list[dict[str, Any]]]:
    """Yield, per ops member in order, the list of op dicts it holds."""
    for entry in part.manifest["files"]:
        name = entry["path"]
        if not layout.OPS_NAME.fullmatch(name):
            continue
        body = compression.decompress(part.members[name], int(entry["usize"]))
        try:
            with paused_gc():
                ops = decode_ops(body, entry["count"])
        except Damaged as exc:
            raise BundleRejected(E_DAMAGED, "ops member") from exc
        yield ops

# SPDX-License-Identifier: GPL-3.0-or-later
"""Writing a set of bundle parts: ops → columnar members (:mod:`.codec`), xz-compressed → parts
under the size cap → signed manifest → ZIP → age encryption → ``.tmp`` file, fsync, rename,
re-read and verify.

A failure (disk full, stick pulled out) leaves at most a ``.tmp`` file, which importers ignore;
a finished ``.ksb`` is always complete.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage

from kaltim_desktop import durable_files
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import new_id
from kaltim_desktop.sync.bundles import envelope, layout, members
from kaltim_desktop.trust.keys import DeviceKey

_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed ZIP timestamps: the real time is in the signed manifest


@dataclass
class _Chunk:
    data: bytes
    usize: int
    count: int
    ranges: dict[str, list[int]]  # origin -> [first, last, count]


@dataclass(frozen=True)
class BlobSource:
    """A file to carry as ``blobs/<sha256>``; ``read`` is called only when its part is built,
    so a set of many photos never sits in memory at once."""

    sha256: str
    size: int
    read: Callable[[], bytes]


@dataclass
class _PartPlan:
    chunks: list[_Chunk] = field(default_factory=list)
    blobs: list[BlobSource] = field(default_factory=list)
    size: int = 0


@dataclass(frozen=True)
class Sender:
    """Who signs: the device key, its certificate and what goes in every manifest."""

    key: DeviceKey
    device_id: str
    role: str
    certificate: str
    scope: tuple[str, ...]
    app_version: str
    schema: int


@dataclass(frozen=True)
class Addressees:
    recipients: tuple[str, ...]  # age recipients
    key_ids: tuple[str, ...]  # their ids, listed in the signed manifest


@dataclass(frozen=True)
class WrittenPart:
    path: Path
    sha256: str
    size: int
    manifest: dict[str, Any] = field(repr=False)


def _chunks(ops: Iterable) -> list[_Chunk]:
    """Members of at most CHUNK_OPS ops each, in order (see :mod:`.members`)."""
    try:
        built = members.build_all(ops, layout.CHUNK_OPS)
    except members.DamagedLog as exc:
        raise KaltimError(
            _("The change log of this database is damaged; run the database check.")
        ) from exc
    return [_Chunk(m.data, m.usize, m.count, m.ranges) for m in built]


# What one ops member adds besides its data: its manifest entry (base64 in the envelope) and
# its ZIP headers.
MEMBER_OVERHEAD = 640


def _group(chunks: list[_Chunk], budget: int, blobs: Iterable[BlobSource] = ()) -> list[_PartPlan]:
    """Ops first, in order; then the blobs, in the ops' last part while room is left, then in
    further parts. No part exceeds ``budget`` (a blob that alone does not fit is refused)."""
    parts = [_PartPlan()]

    def place(cost: int) -> _PartPlan:
        if (parts[-1].chunks or parts[-1].blobs) and parts[-1].size + cost > budget:
            parts.append(_PartPlan())
        parts[-1].size += cost
        return parts[-1]

    for chunk in chunks:
        place(len(chunk.data) + MEMBER_OVERHEAD).chunks.append(chunk)
    for blob in blobs:
        if not layout.BLOB_NAME.fullmatch(layout.blob_name(blob.sha256)):
            raise ValueError("a blob is named by the lowercase hex SHA-256 of its bytes")
        cost = blob.size + MEMBER_OVERHEAD
        if cost > budget:
            raise ValueError("a blob larger than a part cannot travel")
        place(cost).blobs.append(blob)
    return parts


def _merge_ranges(chunks: list[_Chunk]) -> list[dict[str, Any]]:
    merged: dict[str, list[int]] = {}
    for chunk in chunks:
        for origin, (first, last, count) in chunk.ranges.items():
            current = merged.setdefault(origin, [first, last, 0])
            current[0], current[1] = min(current[0], first), max(current[1], last)
            current[2] += count
    return [
        {"origin": o, "from": r[0], "to": r[1], "count": r[2]} for o, r in sorted(merged.items())
    ]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_part(
    sender: Sender, to: Addressees, chunks: list[_Chunk], header: dict[str, Any],
    registry_text: str | None, blobs: Iterable[BlobSource] = (),
) -> tuple[bytes, dict[str, Any]]:  # fmt: skip
    """Return the encrypted bytes of one part and its manifest."""
    members: list[tuple[str, bytes]] = [(layout.CERT_NAME, sender.certificate.encode("utf-8"))]
    if registry_text is not None:
        members.append((layout.REGISTRY_NAME, registry_text.encode("utf-8")))
    files = [{"path": name, "sha256": _sha(data), "size": len(data)} for name, data in members]
    for number, chunk in enumerate(chunks, start=1):
        name = layout.ops_name(number)
        members.append((name, chunk.data))
        files.append(
            {"path": name, "sha256": _sha(chunk.data), "size": len(chunk.data),
             "usize": chunk.usize, "count": chunk.count}
        )  # fmt: skip
    for blob in blobs:
        data = blob.read()
        if len(data) != blob.size or _sha(data) != blob.sha256:
            # Shipped as is, the receiver would refuse the whole part as tampered.
            raise ValueError("a blob's bytes do not match its hash or size")
        members.append((layout.blob_name(blob.sha256), data))
        files.append(
            {"path": layout.blob_name(blob.sha256), "sha256": blob.sha256, "size": len(data),
             "kind": layout.BLOB_KIND}
        )  # fmt: skip
    manifest = {
        **header,
        "type": layout.MANIFEST_KIND,
        "format": layout.FORMAT,
        "bundle_id": new_id(),
        "sender": {"device_id": sender.device_id, "role": sender.role, "key_id": sender.key.key_id},
        "recipients": list(to.key_ids),
        "app": {
            "version": sender.app_version,
            "schema": sender.schema,
            "min_reader_schema": header.get("min_reader_schema", layout.MIN_READER_SCHEMA),
        },
        "scope": list(sender.scope),
        "ops": _merge_ranges(chunks),
        "files": files,
    }
    manifest.pop("min_reader_schema", None)
    signed = envelope.sign(envelope.MANIFEST_TYPE, manifest, sender.key.private_key)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in [(layout.MANIFEST_NAME, signed.encode("utf-8")), *members]:
            archive.writestr(zipfile.ZipInfo(name, _EPOCH), data)
    recipients = [pyrage.x25519.Recipient.from_str(r) for r in to.recipients]
    return pyrage.encrypt(buffer.getvalue(), recipients), manifest


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: ``.tmp``, fsync, rename, fsync the folder,
    then read it back and compare (a bad stick shows up now, not at the province)."""
    durable_files.write_durably(path.with_name(path.name + layout.TEMP_SUFFIX), path, data)
    if _sha(path.read_bytes()) != _sha(data):
        path.unlink(missing_ok=True)
        raise OSError("the written file does not read back identically")


def write_set(
    out_dir: Path, sender: Sender, to: Addressees, ops: Iterable,
    header: dict[str, Any], *, cap: int = layout.PART_CAP, registry_text: str | None = None,
    blobs: Iterable[BlobSource] = (),
) -> list[WrittenPart]:  # fmt: skip
    """Write every op of ``ops`` (dicts with the keys of ``codec.OP_KEYS``, or ``sync_op`` rows
    as :mod:`.exporter` reads them, checked against their stored hash), then every blob,
    into as few parts as the cap allows (at least one part, which then carries only
    acknowledgements and the registry)."""
    # The certificate and registry are stored once in the ZIP and hashed in the manifest.
    reserve = layout.PART_RESERVE + len(sender.certificate) + len(registry_text or "")
    budget = max(cap - reserve - cap // 1000, 4096)
    groups = _group(_chunks(ops), budget, blobs)
    set_id = new_id()
    written: list[WrittenPart] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for number, group in enumerate(groups, start=1):
        part_header = {**header, "set_id": set_id, "part": number, "parts": len(groups)}
        data, manifest = build_part(
            sender, to, group.chunks, part_header, registry_text, group.blobs
        )
        path = out_dir / layout.part_file_name(sender.device_id, set_id, number, len(groups))
        write_file(path, data)
        written.append(WrittenPart(path, _sha(data), len(data), manifest))
    return written

# SPDX-License-Identifier: GPL-3.0-or-later
"""Photo files in bundles (sync-design §3.3, §3.9): which travel, and which are kept.

A photo *record* (entity ``photo``) syncs as ops like any record and carries the SHA-256 of its
JPEG. The file itself travels as a ``blobs/<sha256>`` member, after the ops (the writer never
lets files push ops out of the first part). Files are stored content-addressed under the photos
folder, ``<folder>/<aa>/<sha256>.jpg``.

Export — a file goes where its record goes:

- the files of the photo records whose create op is in this bundle;
- plus the files the receiver asked for: every bundle's manifest lists ``blobs_wanted``, the
  hashes of live photo records the sender holds without a file (at most :data:`MAX_WANTED`,
  a random sample when more are missing, so each is asked for in time). The province sends a
  wanted file to a laptop only if the record lies in that laptop's scope.

A lost part is therefore repaired by a later exchange: the records that arrived without their
file are listed as wanted in the next bundle back, and the file follows in the answer. A file
whose bytes no longer match its hash here (a damaged disk) is not sent (and stays wanted).

Import: a received file is kept only if its bytes hash to the content hash of a photo record
here (the reader has already refused the whole part if a file does not match the signed
manifest). Any other file is refused and counted; the ops still apply. Records still without a
file are counted as "photo pending" in the import report.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from kaltim_desktop import durable_files
from kaltim_desktop.i18n import ngettext
from kaltim_desktop.models import Photo, Setting, SyncOp
from kaltim_desktop.sync.bundles.apply import device_of, in_scope

if TYPE_CHECKING:
    from kaltim_desktop.sync.bundles.writer import BlobSource

log = logging.getLogger(__name__)

MAX_WANTED = 1000  # 64 hex digits each: ~66 KB of manifest at most
MAX_BLOB = 4 * 1024 * 1024  # a cleaned photo is ~0.2-1 MB; larger files are not ours
WANTED_SETTING = "sync.blobs_wanted."  # + the peer's device id: what it last asked for

# (origin, seq, partition) of a photo's create op -> whether this bundle carries that op.
Carried = Callable[[str, int, str | None], bool]


def stored_path(folder: Path, sha256: str) -> Path:
    """Where the file with this content hash is (or will be) stored."""
    return Path(folder) / sha256[:2] / f"{sha256}.jpg"


def store_blob(folder: Path, sha256: str, data: bytes) -> Path:
    """Write ``data`` under its content hash, atomically (``.tmp``, fsync, rename, fsync the
    folder); an existing copy of the same size is kept as is."""
    target = stored_path(folder, sha256)
    if target.exists() and target.stat().st_size == len(data):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        durable_files.write_durably(temporary, target, data)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(functools.partial(handle.read, 1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- export ----------------------------------------------------------------------------------


def wanted_here(session: Session, folder: Path, scope: tuple[str, ...] | None = None) -> list[str]:
    """Hashes of live photo records (in ``scope``) that have no file here, for ``blobs_wanted``."""
    missing = sorted(
        {
            sha
            for sha, _origin, _seq, partition in _photo_creates(session, live_only=True)
            if (scope is None or in_scope(partition, scope))
            and not stored_path(folder, sha).exists()
        }
    )
    if len(missing) > MAX_WANTED:
        missing = sorted(random.sample(missing, MAX_WANTED))
    return missing


def outgoing(
    session: Session, folder: Path, peer: str, carried: Carried, scope: tuple[str, ...] | None
) -> list[BlobSource]:
    """The files to send ``peer``: those of the photo records this bundle carries, and those
    it asked for (records in ``scope``; None: any). Only files whose bytes match their hash."""
    # Imported here: the photo service uses this module's file layout, and the writer pulls in
    # the encryption library, which the desktop does not need at start-up.
    from kaltim_desktop.sync.bundles.writer import BlobSource

    wanted = set(_wanted_by(session, peer))
    chosen: set[str] = set()
    for sha, origin, seq, partition in _photo_creates(session, live_only=False):
        if carried(origin, seq, partition) or (
            sha in wanted and (scope is None or in_scope(partition, scope))
        ):
            chosen.add(sha)
    sources, damaged = [], 0
    for sha in sorted(chosen):
        path = stored_path(folder, sha)
        if not path.exists():
            continue  # pending here too: asked for in our own blobs_wanted
        size = path.stat().st_size
        if size > MAX_BLOB or file_sha256(path) != sha:
            damaged += 1
            continue
        sources.append(BlobSource(sha, size, functools.partial(path.read_bytes)))
    if damaged:
        # Counts only: the hash of a household's photo is kept out of the log.
        log.warning("%d photo file(s) do not match their hash and were not sent", damaged)
    return sources


def laptop_carries(device_id: str, acked: dict[str, int]) -> Carried:
    """A laptop's bundle carries its own ops the province has not acknowledged."""
    return lambda origin, seq, _p: device_of(origin) == device_id and seq > acked.get(origin, 0)


def province_carries(device_id: str, their_vv: dict[str, int], scope) -> Carried:
    """A province bundle carries the ops of the laptop's scope it has not applied (not its own)."""
    return lambda origin, seq, partition: (
        device_of(origin) != device_id
        and seq > their_vv.get(origin, 0)
        and in_scope(partition, scope)
    )


def _photo_creates(session: Session, *, live_only: bool) -> Iterable[tuple]:
    """``(sha256, origin, seq, partition)`` of every photo record's create op."""
    query = select(Photo.sha256, SyncOp.origin, SyncOp.seq, SyncOp.partition).join(
        SyncOp,
        and_(SyncOp.entity_id == Photo.id, SyncOp.entity == "photo", SyncOp.action == "create"),
    )
    if live_only:
        query = query.where(Photo.deleted.is_(False))
    return session.execute(query).all()


def _wanted_key(peer: str) -> str:
    return (WANTED_SETTING + peer)[:60]


def _wanted_by(session: Session, peer: str) -> list[str]:
    row = session.get(Setting, _wanted_key(peer))
    return json.loads(row.value) if row is not None else []


# ---- import ----------------------------------------------------------------------------------


def receive(
    session: Session, files: dict[str, bytes], manifest: dict[str, Any], sender: str,
    folder: Path | None, *, store: bool,
) -> dict[str, int]:  # fmt: skip
    """Keep the received files that belong to a photo record here (``store``: write them;
    a preview only counts), remember what the sender asked for, count what is still pending.

    Called after the part's ops are applied and flushed, in the import's transaction.
    """
    _remember_wanted(session, sender, manifest.get("blobs_wanted"))
    if folder is None:
        return {}
    known = set(
        session.scalars(select(Photo.sha256).where(Photo.sha256.in_(list(files)))).all()
        if files
        else ()
    )
    accepted = {
        sha for sha, data in files.items()
        if sha in known and hashlib.sha256(data).hexdigest() == sha
    }  # fmt: skip
    if store:
        for sha in sorted(accepted):
            store_blob(folder, sha, files[sha])
    refused = len(files) - len(accepted)
    if refused:
        log.warning("%d received file(s) match no photo record and were not kept", refused)
    pending = {
        sha
        for sha, *_rest in _photo_creates(session, live_only=True)
        if sha not in accepted and not stored_path(folder, sha).exists()
    }
    return {
        "photos_received": len(accepted),
        "photos_refused": refused,
        "photos_pending": len(pending),
    }


def _remember_wanted(session: Session, sender: str, wanted: Any) -> None:
    if not isinstance(wanted, list):
        return
    valid = sorted({w for w in wanted[:MAX_WANTED] if isinstance(w, str) and _is_sha(w)})
    key = _wanted_key(sender)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(valid)))
    else:
        row.value = json.dumps(valid)


def _is_sha(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def photos_text(report: dict[str, Any]) -> str:
    """What an import report says about photo files, for the screens and the command line
    (" — 2 photos pending"); empty when there is nothing to say."""
    said = []
    pending = report.get("photos_pending") or 0
    if pending:
        said.append(
            ngettext(
                "{count} photo pending (its file has not arrived yet)",
                "{count} photos pending (their files have not arrived yet)",
                pending,
            ).format(count=pending)
        )
    refused = report.get("photos_refused") or 0
    if refused:
        said.append(
            ngettext(
                "{count} received file refused (it belongs to no photo)",
                "{count} received files refused (they belong to no photo)",
                refused,
            ).format(count=refused)
        )
    return "".join(" — " + text for text in said)

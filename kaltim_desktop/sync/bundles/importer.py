# SPDX-License-Identifier: GPL-3.0-or-later
"""Importing one bundle part (sync-design §3.11): decrypt → strict ZIP read → trust checks →
hash checks → apply in one transaction (or a dry run rolled back, for the preview) → history.

Outcomes: ``applied``; ``already`` (the same file again: nothing is written at all);
``quarantined`` (written by a newer application: kept encrypted, not acknowledged, applied by
:func:`retry_quarantined` after the update); ``rejected`` with a code. A rejected or crashed
import leaves the data exactly as it was: everything is applied in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.i18n import _
from kaltim_desktop.models import (
    Setting,
    SyncBundle,
    SyncOriginBlock,
    SyncPeer,
    SyncTrust,
    utcnow,
)
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.sync.bundles import blobs, decode_ahead, layout, reader
from kaltim_desktop.sync.bundles.apply import Applier, Policy
from kaltim_desktop.sync.bundles.checks import LocalTrust, Verified, verify_part
from kaltim_desktop.sync.bundles.errors import (
    E_DAMAGED,
    E_FORK,
    E_SCHEMA_TOO_NEW,
    BundleRejected,
    message,
)
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.checks_review import after_import
from kaltim_desktop.sync.hlc import Hlc, receive
from kaltim_desktop.sync.oplog import this_device, wall_clock_ms
from kaltim_desktop.sync.ops import SYNC_SCHEMA
from kaltim_desktop.trust.registry import ROLE_PROVINCE

log = logging.getLogger(__name__)

# The status bar reads it (kaltim_desktop.services.status.LAST_SYNC_SETTING).
LAST_SYNC_SETTING = "sync.last_exchange_at"

APPLIED, ALREADY, QUARANTINED, REJECTED, PREVIEW = (
    "applied", "already", "quarantined", "rejected", "preview"
)  # fmt: skip


@dataclass(frozen=True)
class ImportContext:
    trust: LocalTrust
    identities: tuple[pyrage.x25519.Identity, ...]
    reader_schema: int = SYNC_SCHEMA  # tests simulate an application update with it
    now_ms: int | None = None
    photos: Path | None = None  # where received photo files are kept (None: not kept)


@dataclass(frozen=True)
class ImportResult:
    """What happened to one part; ``report`` holds counts, ranges, gaps and warnings."""

    file_name: str
    sha256: str
    status: str
    code: str | None = None
    message: str = ""
    sender: str | None = None
    set_id: str | None = None
    part: int | None = None
    parts: int | None = None
    report: dict[str, Any] = field(default_factory=dict)


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def _previous(db: Database, sha: str) -> SyncBundle | None:
    with db.read() as session:
        return session.scalars(
            select(SyncBundle)
            .where(SyncBundle.sha256 == sha, SyncBundle.direction == "in")
            .order_by(SyncBundle.id.desc())
        ).first()


def import_part(
    db: Database, data: bytes, file_name: str, ctx: ImportContext, *, dry_run: bool = False,
    retry: bool = False, progress: Progress | None = None,
) -> ImportResult:  # fmt: skip
    """Import (or with ``dry_run`` preview) one part; see the module docstring. ``progress``
    hears the ops applied so far; a cancel (:class:`~kaltim_desktop.errors.Cancelled`, raised
    by its ``check``) rolls the part's transaction back and propagates."""
    progress = progress or NullProgress()
    sha = hashlib.sha256(data).hexdigest()
    previous = _previous(db, sha)
    if previous is not None and previous.status == APPLIED:
        return ImportResult(
            file_name, sha, ALREADY, message=_already(), sender=previous.peer,
            set_id=previous.set_id, part=previous.part, parts=previous.parts,
            report=json.loads(previous.report),
        )  # fmt: skip
    if previous is not None and previous.status == QUARANTINED and not retry:
        return ImportResult(
            file_name, sha, QUARANTINED, E_SCHEMA_TOO_NEW, message(E_SCHEMA_TOO_NEW),
            sender=previous.peer, set_id=previous.set_id, part=previous.part,
            parts=previous.parts,
        )  # fmt: skip
    try:
        part = reader.open_zip(reader.decrypt(data, list(ctx.identities)))
        verified = verify_part(part, ctx.trust)
        reader.check_members(part)
        manifest = part.manifest
        app = manifest.get("app") or {}
        if int(app.get("min_reader_schema", 0)) > ctx.reader_schema:
            if not dry_run:
                _quarantine(db, data, sha, file_name, manifest, verified)
            return _result(file_name, sha, QUARANTINED, manifest, verified, E_SCHEMA_TOO_NEW)
        return _apply(db, part, verified, data, sha, file_name, ctx, dry_run, previous,
                      progress)  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError, IntegrityError) as exc:
        # Signed, but not shaped as this version writes bundles (a wrong type in the manifest
        # or an op, a record id that already exists). Nothing was applied: the transaction was
        # rolled back.
        log.warning("bundle refused: malformed content", exc_info=True)
        return _rejected(db, sha, file_name, data, BundleRejected(E_DAMAGED, type(exc).__name__),
                         dry_run)  # fmt: skip
    except BundleRejected as exc:
        return _rejected(db, sha, file_name, data, exc, dry_run)


def _rejected(db, sha, file_name, data, exc: BundleRejected, dry_run: bool) -> ImportResult:
    if not dry_run:
        _log_rejection(db, sha, file_name, len(data), exc)
    return ImportResult(
        file_name, sha, REJECTED, exc.code, exc.message, report={"detail": exc.detail}
    )


def _already() -> str:
    return _("This file was already imported; nothing was changed.")


def _result(file_name, sha, status, manifest, verified: Verified, code=None, report=None):
    return ImportResult(
        file_name, sha, status, code, message(code) if code else "",
        sender=verified.sender.device_id, set_id=manifest.get("set_id"),
        part=manifest.get("part"), parts=manifest.get("parts"), report=report or {},
    )  # fmt: skip


def _policy(session: Session, verified: Verified, ctx: ImportContext, bundle_id) -> Policy:
    registry, sender = verified.registry, verified.sender
    at_province = ctx.trust.role == ROLE_PROVINCE
    revocation = registry.revoked.get(sender.device_id)
    return Policy(
        own_device=sender.device_id if at_province else None,
        scope=sender.scope if at_province else None,
        province_devices=frozenset(registry.province_device_ids()),
        valid_through=dict(revocation.valid_through) if revocation else {},
        revoked=revocation is not None,
        check_clock=at_province,
        bundle_id=bundle_id,
    )


def _blocked(session: Session, part: reader.Part) -> None:
    for entry in part.manifest.get("ops") or ():
        block = session.get(SyncOriginBlock, entry.get("origin"))
        if block is not None and int(entry.get("to", 0)) >= block.from_seq:
            raise BundleRejected(E_FORK, "origin blocked after a fork")


def _apply(
    db, part, verified, data, sha, file_name, ctx, dry_run, previous, progress: Progress
) -> ImportResult:
    manifest = part.manifest
    try:
        with db.transaction() as session:
            _blocked(session, part)
            applier = Applier(
                session, _policy(session, verified, ctx, manifest.get("bundle_id")),
                now_ms=ctx.now_ms,
            )  # fmt: skip
            total = _op_count(manifest)
            applier.expect(total)
            done, said = 0, _("Applying the changes of {name}").format(name=file_name)
            progress.update(0, total, said)
            rows_as = applier.writes.stored  # the worker builds rows as the applier would
            for batch, hashed in decode_ahead.read_ops_hashed(part, stored=rows_as):
                applier.receive(batch, hashed)
                done += len(batch)
                progress.update(done, total, said)
                progress.check()  # a cancel rolls the whole part back
            applier.release_held()
            applier.finish()
            checked = after_import(
                session, applier.touched,
                redirect=ctx.trust.role == ROLE_PROVINCE and not dry_run,
            )  # fmt: skip
            checked["review_opened"] = applier.review_opened
            photos = blobs.receive(session, part.blobs(), manifest, verified.sender.device_id,
                                   ctx.photos, store=not dry_run)  # fmt: skip
            if applier.max_hlc.wall_ms:
                device = this_device(session)
                merged = receive(
                    Hlc(device.hlc_wall_ms, device.hlc_counter), applier.max_hlc, wall_clock_ms()
                )
                device.hlc_wall_ms, device.hlc_counter = merged.wall_ms, merged.counter
            if verified.new_registry is not None:
                _put_trust(session, "registry", verified.new_registry.text)
            _merge_peer(session, verified.sender.device_id, manifest.get("vv_applied") or {})
            report = {
                **applier.outcome.as_dict(),
                **photos,
                **checked,
                "ops": manifest.get("ops") or [],
                "created": manifest.get("created"),
                "registry_version": verified.registry.version,
                "warnings": _warnings(applier, verified, checked),
            }
            result = _result(file_name, sha, APPLIED, manifest, verified, report=report)
            if dry_run:
                raise _DryRun(ImportResult(**{**result.__dict__, "status": PREVIEW}))
            _log(session, previous, sha, file_name, len(data), manifest, verified, report)
            mark_exchange(session)
            return result
    except _DryRun as done:
        return done.result
    except BundleRejected as exc:
        if exc.code == E_FORK and not dry_run:
            _block_origin(db, exc)
        raise


def _op_count(manifest: dict[str, Any]) -> int:
    """The ops the part holds, as its verified manifest lists them."""
    return sum(
        entry["count"] for entry in manifest["files"] if layout.OPS_NAME.fullmatch(entry["path"])
    )


def _warnings(applier: Applier, verified: Verified, checked: dict[str, Any]) -> list[str]:
    out = []
    outcome = applier.outcome
    if outcome.gaps:
        out.append("W_GAP_HELD")
    if outcome.held_revoked or verified.registry.revoked.get(verified.sender.device_id):
        out.append("W_REVOKED")
    if outcome.held_clock:
        out.append("W_CLOCK_SKEW")
    if verified.registry.expired(time.time()):
        out.append("W_REGISTRY_EXPIRED")
    if checked["review_opened"]:
        out.append("W_CONFLICTS")
    if checked["duplicates_new"]:
        out.append("W_DUPLICATE_CANDIDATES")
    elif checked["duplicates_new"] is None:
        out.append("W_DUPLICATE_SCAN_DEFERRED")
    if checked["invariants_open"]:
        out.append("W_INVARIANTS")
    return out


def mark_exchange(session: Session) -> None:
    """Record the time of the last export or import for the status bar."""
    row = session.get(Setting, LAST_SYNC_SETTING)
    if row is None:
        session.add(Setting(key=LAST_SYNC_SETTING, value=utcnow().isoformat()))
    else:
        row.value = utcnow().isoformat()


def _put_trust(session: Session, key: str, value: str) -> None:
    row = session.get(SyncTrust, key)
    if row is None:
        session.add(SyncTrust(key=key, value=value))
    else:
        row.value = value


def _merge_peer(session: Session, device_id: str, reported: dict[str, int]) -> None:
    """Element-wise maximum: an old bundle replayed late never lowers what a peer reported."""
    row = session.get(SyncPeer, device_id)
    current = json.loads(row.vv_applied) if row is not None else {}
    for origin, seq in reported.items():
        if isinstance(seq, int) and seq > current.get(origin, 0):
            current[origin] = seq
    text = canonical_json(current)
    if row is None:
        session.add(SyncPeer(device_id=device_id, vv_applied=text, updated_at=utcnow()))
    else:
        row.vv_applied, row.updated_at = text, utcnow()


def _row(sha, file_name, size, manifest, peer, status, code, report, payload=None) -> SyncBundle:
    return SyncBundle(
        sha256=sha, direction="in", status=status, code=code,
        bundle_id=manifest.get("bundle_id"), set_id=manifest.get("set_id"),
        part=manifest.get("part"), parts=manifest.get("parts"), peer=peer,
        file_name=file_name[:200], size=size, at=utcnow(), report=canonical_json(report),
        payload=payload,
    )  # fmt: skip


def _log(session, previous, sha, file_name, size, manifest, verified, report) -> None:
    if previous is not None and previous.status == QUARANTINED:
        row = session.get(SyncBundle, previous.id)
        row.status, row.code, row.payload = APPLIED, None, None
        row.report, row.at = canonical_json(report), utcnow()
        return
    session.add(
        _row(sha, file_name, size, manifest, verified.sender.device_id, APPLIED, None, report)
    )


def _quarantine(db, data, sha, file_name, manifest, verified) -> None:
    with db.transaction() as session:
        exists = session.scalar(
            select(SyncBundle.id).where(SyncBundle.sha256 == sha, SyncBundle.status == QUARANTINED)
        )
        if exists is not None:
            return
        session.add(
            _row(
                sha, file_name, len(data), manifest, verified.sender.device_id, QUARANTINED,
                E_SCHEMA_TOO_NEW, {"ops": manifest.get("ops") or []}, payload=data,
            )
        )  # fmt: skip


def _log_rejection(db, sha, file_name, size, exc: BundleRejected) -> None:
    with db.transaction() as session:
        session.add(
            _row(sha, file_name, size, {}, None, REJECTED, exc.code, {"detail": exc.detail})
        )


def _block_origin(db: Database, exc: BundleRejected) -> None:
    """Remember a fork outside the rolled-back transaction: nothing more from that slot on."""
    origin, _sep, seq = (exc.detail or "").removeprefix("fork at ").rpartition(":")
    if not origin or not seq.isdigit():
        return
    with db.transaction() as session:
        if session.get(SyncOriginBlock, origin) is None:
            session.add(
                SyncOriginBlock(origin=origin, from_seq=int(seq), reason="fork", at=utcnow())
            )


def retry_quarantined(db: Database, ctx: ImportContext) -> list[ImportResult]:
    """Re-import every quarantined part (after an application update)."""
    with db.read() as session:
        rows = session.execute(
            select(SyncBundle.sha256, SyncBundle.file_name, SyncBundle.payload).where(
                SyncBundle.status == QUARANTINED, SyncBundle.direction == "in"
            )
        ).all()
    return [
        import_part(db, payload, name or "", ctx, retry=True)
        for _sha, name, payload in rows
        if payload is not None
    ]

# SPDX-License-Identifier: GPL-3.0-or-later
"""Use cases of the exchange itself: export bundles, preview and import them, the import
history and this installation's sync status (for the Synchronisation page and the CLI)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from kaltim_desktop import __version__
from kaltim_desktop.db import Database
from kaltim_desktop.errors import Cancelled, KaltimError, NotFound
from kaltim_desktop.i18n import _, ngettext
from kaltim_desktop.models import Device, SyncBundle, SyncHeldOp, SyncOp, SyncPeer, utcnow
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.services.context import (
    INSTALLATION_PROVINCE,
    Actor,
    installation_role,
    require_role,
)
from kaltim_desktop.services.photos import photos_dir
from kaltim_desktop.services.sync_identity import local_identity
from kaltim_desktop.services.sync_trust import get_trust, refresh_trust_file, stored_registry
from kaltim_desktop.sync import audit, purge_audit
from kaltim_desktop.sync.bundles import blobs, layout
from kaltim_desktop.sync.bundles.age_keys import recipient_key_id
from kaltim_desktop.sync.bundles.apply import Applier, Policy
from kaltim_desktop.sync.bundles.errors import E_SIZE_LIMIT, message
from kaltim_desktop.sync.bundles.exporter import applied_vv, own_ops, peer_ops, peer_vv
from kaltim_desktop.sync.bundles.importer import (
    APPLIED,
    REJECTED,
    ImportContext,
    ImportResult,
    import_part,
    mark_exchange,
    retry_quarantined,
)
from kaltim_desktop.sync.bundles.restore_marker import check_marker, write_marker
from kaltim_desktop.sync.bundles.writer import Addressees, Sender, WrittenPart, write_set
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.oplog import this_device
from kaltim_desktop.sync.ops import SYNC_SCHEMA
from kaltim_desktop.trust import keys as device_keys
from kaltim_desktop.trust.registry import ROLE_DISTRICT, ROLE_PROVINCE

STALE_DAYS = 14  # warn when the oldest unacknowledged change is older


@dataclass(frozen=True)
class ExportedSet:
    peer: str
    parts: tuple[WrittenPart, ...]
    ops: int


def _sender(session, data_dir: Path, role: str, scope) -> Sender:
    certificate = get_trust(session, "device_cert")
    if certificate is None:
        raise KaltimError(message("E_NOT_ENROLLED"))
    return Sender(
        device_keys.load_or_create(data_dir), this_device(session).device_id, role,
        certificate, tuple(scope), __version__, SYNC_SCHEMA,
    )  # fmt: skip


def export_bundles(
    db: Database, data_dir: Path, actor: Actor, out_dir: Path, *, small: bool = False,
    device_id: str | None = None,
) -> tuple[ExportedSet, ...]:  # fmt: skip
    """Write the bundles this installation owes: a laptop its unacknowledged changes to the
    province; the province, for every enrolled laptop (or ``device_id``), acknowledgements,
    the registry and the changes of that laptop's regency it has not applied yet."""
    require_role(actor, "operator")
    try:
        return _export(db, data_dir, actor, out_dir, small, device_id)
    except OSError as exc:
        # The transaction was rolled back: nothing is recorded as sent. At most a ``.tmp``
        # file is left on the drive, which no import reads.
        raise KaltimError(
            _(
                "The bundle could not be written (the drive is full or was removed). Nothing "
                "was recorded as sent; try again."
            )
        ) from exc


def _export(db, data_dir, actor, out_dir, small, device_id) -> tuple[ExportedSet, ...]:
    cap = layout.SMALL_PART_CAP if small else layout.PART_CAP
    photos = photos_dir(data_dir)
    sets: list[ExportedSet] = []
    with db.transaction() as session:
        registry = stored_registry(session)
        if registry is None:
            raise KaltimError(message("E_NOT_ENROLLED"))
        device = this_device(session)
        vv = applied_vv(session)
        header = {"vv_applied": vv, "registry_version": registry.version,
                  "created": utcnow().isoformat()}  # fmt: skip
        if device.device_id in registry.province_device_ids():
            sender = _sender(
                session, data_dir, ROLE_PROVINCE, registry.devices[device.device_id].scope
            )
            targets = [
                d for d in registry.devices.values()
                if d.role == ROLE_DISTRICT and d.device_id not in registry.revoked
                and (device_id is None or d.device_id == device_id)
            ]  # fmt: skip
            if device_id is not None and not targets:
                raise NotFound(_("No enrolled laptop has this device id."))
            for target in targets:
                their_vv = peer_vv(session, target.device_id)
                counted = peer_ops(session, target.scope, their_vv, target.device_id)
                to = Addressees((target.enc_pk,), (recipient_key_id(target.enc_pk),))
                # Photo files go only where their records go: the laptop's scope.
                carried = blobs.province_carries(target.device_id, their_vv, target.scope)
                parts = write_set(
                    out_dir / target.device_id, sender, to, counted,
                    {**header, "blobs_wanted": blobs.wanted_here(session, photos, target.scope)},
                    cap=cap, registry_text=registry.text,
                    blobs=blobs.outgoing(session, photos, target.device_id, carried, target.scope),
                )  # fmt: skip
                sets.append(ExportedSet(target.device_id, tuple(parts), _op_count(parts)))
        else:
            check_marker(data_dir, device.origin, device.last_seq)
            entry = registry.devices.get(device.device_id)
            if entry is None:
                raise KaltimError(message("E_NOT_ENROLLED"))
            sender = _sender(session, data_dir, ROLE_DISTRICT, entry.scope)
            province = next(iter(sorted(registry.province_device_ids())), "")
            acked = peer_vv(session, province)
            counted = own_ops(session, device.device_id, acked)
            to = Addressees(tuple(registry.recipients()), tuple(registry.recipient_ids()))
            carried = blobs.laptop_carries(device.device_id, acked)
            parts = write_set(
                out_dir, sender, to, counted,
                {**header, "blobs_wanted": blobs.wanted_here(session, photos)}, cap=cap,
                blobs=blobs.outgoing(session, photos, province, carried, None),
            )  # fmt: skip
            sets.append(ExportedSet(province, tuple(parts), _op_count(parts)))
            write_marker(data_dir, device.origin, device.last_seq)
        for exported in sets:
            for part in exported.parts:
                session.add(
                    SyncBundle(
                        sha256=part.sha256, direction="out", status="exported", code=None,
                        bundle_id=part.manifest["bundle_id"], set_id=part.manifest["set_id"],
                        part=part.manifest["part"], parts=part.manifest["parts"],
                        peer=exported.peer, file_name=part.path.name, size=part.size,
                        at=utcnow(), report=canonical_json({"ops": part.manifest["ops"]}),
                    )
                )  # fmt: skip
        audit.append(
            session, action="sync.export", actor=actor.officer_id, device=device.origin,
            entity="device", entity_id=device.device_id,
            after={"sets": [{"peer": s.peer, "parts": len(s.parts), "ops": s.ops} for s in sets]},
        )  # fmt: skip
        mark_exchange(session)
    return tuple(sets)


def _op_count(parts) -> int:
    """The ops written, as the parts' manifests list them."""
    return sum(r["count"] for part in parts for r in part.manifest["ops"])


def import_bundles(
    db: Database, data_dir: Path, actor: Actor, files: list[Path], *, dry_run: bool = False,
    identity_files: tuple[Path, ...] = (), reader_schema: int = SYNC_SCHEMA,
    progress: Progress | None = None,
) -> tuple[ImportResult, ...]:  # fmt: skip
    """Import (or preview, with ``dry_run``) bundle parts in the order given; parts whose
    predecessors are missing are held and applied when those arrive. Quarantined parts are
    retried first (they may be readable after an application update).

    Each part is applied in a transaction of its own; a cancel rolls back the part being
    applied (the parts before it stay imported, as they would after a stick pulled out) and
    raises :class:`~kaltim_desktop.errors.Cancelled` saying so."""
    require_role(actor, "operator")
    progress = progress or NullProgress()
    identity = local_identity(db, data_dir, identity_files)
    ctx = ImportContext(identity.trust, identity.identities, reader_schema=reader_schema,
                        photos=photos_dir(data_dir))  # fmt: skip
    results: list[ImportResult] = []
    if not dry_run:
        results += [r for r in retry_quarantined(db, ctx) if r.status != "quarantined"]
    try:
        _import_files(db, data_dir, files, ctx, results, dry_run, identity_files, reader_schema,
                      progress)  # fmt: skip
    except Cancelled as exc:
        imported = sum(1 for r in results if r.status == APPLIED)
        if dry_run or not imported:
            raise
        raise Cancelled(
            ngettext(
                "Cancelled. {count} file was imported before; the rest was not changed.",
                "Cancelled. {count} files were imported before; the rest was not changed.",
                imported,
            ).format(count=imported)
        ) from exc
    if not dry_run:
        purge_audit.scrub_if_pending(db)  # an applied erasure left old bytes in free pages
    return tuple(results)


def _import_files(
    db, data_dir, files, ctx, results, dry_run, identity_files, reader_schema, progress
) -> None:
    for path in files:
        progress.check()
        if path.name.endswith(layout.TEMP_SUFFIX):
            continue  # an interrupted export: never a complete bundle
        try:
            if path.stat().st_size > layout.MAX_PART_FILE:
                results.append(
                    ImportResult(path.name, "", REJECTED, E_SIZE_LIMIT, message(E_SIZE_LIMIT))
                )
                continue
            data = path.read_bytes()
        except OSError as exc:
            raise NotFound(_("The file {name} cannot be read.").format(name=path.name)) from exc
        results.append(import_part(db, data, path.name, ctx, dry_run=dry_run, progress=progress))
        if not dry_run and results[-1].status == APPLIED:
            refresh_trust_file(db, data_dir)
        if not dry_run:
            # Later files are checked against the registry an earlier one may have brought.
            identity = local_identity(db, data_dir, identity_files)
            ctx = ImportContext(identity.trust, identity.identities, reader_schema=reader_schema,
                                photos=photos_dir(data_dir))  # fmt: skip


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    direction: str
    status: str
    code: str | None
    peer: str | None
    file_name: str | None
    part: int | None
    parts: int | None
    size: int | None
    report: dict


def history(db: Database, limit: int = 200) -> tuple[HistoryRow, ...]:
    with db.read() as session:
        rows = session.scalars(select(SyncBundle).order_by(SyncBundle.id.desc()).limit(limit)).all()
        return tuple(
            HistoryRow(
                r.at,
                r.direction,
                r.status,
                r.code,
                r.peer,
                r.file_name,
                r.part,
                r.parts,
                r.size,
                json.loads(r.report),
            )
            for r in rows
        )


@dataclass(frozen=True)
class SyncStatus:
    """What the Synchronisation page shows about this installation."""

    role: str
    device_id: str
    enrolled: bool
    scope: tuple[str, ...]
    registry_version: int | None
    unsent_ops: int
    acknowledged_seq: int
    last_ack_at: datetime | None
    oldest_unacked_at: datetime | None
    held_ops: int
    devices: int

    @property
    def oldest_unacked_days(self) -> int | None:
        if self.oldest_unacked_at is None:
            return None
        return (datetime.now(UTC) - self.oldest_unacked_at).days

    @property
    def stale(self) -> bool:
        days = self.oldest_unacked_days
        return days is not None and days >= STALE_DAYS


def sync_status(db: Database) -> SyncStatus:
    with db.read() as session:
        registry = stored_registry(session)
        # Read only: a fresh installation has no device row until its first write.
        device = session.scalars(select(Device)).first() or Device(
            device_id="—", epoch=1, last_seq=0
        )
        entry = registry.devices.get(device.device_id) if registry else None
        if entry is not None:
            role = entry.role
        else:
            province_role = installation_role(session) == INSTALLATION_PROVINCE
            role = ROLE_PROVINCE if province_role else ROLE_DISTRICT
        province = sorted(registry.province_device_ids()) if registry else []
        peer = session.get(SyncPeer, province[0]) if province else None
        acked = json.loads(peer.vv_applied).get(device.origin, 0) if peer else 0
        unsent, oldest_hlc = 0, None
        if role == ROLE_DISTRICT:
            unsent = session.scalar(
                select(func.count()).select_from(SyncOp)
                .where(SyncOp.origin == device.origin, SyncOp.seq > acked)
            ) or 0  # fmt: skip
            oldest_hlc = session.scalar(
                select(SyncOp.hlc).where(SyncOp.origin == device.origin, SyncOp.seq == acked + 1)
            )
        held = session.scalar(select(func.count()).select_from(SyncHeldOp)) or 0
    oldest = (
        datetime.fromtimestamp(Hlc.parse(oldest_hlc).wall_ms / 1000, UTC) if oldest_hlc else None
    )
    return SyncStatus(
        role=role,
        device_id=device.device_id,
        enrolled=entry is not None,
        scope=entry.scope if entry else (),
        registry_version=registry.version if registry else None,
        unsent_ops=unsent,
        acknowledged_seq=acked,
        last_ack_at=peer.updated_at if peer else None,
        oldest_unacked_at=oldest,
        held_ops=held,
        devices=len(registry.devices) if registry else 0,
    )


# Reasons a change is held for a supervisor (the other reason, "gap", resolves itself).
HELD_FOR_REVIEW = ("clock_skew", "revoked")


def release_held(
    db: Database, actor: Actor, origin: str, reasons: tuple[str, ...] = HELD_FOR_REVIEW
) -> int:
    """Apply the changes of ``origin`` held for review for ``reasons`` (clock ahead, revoked
    laptop) after a supervisor has looked at them; they were fully checked when they arrived.
    Returns how many changes were applied."""
    require_role(actor, "supervisor")
    reasons = tuple(r for r in reasons if r in HELD_FOR_REVIEW)
    with db.transaction() as session:
        rows = session.scalars(
            select(SyncHeldOp).where(SyncHeldOp.origin == origin, SyncHeldOp.reason.in_(reasons))
        ).all()
        if not rows:
            raise NotFound(_("No changes of this origin are held for review."))
        for row in rows:
            row.reason = "gap"
        session.flush()
        applier = Applier(session, Policy(None, None, frozenset()))
        applier.release_held()
        applier.flush()
        audit.append(
            session, action="sync.release_held", actor=actor.officer_id, entity="sync_origin",
            entity_id=origin, after={"released": applier.outcome.released},
        )  # fmt: skip
        return applier.outcome.released

# SPDX-License-Identifier: GPL-3.0-or-later
"""Looking after the database file: backups and restoring one (the health check is in
:mod:`kaltim_desktop.services.health`).

These functions work on the file, not on an open :class:`~kaltim_desktop.db.Database`:
:func:`restore` in particular must run while no engine has the live database open, which is
why the command line runs it before opening anything.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.db import (
    Database,
    backup,
    check_integrity,
    connect_read_only,
    current_revision,
    ensure_not_newer,
    head_revision,
    make_engine,
    migrate,
    sqlite_url,
)
from kaltim_desktop.errors import DatabaseError, NotFound
from kaltim_desktop.i18n import _
from kaltim_desktop.models import (
    Device,
    Grant,
    Handover,
    Household,
    Person,
    Training,
    utcnow,
)
from kaltim_desktop.sync import audit
from kaltim_desktop.sync.oplog import this_device

log = logging.getLogger(__name__)

__all__ = [
    "DataSummary",
    "RestoreReport",
    "backup_now",
    "data_summary",
    "restore",
]


@dataclass(frozen=True)
class RestoreReport:
    """What :func:`restore` did.

    Attributes:
        source: the file that was restored.
        restored_revision: the schema revision the file had.
        revision: the revision of the live database now (the head).
        previous_backup: the backup of the database that was replaced (None if there was none).
        device_id: this installation's device id after the restore.
        previous_epoch: the epoch recorded in the restored file.
        epoch: the new epoch; ops written from now on use origin ``device_id#epoch``.
    """

    source: Path
    restored_revision: str
    revision: str
    previous_backup: Path | None
    device_id: str
    previous_epoch: int
    epoch: int


@dataclass(frozen=True)
class DataSummary:
    """How much live (not deleted) data the database holds."""

    households: int
    persons: int
    handovers: int
    grants: int
    trainings: int


# ---- helpers --------------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a database with the SQLite online backup API (pages still in a WAL included)."""
    try:
        with closing(connect_read_only(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            _("The file is not a database of this application or is damaged.")
        ) from exc


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class _DeviceState:
    device_id: str
    epoch: int
    last_seq: int
    hlc_wall_ms: int
    hlc_counter: int


def _device_state(path: Path) -> tuple[_DeviceState | None, dict[str, int]]:
    """Read the device row and the highest epoch seen per device id in the op log."""
    with closing(connect_read_only(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        device = None
        if "device" in tables:
            row = conn.execute(
                "SELECT device_id, epoch, last_seq, hlc_wall_ms, hlc_counter FROM device LIMIT 1"
            ).fetchone()
            device = _DeviceState(*row) if row else None
        epochs: dict[str, int] = {}
        if "sync_op" in tables:
            for (origin,) in conn.execute("SELECT DISTINCT origin FROM sync_op"):
                device_id, _sep, epoch = origin.rpartition("#")
                if epoch.isdigit():
                    epochs[device_id] = max(epochs.get(device_id, 0), int(epoch))
    return device, epochs


# ---- backup ---------------------------------------------------------------------------------


def backup_now(db_path: Path, backups_dir: Path) -> Path:
    """Back up the database now; only the newest few backups are kept.

    The file is named after the schema revision, like the automatic backup taken at start-up,
    so that all backups sort by age (old ones are pruned by name).

    Raises:
        NotFound: there is no database yet.
        DatabaseError: the file is not a database of this application.
    """
    if not db_path.is_file():
        raise NotFound(_("There is no database to back up yet."))
    revision = current_revision(db_path)
    target = backup(db_path, backups_dir, label=f"r{revision or 'none'}")
    log.info("database backed up to %s", target.name)
    return target


# ---- restore --------------------------------------------------------------------------------


def _validate_restore_file(staging: Path) -> str:
    """Return the revision of a copied backup, or raise if it cannot be restored."""
    revision = current_revision(staging)
    if revision is None:
        raise DatabaseError(_("The file is not a database of this application or is damaged."))
    ensure_not_newer(revision)
    problems = check_integrity(staging)
    if problems:
        log.warning("restore refused: %d integrity problems", len(problems))
        raise DatabaseError(
            _("The backup file is damaged and cannot be restored; nothing was changed.")
        )
    return revision


def restore(db_path: Path, file: Path, backups_dir: Path) -> RestoreReport:
    """Replace the live database with a backup, then upgrade it and start a new device epoch.

    No engine may have ``db_path`` open while this runs. The backup is copied next to the live
    database and validated, upgraded and moved to the new epoch there; a refused or failing
    file leaves the live database exactly as it was. The live database is backed up, then
    replaced in one step with the SQLite backup API.

    The restored database has forgotten every op written since the backup was taken, but those
    ``(origin, seq)`` slots may already have travelled to the province. Writing again under the
    same origin would hand out the same slots for different ops (a fork), so the device moves
    to a new epoch (a new origin) whose sequence starts again at 1.

    Args:
        db_path: the live database (it need not exist).
        file: the backup to restore.
        backups_dir: where the backup of the live database goes.

    Returns:
        A :class:`RestoreReport`.

    Raises:
        NotFound: ``file`` does not exist.
        SchemaTooNew: the backup was written by a newer version of the application.
        DatabaseError: the file is not a database of this application, or it is damaged.
    """
    file = Path(file)
    if not file.is_file():
        raise NotFound(_("The backup file was not found."))
    if db_path.exists() and file.resolve() == db_path.resolve():
        raise DatabaseError(_("This file is the database in use; choose a backup file."))
    staging = db_path.with_name(db_path.name + ".restoring")
    _remove_with_journals(staging)
    try:
        # Everything happens on a copy next to the live database: validation sees exactly what
        # will be restored, pruning old backups cannot delete the file being restored, and the
        # live database is replaced in one step only once the copy is complete (upgraded, on
        # its new epoch, audited), so no crash can leave it restored but on the old epoch.
        _sqlite_copy(file, staging)
        restored_revision = _validate_restore_file(staging)
        restored_device, epochs = _device_state(staging)
        live_device, live_epochs = _device_state(db_path) if db_path.is_file() else (None, {})
        for device_id, epoch in live_epochs.items():
            epochs[device_id] = max(epoch, epochs.get(device_id, 0))
        previous_backup = backup_now(db_path, backups_dir) if db_path.is_file() else None
        if restored_revision != head_revision():
            migrate(staging)
        database = Database(make_engine(sqlite_url(staging)), staging)
        try:
            with database.transaction() as session:
                report = _new_epoch(
                    session,
                    restored_device,
                    live_device,
                    epochs,
                    file,
                    restored_revision,
                    previous_backup,
                )
        finally:
            database.dispose()
        _sqlite_copy(staging, db_path)
    finally:
        _remove_with_journals(staging)
    log.info(
        "database restored (revision %s), device %s now at epoch %d",
        restored_revision,
        report.device_id,
        report.epoch,
    )
    return report


def _new_epoch(
    session: Session,
    restored: _DeviceState | None,
    live: _DeviceState | None,
    epochs: dict[str, int],
    file: Path,
    restored_revision: str,
    previous_backup: Path | None,
) -> RestoreReport:
    """Move the device to an epoch above every one it has used, and audit the restore."""
    if restored is None and live is not None:
        # A backup taken before this laptop wrote anything: keep the laptop's identity.
        session.add(
            Device(
                device_id=live.device_id,
                epoch=live.epoch,
                last_seq=0,
                hlc_wall_ms=live.hlc_wall_ms,
                hlc_counter=live.hlc_counter,
                created_at=utcnow(),
            )
        )
        session.flush()
    device = this_device(session)
    old_epoch, old_seq = device.epoch, device.last_seq
    used = [device.epoch, epochs.get(device.device_id, 0)]
    if live is not None and live.device_id == device.device_id:
        used.append(live.epoch)
        # Keep the hybrid logical clock monotonic across the restore.
        if (live.hlc_wall_ms, live.hlc_counter) > (device.hlc_wall_ms, device.hlc_counter):
            device.hlc_wall_ms, device.hlc_counter = live.hlc_wall_ms, live.hlc_counter
    device.epoch = max(used) + 1
    device.last_seq = 0
    session.flush()
    audit.append(
        session,
        action="db.restore",
        device=device.origin,
        entity="device",
        entity_id=device.device_id,
        before={"epoch": old_epoch, "last_seq": old_seq, "revision": restored_revision},
        after={
            "epoch": device.epoch,
            "last_seq": 0,
            "revision": head_revision(),
            "source": file.name,
        },
    )
    return RestoreReport(
        source=file,
        restored_revision=restored_revision,
        revision=head_revision(),
        previous_backup=previous_backup,
        device_id=device.device_id,
        previous_epoch=old_epoch,
        epoch=device.epoch,
    )


# ---- summary --------------------------------------------------------------------------------


def data_summary(db: Database) -> DataSummary:
    """Count the live records of the main registers (for the start screen)."""
    with db.read() as session:

        def live(model) -> int:
            return (
                session.scalar(
                    select(func.count()).select_from(model).where(model.deleted.is_(False))
                )
                or 0
            )

        return DataSummary(
            households=live(Household),
            persons=live(Person),
            handovers=live(Handover),
            grants=live(Grant),
            trainings=live(Training),
        )

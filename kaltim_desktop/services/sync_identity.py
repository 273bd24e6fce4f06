# SPDX-License-Identifier: GPL-3.0-or-later
"""The trust and decryption keys this installation imports with (the province's keys and its
own registry, or a laptop's key, its pinned province root and the newest registry it has), and
the list of laptops the registry names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import SyncPeer
from kaltim_desktop.services.context import INSTALLATION_PROVINCE, installation_role
from kaltim_desktop.services.sync_trust import get_trust, stored_registry
from kaltim_desktop.sync.bundles.age_keys import read_identity_file, recipient_key_id
from kaltim_desktop.sync.bundles.checks import LocalTrust
from kaltim_desktop.trust import enrolment
from kaltim_desktop.trust import keys as device_keys
from kaltim_desktop.trust.province_keys import load_province_keys
from kaltim_desktop.trust.registry import ROLE_DISTRICT, ROLE_PROVINCE, DeviceEntry


@dataclass(frozen=True)
class Identity:
    """This installation's trust for an import, with the keys it can decrypt with."""

    trust: LocalTrust
    identities: tuple
    role: str


def local_identity(
    db: Database, data_dir: Path, extra_identity_files: tuple[Path, ...] = ()
) -> Identity:
    """Load the trust and decryption keys (province keys, or this laptop's key)."""
    with db.read() as session:
        role = installation_role(session)
        registry = stored_registry(session)
        root_b64 = get_trust(session, "root_key")
    if registry is None or root_b64 is None:
        raise KaltimError(_("This installation is not enrolled in province sync yet."))
    root = DeviceEntry("root", "", 0, root_b64, "", ()).public_key
    if role == INSTALLATION_PROVINCE:
        keys = load_province_keys(data_dir).decryption
        trust_role = ROLE_PROVINCE
    else:
        keys = (enrolment.device_encryption_key(data_dir),)
        trust_role = ROLE_DISTRICT
    identities = [k.identity() for k in keys]
    key_ids = {k.key_id for k in keys}
    for path in extra_identity_files:
        try:
            extra = read_identity_file(path)
        except (OSError, ValueError) as exc:
            raise KaltimError(_("The key file cannot be read.")) from exc
        identities.append(extra)
        key_ids.add(recipient_key_id(str(extra.to_public())))
    trust = LocalTrust(trust_role, {device_keys.key_id(root): root}, registry, frozenset(key_ids))
    return Identity(trust, tuple(identities), trust_role)


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    role: str
    scope: tuple[str, ...]
    serial: int
    officer: str
    revoked: bool
    last_exchange: datetime | None


def list_devices(db: Database) -> tuple[DeviceRow, ...]:
    with db.read() as session:
        registry = stored_registry(session)
        if registry is None:
            return ()
        seen = dict(session.execute(select(SyncPeer.device_id, SyncPeer.updated_at)).all())
    return tuple(
        DeviceRow(
            d.device_id,
            d.role,
            d.scope,
            d.serial,
            d.officer,
            d.device_id in registry.revoked,
            seen.get(d.device_id),
        )
        for d in sorted(registry.devices.values(), key=lambda d: d.serial)
    )

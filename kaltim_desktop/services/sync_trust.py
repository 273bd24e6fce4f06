# SPDX-License-Identifier: GPL-3.0-or-later
"""Use cases of trust between the province and the laptops: province set-up, enrolment
request, approval, enrolment, revocation, the device list, and the trust this installation
uses when it imports.

Private keys live in ``<data_dir>/keys/`` (see :mod:`kaltim_desktop.trust.province_keys` and
:mod:`kaltim_desktop.trust.enrolment`); the database only holds public documents.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import Issue, KaltimError, NotFound, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import SyncTrust
from kaltim_desktop.services.context import (
    INSTALLATION_PROVINCE,
    Actor,
    get_setting,
    installation_role,
    require_role,
    set_setting,
)
from kaltim_desktop.sync import audit
from kaltim_desktop.sync.bundles.exporter import applied_vv
from kaltim_desktop.sync.oplog import this_device
from kaltim_desktop.trust import enrolment
from kaltim_desktop.trust import keys as device_keys
from kaltim_desktop.trust.province_keys import (
    create_province_keys,
    load_province_keys,
    new_encryption_key,
)
from kaltim_desktop.trust.province_trust import document_signature, write_trust_file
from kaltim_desktop.trust.registry import (
    ROLE_DISTRICT,
    ROLE_PROVINCE,
    DeviceEntry,
    Registry,
    Revocation,
    open_registry,
    root_entry,
    sign_registry,
)

PROVINCE_SCOPE = ("64",)  # Kalimantan Timur
REGISTRY_VALIDITY = timedelta(days=365)
ROLE_KEY = "installation.role"
REGENCY_KEY = "installation.regency"


def get_trust(session: Session, key: str) -> str | None:
    row = session.get(SyncTrust, key)
    return None if row is None else row.value


def put_trust(session: Session, key: str, value: str) -> None:
    row = session.get(SyncTrust, key)
    if row is None:
        session.add(SyncTrust(key=key, value=value))
    else:
        row.value = value


def stored_registry(session: Session) -> Registry | None:
    """The registry this installation trusts (verified again against the pinned root)."""
    text, root = get_trust(session, "registry"), get_trust(session, "root_key")
    if text is None or root is None:
        return None
    public = DeviceEntry("root", "", 0, root, "", ()).public_key
    return open_registry(text, {device_keys.key_id(public): public})


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ProvinceSetup:
    device_id: str
    root_fingerprint: str
    registry_version: int
    escrow_file: Path


def province_init(db: Database, data_dir: Path, actor: Actor, escrow_out: Path) -> ProvinceSetup:
    """Make this installation the province office: root key, encryption and escrow keys, the
    province's own certificate and registry version 1.

    Raises:
        PermissionDenied: not an administrator.
        KaltimError: already set up, or the escrow file exists.
    """
    require_role(actor, "admin")
    with db.read() as session:
        if get_trust(session, "registry") is not None:
            raise KaltimError(_("Sync trust is already set up on this installation."))
    keys, primary, escrow = create_province_keys(data_dir, escrow_out)
    device_key = device_keys.load_or_create(data_dir)
    with db.transaction() as session:
        set_setting(session, ROLE_KEY, INSTALLATION_PROVINCE)
        device = this_device(session)
        sign_pk = enrolment.public_b64(device_key.public_key)
        entry = DeviceEntry(
            device.device_id, ROLE_PROVINCE, 1, sign_pk, primary.recipient, PROVINCE_SCOPE,
            actor.username, document_signature(keys.root, device.device_id, sign_pk),
        )  # fmt: skip
        kid, root_b64 = root_entry(keys.root.public_key())
        registry = sign_registry(
            Registry(
                version=1,
                issued=_iso(_now()),
                root_keys={kid: root_b64},
                enc_keys=(
                    {"key_id": primary.key_id, "recipient": primary.recipient, "use": "primary"},
                    {"key_id": escrow.key_id, "recipient": escrow.recipient, "use": "escrow"},
                ),
                devices={entry.device_id: entry},
                expires=_iso(_now() + REGISTRY_VALIDITY),
            ),
            keys.root,
        )
        put_trust(session, "root_key", root_b64)
        put_trust(session, "registry", registry.text)
        put_trust(session, "device_cert", enrolment.issue_certificate(entry, keys.root))
        write_trust_file(data_dir, registry.text, root_b64)
        audit.append(
            session, action="sync.province_init", actor=actor.officer_id,
            device=device.origin, entity="device", entity_id=device.device_id,
            after={"registry_version": 1, "root": kid, "escrow": escrow.key_id},
        )  # fmt: skip
    return ProvinceSetup(
        entry.device_id,
        enrolment.fingerprint(keys.root.public_key().public_bytes_raw()),
        1,
        escrow_out,
    )


@dataclass(frozen=True)
class RequestFile:
    path: Path
    device_id: str
    fingerprint: str


def request_enrolment(db: Database, data_dir: Path, actor: Actor, out_dir: Path) -> RequestFile:
    """Write this laptop's enrolment request and return its fingerprint to read aloud."""
    require_role(actor, "supervisor")
    with db.transaction() as session:
        if installation_role(session) == INSTALLATION_PROVINCE:
            raise KaltimError(_("The province office does not enrol; it approves laptops."))
        regency = get_setting(session, REGENCY_KEY)
        if not regency:
            raise ValidationError(
                [Issue("regency", "sync.regency", "error", _("Set this laptop's regency first."))]
            )
        device_id = this_device(session).device_id
    request = enrolment.make_request(
        device_id,
        device_keys.load_or_create(data_dir),
        enrolment.device_encryption_key(data_dir),
        regency,
        actor.username,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"enrol-request-{device_id}.json"
    path.write_text(request.text + "\n", encoding="utf-8")
    return RequestFile(path, device_id, request.fingerprint)


def _normalise(fingerprint: str) -> str:
    return "".join(fingerprint.split()).upper()


@dataclass(frozen=True)
class Approval:
    path: Path
    device: DeviceEntry
    registry_version: int


def _province_registry(session: Session) -> Registry:
    if installation_role(session) != INSTALLATION_PROVINCE:
        raise KaltimError(_("Only the province office can do this."))
    registry = stored_registry(session)
    if registry is None:
        raise KaltimError(_("Run the province set-up first."))
    return registry


def _publish(session: Session, data_dir: Path, registry: Registry, **changes) -> Registry:
    keys = load_province_keys(data_dir)
    changed = replace(
        registry, version=registry.version + 1, issued=_iso(_now()),
        expires=_iso(_now() + REGISTRY_VALIDITY), **changes,
    )  # fmt: skip
    signed = sign_registry(changed, keys.root)
    put_trust(session, "registry", signed.text)
    write_trust_file(data_dir, signed.text, get_trust(session, "root_key") or "")
    return signed


def approve_request(
    db: Database, data_dir: Path, actor: Actor, request_file: Path, fingerprint: str,
    out_dir: Path, scope: tuple[str, ...] | None = None,
) -> Approval:  # fmt: skip
    """Issue a certificate for a laptop whose fingerprint the operator heard read aloud.

    The scope is the regency the laptop asked for, unless the province gives another one
    (``scope``: regency codes, or ``("64",)`` for a provincial team laptop).

    Raises:
        ValidationError: the fingerprint does not match, or the regency is unknown.
        BundleRejected: the request is malformed or not signed by its key.
    """
    require_role(actor, "admin")
    try:
        text = request_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotFound(_("The request file cannot be read.")) from exc
    request = enrolment.read_request(text)
    if _normalise(request.fingerprint) != _normalise(fingerprint):
        raise ValidationError(
            [Issue("fingerprint", "sync.fingerprint", "error",
                   _("The fingerprint does not match the request file: do not approve it."))]
        )  # fmt: skip
    scope = scope or (request.regency,)
    tree = region_tree()
    for code in scope:
        region = tree.get(code)
        if region is None or region.level not in ("regency", "province"):
            raise ValidationError(
                [Issue("scope", "sync.scope", "error", _("The scope names no known regency."))]
            )
    keys = load_province_keys(data_dir)
    with db.transaction() as session:
        registry = _province_registry(session)
        existing = registry.devices.get(request.device_id)
        if existing is not None and existing.sign_pk != request.sign_pk:
            raise KaltimError(_("Another key is already enrolled under this device id."))
        serial = max((d.serial for d in registry.devices.values()), default=0) + 1
        entry = DeviceEntry(
            request.device_id, ROLE_DISTRICT, serial, request.sign_pk, request.enc_pk,
            tuple(scope), request.officer,
            document_signature(keys.root, request.device_id, request.sign_pk),
        )  # fmt: skip
        registry = _publish(
            session, data_dir, registry, devices={**registry.devices, entry.device_id: entry}
        )
        certificate = enrolment.issue_certificate(entry, keys.root)
        audit.append(
            session, action="sync.device_approve", actor=actor.officer_id,
            entity="device", entity_id=entry.device_id,
            after={"serial": serial, "scope": list(entry.scope), "registry": registry.version},
        )  # fmt: skip
        root_b64 = get_trust(session, "root_key") or ""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"enrolment-{entry.device_id}.json"
    path.write_text(
        enrolment.response_document(certificate, registry, root_b64) + "\n", encoding="utf-8"
    )
    return Approval(path, entry, registry.version)


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    scope: tuple[str, ...]
    root_fingerprint: str
    registry_version: int


def enroll(db: Database, data_dir: Path, actor: Actor, response_file: Path) -> Enrolled:
    """Store the province's answer after checking it names this laptop's own keys."""
    require_role(actor, "supervisor")
    try:
        response = enrolment.read_response(response_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise NotFound(_("The enrolment file cannot be read.")) from exc
    root = response.root_public_key
    registry = open_registry(response.registry, {device_keys.key_id(root): root})
    entry = enrolment.open_certificate(response.certificate, registry)
    own_key = device_keys.load_or_create(data_dir)
    own_enc = enrolment.device_encryption_key(data_dir)
    with db.transaction() as session:
        device_id = this_device(session).device_id
        listed = registry.devices.get(entry.device_id)
        if (
            entry.device_id != device_id
            or entry.sign_pk != enrolment.public_b64(own_key.public_key)
            or entry.enc_pk != own_enc.recipient
            or listed is None
            or listed.serial != entry.serial
        ):
            raise KaltimError(_("This enrolment file was issued for another laptop."))
        pinned = get_trust(session, "root_key")
        root_b64 = enrolment.public_b64(root)
        if pinned is not None and pinned != root_b64:
            raise KaltimError(_("This laptop is already enrolled with another province key."))
        current = stored_registry(session)
        if current is not None and current.version > registry.version:
            registry = current
        put_trust(session, "root_key", root_b64)
        put_trust(session, "registry", registry.text)
        put_trust(session, "device_cert", response.certificate)
        write_trust_file(data_dir, registry.text, root_b64)
        audit.append(
            session, action="sync.enroll", actor=actor.officer_id, entity="device",
            entity_id=device_id, after={"serial": entry.serial, "scope": list(entry.scope)},
        )  # fmt: skip
    return Enrolled(device_id, entry.scope, response.root_fingerprint, registry.version)


def revoke_device(
    db: Database, data_dir: Path, actor: Actor, device_id: str, reason: str,
    valid_through: dict[str, int] | None = None,
) -> int:  # fmt: skip
    """Revoke a laptop: its ops up to ``valid_through`` (default: what the province already
    has) stay accepted, later ones are held for review. Returns the new registry version."""
    require_role(actor, "admin")
    with db.transaction() as session:
        registry = _province_registry(session)
        entry = registry.devices.get(device_id)
        if entry is None or entry.role != ROLE_DISTRICT:
            raise NotFound(_("No enrolled laptop has this device id."))
        through = valid_through
        if through is None:
            through = {
                origin: seq
                for origin, seq in applied_vv(session).items()
                if origin.rpartition("#")[0] == device_id
            }
        revocation = Revocation(device_id, entry.serial, through, reason)
        registry = _publish(
            session, data_dir, registry, revoked={**registry.revoked, device_id: revocation}
        )
        audit.append(
            session, action="sync.device_revoke", actor=actor.officer_id, entity="device",
            entity_id=device_id, after={"valid_through": through, "registry": registry.version},
        )  # fmt: skip
        return registry.version


def rotate_encryption_key(db: Database, data_dir: Path, actor: Actor) -> int:
    """Start using a new province encryption key. The old one is kept (``retired``): bundles
    laptops encrypted to it before they received the new registry still open here. Returns the
    new registry version."""
    require_role(actor, "admin")
    with db.transaction() as session:
        registry = _province_registry(session)
        key = new_encryption_key(data_dir)
        keys = tuple(
            {**k, "use": "retired"} if k["use"] == "primary" else dict(k) for k in registry.enc_keys
        )
        primary = {"key_id": key.key_id, "recipient": key.recipient, "use": "primary"}
        registry = _publish(session, data_dir, registry, enc_keys=(primary, *keys))
        audit.append(
            session, action="sync.key_rotate", actor=actor.officer_id, entity="device",
            entity_id=this_device(session).device_id,
            after={"key": key.key_id, "registry": registry.version},
        )  # fmt: skip
        return registry.version


def refresh_trust_file(db: Database, data_dir: Path) -> None:
    """Rewrite the document trust file from the stored registry (after an import brought a
    newer one)."""
    with db.read() as session:
        registry, root = get_trust(session, "registry"), get_trust(session, "root_key")
    if registry is not None and root is not None:
        write_trust_file(data_dir, registry, root)

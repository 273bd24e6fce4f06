# SPDX-License-Identifier: GPL-3.0-or-later
"""The province's signed registry of devices (sync-design §3.2, TUF-inspired).

It names the province root keys, the province encryption keys (primary, escrow, retired ones
still accepted during a rotation), every enrolled device with its keys and scope, and the
revocations. It travels in every province bundle; a laptop keeps the newest one it has seen and
refuses an older one (rollback). Revocation is expressed in sequence numbers, because laptop
clocks cannot be trusted: a revoked device's ops up to ``valid_through[origin]`` are accepted,
later ones are held for review.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaltim_desktop.sync.bundles import envelope
from kaltim_desktop.sync.bundles.errors import (
    E_CERT_NOT_TRUSTED,
    E_REGISTRY_ROLLBACK,
    BundleRejected,
)
from kaltim_desktop.trust.keys import key_id, raw_public

REGISTRY_KIND = "ksb-registry"
ROLE_DISTRICT = "district"
ROLE_PROVINCE = "province"


@dataclass(frozen=True)
class DeviceEntry:
    device_id: str
    role: str
    serial: int
    sign_pk: str  # raw Ed25519 public key, base64
    enc_pk: str  # age recipient
    scope: tuple[str, ...]
    officer: str = ""
    # The root's signature of this device's document certificate (kaltim_desktop.trust.chain),
    # so any installation holding the registry can verify the documents the device prints.
    doc_sig: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "role": self.role,
            "serial": self.serial,
            "sign_pk": self.sign_pk,
            "enc_pk": self.enc_pk,
            "scope": list(self.scope),
            "officer": self.officer,
            "doc_sig": self.doc_sig,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceEntry:
        return cls(
            device_id=str(data["device_id"]),
            role=str(data["role"]),
            serial=int(data["serial"]),
            sign_pk=str(data["sign_pk"]),
            enc_pk=str(data["enc_pk"]),
            scope=tuple(str(s) for s in data["scope"]),
            officer=str(data.get("officer", "")),
            doc_sig=str(data.get("doc_sig", "")),
        )

    @property
    def public_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(self.sign_pk))


@dataclass(frozen=True)
class Revocation:
    device_id: str
    serial: int
    valid_through: dict[str, int]  # origin -> last accepted seq
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "serial": self.serial,
            "valid_through": dict(self.valid_through),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Registry:
    """A verified registry (or one being built at the province)."""

    version: int
    issued: str
    root_keys: dict[str, str]  # key id -> raw public key, base64
    enc_keys: tuple[dict[str, str], ...]  # {"key_id", "recipient", "use"}
    devices: dict[str, DeviceEntry] = field(default_factory=dict)
    revoked: dict[str, Revocation] = field(default_factory=dict)
    expires: str = ""  # ISO date; an expired registry only warns (laptops stay offline long)
    text: str = ""  # the signed envelope it came from

    def document(self) -> dict[str, Any]:
        return {
            "type": REGISTRY_KIND,
            "version": self.version,
            "issued": self.issued,
            "root_keys": [{"key_id": k, "ed25519": v} for k, v in sorted(self.root_keys.items())],
            "province_enc_keys": [dict(k) for k in self.enc_keys],
            "devices": [d.as_dict() for _, d in sorted(self.devices.items())],
            "revoked": [r.as_dict() for _, r in sorted(self.revoked.items())],
            "expires": self.expires,
        }

    def expired(self, now_ts: float) -> bool:
        if not self.expires:
            return False
        try:
            until = datetime.fromisoformat(self.expires.replace("Z", "+00:00"))
        except ValueError:
            return True
        if until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        return until.timestamp() < now_ts

    def roots(self) -> dict[str, Ed25519PublicKey]:
        return {
            kid: Ed25519PublicKey.from_public_bytes(base64.b64decode(pk))
            for kid, pk in self.root_keys.items()
        }

    def recipients(self) -> list[str]:
        """Where district bundles are encrypted to: province primary, escrow."""
        return [k["recipient"] for k in self.enc_keys if k["use"] in ("primary", "escrow")]

    def recipient_ids(self) -> list[str]:
        return [k["key_id"] for k in self.enc_keys if k["use"] in ("primary", "escrow")]

    def province_device_ids(self) -> set[str]:
        return {d.device_id for d in self.devices.values() if d.role == ROLE_PROVINCE}

    def valid_through(self, device_id: str, origin: str) -> int | None:
        """None when the device is not revoked, else the last seq accepted from ``origin``."""
        revocation = self.revoked.get(device_id)
        if revocation is None:
            return None
        return revocation.valid_through.get(origin, 0)


def root_entry(public: Ed25519PublicKey) -> tuple[str, str]:
    return key_id(public), base64.b64encode(raw_public(public)).decode("ascii")


def sign_registry(registry: Registry, root: Ed25519PrivateKey) -> Registry:
    text = envelope.sign(envelope.REGISTRY_TYPE, registry.document(), root)
    return Registry(**{**registry.__dict__, "text": text})


def open_registry(text: str, roots: dict[str, Ed25519PublicKey]) -> Registry:
    """Verify a registry envelope against trusted ``roots`` and parse it.

    Raises:
        BundleRejected: ``E_CERT_NOT_TRUSTED`` when it is malformed or no trusted root signed it.
    """
    try:
        env = envelope.parse(text, envelope.REGISTRY_TYPE)
    except ValueError as exc:
        raise BundleRejected(E_CERT_NOT_TRUSTED, "registry envelope") from exc
    if not any(env.signed_by(root) for root in roots.values()):
        raise BundleRejected(E_CERT_NOT_TRUSTED, "registry not signed by a trusted root")
    try:
        doc = env.document()
        if doc.get("type") != REGISTRY_KIND:
            raise ValueError("type")
        devices = (DeviceEntry.from_dict(d) for d in doc["devices"])
        revoked = (
            Revocation(
                str(r["device_id"]),
                int(r["serial"]),
                {str(o): int(s) for o, s in r["valid_through"].items()},
                str(r["reason"]),
            )
            for r in doc["revoked"]
        )
        return Registry(
            version=int(doc["version"]),
            issued=str(doc["issued"]),
            root_keys={str(k["key_id"]): str(k["ed25519"]) for k in doc["root_keys"]},
            enc_keys=tuple(
                {"key_id": str(k["key_id"]), "recipient": str(k["recipient"]), "use": str(k["use"])}
                for k in doc["province_enc_keys"]
            ),
            devices={d.device_id: d for d in devices},
            revoked={r.device_id: r for r in revoked},
            expires=str(doc.get("expires", "")),
            text=text,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleRejected(E_CERT_NOT_TRUSTED, "registry content") from exc


def newer_registry(current: Registry | None, received: Registry) -> bool:
    """True when ``received`` should replace ``current``.

    Raises:
        BundleRejected: ``E_REGISTRY_ROLLBACK`` for an older version, or the same version with
            different content (two registries claiming one version: never silently pick one).
    """
    if current is None or received.version > current.version:
        return True
    if received.version == current.version:
        if (
            envelope.parse(received.text, envelope.REGISTRY_TYPE).body
            != envelope.parse(current.text, envelope.REGISTRY_TYPE).body
        ):
            raise BundleRejected(E_REGISTRY_ROLLBACK, "same version, different content")
        return False
    raise BundleRejected(
        E_REGISTRY_ROLLBACK, f"registry version {received.version} < {current.version}"
    )

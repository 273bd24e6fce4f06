# SPDX-License-Identifier: GPL-3.0-or-later
"""Who sent a part, and may they send it to us? (sync-design §3.3, verification order)

After decryption and the strict ZIP read: the registry (province bundles: verified against the
pinned root, never older than the one we have), the sender's certificate (signed by a province
root and the one the registry lists), the manifest signature by that certificate's key, the
direction of the star (laptop ↔ province only), and that we are among the signed recipients
(a bundle decrypted elsewhere and re-encrypted to us is refused).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kaltim_desktop.sync.bundles import layout
from kaltim_desktop.sync.bundles.errors import (
    E_BAD_SIGNATURE,
    E_CERT_NOT_TRUSTED,
    E_NOT_ENROLLED,
    E_NOT_FOR_US,
    E_UNKNOWN_DEVICE,
    E_WRONG_DIRECTION,
    BundleRejected,
)
from kaltim_desktop.sync.bundles.reader import Part
from kaltim_desktop.trust.enrolment import open_certificate
from kaltim_desktop.trust.registry import (
    ROLE_DISTRICT,
    ROLE_PROVINCE,
    DeviceEntry,
    Registry,
    newer_registry,
    open_registry,
)


@dataclass(frozen=True)
class LocalTrust:
    """What this installation trusts: its role, the pinned roots, the stored registry and the
    ids of the keys it can decrypt with."""

    role: str
    roots: dict[str, Ed25519PublicKey]
    registry: Registry | None
    key_ids: frozenset[str]


@dataclass(frozen=True)
class Verified:
    sender: DeviceEntry
    registry: Registry  # the registry the part was checked against
    new_registry: Registry | None  # a newer registry it carried (to store on apply)


def verify_part(part: Part, trust: LocalTrust) -> Verified:
    """Run the checks in order; raise :class:`BundleRejected` at the first failure."""
    if trust.registry is None or not trust.roots:
        raise BundleRejected(E_NOT_ENROLLED)
    registry, new_registry = trust.registry, None
    carried = part.member_text(layout.REGISTRY_NAME)
    if trust.role == ROLE_DISTRICT and carried is not None:
        received = open_registry(carried, trust.roots)
        if newer_registry(trust.registry, received):
            registry = new_registry = received
    cert_text = part.member_text(layout.CERT_NAME)
    if cert_text is None:
        raise BundleRejected(E_CERT_NOT_TRUSTED, "no certificate")
    entry = open_certificate(cert_text, registry)
    listed = registry.devices.get(entry.device_id)
    if listed is None:
        raise BundleRejected(E_UNKNOWN_DEVICE, "device not in registry")
    if (listed.serial, listed.sign_pk, listed.role) != (entry.serial, entry.sign_pk, entry.role):
        raise BundleRejected(E_CERT_NOT_TRUSTED, "certificate is not the registered one")
    sender = part.manifest.get("sender") or {}
    if sender.get("device_id") != entry.device_id:
        raise BundleRejected(E_BAD_SIGNATURE, "manifest names another sender")
    if not part.manifest_envelope.signed_by(listed.public_key):
        raise BundleRejected(E_BAD_SIGNATURE, "manifest signature")
    expected = ROLE_PROVINCE if trust.role == ROLE_DISTRICT else ROLE_DISTRICT
    if entry.role != expected:
        raise BundleRejected(E_WRONG_DIRECTION, f"{entry.role} bundle at a {trust.role}")
    if not trust.key_ids & set(part.manifest.get("recipients") or ()):
        raise BundleRejected(E_NOT_FOR_US, "not among the signed recipients")
    return Verified(listed, registry, new_registry)

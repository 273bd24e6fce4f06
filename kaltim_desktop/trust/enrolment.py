# SPDX-License-Identifier: GPL-3.0-or-later
"""Enrolment of a laptop with the province (sync-design §3.2).

1. The laptop writes a *request*: its device id, its signing key (the key of
   :mod:`kaltim_desktop.trust.keys`), its encryption key (an age X25519 recipient) and the
   regency it serves, signed by its own key (proof that it holds the key). The request's
   fingerprint, 8 groups of 4 hex digits, is read aloud to the province operator, so a swapped
   request file is noticed.
2. The province verifies the request and the fingerprint, and issues a *device certificate*
   signed by its root key with the laptop's scope (its regency), plus a new registry version.
3. The laptop checks that the certificate names its own keys and stores the certificate, the
   registry and the province root (trust on first use, confirmed by the root fingerprint).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaltim_desktop.sync.bundles import envelope
from kaltim_desktop.sync.bundles.age_keys import AgeKey, load_key, save_key
from kaltim_desktop.sync.bundles.errors import E_CERT_NOT_TRUSTED, BundleRejected
from kaltim_desktop.trust import keys as device_keys
from kaltim_desktop.trust.keys import DeviceKey, raw_public
from kaltim_desktop.trust.registry import DeviceEntry, Registry

REQUEST_KIND = "ksb-enrol-request"
CERT_KIND = "ksb-device-cert"
RESPONSE_KIND = "ksb-enrolment"
ENCRYPTION_FILE = "device-encryption.pem"


def key_secret(data_dir: Path) -> bytes:
    """The secret protecting key files: the same one as the laptop's signing key."""
    directory = device_keys.keys_dir(data_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Reused rather than duplicated, so both keys always follow one rule (env or file).
    return device_keys._secret(directory, create=True)


def device_encryption_key(data_dir: Path) -> AgeKey:
    """This laptop's age key for bundles from the province, created on first use."""
    path = device_keys.keys_dir(data_dir) / ENCRYPTION_FILE
    secret = key_secret(data_dir)
    if not path.exists():
        save_key(AgeKey.generate(), path, secret)
    return load_key(path, secret)


def fingerprint(data: bytes) -> str:
    """Eight groups of four hex digits of SHA-256: short enough to read aloud."""
    digest = hashlib.sha256(data).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def public_b64(public: Ed25519PublicKey) -> str:
    return base64.b64encode(raw_public(public)).decode("ascii")


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class EnrolmentRequest:
    device_id: str
    sign_pk: str
    enc_pk: str
    regency: str
    officer: str
    requested_at: str
    text: str  # the signed envelope

    @property
    def fingerprint(self) -> str:
        return fingerprint(envelope.parse(self.text, envelope.REQUEST_TYPE).body)


def make_request(
    device_id: str, key: DeviceKey, enc: AgeKey, regency: str, officer: str
) -> EnrolmentRequest:
    doc = {
        "type": REQUEST_KIND,
        "device_id": device_id,
        "sign_pk": public_b64(key.public_key),
        "enc_pk": enc.recipient,
        "regency": regency,
        "officer": officer,
        "requested_at": now_iso(),
    }
    text = envelope.sign(envelope.REQUEST_TYPE, doc, key.private_key)
    return read_request(text)


def read_request(text: str) -> EnrolmentRequest:
    """Parse a request and check it is signed by the key it presents.

    Raises:
        BundleRejected: ``E_CERT_NOT_TRUSTED`` for a malformed or wrongly signed request.
    """
    try:
        env = envelope.parse(text, envelope.REQUEST_TYPE)
        doc = env.document()
        if doc.get("type") != REQUEST_KIND:
            raise ValueError("type")
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(doc["sign_pk"]))
        request = EnrolmentRequest(
            device_id=str(doc["device_id"]),
            sign_pk=str(doc["sign_pk"]),
            enc_pk=str(doc["enc_pk"]),
            regency=str(doc["regency"]),
            officer=str(doc["officer"]),
            requested_at=str(doc["requested_at"]),
            text=text,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleRejected(E_CERT_NOT_TRUSTED, "malformed request") from exc
    if not env.signed_by(public):
        raise BundleRejected(E_CERT_NOT_TRUSTED, "request not signed by its key")
    return request


def issue_certificate(entry: DeviceEntry, root: Ed25519PrivateKey) -> str:
    """The province root's signed statement about one device (an envelope text)."""
    doc = {"type": CERT_KIND, "issued": now_iso(), **entry.as_dict()}
    return envelope.sign(envelope.CERT_TYPE, doc, root)


def open_certificate(text: str, registry: Registry) -> DeviceEntry:
    """Verify a certificate against the registry's roots and return its device entry.

    The registry stays authoritative: the certificate must be the one it lists for the device
    (same serial and keys), so a stale or forged certificate is refused.

    Raises:
        BundleRejected: ``E_CERT_NOT_TRUSTED`` (malformed, not signed by a root, or not the
            registry's certificate for that device).
    """
    try:
        env = envelope.parse(text, envelope.CERT_TYPE)
        doc = env.document()
        if doc.get("type") != CERT_KIND:
            raise ValueError("type")
        entry = DeviceEntry.from_dict(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleRejected(E_CERT_NOT_TRUSTED, "malformed certificate") from exc
    if not any(env.signed_by(root) for root in registry.roots().values()):
        raise BundleRejected(E_CERT_NOT_TRUSTED, "certificate not signed by a province root")
    return entry


def response_document(cert_text: str, registry: Registry, root_public_b64: str) -> str:
    """The file handed back to the laptop (public documents only)."""
    doc: dict[str, Any] = {
        "type": RESPONSE_KIND,
        "certificate": cert_text,
        "registry": registry.text,
        "root_public_key": root_public_b64,
    }
    return json.dumps(doc, indent=1, sort_keys=True)


@dataclass(frozen=True)
class EnrolmentResponse:
    certificate: str
    registry: str
    root_public_key: Ed25519PublicKey

    @property
    def root_fingerprint(self) -> str:
        return fingerprint(raw_public(self.root_public_key))


def read_response(text: str) -> EnrolmentResponse:
    try:
        doc = json.loads(text)
        if doc.get("type") != RESPONSE_KIND:
            raise ValueError("type")
        root = Ed25519PublicKey.from_public_bytes(base64.b64decode(doc["root_public_key"]))
        return EnrolmentResponse(str(doc["certificate"]), str(doc["registry"]), root)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleRejected(E_CERT_NOT_TRUSTED, "malformed enrolment response") from exc

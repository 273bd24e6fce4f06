# SPDX-License-Identifier: GPL-3.0-or-later
"""The chain of trust: province root keys certify device keys; device keys sign documents.

A :class:`TrustStore` holds the roots (key id → public key) and the device certificates known
to this laptop. :meth:`TrustStore.resolve` answers "may this key id sign documents for this
device?": either the key is itself a root, or a device certificate for it is signed by a root
and names the same device. Until province enrolment exists, :func:`local_trust_store` makes
this laptop's own key a self-anchored root (the stand-in); the certificate path is already the
one enrolment will use.

Certificates are signed over a canonical JSON text (sorted keys, no spaces, ASCII) prefixed by
a domain tag, so a certificate signature can never be replayed as a document signature.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaltim_desktop.trust.keys import DeviceKey, key_id, raw_public

CERT_DOMAIN = b"KTM-DEVICE-CERT-1\n"


@dataclass(frozen=True)
class DeviceCertificate:
    """A province root's statement "this public key signs for device ``device_id``".

    Attributes:
        device_id: the device (without epoch), e.g. ``"KT-6472-0007"`` or ``"L-3F9A2C7B1E04"``.
        public_key: the device's raw Ed25519 public key, base64.
        issuer_key_id: key id of the root that signed.
        signature: Ed25519 signature of :meth:`signed_bytes`, base64.
    """

    device_id: str
    public_key: str
    issuer_key_id: str
    signature: str

    @property
    def key_id(self) -> str:
        return key_id(base64.b64decode(self.public_key))

    def signed_bytes(self) -> bytes:
        body = {
            "device_id": self.device_id,
            "issuer_key_id": self.issuer_key_id,
            "public_key": self.public_key,
        }
        return CERT_DOMAIN + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DeviceCertificate:
        data = json.loads(text)
        return cls(data["device_id"], data["public_key"], data["issuer_key_id"], data["signature"])


def certify_device(
    root: Ed25519PrivateKey, device_id: str, device_public: Ed25519PublicKey
) -> DeviceCertificate:
    """Sign a device certificate with a root key (the province side of enrolment)."""
    unsigned = DeviceCertificate(
        device_id=device_id,
        public_key=base64.b64encode(raw_public(device_public)).decode("ascii"),
        issuer_key_id=key_id(root.public_key()),
        signature="",
    )
    signature = base64.b64encode(root.sign(unsigned.signed_bytes())).decode("ascii")
    return DeviceCertificate(**{**unsigned.__dict__, "signature": signature})


@dataclass(frozen=True)
class Resolution:
    """The outcome of a chain check: the key to verify with, or why there is none.

    ``anchor`` is ``"root"`` (the key is a trusted root itself, e.g. the stand-in) or
    ``"certificate"`` (a root certified it); ``problem`` is a stable code when it failed:
    ``unknown_key``, ``bad_certificate``, ``untrusted_issuer`` or ``wrong_device``.
    """

    public_key: Ed25519PublicKey | None
    anchor: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class TrustStore:
    roots: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    certificates: dict[str, DeviceCertificate] = field(default_factory=dict)

    def with_root(self, public: Ed25519PublicKey) -> TrustStore:
        return TrustStore({**self.roots, key_id(public): public}, dict(self.certificates))

    def with_certificate(self, certificate: DeviceCertificate) -> TrustStore:
        return TrustStore(dict(self.roots), {**self.certificates, certificate.key_id: certificate})

    def resolve(self, signer_key_id: str, device_id: str) -> Resolution:
        """Find the public key ``signer_key_id`` and check it chains to a root for ``device_id``."""
        root = self.roots.get(signer_key_id)
        if root is not None:
            return Resolution(root, anchor="root")
        certificate = self.certificates.get(signer_key_id)
        if certificate is None:
            return Resolution(None, problem="unknown_key")
        issuer = self.roots.get(certificate.issuer_key_id)
        if issuer is None:
            return Resolution(None, problem="untrusted_issuer")
        try:
            issuer.verify(base64.b64decode(certificate.signature), certificate.signed_bytes())
        except (InvalidSignature, ValueError):
            return Resolution(None, problem="bad_certificate")
        if certificate.device_id != device_id:
            return Resolution(None, problem="wrong_device")
        device_public = Ed25519PublicKey.from_public_bytes(base64.b64decode(certificate.public_key))
        return Resolution(device_public, anchor="certificate")


def local_trust_store(device_key: DeviceKey) -> TrustStore:
    """The stand-in trust store: this laptop's own key as a self-anchored root.

    Province enrolment (issue #5) will instead return the province roots plus the device
    certificates of the trust bundle; callers need not change.
    """
    return TrustStore().with_root(device_key.public_key)

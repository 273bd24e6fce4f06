# SPDX-License-Identifier: GPL-3.0-or-later
"""DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1) signed with Ed25519.

The signature covers the pre-authentication encoding ``PAE(type, body)``, never re-serialised
JSON: the verifier checks the exact bytes, then parses them. Any standard Ed25519 verifier can
check a bundle's manifest from the envelope alone (``base64(payload)``, ``payloadType``, ``sig``).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.trust.keys import key_id

MANIFEST_TYPE = "application/vnd.kaltim.ksb-manifest+json;v=1"
REGISTRY_TYPE = "application/vnd.kaltim.ksb-registry+json;v=1"
CERT_TYPE = "application/vnd.kaltim.ksb-device-cert+json;v=1"
REQUEST_TYPE = "application/vnd.kaltim.ksb-enrol-request+json;v=1"


def pae(payload_type: str, body: bytes) -> bytes:
    """DSSE pre-authentication encoding."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return canonical_json(document).encode("utf-8")


def sign(payload_type: str, document: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """Return the envelope JSON text of ``document`` (canonical JSON) signed by ``key``."""
    body = canonical_bytes(document)
    signature = key.sign(pae(payload_type, body))
    envelope = {
        "payload": base64.b64encode(body).decode("ascii"),
        "payloadType": payload_type,
        "signatures": [
            {"keyid": key_id(key.public_key()), "sig": base64.b64encode(signature).decode()}
        ],
    }
    return canonical_json(envelope)


@dataclass(frozen=True)
class Envelope:
    """A parsed, not yet verified envelope."""

    payload_type: str
    body: bytes
    signatures: tuple[tuple[str, bytes], ...]  # (key id, signature)

    def document(self) -> dict[str, Any]:
        value = json.loads(self.body.decode("utf-8"))
        if not isinstance(value, dict):
            raise ValueError("payload is not an object")
        return value

    def signed_by(self, public: Ed25519PublicKey) -> bool:
        """True when one signature is ``public``'s over this payload."""
        wanted = key_id(public)
        message = pae(self.payload_type, self.body)
        for kid, signature in self.signatures:
            if kid != wanted:
                continue
            try:
                public.verify(signature, message)
            except InvalidSignature:
                continue
            return True
        return False


def parse(text: str | bytes, payload_type: str) -> Envelope:
    """Parse an envelope of the expected type.

    Raises:
        ValueError: not an envelope of that type (malformed JSON, base64 or shape).
    """
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("payloadType") != payload_type:
            raise ValueError("unexpected payload type")
        body = base64.b64decode(data["payload"], validate=True)
        signatures = tuple(
            (str(item["keyid"]), base64.b64decode(item["sig"], validate=True))
            for item in data["signatures"]
        )
    except (KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("malformed envelope") from exc
    if not signatures:
        raise ValueError("unsigned envelope")
    return Envelope(payload_type, body, signatures)

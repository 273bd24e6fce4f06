# SPDX-License-Identifier: GPL-3.0-or-later
"""The compact signed text on a document's QR code.

Format: ``KTM1.<claims>.<signature>`` where

- ``claims`` is base32 (RFC 4648, no padding) of a UTF-8 JSON array in a fixed order (see
  :data:`CLAIM_FIELDS`): positional fields keep the QR small, and the version tag says how to
  read them;
- ``signature`` is base32 of the Ed25519 signature of ``b"KTM1\\n" + claims bytes`` by the key
  named in the claims.

Base32 uses only ``A-Z2-7``, so with the ``.`` separators the whole text fits the QR
alphanumeric mode (5.5 bits a character instead of 8). Decoding is strict: a text whose base32
is not exactly the canonical encoding of its bytes is refused, so even a change in the unused
low bits of the last character makes the text invalid.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import astuple, dataclass, fields

from cryptography.exceptions import InvalidSignature

from kaltim_desktop.trust.chain import TrustStore
from kaltim_desktop.trust.keys import DeviceKey

VERSION = "KTM1"
_SIGNED_PREFIX = VERSION.encode() + b"\n"


@dataclass(frozen=True)
class Claims:
    """What a document's QR asserts; no full NIK, only the masked form printed on it."""

    number: str
    kind: str
    name: str
    nik_masked: str
    programme: str
    issued_on: str  # ISO date
    device: str  # issuing origin, "device_id#epoch"
    key_id: str


CLAIM_FIELDS = tuple(f.name for f in fields(Claims))


@dataclass(frozen=True)
class Verification:
    """The signature check of one text.

    ``valid`` is True only when the text parses, the key chains to a trusted root and the
    signature matches. Otherwise ``problem`` is a stable code: ``format``, ``version``,
    ``encoding``, ``claims``, ``unknown_key``, ``untrusted_issuer``, ``bad_certificate``,
    ``wrong_device`` or ``signature``. ``claims`` are given whenever they could be read (even
    when invalid, so a screen can say *what* failed to verify).
    """

    valid: bool
    problem: str | None
    claims: Claims | None
    anchor: str | None = None


def _b32encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _b32decode(text: str) -> bytes:
    """Strict base32: only the canonical encoding of some bytes is accepted."""
    padded = text + "=" * (-len(text) % 8)
    data = base64.b32decode(padded, casefold=False)
    if _b32encode(data) != text:
        raise binascii.Error("non-canonical base32")
    return data


def encode_claims(claims: Claims) -> bytes:
    return json.dumps(list(astuple(claims)), ensure_ascii=False, separators=(",", ":")).encode()


def sign_claims(claims: Claims, key: DeviceKey) -> str:
    """Return the QR text for ``claims`` signed by ``key`` (whose id must be in the claims)."""
    if claims.key_id != key.key_id:
        raise ValueError("claims name another key")
    body = encode_claims(claims)
    signature = key.sign(_SIGNED_PREFIX + body)
    return f"{VERSION}.{_b32encode(body)}.{_b32encode(signature)}"


def read_claims(text: str) -> tuple[Claims | None, bytes, bytes, str | None]:
    """Parse a QR text without checking the signature: (claims, body, signature, problem)."""
    parts = text.strip().split(".")
    if len(parts) != 3:
        return None, b"", b"", "format"
    version, body_text, signature_text = parts
    if version != VERSION:
        return None, b"", b"", "version"
    try:
        body = _b32decode(body_text)
        signature = _b32decode(signature_text)
    except (binascii.Error, ValueError):
        return None, b"", b"", "encoding"
    try:
        values = json.loads(body.decode("utf-8"))
        if not (
            isinstance(values, list)
            and len(values) == len(CLAIM_FIELDS)
            and all(isinstance(v, str) for v in values)
        ):
            raise ValueError("claims shape")
    except (UnicodeDecodeError, ValueError):
        return None, body, signature, "claims"
    return Claims(*values), body, signature, None


def verify_text(text: str, store: TrustStore) -> Verification:
    """Check a QR text: format, chain of the signing key to a trusted root, signature."""
    claims, body, signature, problem = read_claims(text)
    if problem is not None or claims is None:
        return Verification(False, problem or "format", None)
    device_id = claims.device.rpartition("#")[0] or claims.device
    resolution = store.resolve(claims.key_id, device_id)
    if resolution.public_key is None:
        return Verification(False, resolution.problem, claims)
    try:
        resolution.public_key.verify(signature, _SIGNED_PREFIX + body)
    except (InvalidSignature, ValueError):
        return Verification(False, "signature", claims, resolution.anchor)
    return Verification(True, None, claims, resolution.anchor)

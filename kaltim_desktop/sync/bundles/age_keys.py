# SPDX-License-Identifier: GPL-3.0-or-later
"""X25519 encryption keys in the standard age format, kept encrypted outside the database.

An identity is generated with ``cryptography`` and stored as PKCS#8 PEM encrypted under the key
secret (the same protection as the laptop's signing key, :mod:`kaltim_desktop.trust.keys`). The
age text forms (``AGE-SECRET-KEY-1…``, ``age1…``) are derived with Bech32 (BIP 173), so the
``age`` command-line tool reads the same identity: the province can decrypt with it in an
emergency. (age's own scrypt-protected identity files take two seconds to open, once per
import; PKCS#8 takes milliseconds.)
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyrage
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= _GENERATOR[i] if (top >> i) & 1 else 0
    return check


def _convert_bits(data: bytes) -> list[int]:
    acc, bits, out = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def bech32(hrp: str, data: bytes) -> str:
    """Bech32 text of ``data`` with human-readable part ``hrp`` (lower case)."""
    words = _convert_bits(data)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[w] for w in words + checksum)


def recipient_key_id(recipient: str) -> str:
    """A short name for an encryption key, listed in signed manifests as an addressee."""
    return "x" + hashlib.sha256(recipient.encode("ascii")).hexdigest()[:15]


@dataclass(frozen=True)
class AgeKey:
    """An X25519 key pair: ``identity`` decrypts, ``recipient`` (public text) encrypts."""

    private_key: X25519PrivateKey

    @property
    def identity_text(self) -> str:
        raw = self.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return bech32("age-secret-key-", raw).upper()

    @property
    def recipient(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return bech32("age", raw)

    @property
    def key_id(self) -> str:
        return recipient_key_id(self.recipient)

    def identity(self) -> pyrage.x25519.Identity:
        return pyrage.x25519.Identity.from_str(self.identity_text)

    @classmethod
    def generate(cls) -> AgeKey:
        return cls(X25519PrivateKey.generate())


def save_key(key: AgeKey, path: Path, secret: bytes) -> None:
    """Write ``key`` encrypted under ``secret``, readable by this user only; never overwrite."""
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def load_key(path: Path, secret: bytes) -> AgeKey:
    """Read a key written by :func:`save_key`.

    Raises:
        ValueError: the file is not such a key or the secret does not open it.
    """
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=secret)
    if not isinstance(loaded, X25519PrivateKey):
        raise ValueError("not an X25519 key")
    return AgeKey(loaded)


def write_identity_file(key: AgeKey, path: Path) -> None:
    """Write the plain age identity (for the escrow envelope in the safe, or the ``age`` CLI)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(f"# public key: {key.recipient}\n{key.identity_text}\n")


def read_identity_file(path: Path) -> pyrage.x25519.Identity:
    for line in path.read_text(encoding="ascii").splitlines():
        if line.startswith("AGE-SECRET-KEY-1"):
            return pyrage.x25519.Identity.from_str(line.strip())
    raise ValueError("no age identity in file")

# SPDX-License-Identifier: GPL-3.0-or-later
"""This laptop's Ed25519 signing key, kept outside the database.

Files in ``<data_dir>/keys/`` (directory 0700, files 0600):

- ``device-signing.pem``: the private key, PKCS#8 encrypted with the best available scheme
  under a *key secret*;
- ``device-signing.pub``: the raw public key in base64, readable without the secret;
- ``key-secret``: the key secret, random, created with the key.

Where the secret comes from: the ``KALTIM_KEY_SECRET`` environment variable when it is set (an
administrator or an OS key store wrapper can supply it at start-up), otherwise the
``key-secret`` file. The honest limitation: with the secret file lying next to the key, the
encryption only protects a key file copied *on its own* (a stray backup, a mis-sent
attachment); anyone who can read the whole ``keys`` directory as this user can sign. The file
permissions are the real protection, and the database backups never contain the key, so a
restored backup cannot sign in this laptop's name elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _

SECRET_ENV = "KALTIM_KEY_SECRET"
PRIVATE_FILE = "device-signing.pem"
PUBLIC_FILE = "device-signing.pub"
SECRET_FILE = "key-secret"
KEY_ID_BYTES = 10


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """A short, stable name of a public key: 16 base32 characters (80 bits of SHA-256)."""
    raw = public_key if isinstance(public_key, bytes) else raw_public(public_key)
    digest = hashlib.sha256(raw).digest()[:KEY_ID_BYTES]
    return base64.b32encode(digest).decode("ascii")


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


@dataclass(frozen=True)
class DeviceKey:
    """This laptop's signing key with its id and the device origin it signs for."""

    private_key: Ed25519PrivateKey
    key_id: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def _write_private(path: Path, data: bytes) -> None:
    """Create a file readable by this user only (0600), refusing to overwrite one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _secret(directory: Path, *, create: bool) -> bytes:
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env.encode("utf-8")
    path = directory / SECRET_FILE
    if not path.exists() and create:
        _write_private(path, secrets.token_urlsafe(32).encode("ascii"))
    return path.read_bytes().strip()


def load_or_create(data_dir: Path) -> DeviceKey:
    """Return this laptop's signing key, creating the key files on first use.

    Raises:
        KaltimError: the key file exists but cannot be opened with the key secret.
    """
    directory = keys_dir(data_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path = directory / PRIVATE_FILE
    if not private_path.exists():
        secret = _secret(directory, create=True)
        private_key = Ed25519PrivateKey.generate()
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(secret),
        )
        _write_private(private_path, pem)
        public = base64.b64encode(raw_public(private_key.public_key())) + b"\n"
        _write_private(directory / PUBLIC_FILE, public)
        return DeviceKey(private_key, key_id(private_key.public_key()))
    try:
        loaded = serialization.load_pem_private_key(
            private_path.read_bytes(), password=_secret(directory, create=False)
        )
    except (ValueError, TypeError, OSError) as exc:
        raise KaltimError(
            _("This laptop's signing key cannot be opened: the key secret does not match.")
        ) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise KaltimError(_("This laptop's signing key has an unexpected type."))
    return DeviceKey(loaded, key_id(loaded.public_key()))

# SPDX-License-Identifier: GPL-3.0-or-later
"""The province office's key material, kept in ``<data_dir>/keys/`` outside the database.

- ``province-root.pem``: the root Ed25519 key that signs device certificates and registries
  (PKCS#8, encrypted under the key secret);
- ``province-enc-<key id>.pem``: X25519 decryption keys, the current one and those retired by a
  rotation (kept so bundles still encrypted to them during the grace period open);
- the *escrow* key is written once, as a plain age identity file, to a place the operator
  chooses (to be printed or stored on a stick in the safe by another official) and is not kept
  here: only its public recipient goes into the registry. With it, the ``age`` tool alone
  decrypts any district bundle if the office computer is lost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.sync.bundles.age_keys import AgeKey, load_key, save_key, write_identity_file
from kaltim_desktop.trust.enrolment import key_secret
from kaltim_desktop.trust.keys import keys_dir

ROOT_FILE = "province-root.pem"
ENC_PREFIX = "province-enc-"


@dataclass(frozen=True)
class ProvinceKeys:
    root: Ed25519PrivateKey
    decryption: tuple[AgeKey, ...]  # every key this office can decrypt with


def has_province_keys(data_dir: Path) -> bool:
    return (keys_dir(data_dir) / ROOT_FILE).exists()


def create_province_keys(data_dir: Path, escrow_out: Path) -> tuple[ProvinceKeys, AgeKey, AgeKey]:
    """Create the root and the first encryption key here, and the escrow key at ``escrow_out``.

    Returns:
        The keys, the primary encryption key and the escrow key (its private half is only in
        ``escrow_out``).

    Raises:
        KaltimError: keys already exist, or ``escrow_out`` exists.
    """
    directory = keys_dir(data_dir)
    if has_province_keys(data_dir):
        raise KaltimError(_("The province keys already exist on this computer."))
    if escrow_out.exists():
        raise KaltimError(_("The escrow key file already exists; choose a new file name."))
    secret = key_secret(data_dir)
    escrow = AgeKey.generate()
    escrow_out.parent.mkdir(parents=True, exist_ok=True)
    write_identity_file(escrow, escrow_out)
    root = Ed25519PrivateKey.generate()
    pem = root.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    fd = os.open(directory / ROOT_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    primary = new_encryption_key(data_dir)
    return ProvinceKeys(root, (primary,)), primary, escrow


def new_encryption_key(data_dir: Path) -> AgeKey:
    """Add a decryption key (first set-up or rotation); older ones stay usable."""
    key = AgeKey.generate()
    save_key(key, keys_dir(data_dir) / f"{ENC_PREFIX}{key.key_id}.pem", key_secret(data_dir))
    return key


def load_province_keys(data_dir: Path) -> ProvinceKeys:
    """Raises KaltimError when this computer holds no province keys or they cannot be opened."""
    directory = keys_dir(data_dir)
    if not has_province_keys(data_dir):
        raise KaltimError(_("This computer holds no province keys: run the province set-up."))
    secret = key_secret(data_dir)
    try:
        root = serialization.load_pem_private_key(
            (directory / ROOT_FILE).read_bytes(), password=secret
        )
        decryption = tuple(
            load_key(path, secret) for path in sorted(directory.glob(f"{ENC_PREFIX}*.pem"))
        )
    except (ValueError, TypeError, OSError) as exc:
        raise KaltimError(
            _("The province keys cannot be opened: the key secret does not match.")
        ) from exc
    if not isinstance(root, Ed25519PrivateKey):
        raise KaltimError(_("The province root key has an unexpected type."))
    return ProvinceKeys(root, decryption)

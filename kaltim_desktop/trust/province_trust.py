# SPDX-License-Identifier: GPL-3.0-or-later
"""The province trust for documents, kept next to the keys: the pinned province root and the
newest verified registry, as a file :func:`kaltim_desktop.trust.store.trust_store` can read
without the database.

Every device in the registry carries the root's signature of its document certificate
(:class:`kaltim_desktop.trust.chain.DeviceCertificate`), so an enrolled installation verifies
the QR codes printed by any laptop of the province. Revoked laptops are left out: a document
they sign can no longer be told apart from one made with a stolen key, so it is re-issued.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaltim_desktop.sync.bundles.errors import BundleRejected
from kaltim_desktop.trust.chain import DeviceCertificate, TrustStore, certify_device
from kaltim_desktop.trust.keys import key_id, keys_dir
from kaltim_desktop.trust.registry import open_registry

TRUST_FILE = "province-trust.json"


def document_signature(root: Ed25519PrivateKey, device_id: str, sign_pk_b64: str) -> str:
    """The root's signature of a device's document certificate."""
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(sign_pk_b64))
    return certify_device(root, device_id, public).signature


def write_trust_file(data_dir: Path, registry_text: str, root_b64: str) -> None:
    """Replace the trust file in one step (public documents only)."""
    directory = keys_dir(data_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = directory / (TRUST_FILE + ".tmp")
    temp.write_text(json.dumps({"root": root_b64, "registry": registry_text}), encoding="utf-8")
    os.replace(temp, directory / TRUST_FILE)


def province_trust_store(data_dir: Path) -> TrustStore | None:
    """The province roots and the document certificates of every laptop not revoked, or None
    when this installation is not enrolled (or the file does not verify)."""
    path = keys_dir(data_dir) / TRUST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        root = Ed25519PublicKey.from_public_bytes(base64.b64decode(data["root"]))
        registry = open_registry(data["registry"], {key_id(root): root})
    except (OSError, ValueError, KeyError, TypeError, BundleRejected):
        return None
    store = TrustStore()
    for public in registry.roots().values():
        store = store.with_root(public)
    for device in registry.devices.values():
        if device.doc_sig and device.device_id not in registry.revoked:
            store = store.with_certificate(
                DeviceCertificate(device.device_id, device.sign_pk, key_id(root), device.doc_sig)
            )
    return store

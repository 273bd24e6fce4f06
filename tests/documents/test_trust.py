# SPDX-License-Identifier: GPL-3.0-or-later
"""The signing key on disk, the signed QR payload and the chain of trust, with real Ed25519."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.trust.chain import TrustStore, certify_device, local_trust_store
from kaltim_desktop.trust.keys import (
    PRIVATE_FILE,
    PUBLIC_FILE,
    SECRET_ENV,
    SECRET_FILE,
    DeviceKey,
    key_id,
    load_or_create,
)
from kaltim_desktop.trust.payload import Claims, read_claims, sign_claims, verify_text


def claims_for(key: DeviceKey, device: str = "L-ABCDEF012345#1", **changes) -> Claims:
    values = dict(
        number="400.9/0007.LABCDEF012345-1/Adbang/2024",
        kind="rlh_certificate",
        name="Ṡiti Nur'aini",
        nik_masked="6472********0002",
        programme="RLH CSR 2024",
        issued_on="2024-08-23",
        device=device,
        key_id=key.key_id,
    )
    values.update(changes)
    return Claims(**values)


def new_key() -> DeviceKey:
    private = Ed25519PrivateKey.generate()
    return DeviceKey(private, key_id(private.public_key()))


def test_key_files_are_private_encrypted_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    key = load_or_create(tmp_path)
    folder = tmp_path / "keys"
    for name in (PRIVATE_FILE, PUBLIC_FILE, SECRET_FILE):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    pem = (folder / PRIVATE_FILE).read_text()
    assert "BEGIN ENCRYPTED PRIVATE KEY" in pem
    again = load_or_create(tmp_path)
    assert again.key_id == key.key_id and len(key.key_id) == 16
    assert again.sign(b"x") == key.sign(b"x")  # Ed25519 is deterministic: the same key


def test_a_wrong_secret_cannot_open_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "the right secret")
    load_or_create(tmp_path)
    monkeypatch.setenv(SECRET_ENV, "another secret")
    with pytest.raises(KaltimError, match="secret"):
        load_or_create(tmp_path)


def test_signed_text_is_compact_and_verifies_with_the_stand_in_root():
    key = new_key()
    text = sign_claims(claims_for(key), key)
    assert text.startswith("KTM1.") and len(text) < 500
    assert set(text[5:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567.")  # QR alphanumeric mode
    outcome = verify_text(text, local_trust_store(key))
    assert outcome.valid and outcome.anchor == "root"
    assert outcome.claims == claims_for(key)


def test_any_single_character_changed_makes_the_text_invalid():
    key = new_key()
    text = sign_claims(claims_for(key), key)
    store = local_trust_store(key)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    # Every position: the claims, the separators, the signature and its last character (whose
    # low bits carry no data, hence the strict canonical decoding).
    for index in range(len(text)):
        original = text[index]
        replacement = "A" if original != "A" else "B"
        if original == ".":
            replacement = "A"
        tampered = text[:index] + replacement + text[index + 1 :]
        assert not verify_text(tampered, store).valid, index
    last = alphabet[(alphabet.index(text[-1]) + 1) % 32]
    assert not verify_text(text[:-1] + last, store).valid


def test_problems_are_named():
    key = new_key()
    store = local_trust_store(key)
    text = sign_claims(claims_for(key), key)
    assert verify_text("hello", store).problem == "format"
    assert verify_text("KTM2" + text[4:], store).problem == "version"
    assert verify_text(text.replace(".", ".1", 1), store).problem == "encoding"
    other = new_key()
    foreign = sign_claims(claims_for(other), other)
    result = verify_text(foreign, store)
    assert result.problem == "unknown_key" and result.claims.name == "Ṡiti Nur'aini"
    # Claims re-signed by another key but naming ours: the signature check fails.
    body = foreign.split(".")[1]
    signature = text.split(".")[2]
    assert verify_text(f"KTM1.{body}.{signature}", local_trust_store(other)).problem == (
        "signature"
    )
    assert read_claims(text)[3] is None


def test_a_device_key_certified_by_a_province_root_verifies():
    root = Ed25519PrivateKey.generate()
    device = new_key()
    certificate = certify_device(root, "KT-6472-0007", device.public_key)
    store = TrustStore().with_root(root.public_key()).with_certificate(certificate)
    text = sign_claims(claims_for(device, device="KT-6472-0007#1"), device)

    outcome = verify_text(text, store)
    assert outcome.valid and outcome.anchor == "certificate"

    # The root is not trusted here: the certificate alone proves nothing.
    untrusted = TrustStore().with_certificate(certificate)
    assert verify_text(text, untrusted).problem == "untrusted_issuer"
    # A certificate for another device does not let this key sign for KT-6472-0007.
    elsewhere = certify_device(root, "KT-6403-0002", device.public_key)
    store_elsewhere = TrustStore().with_root(root.public_key()).with_certificate(elsewhere)
    assert verify_text(text, store_elsewhere).problem == "wrong_device"
    # A certificate whose fields were edited after signing is refused.
    edited = type(certificate).from_json(
        certificate.to_json().replace("KT-6472-0007", "KT-6472-0008")
    )
    bad_store = TrustStore().with_root(root.public_key()).with_certificate(edited)
    text_8 = sign_claims(claims_for(device, device="KT-6472-0008#1"), device)
    assert verify_text(text_8, bad_store).problem == "bad_certificate"

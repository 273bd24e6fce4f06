# SPDX-License-Identifier: GPL-3.0-or-later
"""Failure modes 1–3, 14, 22 and 25 of sync-design §3.16: damaged, tampered, truncated,
misaddressed and malformed bundles are refused with a plain code and change no data; and the
format is standard (the ``age`` tool decrypts it, any Ed25519 verifier checks the manifest)."""

from __future__ import annotations

import base64
import json
import random
import subprocess

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kaltim_desktop.sync.bundles import layout
from kaltim_desktop.sync.bundles.errors import (
    E_BAD_SIGNATURE,
    E_DAMAGED,
    E_FORMAT_UNSUPPORTED,
    E_NOT_FOR_US,
    E_SIZE_LIMIT,
    E_UNLISTED_MEMBER,
)
from kaltim_desktop.sync.bundles.importer import REJECTED
from tests.sync.bundles.conftest import data_hash
from tests.sync.bundles.helpers import (
    craft,
    import_data,
    make_zip,
    members,
    ops_of,
    province_identities,
    reencrypt_for_province,
    signed_zip,
)

CHUNK = 64 * 1024 + 16  # age payload chunk with its tag


def _header_length(data: bytes) -> int:
    return data.index(b"\n---") + data[data.index(b"\n---") + 1 :].index(b"\n") + 2


def _refused(province, data, codes):
    before = data_hash(province.db)
    result = import_data(province, data)
    assert result.status == REJECTED, result
    assert result.code in codes, result
    assert result.message and "pyrage" not in result.message.lower()
    assert data_hash(province.db) == before


def test_the_bundle_spans_several_age_chunks(big_pair):
    _province, _laptop, path = big_pair
    assert path.stat().st_size > 2 * CHUNK


def test_flipped_bytes_anywhere_are_refused(big_pair):
    province, _laptop, path = big_pair
    data = path.read_bytes()
    header = _header_length(data)
    rng = random.Random(5)
    chunks = (len(data) - header - 16) // CHUNK + 1
    payload_offsets = [header + 16 + i * CHUNK + rng.randrange(CHUNK) for i in range(chunks - 1)]
    payload_offsets += [len(data) - 1, len(data) - 17, header + 3]  # last tag, last chunk, nonce
    for offset in payload_offsets:
        damaged = bytearray(data)
        damaged[min(offset, len(data) - 1)] ^= 0x01
        _refused(province, bytes(damaged), {E_DAMAGED})
    for offset in rng.sample(range(header), 12):
        damaged = bytearray(data)
        damaged[offset] ^= 0x01
        # age cannot tell a damaged recipient stanza from one for another key.
        _refused(province, bytes(damaged), {E_DAMAGED, E_NOT_FOR_US})


def test_truncated_files_are_refused(big_pair):
    province, _laptop, path = big_pair
    data = path.read_bytes()
    header = _header_length(data)
    rng = random.Random(3)
    cuts = [0, 10, header - 1, header, header + 16]
    cuts += [header + 16 + k * CHUNK for k in (1, 2)]  # exact chunk boundaries
    cuts += [*rng.sample(range(header, len(data) - 1), 6), len(data) - 1]
    for cut in cuts:
        _refused(province, data[:cut], {E_DAMAGED})


def _plain(province, path) -> bytes:
    return pyrage.decrypt(path.read_bytes(), province_identities(province))


def test_tampered_plaintext_reencrypted_with_the_public_key_is_refused(big_pair):
    province, _laptop, path = big_pair
    entries = members(_plain(province, path))
    names = [name for name, _ in entries]
    assert names[0] == "manifest.dsse.json" and "certs/sender.json" in names
    ops_index = names.index("ops/000001.kop")
    # A byte of an ops file: its hash no longer matches the signed manifest.
    changed = list(entries)
    data = bytearray(changed[ops_index][1])
    data[len(data) // 2] ^= 0xFF
    changed[ops_index] = (names[ops_index], bytes(data))
    _refused(province, reencrypt_for_province(province, make_zip(changed)), {E_BAD_SIGNATURE})
    # A byte of the manifest itself (the listed op count): the signature fails.
    envelope = json.loads(entries[0][1])
    manifest = json.loads(base64.b64decode(envelope["payload"]))
    manifest["ops"][0]["count"] += 1
    envelope["payload"] = base64.b64encode(json.dumps(manifest).encode()).decode()
    forged = [("manifest.dsse.json", json.dumps(envelope).encode()), *entries[1:]]
    _refused(province, reencrypt_for_province(province, make_zip(forged)), {E_BAD_SIGNATURE})


def test_hostile_zip_layouts_are_refused_before_any_write(big_pair):
    province, _laptop, path = big_pair
    entries = members(_plain(province, path))
    for hostile in (
        [*entries, ("../evil.txt", b"x")],
        [*entries, ("ops/000001.kop", b"again")],
        [*entries, ("ops/000999.kop", b"unlisted")],
        [*entries, ("/etc/passwd", b"x")],
    ):
        _refused(province, reencrypt_for_province(province, make_zip(hostile)), {
            E_UNLISTED_MEMBER
        })  # fmt: skip
    many = make_zip([(f"ops/{i:06d}.kop", b"") for i in range(layout.MAX_MEMBERS + 1)])
    _refused(province, reencrypt_for_province(province, many), {E_SIZE_LIMIT})


def test_a_decompression_bomb_stops_at_the_declared_size(big_pair):
    province, laptop, path = big_pair
    import hashlib

    from kaltim_desktop.sync.bundles.compression import compress

    bomb = compress(b"\0" * (50 * 1024 * 1024))
    entries = members(_plain(province, path))
    envelope = json.loads(entries[0][1])
    manifest = json.loads(base64.b64decode(envelope["payload"]))
    kept = [e for e in manifest["files"] if not e["path"].startswith("ops/")]
    manifest["files"] = [
        *kept,
        {"path": "ops/000001.kop", "sha256": hashlib.sha256(bomb).hexdigest(),
         "size": len(bomb), "usize": 100, "count": 1},
    ]  # fmt: skip
    others = [(n, d) for n, d in entries[1:] if not n.startswith("ops/")]
    plain = signed_zip(laptop, manifest, [*others, ("ops/000001.kop", bomb)])
    _refused(province, reencrypt_for_province(province, plain), {E_SIZE_LIMIT})


def test_unsupported_format_is_refused(big_pair, monkeypatch):
    province, laptop, _path = big_pair
    monkeypatch.setattr(layout, "FORMAT", 2)
    data = craft(laptop, province, ops_of(laptop)[:3])
    monkeypatch.setattr(layout, "FORMAT", 1)
    _refused(province, data, {E_FORMAT_UNSUPPORTED})


def test_bundle_for_another_key_is_not_for_us(big_pair):
    province, _laptop, path = big_pair
    other = pyrage.x25519.Identity.generate()
    plain = _plain(province, path)
    _refused(province, pyrage.encrypt(plain, [other.to_public()]), {E_NOT_FOR_US})


def test_the_age_tool_decrypts_a_bundle_with_the_escrow_identity(big_pair, tmp_path_factory):
    province, _laptop, path = big_pair
    escrow = province.data_dir.parent / "safe" / "escrow.txt"
    out = subprocess.run(
        ["age", "-d", "-i", str(escrow), str(path)], capture_output=True, check=True
    ).stdout
    assert out == _plain(province, path)
    assert out.startswith(b"PK")


def test_manifest_signature_checks_with_a_plain_ed25519_verifier(big_pair):
    province, laptop, path = big_pair
    entries = dict(members(_plain(province, path)))
    envelope = json.loads(entries["manifest.dsse.json"])
    body = base64.b64decode(envelope["payload"])
    kind = envelope["payloadType"].encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)
    raw = base64.b64decode((laptop.data_dir / "keys" / "device-signing.pub").read_text().strip())
    signature = base64.b64decode(envelope["signatures"][0]["sig"])
    Ed25519PublicKey.from_public_bytes(raw).verify(signature, pae)  # raises if invalid
    with pytest.raises(Exception):  # noqa: B017 - any verifier failure
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, pae + b" ")
    manifest = json.loads(body)
    assert manifest["format"] == 1 and manifest["sender"]["role"] == "district"
    assert "nik" not in body.decode().lower() and "Warga" not in body.decode()

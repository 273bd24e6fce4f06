# SPDX-License-Identifier: GPL-3.0-or-later
"""Files (photos) travel as ``blobs/<sha256>`` members after the ops, hashed in the signed
manifest, spread over parts without exceeding the cap."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import pytest

from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.bundles import layout, reader, writer
from kaltim_desktop.sync.bundles.errors import E_BAD_SIGNATURE, E_DAMAGED, BundleRejected
from tests.conftest import family
from tests.sync.bundles.conftest import data_hash
from tests.sync.bundles.helpers import (
    import_data,
    make_zip,
    members,
    ops_of,
    province_identities,
    reencrypt_for_province,
    sender_of,
    signed_zip,
    to_province,
)


def _blob(size: int) -> tuple[writer.BlobSource, bytes]:
    data = os.urandom(size)  # incompressible, like a JPEG
    digest = hashlib.sha256(data).hexdigest()
    return writer.BlobSource(digest, len(data), lambda: data), data


def _open(province, path) -> reader.Part:
    plain = reader.decrypt(path.read_bytes(), province_identities(province))
    part = reader.open_zip(plain)
    reader.check_members(part)
    return part


def test_blobs_follow_the_ops_and_spill_into_further_parts(province, laptop, tmp_path):
    save_household(laptop.db, laptop.actor, family())
    blobs = [_blob(300_000) for _ in range(5)]
    cap = 1024 * 1024
    parts = writer.write_set(
        tmp_path / "out", sender_of(laptop), to_province(province), ops_of(laptop),
        {"vv_applied": {}}, cap=cap, blobs=[source for source, _ in blobs],
    )  # fmt: skip
    assert all(p.size <= cap for p in parts)
    # The ops' part takes blobs while room is left; the rest go in further parts.
    assert len(parts) == 3
    assert parts[0].manifest["ops"] and not parts[1].manifest["ops"]
    received: dict[str, bytes] = {}
    for part in parts:
        opened = _open(province, part.path)
        entries = [e for e in part.manifest["files"] if e.get("kind") == layout.BLOB_KIND]
        assert [e["path"] for e in entries] == [f"blobs/{e['sha256']}" for e in entries]
        received.update(opened.blobs())
    assert received == {source.sha256: data for source, data in blobs}
    # Every part imports on its own, whatever else it carries.
    for part in parts:
        assert import_data(province, part.path.read_bytes()).status == "applied"


def test_a_blob_that_does_not_match_its_name_is_not_written(province, laptop, tmp_path):
    source, data = _blob(1000)
    lying = writer.BlobSource(source.sha256, source.size, lambda: data[::-1])
    with pytest.raises(ValueError):
        writer.write_set(
            tmp_path / "out", sender_of(laptop), to_province(province), [], {"vv_applied": {}},
            blobs=[lying],
        )  # fmt: skip
    with pytest.raises(ValueError):
        too_big = writer.BlobSource(source.sha256, 2 * layout.MIB, lambda: data)
        writer.write_set(
            tmp_path / "out2", sender_of(laptop), to_province(province), [], {"vv_applied": {}},
            cap=layout.MIB, blobs=[too_big],
        )  # fmt: skip


def test_swapped_or_mislabelled_blobs_are_refused(province, laptop, tmp_path):
    source, _data = _blob(2000)
    (part,) = writer.write_set(
        tmp_path / "out", sender_of(laptop), to_province(province), [], {"vv_applied": {}},
        blobs=[source],
    )  # fmt: skip
    plain = reader.decrypt(part.path.read_bytes(), province_identities(province))
    entries = members(plain)
    before = data_hash(province.db)
    # Other bytes under the same name: the signed manifest's hash no longer matches.
    swapped = [(n, os.urandom(2000) if n.startswith("blobs/") else d) for n, d in entries]
    result = import_data(province, reencrypt_for_province(province, make_zip(swapped)))
    assert (result.status, result.code) == ("rejected", E_BAD_SIGNATURE)
    # A validly signed manifest listing a blob without its kind, or under another name.
    manifest = json.loads(base64.b64decode(json.loads(entries[0][1])["payload"]))
    blob_entry = next(e for e in manifest["files"] if e["path"].startswith("blobs/"))
    others = entries[1:]
    renamed = "blobs/" + "0" * 64  # the right bytes and hash, under another file's name
    for change, files, code in (
        ({"kind": None}, others, E_DAMAGED),
        ({"path": renamed}, [(renamed if n == blob_entry["path"] else n, d) for n, d in others],
         E_DAMAGED),
        ({"sha256": "0" * 64}, others, E_BAD_SIGNATURE),
    ):  # fmt: skip
        listed = [{**e, **change} if e is blob_entry else e for e in manifest["files"]]
        bad = signed_zip(laptop, {**manifest, "files": listed}, files)
        with pytest.raises(BundleRejected) as caught:
            reader.check_members(reader.open_zip(bad))
        assert caught.value.code == code, change
        result = import_data(province, reencrypt_for_province(province, bad))
        assert (result.status, result.code) == ("rejected", code)
    assert data_hash(province.db) == before

# SPDX-License-Identifier: GPL-3.0-or-later
"""Failure mode 27 of sync-design §3.16: photo files travel with their records.

A file goes where its record goes (laptop → province → the laptops of that regency only),
arrives byte-identical, never pushes ops out of the first part; a lost file leaves the record
"photo pending" until a later exchange asks for it and brings it; a file that belongs to no
record here is refused while the ops apply; a file changed after signing refuses the part; a
sender whose own file is damaged does not send it."""

from __future__ import annotations

import hashlib
import io
import logging
import random

from PIL import Image

from kaltim_desktop.models import Photo
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.photos import add_photo, photo_path, photos_dir
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles
from kaltim_desktop.sync.bundles import envelope, layout, reader
from kaltim_desktop.sync.bundles.blobs import photos_text
from kaltim_desktop.sync.bundles.errors import E_BAD_SIGNATURE
from kaltim_desktop.sync.oplog import this_device
from tests.conftest import family
from tests.sync.bundles.conftest import Site, data_hash, enrol_laptop, make_site, replica_hash
from tests.sync.bundles.helpers import (
    craft,
    export_one,
    import_data,
    make_zip,
    members,
    ops_of,
    province_identities,
    reencrypt_for_province,
    signed_zip,
)


def _photos(site: Site, count: int, *, side: int = 320, seed: int = 1) -> list:
    """A household of ``site`` with ``count`` photos (noise: they compress like real ones)."""
    saved = save_household(site.db, site.actor, family())
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        source = site.data_dir / f"camera-{number}.png"
        size = (side, side * 3 // 4)
        Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)).save(source)
        rows.append(add_photo(site.db, site.actor, saved.id, source,
                              folder=photos_dir(site.data_dir)))  # fmt: skip
    return rows


def _file(site: Site, sha: str) -> bytes | None:
    path = photo_path(photos_dir(site.data_dir), sha)
    return path.read_bytes() if path.exists() else None


def _manifest(province: Site, data: bytes) -> dict:
    return reader.open_zip(reader.decrypt(data, province_identities(province))).manifest


def _blob_entries(manifest: dict) -> list[dict]:
    return [f for f in manifest["files"] if f.get("kind") == layout.BLOB_KIND]


def _device(site: Site) -> str:
    with site.db.read() as s:
        return this_device(s).device_id


def test_photo_files_arrive_byte_identical_and_only_where_their_record_goes(
    province, laptop, template_db, tmp_path
):
    colleague = make_site(template_db, tmp_path, "colleague")  # Samarinda too
    enrol_laptop(province, colleague, "64.72")
    elsewhere = make_site(template_db, tmp_path, "elsewhere")  # Paser
    enrol_laptop(province, elsewhere, "64.01")
    (photo,) = _photos(laptop, 1)
    bundle = export_one(laptop)

    preview = import_bundles(province.db, province.data_dir, province.actor, [bundle],
                             dry_run=True)[0]  # fmt: skip
    assert preview.report["photos_received"] == 1 and _file(province, photo.sha256) is None

    result = import_data(province, bundle.read_bytes())
    assert result.status == "applied"
    assert (result.report["photos_received"], result.report["photos_refused"],
            result.report["photos_pending"]) == (1, 0, 0)  # fmt: skip
    assert _file(province, photo.sha256) == _file(laptop, photo.sha256) is not None

    sets = {s.peer: s for s in export_bundles(province.db, province.data_dir, province.actor,
                                              tmp_path / "out")}  # fmt: skip
    relayed = sets[_device(colleague)].parts[0].path
    assert import_data(colleague, relayed.read_bytes()).report["photos_received"] == 1
    assert _file(colleague, photo.sha256) == _file(laptop, photo.sha256)
    assert replica_hash(colleague.db) == replica_hash(laptop.db)
    # The laptop that made it is not sent its own file back; Paser gets neither record nor file.
    for peer in (_device(laptop), _device(elsewhere)):
        (part,) = sets[peer].parts
        assert _blob_entries(part.manifest) == []
    colleague.db.dispose()
    elsewhere.db.dispose()


def test_a_lost_part_leaves_photos_pending_until_a_later_exchange_brings_them(
    province, laptop, tmp_path
):
    rows = _photos(laptop, 10, side=1200)  # ~0.8 MB each: more than one 7 MiB part
    (exported,) = export_bundles(laptop.db, laptop.data_dir, laptop.actor, tmp_path / "usb",
                                 small=True)  # fmt: skip
    parts = [_manifest(province, p.path.read_bytes()) for p in exported.parts]
    assert len(parts) >= 2
    assert all(p.size <= layout.SMALL_PART_CAP for p in exported.parts)
    # Every op is in the first part, before any file; the later parts carry files only.
    first_paths = [f["path"] for f in parts[0]["files"]]
    ops_members = [n for n in first_paths if n.startswith("ops/")]
    assert sum(f.get("count", 0) for f in parts[0]["files"]) == len(ops_of(laptop))
    assert first_paths.index(ops_members[-1]) < min(
        first_paths.index(f["path"]) for f in _blob_entries(parts[0])
    )
    assert all(not f["path"].startswith("ops/") for p in parts[1:] for f in p["files"])

    # Only the first part reaches the province: every record, some files, the rest pending.
    result = import_data(province, exported.parts[0].path.read_bytes())
    carried = len(_blob_entries(parts[0]))
    assert result.report["photos_received"] == carried
    assert result.report["photos_pending"] == len(rows) - carried > 0
    assert photos_text(result.report).startswith(f" — {len(rows) - carried} photo")
    with province.db.read() as s:
        assert s.query(Photo).count() == len(rows)
    missing = sorted(r.sha256 for r in rows if _file(province, r.sha256) is None)
    assert len(missing) == len(rows) - carried

    # The province's answer asks for them; the laptop's next bundle (no new ops) brings them.
    (back,) = export_bundles(province.db, province.data_dir, province.actor, tmp_path / "back")
    assert _manifest_for_laptop(laptop, back.parts[0].path)["blobs_wanted"] == missing
    assert import_data(laptop, back.parts[0].path.read_bytes()).status == "applied"
    (again,) = export_bundles(laptop.db, laptop.data_dir, laptop.actor, tmp_path / "usb2")
    assert again.ops == 0
    sent = [f["sha256"] for p in again.parts for f in _blob_entries(p.manifest)]
    assert sorted(sent) == missing
    for part in again.parts:
        result = import_data(province, part.path.read_bytes())
        assert result.status == "applied"
    assert result.report["photos_pending"] == 0
    for row in rows:
        assert _file(province, row.sha256) == _file(laptop, row.sha256) is not None


def _manifest_for_laptop(laptop: Site, path) -> dict:
    from kaltim_desktop.services.sync_identity import local_identity

    identity = local_identity(laptop.db, laptop.data_dir)
    return reader.open_zip(reader.decrypt(path.read_bytes(), list(identity.identities))).manifest


def _swap_blob(province: Site, laptop: Site, data: bytes, new: bytes, *, resign: bool) -> bytes:
    """The bundle with its one file replaced by ``new``: listed and signed anew by the laptop
    (a file that belongs to no record), or under the old signed manifest (tampering)."""
    entries = members(reader.decrypt(data, province_identities(province)))
    signed = dict(entries)[layout.MANIFEST_NAME]
    manifest = envelope.parse(signed, envelope.MANIFEST_TYPE).document()
    (old,) = _blob_entries(manifest)
    sha = hashlib.sha256(new).hexdigest()
    name = layout.blob_name(sha) if resign else old["path"]
    rest = [(n, d) for n, d in entries if n not in (layout.MANIFEST_NAME, old["path"])]
    if not resign:
        return reencrypt_for_province(province, make_zip([(layout.MANIFEST_NAME, signed),
                                                          *rest, (name, new)]))  # fmt: skip
    manifest["files"] = [f for f in manifest["files"] if f is not old] + [
        {"path": name, "sha256": sha, "size": len(new), "kind": layout.BLOB_KIND}
    ]
    return reencrypt_for_province(province, signed_zip(laptop, manifest, [*rest, (name, new)]))


def test_a_file_of_no_record_is_refused_and_the_records_still_apply(province, laptop):
    (photo,) = _photos(laptop, 1)
    stranger = _jpeg(seed=7)
    data = _swap_blob(province, laptop, export_one(laptop).read_bytes(), stranger, resign=True)
    result = import_data(province, data)
    assert result.status == "applied" and result.report["applied"] == len(ops_of(laptop))
    assert (result.report["photos_received"], result.report["photos_refused"],
            result.report["photos_pending"]) == (0, 1, 1)  # fmt: skip
    assert photos_text(result.report) == (
        " — 1 photo pending (its file has not arrived yet)"
        " — 1 received file refused (it belongs to no photo)"
    )
    assert _file(province, hashlib.sha256(stranger).hexdigest()) is None
    assert _file(province, photo.sha256) is None
    with province.db.read() as s:
        assert s.get(Photo, photo.id).sha256 == photo.sha256


def test_a_file_changed_after_signing_refuses_the_part(province, laptop):
    _photos(laptop, 1)
    data = _swap_blob(province, laptop, export_one(laptop).read_bytes(), _jpeg(seed=8),
                      resign=False)  # fmt: skip
    before = data_hash(province.db)
    result = import_data(province, data)
    assert (result.status, result.code) == ("rejected", E_BAD_SIGNATURE)
    assert data_hash(province.db) == before
    assert not photos_dir(province.data_dir).exists()


def test_a_damaged_file_is_not_sent_and_the_record_stays_pending(province, laptop, caplog):
    (photo,) = _photos(laptop, 1)
    path = photo_path(photos_dir(laptop.data_dir), photo.sha256)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with caplog.at_level(logging.WARNING):
        bundle = export_one(laptop)
    assert "1 photo file(s) do not match their hash" in caplog.text
    assert photo.sha256 not in caplog.text
    assert _blob_entries(_manifest(province, bundle.read_bytes())) == []
    result = import_data(province, bundle.read_bytes())
    assert result.status == "applied" and result.report["photos_pending"] == 1
    (back,) = export_bundles(province.db, province.data_dir, province.actor,
                             province.data_dir / "back")  # fmt: skip
    assert _manifest_for_laptop(laptop, back.parts[0].path)["blobs_wanted"] == [photo.sha256]


def _jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    noise = random.Random(seed).randbytes(64 * 48 * 3)
    Image.frombytes("RGB", (64, 48), noise).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_laptop_asks_the_province_for_a_lost_file_and_another_regency_cannot(
    province, laptop, template_db, tmp_path
):
    colleague = make_site(template_db, tmp_path, "colleague")  # Samarinda too
    enrol_laptop(province, colleague, "64.72")
    elsewhere = make_site(template_db, tmp_path, "elsewhere")  # Paser
    enrol_laptop(province, elsewhere, "64.01")
    (photo,) = _photos(laptop, 1)
    import_data(province, export_one(laptop).read_bytes())
    (relay,) = export_bundles(province.db, province.data_dir, province.actor, tmp_path / "r1",
                              device_id=_device(colleague))  # fmt: skip
    import_data(colleague, relay.parts[0].path.read_bytes())
    photo_path(photos_dir(colleague.data_dir), photo.sha256).unlink()  # a disk fault

    # The colleague's next bundle asks for it, and so does a signed bundle from Paser.
    asked = export_one(colleague)
    assert _manifest(province, asked.read_bytes())["blobs_wanted"] == [photo.sha256]
    assert import_data(province, asked.read_bytes()).status == "applied"
    greedy = craft(elsewhere, province, [], {"blobs_wanted": [photo.sha256]})
    assert import_data(province, greedy).status == "applied"

    sets = {s.peer: s for s in export_bundles(province.db, province.data_dir, province.actor,
                                              tmp_path / "r2")}  # fmt: skip
    (to_colleague,) = sets[_device(colleague)].parts
    assert [f["sha256"] for f in _blob_entries(to_colleague.manifest)] == [photo.sha256]
    (to_elsewhere,) = sets[_device(elsewhere)].parts
    assert _blob_entries(to_elsewhere.manifest) == []  # its record is not in Paser's scope
    result = import_data(colleague, to_colleague.path.read_bytes())
    assert result.report["photos_received"] == 1 and result.report["photos_pending"] == 0
    assert _file(colleague, photo.sha256) == _file(laptop, photo.sha256)
    colleague.db.dispose()
    elsewhere.db.dispose()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Household photos: real pictures made with Pillow go in; upright, small, metadata-free JPEGs
come out, stored by content; rows go through the op log with an audit entry."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from sqlalchemy import func, select

from kaltim_desktop.errors import NotFound, PermissionDenied, ValidationError
from kaltim_desktop.models import AuditEntry, Photo, SyncOp
from kaltim_desktop.services import photos as photo_service
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.photos import (
    add_photo,
    list_photos,
    photo_path,
    remove_photo,
    set_caption,
)
from tests.conftest import family

GPS_IFD = 0x8825
EXIF_IFD = 0x8769


def camera_jpeg(path, *, size=(4000, 3000), orientation=6, taken="2024:05:01 09:30:00"):
    """A phone-like JPEG: landscape pixels with orientation 6 (the phone was held upright),
    a GPS position, the camera model and the time the picture was taken.

    The left half is red and the right half blue, so the rotation can be checked by colour.
    """
    image = Image.new("RGB", size, (220, 30, 30))
    image.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[0x0110] = "Kamera Rahasia"  # Model
    exif[0x0112] = orientation
    exif.get_ifd(EXIF_IFD)[0x9003] = taken
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "S"
    gps[2] = (0.0, 30.0, 7.58)
    gps[3] = "E"
    gps[4] = (117.0, 9.0, 13.35)
    image.save(path, "JPEG", exif=exif, comment=b"Rumah Bapak Yusuf", quality=90)
    return path


@pytest.fixture
def household(db, operator):
    return save_household(db, operator, family())


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "data" / "photos"


def test_camera_photo_comes_out_upright_small_and_without_metadata(
    db, operator, household, folder, tmp_path
):
    source = camera_jpeg(tmp_path / "IMG_20240501_093000.jpg")
    with Image.open(source) as original:  # the test picture really carries what must go
        assert original.getexif().get_ifd(GPS_IFD)
        assert original.getexif()[0x0112] == 6

    row = add_photo(db, operator, household.id, source, "  Tampak   depan ", folder=folder)

    stored = photo_path(folder, row.sha256)
    assert stored.parent.parent == folder and stored.name == f"{row.sha256}.jpg"
    data = stored.read_bytes()
    assert row.byte_size == len(data)
    with Image.open(stored) as out:
        assert out.format == "JPEG"
        # Orientation 6 = rotate 90° clockwise: 4000×3000 becomes 1200×1600 (long side 1600).
        assert out.size == (row.width, row.height) == (1200, 1600)
        exif = out.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(GPS_IFD)
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(out.info)
        # The red left half is now at the top, the blue right half at the bottom.
        red, blue = out.convert("RGB").getpixel((600, 200)), out.getpixel((600, 1400))
        assert red[0] > 180 and red[2] < 80
        assert blue[2] > 180 and blue[0] < 80
    for secret in (b"Exif", b"Kamera Rahasia", b"Rumah Bapak", b"http://ns.adobe.com"):
        assert secret not in data
    assert row.taken_at == "2024-05-01T09:30:00"
    assert row.caption == "Tampak depan"
    assert row.added_by == operator.officer_id


def test_png_with_transparency_is_stored_as_jpeg(db, operator, household, folder, tmp_path):
    source = tmp_path / "denah.png"
    image = Image.new("RGBA", (800, 500), (0, 0, 0, 0))
    image.paste((10, 120, 10, 255), (0, 0, 400, 500))
    image.save(source, "PNG")

    row = add_photo(db, operator, household.id, source, None, folder=folder)

    with Image.open(photo_path(folder, row.sha256)) as out:
        assert out.format == "JPEG" and out.size == (800, 500)  # small pictures keep their size
        assert out.getpixel((700, 250))[0] > 240  # transparent becomes white, not black
        assert out.getpixel((100, 250))[1] > 100
    assert row.taken_at is None and row.caption is None


def test_text_file_named_jpg_is_refused_with_a_message(db, operator, household, folder, tmp_path):
    source = tmp_path / "foto.jpg"
    source.write_text("NIK 6472010101900001 bukan gambar")
    with pytest.raises(ValidationError) as caught:
        add_photo(db, operator, household.id, source, None, folder=folder)
    assert caught.value.issues[0].code == "photo.unreadable"
    assert "not a picture" in caught.value.message
    assert not folder.exists() or not any(folder.rglob("*.jpg"))
    assert list_photos(db, household.id) == []


def test_picture_claiming_too_many_pixels_is_refused_before_decoding(
    db, operator, household, folder, tmp_path, monkeypatch
):
    source = tmp_path / "besar.png"
    Image.new("RGB", (400, 300)).save(source, "PNG")
    monkeypatch.setattr(photo_service, "MAX_PIXELS", 400 * 300 - 1)
    with pytest.raises(ValidationError) as caught:
        add_photo(db, operator, household.id, source, None, folder=folder)
    assert caught.value.issues[0].code == "photo.too_large"


def test_same_photo_twice_is_one_file_and_two_rows(db, operator, household, folder, tmp_path):
    source = camera_jpeg(tmp_path / "a.jpg")
    first = add_photo(db, operator, household.id, source, "depan", folder=folder)
    second = add_photo(db, operator, household.id, source, "depan lagi", folder=folder)
    assert first.sha256 == second.sha256 and first.id != second.id
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert files == [photo_path(folder, first.sha256)]  # no temporary files left either
    assert [p.caption for p in list_photos(db, household.id)] == ["depan", "depan lagi"]


def test_writes_go_through_op_log_and_audit(db, operator, household, folder, tmp_path):
    row = add_photo(db, operator, household.id, camera_jpeg(tmp_path / "a.jpg"), "x", folder=folder)
    set_caption(db, operator, row.id, "Dapur")
    remove_photo(db, operator, row.id)

    with db.read() as s:
        ops = s.scalars(select(SyncOp).where(SyncOp.entity == "photo").order_by(SyncOp.seq)).all()
        audits = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "photo").order_by(AuditEntry.seq)
        ).all()
        stored = s.get(Photo, row.id)
    assert [op.action for op in ops] == ["create", "update", "delete"]
    assert all(op.entity_id == row.id and op.partition == household.village_code for op in ops)
    created = json.loads(ops[0].fields)
    assert created["sha256"] == row.sha256 and created["household_id"] == household.id
    assert [a.action for a in audits] == ["photo.add", "photo.caption", "photo.remove"]
    assert all(a.actor == operator.officer_id for a in audits)
    assert stored.deleted and stored.caption == "Dapur"  # a tombstone, not a removal
    assert photo_path(folder, row.sha256).exists()
    assert list_photos(db, household.id) == []
    with pytest.raises(NotFound):
        remove_photo(db, operator, row.id)


def test_refusals_write_nothing(db, operator, household, folder, tmp_path):
    source = camera_jpeg(tmp_path / "a.jpg", size=(64, 48))
    viewer = Actor(officer_id=None, username="tamu", role="viewer")
    with pytest.raises(PermissionDenied):
        add_photo(db, viewer, household.id, source, None, folder=folder)
    with pytest.raises(NotFound):
        add_photo(db, operator, "no-such-household", source, None, folder=folder)
    with pytest.raises(ValidationError) as caught:
        add_photo(db, operator, household.id, source, "x" * 201, folder=folder)
    assert caught.value.issues[0].code == "photo.caption_long"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 0
        assert s.scalar(select(func.count()).where(SyncOp.entity == "photo")) == 0
    assert not folder.exists()

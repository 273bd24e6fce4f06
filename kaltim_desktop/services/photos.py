# SPDX-License-Identifier: GPL-3.0-or-later
"""Photos of a household's house: read safely, strip every piece of metadata, store by content.

A picture from a phone carries the GPS position of the house, the phone's make and serial, and
sometimes a thumbnail of the uncropped original. None of that may travel with the register
(UU 27/2022), so a photo is decoded, turned upright (EXIF orientation), downscaled to at most
:data:`MAX_SIDE` pixels and re-encoded as a fresh JPEG that carries pixels only. Only the
original's ``DateTimeOriginal`` is kept, as a column, before the metadata is dropped.

The file is stored content-addressed under the photos folder of the data directory,
``<photos_dir>/<aa>/<sha256>.jpg``: the name says nothing about the household, the same
picture added twice is one file, and a removed photo keeps its file (a removal is a tombstone,
and another record may share the picture).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, NotFound, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Household, Photo
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.sync.bundles.blobs import store_blob, stored_path
from kaltim_desktop.sync.oplog import ChangeSet

PHOTOS_FOLDER = "photos"
MAX_SIDE = 1600
JPEG_QUALITY = 85
# Refused before decoding: a few bytes of PNG can claim billions of pixels (a decompression
# bomb). 64 megapixels is more than any phone camera writes by default.
MAX_PIXELS = 64_000_000
MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_CAPTION = 200
# Formats a camera, phone or scanner writes; anything else is refused unread.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP")

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003


@dataclass(frozen=True)
class ProcessedPhoto:
    """A cleaned picture ready to store: JPEG bytes without metadata and what is known of it."""

    data: bytes
    sha256: str
    width: int
    height: int
    taken_at: str | None


@dataclass(frozen=True)
class PhotoRow:
    id: str
    household_id: str
    sha256: str
    byte_size: int
    width: int
    height: int
    taken_at: str | None
    caption: str | None
    added_by: str | None
    added_at: datetime


def photos_dir(data_dir: Path) -> Path:
    """The photos folder of a data directory."""
    return Path(data_dir) / PHOTOS_FOLDER


def photo_path(folder: Path, sha256: str) -> Path:
    """Where the picture with this content hash is (or will be) stored (the same place a
    picture received in a bundle is stored)."""
    return stored_path(folder, sha256)


def _not_a_picture() -> ValidationError:
    return ValidationError(
        [
            Issue(
                "photo",
                "photo.unreadable",
                "error",
                _("This file is not a picture that can be read (use a JPEG or PNG photo)."),
            )
        ]
    )


def _too_large() -> ValidationError:
    return ValidationError(
        [Issue("photo", "photo.too_large", "error", _("This picture is too large to be read."))]
    )


def _taken_at(image: Image.Image) -> str | None:
    """EXIF DateTimeOriginal ("2024:05:01 09:30:00") as ISO text, or None if absent or bad."""
    try:
        raw = image.getexif().get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL)
    except Exception:  # a damaged EXIF block must not stop the photo itself
        return None
    if not isinstance(raw, str):
        return None
    try:
        return datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def process_image(source: Path) -> ProcessedPhoto:
    """Decode ``source`` and return it upright, downscaled and re-encoded without metadata.

    Raises:
        ValidationError: the file is not a readable picture, or is too large.
    """
    source = Path(source)
    try:
        if source.stat().st_size > MAX_FILE_BYTES:
            raise _too_large()
        with Image.open(source, formats=ACCEPTED_FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_large()
            taken_at = _taken_at(image)
            # JPEG only: decode at a reduced scale straight away (much less memory and time).
            # The target keeps the aspect ratio: draft() never goes below it on either side.
            scale = MAX_SIDE / max(width, height)
            if scale < 1:
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            pixels = _rgb(upright)
    except Image.DecompressionBombError as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_a_picture() from exc
    # A new image carries no ``info`` (comment, ICC profile, XMP, EXIF): nothing can leak into
    # the JPEG that Pillow would otherwise copy from the source.
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data = buffer.getvalue()
    return ProcessedPhoto(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        width=clean.width,
        height=clean.height,
        taken_at=taken_at,
    )


def _rgb(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white (a transparent PNG would turn black in a JPEG)."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def store_file(folder: Path, photo: ProcessedPhoto) -> Path:
    """Write the picture under its content hash, atomically; an existing copy is kept as is."""
    return store_blob(folder, photo.sha256, photo.data)


def _clean_caption(caption: str | None) -> str | None:
    text = " ".join((caption or "").split())
    if len(text) > MAX_CAPTION:
        raise ValidationError(
            [
                Issue(
                    "caption",
                    "photo.caption_long",
                    "error",
                    _("A caption has at most {count} characters.").format(count=MAX_CAPTION),
                )
            ]
        )
    return text or None


def _row(photo: Photo) -> PhotoRow:
    return PhotoRow(
        id=photo.id,
        household_id=photo.household_id,
        sha256=photo.sha256,
        byte_size=photo.byte_size,
        width=photo.width,
        height=photo.height,
        taken_at=photo.taken_at,
        caption=photo.caption,
        added_by=photo.added_by,
        added_at=photo.created_at,
    )


def _household(session, household_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound(_("The household was not found."))
    return household


def add_photo(
    db: Database,
    actor: Actor,
    household_id: str,
    source_path: Path,
    caption: str | None = None,
    *,
    folder: Path,
) -> PhotoRow:
    """Clean the picture at ``source_path``, store it in ``folder`` and record it.

    The file is written before the row: a row never points at a missing file. If the
    transaction fails, the file stays unreferenced (it is harmless and found again by hash).

    Raises:
        ValidationError: not a picture, too large, or the caption is too long.
        NotFound: the household does not exist (or is deleted).
    """
    require_role(actor, "operator")
    caption = _clean_caption(caption)
    with db.read() as session:
        _household(session, household_id)  # before the slow part
    processed = process_image(Path(source_path))
    store_file(folder, processed)
    with db.transaction() as session:
        household = _household(session, household_id)
        changes = ChangeSet(session, actor=actor.officer_id, action="photo.add")
        photo_id = changes.create(
            "photo",
            {
                "household_id": household_id,
                "sha256": processed.sha256,
                "byte_size": len(processed.data),
                "width": processed.width,
                "height": processed.height,
                "taken_at": processed.taken_at,
                "caption": caption,
                "added_by": actor.officer_id,
            },
            partition=household.village_code,
        )
        changes.commit()
        return _row(session.get(Photo, photo_id))


def _live_photo(session, photo_id: str) -> Photo:
    photo = session.get(Photo, photo_id)
    if photo is None or photo.deleted:
        raise NotFound(_("The photo was not found."))
    return photo


def set_caption(db: Database, actor: Actor, photo_id: str, caption: str | None) -> PhotoRow:
    """Change a photo's caption (empty removes it)."""
    require_role(actor, "operator")
    caption = _clean_caption(caption)
    with db.transaction() as session:
        photo = _live_photo(session, photo_id)
        household = _household(session, photo.household_id)
        changes = ChangeSet(session, actor=actor.officer_id, action="photo.caption")
        changes.update("photo", photo_id, {"caption": caption}, partition=household.village_code)
        changes.commit()
        return _row(session.get(Photo, photo_id))


def remove_photo(db: Database, actor: Actor, photo_id: str) -> None:
    """Remove a photo from its household (a tombstone: the row and the file stay)."""
    require_role(actor, "operator")
    with db.transaction() as session:
        photo = _live_photo(session, photo_id)
        household = session.get(Household, photo.household_id)
        changes = ChangeSet(session, actor=actor.officer_id, action="photo.remove")
        changes.delete("photo", photo_id, partition=household.village_code)
        changes.commit()


def list_photos(db: Database, household_id: str) -> list[PhotoRow]:
    """The household's photos, oldest first, without removed ones."""
    with db.read() as session:
        photos = session.scalars(
            select(Photo)
            .where(Photo.household_id == household_id, Photo.deleted.is_(False))
            .order_by(Photo.created_at, Photo.id)
        ).all()
        return [_row(photo) for photo in photos]

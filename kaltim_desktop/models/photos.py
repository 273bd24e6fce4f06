# SPDX-License-Identifier: GPL-3.0-or-later
"""Photos of a household's house.

The row replicates through the op log; the picture itself is a downscaled JPEG without any
metadata, stored content-addressed in the data folder (``photos/<aa>/<sha256>.jpg``), so the
file name carries no personal data and the same picture added twice is one file.

``taken_at`` is the camera's own clock from EXIF ``DateTimeOriginal`` ("2024-05-01T09:30:00"):
cameras record local time without a zone, so it is kept as ISO text rather than a UTC
timestamp (and ops carry text, not datetimes). ``added_by`` is the officer id.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, Replicated


class Photo(Replicated, Base):
    """One photo of a household's house; removing it sets the tombstone, the file stays."""

    __tablename__ = "photo"

    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[str | None] = mapped_column(String(19))
    caption: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str | None] = mapped_column(String(36))

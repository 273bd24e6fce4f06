# SPDX-License-Identifier: GPL-3.0-or-later
"""Issued documents (BAST, certificates, aid histories) and this laptop's serial counters.

A :class:`Document` travels with the op log: any laptop can answer "was this number issued, and
is it voided?" once it has synced. Serial counters stay local (:class:`DocumentSerial`): the
number a laptop gives is ``<serial>.<device tag>`` where the tag names the device *and* its
epoch, so two laptops working offline, or one laptop restored from an older backup (a new epoch),
can never hand out the same number.

Only ``Date``/``int``/``bool``/text columns are written through ops (the op codec decodes dates
but not datetimes); the issue time is the record's ``created_at``, which comes from the op.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, Replicated


class Document(Replicated, Base):
    """One issued document; reprints and voids update it, never replace it."""

    __tablename__ = "document"

    kind: Mapped[str] = mapped_column(String(30))
    # The full official number, e.g. "400.9/0007.3F9A2C7B1E04-1/Adbang/2024".
    number: Mapped[str] = mapped_column(String(100), index=True)
    serial: Mapped[int] = mapped_column(Integer)
    serial_tag: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(SmallInteger)
    # What the document is about: a handover, grant, enrolment or household id.
    subject_entity: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("household.id"), index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    issuer_device: Mapped[str] = mapped_column(String(50))
    key_id: Mapped[str] = mapped_column(String(20))
    # The signed QR text and a JSON snapshot of what was printed, so a reprint is identical.
    payload: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    copies_printed: Mapped[int] = mapped_column(Integer, default=0)
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_on: Mapped[date | None] = mapped_column(Date)


class DocumentSerial(Base):
    """The last serial this installation gave for one (device tag, unit, year); never travels."""

    __tablename__ = "document_serial"

    serial_tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)

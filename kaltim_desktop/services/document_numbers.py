# SPDX-License-Identifier: GPL-3.0-or-later
"""Official document numbers that never collide between laptops working offline.

Form (domain.md §3.5): ``<classification>/<serial>/<unit>/<year>``, e.g.
``400.9/0007.L3F9A2C7B1E04-1/Adbang/2024``. The serial is ``<counter>.<device tag>``:

- the *device tag* is the device id (or a province-assigned device code) plus the epoch, so two
  laptops can never produce the same serial, and a laptop restored from an older backup (which
  starts a new epoch, see ``services.maintenance``) cannot repeat numbers it gave after that
  backup was taken;
- the counter runs per device tag, unit and year in the local ``document_serial`` table, raised
  in the issuing transaction, and never below the highest serial already recorded for that tag
  (a guard should the local row be lost).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import Document, DocumentSerial
from kaltim_desktop.services.document_settings import DocumentSettings
from kaltim_desktop.sync.oplog import this_device


def device_tag(session: Session, settings: DocumentSettings) -> tuple[str, str]:
    """Return (device tag for serials, issuing origin ``device_id#epoch``)."""
    device = this_device(session)
    code = settings.device_code or device.device_id
    return f"{code.replace('-', '')}-{device.epoch}", device.origin


def next_serial(session: Session, tag: str, unit_code: str, year: int) -> int:
    """Reserve the next serial for (tag, unit, year) in the caller's write transaction."""
    row = session.get(DocumentSerial, (tag, unit_code, year))
    recorded = session.scalar(
        select(func.max(Document.serial)).where(
            Document.serial_tag == tag, Document.unit_code == unit_code, Document.year == year
        )
    )
    if row is None:
        row = DocumentSerial(serial_tag=tag, unit_code=unit_code, year=year, last_serial=0)
        session.add(row)
    row.last_serial = max(row.last_serial, recorded or 0) + 1
    session.flush()
    return row.last_serial


def format_number(classification: str, serial: int, tag: str, unit_code: str, year: int) -> str:
    return f"{classification}/{serial:04d}.{tag}/{unit_code}/{year}"


def file_name(number: str) -> str:
    """A file name from a document number (no personal data): slashes become underscores."""
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in number)
    return f"{safe}.pdf"

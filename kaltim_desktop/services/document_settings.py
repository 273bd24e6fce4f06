# SPDX-License-Identifier: GPL-3.0-or-later
"""Letterhead, signatory and numbering of the documents, kept in the ``setting`` table so they
back up and migrate with the data. An administrator configures them; until the signatory is
set, documents cannot be issued (a certificate with a placeholder signatory is worse than
none)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.domain.nik import strip_separators
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.reports.documents.model import Letterhead, Signatory
from kaltim_desktop.services.context import Actor, get_setting, require_role, set_setting
from kaltim_desktop.sync import audit

PREFIX = "documents."
LINE_SEPARATOR = "\n"


@dataclass(frozen=True)
class DocumentSettings:
    """Everything an administrator may change on the documents.

    ``classification`` is the archive classification code (Permendagri 83/2022, e.g. ``400.9``
    Sosial); ``unit_code`` the unit in the number (``Adbang``); ``device_code`` overrides the
    device part of the serials (set it only to a code the province assigned to this laptop,
    otherwise numbers could collide); ``signatory_position`` has one line per entry.
    """

    government: str = Letterhead.government
    agency: str = Letterhead.agency
    unit: str = Letterhead.unit
    address: str = Letterhead.address
    logo_path: str = ""
    place: str = "Samarinda"
    classification: str = "400.9"
    unit_code: str = "Adbang"
    device_code: str = ""
    signatory_position: tuple[str, ...] = (
        "a.n. GUBERNUR KALIMANTAN TIMUR",
        "Kepala Biro Administrasi Pembangunan,",
    )
    signatory_name: str = ""
    signatory_rank: str = ""
    signatory_nip: str = ""

    @property
    def letterhead(self) -> Letterhead:
        return Letterhead(
            self.government, self.agency, self.unit, self.address, self.logo_path or None
        )

    @property
    def signatory(self) -> Signatory:
        return Signatory(
            self.signatory_position,
            self.signatory_name,
            self.signatory_rank or None,
            self.signatory_nip or None,
        )


def read_settings(session: Session) -> DocumentSettings:
    values = {}
    for f in fields(DocumentSettings):
        stored = get_setting(session, PREFIX + f.name)
        if stored is None:
            continue
        values[f.name] = (
            tuple(stored.split(LINE_SEPARATOR)) if f.name == "signatory_position" else stored
        )
    return DocumentSettings(**values)


def get_document_settings(db: Database) -> DocumentSettings:
    with db.read() as session:
        return read_settings(session)


def _issues(settings: DocumentSettings) -> list[Issue]:
    issues = []

    def refuse(field: str, message: str) -> None:
        issues.append(Issue(field, f"documents.{field}", "error", message))

    if settings.logo_path:
        try:
            with Image.open(settings.logo_path) as image:
                image.verify()
        except (OSError, UnidentifiedImageError):
            refuse("logo_path", _("The logo must be a readable PNG or JPEG image."))
    nip = strip_separators(settings.signatory_nip)
    if nip and (len(nip) != 18 or not nip.isdigit()):
        refuse("signatory_nip", _("A NIP has 18 digits."))
    for name in ("classification", "unit_code", "place"):
        value = getattr(settings, name)
        if not value.strip() or "/" in value:
            refuse(name, _("Enter a value without a slash."))
    if settings.device_code and not settings.device_code.replace("-", "").isalnum():
        refuse("device_code", _("The device code may only have letters, digits and dashes."))
    return issues


def configure_documents(db: Database, actor: Actor, **changes: object) -> DocumentSettings:
    """Change some settings (by field name of :class:`DocumentSettings`); administrators only.

    Raises:
        PermissionDenied: not an administrator.
        ValidationError: an unreadable logo, a malformed NIP, a code with a slash.
    """
    require_role(actor, "admin")
    with db.transaction() as session:
        current = read_settings(session)
        if changes.get("logo_path"):
            changes["logo_path"] = str(Path(str(changes["logo_path"])).expanduser().resolve())
        if "signatory_nip" in changes:
            changes["signatory_nip"] = strip_separators(str(changes["signatory_nip"] or ""))
        updated = replace(current, **changes)
        issues = _issues(updated)
        if issues:
            raise ValidationError(issues)
        for name in changes:
            value = getattr(updated, name)
            stored = LINE_SEPARATOR.join(value) if isinstance(value, tuple) else str(value)
            set_setting(session, PREFIX + name, stored)
        audit.append(
            session,
            action="documents.configure",
            actor=actor.officer_id,
            after={"fields": sorted(changes)},
        )
        return updated

# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue, reprint, void and verify documents (BAST, certificates, grant letter, aid history).

Each is one use case in one transaction, written through :class:`ChangeSet` (row + op + audit):

- **issue**: check the subject qualifies, give the next collision-free number, sign the QR
  claims with this laptop's key, record the document with a snapshot of its content, write the
  PDF. The PDF is written to a temporary file and renamed before the transaction commits, so a
  failure leaves neither a half-written file nor a recorded document;
- **reprint**: the stored content again, marked *SALINAN ke-N*, with the copy counted (audited);
- **void**: with a reason, travelling in the op log; a voided document verifies as *revoked*;
- **record_print**: each time a document file goes to a printer, an audit entry;
- **verify**: a QR text or a PDF (its invisible page text carries the same QR text) →
  *valid*, *invalid* with the reason, or *revoked*.

File names carry document numbers, never names or NIKs.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop import durable_files
from kaltim_desktop.db import Database
from kaltim_desktop.errors import Conflict, Issue, KaltimError, NotFound, ValidationError
from kaltim_desktop.i18n import N_, _
from kaltim_desktop.models import Document
from kaltim_desktop.reports.documents import codec
from kaltim_desktop.reports.documents import model as m
from kaltim_desktop.reports.documents.pdfium import PDFIUM_LOCK
from kaltim_desktop.reports.documents.render import render_pdf
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.document_data import Subject, build, prepare_subject
from kaltim_desktop.services.document_numbers import device_tag, format_number, next_serial
from kaltim_desktop.services.document_settings import read_settings
from kaltim_desktop.sync import audit
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.trust.payload import Claims, read_claims, sign_claims, verify_text
from kaltim_desktop.trust.store import device_key, trust_store

VALID, INVALID, REVOKED = "valid", "invalid", "revoked"
QR_TEXT = re.compile(r"KTM1\.[A-Z2-7]+\.[A-Z2-7]+")
MAX_REASON = 500


@dataclass(frozen=True)
class IssuedDocument:
    id: str
    kind: str
    number: str
    subject_id: str
    household_id: str | None
    issued_on: date
    issuer_device: str
    key_id: str
    copies_printed: int
    voided: bool
    void_reason: str | None
    qr_text: str


@dataclass(frozen=True)
class VerificationResult:
    """``status`` is valid/invalid/revoked; ``reason`` explains invalid and revoked (translated);
    ``problem`` is the stable code; ``claims`` what the QR says, when readable."""

    status: str
    problem: str | None
    reason: str | None
    claims: Claims | None
    document_id: str | None = None


def data_dir_of(db: Database) -> Path:
    if db.path is None:
        raise KaltimError(_("Documents need a database file (its folder holds the keys)."))
    return Path(db.path).parent


def _row(d: Document) -> IssuedDocument:
    return IssuedDocument(
        d.id,
        d.kind,
        d.number,
        d.subject_id,
        d.household_id,
        d.issued_on,
        d.issuer_device,
        d.key_id,
        d.copies_printed,
        d.voided,
        d.void_reason,
        d.payload,
    )


def write_atomically(path: Path, draw: Callable[[Path], object]) -> None:
    """Draw into a temporary file next to ``path``, then rename it into place."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        draw(temporary)
        durable_files.replace_durably(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def active_document(session: Session, kind: str, subject_id: str) -> Document | None:
    return session.scalar(
        select(Document).where(
            Document.kind == kind,
            Document.subject_id == subject_id,
            Document.voided.is_(False),
            Document.deleted.is_(False),
        )
    )


def record_document(
    session: Session, actor: Actor, kind: str, subject: Subject, data_dir: Path, on: date
) -> m.DocumentData:
    """Number, sign and record one document in the caller's transaction; return its data."""
    existing = active_document(session, kind, subject.entity_id)
    if existing is not None:
        raise Conflict(
            _("This document was already issued as {number}; reprint it or void it first.").format(
                number=existing.number
            )
        )
    settings = read_settings(session)
    if not settings.signatory_name:
        raise ValidationError(
            [
                Issue(
                    "signatory_name",
                    "documents.no_signatory",
                    "error",
                    _("An administrator must set the signatory first."),
                )
            ]
        )
    key = device_key(data_dir)
    tag, origin = device_tag(session, settings)
    serial = next_serial(session, tag, settings.unit_code, on.year)
    number = format_number(settings.classification, serial, tag, settings.unit_code, on.year)
    claims = Claims(
        number,
        kind,
        subject.name,
        subject.nik_masked,
        subject.programme,
        on.isoformat(),
        origin,
        key.key_id,
    )
    qr_text = sign_claims(claims, key)
    header = m.Header(
        kind, number, settings.letterhead, settings.place, on, qr_text, settings.signatory
    )
    data = build(kind, header, subject)
    changes = ChangeSet(session, actor=actor.officer_id, action="document.issue")
    changes.create(
        "document",
        {
            "kind": kind,
            "number": number,
            "serial": serial,
            "serial_tag": tag,
            "unit_code": settings.unit_code,
            "year": on.year,
            "subject_entity": subject.entity,
            "subject_id": subject.entity_id,
            "household_id": subject.household_id,
            "person_id": subject.person_id,
            "issued_on": on,
            "issuer_device": origin,
            "key_id": key.key_id,
            "payload": qr_text,
            "content": codec.dumps(data),
            "copies_printed": 1,
            "voided": False,
        },
        partition=subject.village_code,
    )
    changes.commit(audit_extra={"print": 1})
    return data


def issue_document(
    db: Database, actor: Actor, kind: str, subject_id: str, out: Path, *, on: date | None = None
) -> IssuedDocument:
    """Issue one document and write its PDF to ``out``.

    Raises:
        NotFound: no such subject. ValidationError: it does not qualify, or no signatory is set.
        Conflict: an active document of this kind already exists for it.
    """
    require_role(actor, "operator")
    data_dir = data_dir_of(db)
    with db.transaction() as session:
        subject = prepare_subject(session, kind, subject_id.strip())
        data = record_document(session, actor, kind, subject, data_dir, on or date.today())
        write_atomically(out, lambda path: render_pdf([data], path))
        document = active_document(session, kind, subject.entity_id)
        return _row(document)


def _load(session: Session, document_id: str) -> Document:
    document = session.get(Document, document_id.strip())
    if document is None or document.deleted:
        document = session.scalar(select(Document).where(Document.number == document_id.strip()))
    if document is None or document.deleted:
        raise NotFound(_("The document was not found."))
    return document


def reprint_document(db: Database, actor: Actor, document_id: str, out: Path) -> IssuedDocument:
    """Print an issued document again as *SALINAN ke-N* (by id or number); audited.

    Raises:
        NotFound: no such document. Conflict: it was voided.
    """
    require_role(actor, "operator")
    with db.transaction() as session:
        document = _load(session, document_id)
        if document.voided:
            raise Conflict(_("A voided document cannot be printed again."))
        copies = document.copies_printed + 1
        data = codec.loads(document.kind, document.content)
        data = replace(data, header=replace(data.header, copy_number=copies - 1))
        changes = ChangeSet(session, actor=actor.officer_id, action="document.reprint")
        changes.update("document", document.id, {"copies_printed": copies})
        changes.commit(audit_extra={"print": copies})
        write_atomically(out, lambda path: render_pdf([data], path))
        return _row(session.get(Document, document.id))


def void_document(
    db: Database, actor: Actor, document_id: str, reason: str, *, on: date | None = None
) -> IssuedDocument:
    """Void a document with a reason (supervisors); it then verifies as *revoked*.

    Raises:
        ValidationError: no reason. NotFound: no such document. Conflict: already voided.
    """
    require_role(actor, "supervisor")
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise ValidationError(
            [
                Issue(
                    "reason",
                    "document.void_reason",
                    "error",
                    _("Give the reason for voiding (at most {limit} characters).").format(
                        limit=MAX_REASON
                    ),
                )
            ]
        )
    with db.transaction() as session:
        document = _load(session, document_id)
        if document.voided:
            raise Conflict(_("The document is already voided."))
        changes = ChangeSet(session, actor=actor.officer_id, action="document.void")
        changes.update(
            "document",
            document.id,
            {"voided": True, "void_reason": reason, "voided_on": on or date.today()},
        )
        changes.commit()
        return _row(session.get(Document, document.id))


def record_print(db: Database, actor: Actor, path: Path) -> tuple[str, ...]:
    """Put a physical print of a document file in the audit trail; return the numbers printed.

    Issuing and reprinting are audited when the PDF is made; this records each time such a
    file is sent to a printer (the numbers come from the codes on its pages).
    """
    require_role(actor, "operator")
    numbers = tuple(
        claims.number for claims in (read_claims(code)[0] for code in codes_in_pdf(path)) if claims
    )
    with db.transaction() as session:
        ids = session.scalars(select(Document.id).where(Document.number.in_(numbers))).all()
        audit.append(
            session,
            action="document.print",
            actor=actor.officer_id,
            entity="document",
            entity_id=ids[0] if len(ids) == 1 else None,
            after={"numbers": list(numbers)},
        )
    return numbers


def list_documents(db: Database, *, subject_id: str | None = None) -> tuple[IssuedDocument, ...]:
    with db.read() as session:
        query = select(Document).where(Document.deleted.is_(False))
        if subject_id:
            query = query.where(
                (Document.subject_id == subject_id) | (Document.household_id == subject_id)
            )
        return tuple(_row(d) for d in session.scalars(query.order_by(Document.created_at)))


# ---- verification ------------------------------------------------------------------------------

_PROBLEMS = {
    "format": N_("This is not a document verification code."),
    "version": N_("The verification code has an unknown version."),
    "encoding": N_("The verification code is damaged or was altered."),
    "claims": N_("The verification code is damaged or was altered."),
    "signature": N_("The signature does not match: the code was altered or forged."),
    "unknown_key": N_("The code was signed by a key this installation does not trust."),
    "untrusted_issuer": N_("The signing laptop is certified by an authority that is not trusted."),
    "bad_certificate": N_("The signing laptop's certificate is not valid."),
    "wrong_device": N_("The signing key belongs to another laptop than the code names."),
    "no_code": N_("No verification code was found in the file."),
}


def _problem(code: str) -> str:
    return _(_PROBLEMS[code])


def verify_code(db: Database, qr_text: str) -> VerificationResult:
    """Verify one QR text against the trust store and the voids known to this database."""
    outcome = verify_text(qr_text, trust_store(data_dir_of(db)))
    if not outcome.valid:
        return VerificationResult(
            INVALID, outcome.problem, _problem(outcome.problem or "format"), outcome.claims
        )
    with db.read() as session:
        document = session.scalar(
            select(Document).where(
                Document.number == outcome.claims.number, Document.deleted.is_(False)
            )
        )
        if document is not None and document.voided:
            reason = _("The document was voided on {date}: {reason}").format(
                date=document.voided_on.isoformat() if document.voided_on else "?",
                reason=document.void_reason or "-",
            )
            return VerificationResult(REVOKED, "voided", reason, outcome.claims, document.id)
        return VerificationResult(
            VALID, None, None, outcome.claims, document.id if document else None
        )


def codes_in_pdf(path: Path) -> list[str]:
    """The QR texts carried as invisible text on each page of a PDF (in page order)."""
    import pypdfium2

    found: list[str] = []
    with PDFIUM_LOCK:
        try:
            pdf = pypdfium2.PdfDocument(str(path))
        except (pypdfium2.PdfiumError, OSError) as exc:
            raise KaltimError(_("The file is not a readable PDF.")) from exc
        try:
            for page in pdf:
                textpage = page.get_textpage()
                for code in QR_TEXT.findall(textpage.get_text_range()):
                    if code not in found:
                        found.append(code)
        finally:
            pdf.close()
    return found


def _is_file(value: str) -> bool:
    try:
        return Path(value).is_file()
    except (OSError, ValueError):  # a pasted code is no path (too long, odd characters)
        return False


def verify_input(db: Database, value: str) -> list[VerificationResult]:
    """Verify a PDF file path or a pasted QR text; one result per code found."""
    value = value.strip()
    if not value.upper().startswith("KTM") and (value.lower().endswith(".pdf") or _is_file(value)):
        codes = codes_in_pdf(Path(value))
        if not codes:
            return [VerificationResult(INVALID, "no_code", _problem("no_code"), None)]
        return [verify_code(db, code) for code in codes]
    return [verify_code(db, value)]

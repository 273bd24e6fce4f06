# SPDX-License-Identifier: GPL-3.0-or-later
"""Printing governance: who qualifies, numbers that never collide, reprints marked and counted,
voids in the op log, every print in the audit trail, nothing half-written on failure."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import func, select, update

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.errors import Conflict, NotFound, PermissionDenied, ValidationError
from kaltim_desktop.models import AuditEntry, Device, Document, Handover, SyncOp
from kaltim_desktop.services.certificates import (
    issue_document,
    list_documents,
    reprint_document,
    void_document,
)
from kaltim_desktop.services.document_settings import configure_documents
from kaltim_desktop.services.grants import GrantInput, propose_grant
from kaltim_desktop.services.trainings import enrol
from tests.documents.pdf_tools import flat, pypdf_text, qpdf_check


def audit(db, action: str) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def ops(db, entity: str = "document") -> list[SyncOp]:
    with db.read() as s:
        return list(s.scalars(select(SyncOp).where(SyncOp.entity == entity).order_by(SyncOp.seq)))


def test_only_real_beneficiaries_get_documents(db, operator, registry, tmp_path):
    pending = list_documents(db)
    assert pending == ()
    with db.read() as s:
        not_yet = s.scalar(
            select(Handover.id).where(Handover.household_id == registry.pending_handover_household)
        )
    out = tmp_path / "x.pdf"
    for kind in ("bast", "rlh_certificate"):
        with pytest.raises(ValidationError, match="not been handed over"):
            issue_document(db, operator, kind, not_yet, out)
    enrolled = enrol(db, operator, registry.training_id, registry.head_id, confirm_warnings=True)
    with pytest.raises(ValidationError, match="not completed"):
        issue_document(db, operator, "training_certificate", enrolled.id, out)
    proposed = propose_grant(
        db,
        operator,
        GrantInput(
            household_id=registry.household_id,
            recipient_person_id=registry.head_id,
            programme="modal_usaha_lanjutan",
            period=2030,
            form="cash",
            agency="disperindagkop",
            amount_rupiah=1_000_000,
        ),
    )
    with pytest.raises(ValidationError, match="not been disbursed"):
        issue_document(db, operator, "grant_certificate", proposed.id, out)
    with pytest.raises(NotFound):
        issue_document(db, operator, "grant_certificate", "no-such-grant", out)
    assert not out.exists() and list_documents(db) == ()
    assert ops(db) == []


def test_issue_records_row_op_and_audit_and_refuses_a_second_original(
    db, operator, registry, tmp_path
):
    row = issue_document(db, operator, "rlh_certificate", registry.handover_id, tmp_path / "a.pdf")
    (op,) = ops(db)
    fields = json.loads(op.fields)
    assert op.action == "create" and fields["number"] == row.number
    assert fields["payload"] == row.qr_text and fields["copies_printed"] == 1
    (entry,) = audit(db, "document.issue")
    assert entry.entity == "document" and entry.entity_id == row.id
    with pytest.raises(Conflict, match=row.number.replace(".", r"\.")):
        issue_document(db, operator, "rlh_certificate", registry.handover_id, tmp_path / "b.pdf")
    assert not (tmp_path / "b.pdf").exists()


def test_reprints_are_numbered_copies_and_audited(db, operator, registry, tmp_path):
    row = issue_document(db, operator, "rlh_certificate", registry.handover_id, tmp_path / "a.pdf")
    for copy in (1, 2):
        out = tmp_path / f"copy{copy}.pdf"
        again = reprint_document(db, operator, row.number, out)
        qpdf_check(out)
        text = flat(pypdf_text(out))
        assert f"SALINAN ke-{copy}" in text and row.number in text
        assert again.copies_printed == copy + 1 and again.qr_text == row.qr_text
    assert "SALINAN" not in flat(pypdf_text(tmp_path / "a.pdf"))
    prints = audit(db, "document.reprint")
    assert [json.loads(e.after)["print"] for e in prints] == [2, 3]


def test_void_travels_in_the_op_log_and_frees_the_subject(
    db, operator, supervisor, registry, tmp_path
):
    row = issue_document(db, operator, "bast", registry.handover_id, tmp_path / "a.pdf")
    with pytest.raises(PermissionDenied):
        void_document(db, operator, row.id, "salah")
    with pytest.raises(ValidationError):
        void_document(db, supervisor, row.id, "   ")
    voided = void_document(db, supervisor, row.id, "Salah ketik alamat")
    assert voided.voided and voided.void_reason == "Salah ketik alamat"
    void_op = ops(db)[-1]
    assert json.loads(void_op.fields) == {
        "voided": True,
        "void_reason": "Salah ketik alamat",
        "voided_on": voided_on(db, row.id),
    }
    assert len(audit(db, "document.void")) == 1
    with pytest.raises(Conflict):
        reprint_document(db, operator, row.id, tmp_path / "b.pdf")
    with pytest.raises(Conflict):
        void_document(db, supervisor, row.id, "lagi")
    # A new original may now be issued, with a new number.
    fresh = issue_document(db, operator, "bast", registry.handover_id, tmp_path / "c.pdf")
    assert fresh.number != row.number


def voided_on(db, document_id: str) -> str:
    with db.read() as s:
        return s.get(Document, document_id).voided_on.isoformat()


def test_no_signatory_no_document(db, operator, admin, registry, tmp_path):
    configure_documents(db, admin, signatory_name="")
    with pytest.raises(ValidationError, match="signatory"):
        issue_document(db, operator, "rlh_certificate", registry.handover_id, tmp_path / "a.pdf")
    with pytest.raises(PermissionDenied):
        configure_documents(db, operator, place="Balikpapan")
    with pytest.raises(ValidationError):
        configure_documents(db, admin, signatory_nip="1234")
    with pytest.raises(ValidationError):
        configure_documents(db, admin, logo_path=str(tmp_path / "missing.png"))


def test_a_configured_logo_is_drawn(db, operator, admin, registry, tmp_path):
    from PIL import Image

    logo = tmp_path / "lambang.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(logo)
    configure_documents(db, admin, logo_path=str(logo))
    out = tmp_path / "a.pdf"
    issue_document(db, operator, "grant_certificate", registry.grant_id, out)
    qpdf_check(out)
    assert b"/Subtype /Image" in out.read_bytes()


def test_serials_never_collide_between_laptops_or_epochs(db, db_path, operator, registry, tmp_path):
    # A second laptop: the same data, another device id (as a copy of the file would be after
    # enrolment), issuing offline at the same time.
    other_path = tmp_path / "other" / "kaltim.sqlite"
    other_path.parent.mkdir()
    with closing(sqlite3.connect(db_path)) as source, closing(sqlite3.connect(other_path)) as copy:
        source.backup(copy)  # with the rows still in the WAL
    other = Database(make_engine(sqlite_url(other_path)), other_path)
    with other.transaction() as s:
        s.execute(update(Device).values(device_id="L-0123456789AB"))
    try:
        mine = issue_document(
            db, operator, "rlh_certificate", registry.handover_id, tmp_path / "a.pdf"
        )
        theirs = issue_document(
            other, operator, "rlh_certificate", registry.handover_id, tmp_path / "b.pdf"
        )
        assert mine.number.split("/")[1].startswith("0001.")
        assert theirs.number.split("/")[1] == "0001.L0123456789AB-1"
        assert mine.number != theirs.number
        # The other laptop is restored from a backup: new epoch, new tag, no repeat.
        with other.transaction() as s:
            s.execute(update(Device).values(epoch=2))
        grant = issue_document(
            other, operator, "grant_certificate", registry.grant_id, tmp_path / "c.pdf"
        )
        assert grant.number.split("/")[1] == "0001.L0123456789AB-2"
        second = issue_document(
            db, operator, "grant_certificate", registry.grant_id, tmp_path / "d.pdf"
        )
        assert second.number.split("/")[1].startswith("0002.")
    finally:
        other.dispose()


def test_a_failed_write_leaves_no_file_and_no_record(db, operator, registry, tmp_path):
    missing = tmp_path / "no-such-folder" / "a.pdf"
    with pytest.raises(OSError):
        issue_document(db, operator, "rlh_certificate", registry.handover_id, missing)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
    assert ops(db) == [] and audit(db, "document.issue") == []
    assert list(tmp_path.glob("**/*.part")) == []

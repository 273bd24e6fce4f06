# SPDX-License-Identifier: GPL-3.0-or-later
"""Batches: a village or a training into one PDF or one file each, with progress; Cancel leaves
no file and no record."""

from __future__ import annotations

import dataclasses

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from kaltim_desktop.errors import Cancelled, ValidationError
from kaltim_desktop.models import AuditEntry, Document, SyncOp
from kaltim_desktop.progress import CancelToken
from kaltim_desktop.services.certificate_batch import BatchSelection, issue_batch
from kaltim_desktop.services.certificates import issue_document, verify_code, verify_input
from kaltim_desktop.services.households import save_household
from tests.conftest import VILLAGE, family
from tests.documents.conftest import HANDED_OVER, LONG_NAME, _hand_over
from tests.documents.pdf_tools import flat, pypdf_text, qpdf_check, qr_codes


def counts(db) -> tuple[int, int, int]:
    with db.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model))
            for model in (Document, SyncOp, AuditEntry)
        )


@pytest.fixture
def village(db, operator, registry):
    """A second handed-over house in the same village, on the same day."""
    siti = dataclasses.replace(family().members[1], relation="head", nik=None)
    detail = save_household(
        db,
        operator,
        family(kk_number=None, members=(siti,), street="Jl. Baru"),
        confirm_warnings=True,
    )
    _hand_over(db, operator, detail, detail.members[0].person_id, HANDED_OVER)
    return registry


def test_one_pdf_for_a_village(db, operator, village, tmp_path):
    progress = CancelToken()
    out = tmp_path / "desa.pdf"
    result = issue_batch(
        db,
        operator,
        "rlh_certificate",
        BatchSelection(region=VILLAGE),
        out_file=out,
        progress=progress,
    )
    assert result.issued == 2 and result.skipped == 0 and result.files == (out,)
    assert (progress.done, progress.total) == (2, 2)
    qpdf_check(out)
    assert len(PdfReader(out).pages) == 2
    text = flat(pypdf_text(out))
    for number in result.numbers:
        assert number in text
    assert LONG_NAME.upper() in text and "SITI RAHMAH" in text
    decoded = [verify_code(db, code) for code in qr_codes(out, tmp_path)]
    assert [r.status for r in decoded] == ["valid", "valid"]
    assert [r.claims.number for r in decoded] == list(result.numbers)
    assert [r.status for r in verify_input(db, str(out))] == ["valid", "valid"]


def test_one_file_each_named_by_number_only(db, operator, village, tmp_path):
    folder = tmp_path / "out"
    result = issue_batch(
        db, operator, "bast", BatchSelection(handed_over_on=HANDED_OVER), out_dir=folder
    )
    assert result.issued == 2
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2
    for name in names:
        assert name.startswith("400.9_") and name.endswith(".pdf")
        assert "Siti" not in name and "6472" not in name
    for path in folder.iterdir():
        qpdf_check(path)


def test_already_issued_are_skipped_and_nothing_left_is_refused(db, operator, village, tmp_path):
    issue_document(db, operator, "rlh_certificate", village.handover_id, tmp_path / "one.pdf")
    result = issue_batch(
        db,
        operator,
        "rlh_certificate",
        BatchSelection(region="64.72"),
        out_file=tmp_path / "rest.pdf",
    )
    assert (result.issued, result.skipped) == (1, 1)
    with pytest.raises(ValidationError, match="no document left"):
        issue_batch(
            db,
            operator,
            "rlh_certificate",
            BatchSelection(region="64.72"),
            out_file=tmp_path / "again.pdf",
        )
    with pytest.raises(ValidationError):
        issue_batch(db, operator, "rlh_certificate", BatchSelection(), out_file=tmp_path / "x.pdf")
    assert not (tmp_path / "again.pdf").exists() and not (tmp_path / "x.pdf").exists()


def test_training_batch(db, operator, village, tmp_path):
    result = issue_batch(
        db,
        operator,
        "training_certificate",
        BatchSelection(training_id=village.training_id),
        out_file=tmp_path / "t.pdf",
    )
    assert result.issued == 1
    assert "AHMAD FAUZI" in flat(pypdf_text(tmp_path / "t.pdf"))


class CancelAfter(CancelToken):
    def __init__(self, documents: int) -> None:
        super().__init__()
        self.documents = documents

    def update(self, done, total=None, message=""):
        super().update(done, total, message)
        if done >= self.documents:
            self.cancel()


@pytest.mark.parametrize("target", ["file", "folder"])
def test_cancel_leaves_no_file_and_records_nothing(db, operator, village, tmp_path, target):
    before = counts(db)
    folder = tmp_path / "out"
    folder.mkdir()
    kwargs = {"out_file": folder / "all.pdf"} if target == "file" else {"out_dir": folder}
    with pytest.raises(Cancelled):
        issue_batch(
            db,
            operator,
            "rlh_certificate",
            BatchSelection(region=VILLAGE),
            progress=CancelAfter(1),
            **kwargs,
        )
    assert list(folder.iterdir()) == []
    assert counts(db) == before
    # Cancelled at the very end (after the last document) is still a cancel.
    with pytest.raises(Cancelled):
        issue_batch(
            db,
            operator,
            "rlh_certificate",
            BatchSelection(region=VILLAGE),
            progress=CancelAfter(2),
            **kwargs,
        )
    assert list(folder.iterdir()) == [] and counts(db) == before

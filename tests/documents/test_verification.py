# SPDX-License-Identifier: GPL-3.0-or-later
"""The QR on the printed page: rendered to pixels, decoded by zbar, verified; tampered codes are
invalid, voided documents revoked; the command line says so with its exit code."""

from __future__ import annotations

import pytest

from kaltim_desktop.app import main
from kaltim_desktop.cli.certificate_commands import EXIT_INVALID, EXIT_REVOKED
from kaltim_desktop.services.certificates import (
    INVALID,
    REVOKED,
    VALID,
    issue_document,
    verify_code,
    verify_input,
    void_document,
)
from tests.documents.conftest import LONG_NAME
from tests.documents.pdf_tools import qr_codes

KINDS = ["bast", "rlh_certificate", "grant_certificate", "training_certificate", "aid_history"]


def subject(registry, kind: str) -> str:
    return {
        "bast": registry.handover_id,
        "rlh_certificate": registry.handover_id,
        "grant_certificate": registry.grant_id,
        "training_certificate": registry.enrolment_id,
        "aid_history": registry.household_id,
    }[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_the_printed_qr_decodes_and_verifies(db, operator, registry, tmp_path, kind):
    out = tmp_path / "doc.pdf"
    row = issue_document(db, operator, kind, subject(registry, kind), out)

    (decoded,) = qr_codes(out, tmp_path)
    assert decoded == row.qr_text
    result = verify_code(db, decoded)
    assert result.status == VALID and result.reason is None
    assert result.claims.number == row.number and result.claims.kind == kind
    assert result.document_id == row.id
    assert "*" in result.claims.nik_masked  # only the masked NIK travels in the code


def test_one_altered_character_of_the_decoded_text_is_invalid(db, operator, registry, tmp_path):
    out = tmp_path / "doc.pdf"
    issue_document(db, operator, "rlh_certificate", registry.handover_id, out)
    (decoded,) = qr_codes(out, tmp_path)
    for index in (5, len(decoded) // 2, len(decoded) - 1):
        swapped = "B" if decoded[index] != "B" else "C"
        result = verify_code(db, decoded[:index] + swapped + decoded[index + 1 :])
        assert result.status == INVALID, index
        assert result.reason  # a translated explanation, not a stack trace


def test_a_voided_document_is_revoked_with_its_reason(db, operator, supervisor, registry, tmp_path):
    out = tmp_path / "doc.pdf"
    row = issue_document(db, operator, "grant_certificate", registry.grant_id, out)
    void_document(db, supervisor, row.id, "Nama penerima salah ketik")

    (decoded,) = qr_codes(out, tmp_path)
    result = verify_code(db, decoded)
    assert result.status == REVOKED
    assert "Nama penerima salah ketik" in result.reason
    assert [r.status for r in verify_input(db, str(out))] == [REVOKED]


def test_verify_a_pdf_without_a_camera(db, operator, registry, tmp_path):
    out = tmp_path / "doc.pdf"
    row = issue_document(db, operator, "bast", registry.handover_id, out)
    (result,) = verify_input(db, str(out))
    assert result.status == VALID and result.claims.number == row.number
    assert result.claims.name == LONG_NAME

    other = tmp_path / "not-a-document.pdf"
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(Exception, match="PDF"):
        verify_input(db, str(other))


def test_a_key_this_laptop_does_not_trust_is_invalid(db, operator, registry, tmp_path):
    out = tmp_path / "doc.pdf"
    row = issue_document(db, operator, "rlh_certificate", registry.handover_id, out)
    # Another laptop's key: replace this installation's key files by new ones.
    keys = db.path.parent / "keys"
    for path in keys.iterdir():
        path.unlink()
    result = verify_code(db, row.qr_text)
    assert result.status == INVALID and result.problem == "unknown_key"


def test_command_line_verify_exit_codes(db, operator, supervisor, registry, tmp_path, capsys):
    out = tmp_path / "doc.pdf"
    row = issue_document(db, operator, "rlh_certificate", registry.handover_id, out)
    data_dir = str(db.path.parent)
    db.dispose()

    assert main(["--data-dir", data_dir, "certificate", "verify", str(out)]) == 0
    assert row.number in capsys.readouterr().out
    tampered = row.qr_text[:-3] + ("AAA" if not row.qr_text.endswith("AAA") else "BBB")
    assert main(["--data-dir", data_dir, "certificate", "verify", tampered]) == EXIT_INVALID
    void_document(db, supervisor, row.id, "Dicetak ganda")
    db.dispose()
    assert main(["--data-dir", data_dir, "certificate", "verify", row.qr_text]) == EXIT_REVOKED
    assert "Dicetak ganda" in capsys.readouterr().out

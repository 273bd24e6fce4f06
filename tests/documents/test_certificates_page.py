# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sertifikat/Verifikasi screen driven through its widgets: list what qualifies, issue,
preview, print to a PDF printer, reprint, void, batch, and verify pasted codes."""

from __future__ import annotations

import os

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from kaltim_desktop.models import AuditEntry
from kaltim_desktop.services.certificates import list_documents
from kaltim_desktop.ui.pages.certificates import CertificatesPage
from kaltim_desktop.ui.pages.programme_widgets import select_data
from tests.conftest import VILLAGE
from tests.ui.conftest import ui_context, wait_tasks  # noqa: F401 - a fixture

SCREENSHOT = os.environ.get("KALTIM_SCREENSHOT_DIR")


def audit_entries(db, action: str) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def open_page(qtbot, ui) -> CertificatesPage:
    page = CertificatesPage(ui)
    qtbot.addWidget(page)
    page.resize(1366, 720)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def show(qtbot, page, kind: str) -> None:
    page.region.set_code(VILLAGE)
    select_data(page.kind, kind)
    page.refresh()
    wait_tasks(qtbot, page.ui)


def test_issue_preview_print_reprint_and_void(qtbot, ui_context, registry, tmp_path):  # noqa: F811
    ui = ui_context
    page = open_page(qtbot, ui)
    assert "Choose a region" in page.count_label.text()
    show(qtbot, page, "rlh_certificate")
    assert page.table.rowCount() == 1  # the pending house of the same village does not qualify
    assert not page.issue_button.isEnabled()
    page.table.selectRow(0)
    assert page.issue_button.isEnabled() and not page.reprint_button.isEnabled()

    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot, ui)
    wait_tasks(qtbot, ui)  # the preview renders after the issue
    (document,) = list_documents(ui.db)
    assert document.number in page.info.text()
    assert len(page.preview.pages) == 1 and page.print_button.isEnabled()
    issued = page.preview.path
    assert issued.parent == tmp_path / "documents"
    assert issued.name.startswith("400.9_") and "Siti" not in issued.name
    if SCREENSHOT:
        page.grab().save(os.path.join(SCREENSHOT, "certificates-page.png"))

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)
    assert page.print_to(printer, issued) == 1
    wait_tasks(qtbot, ui)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 1
    (entry,) = audit_entries(ui.db, "document.print")
    assert entry.entity_id == document.id and document.number in entry.after

    page.table.selectRow(0)
    assert document.number in page.table.item(0, 2).text()
    page.reprint_selected()
    wait_tasks(qtbot, ui)
    wait_tasks(qtbot, ui)
    assert "Copy 1" in page.info.text()
    assert page.preview.path.name.endswith("-salinan.pdf")

    page.void_selected("Salah cetak")
    wait_tasks(qtbot, ui)
    wait_tasks(qtbot, ui)
    (voided,) = list_documents(ui.db)
    assert voided.voided and voided.void_reason == "Salah cetak"
    assert page.table.item(0, 2).text() == ""  # may be issued again

    # Verify: the code of the voided document is revoked; one changed character is invalid.
    page.tabs.setCurrentIndex(1)
    page.verify_panel.code_edit.setPlainText(document.qr_text)
    page.verify_panel.verify_pasted()
    wait_tasks(qtbot, ui)
    assert (
        page.verify_panel.result.text() == "REVOKED"
        and "Salah cetak" in page.verify_panel.details.text()
    )
    if SCREENSHOT:
        page.grab().save(os.path.join(SCREENSHOT, "certificates-verify.png"))
    tampered = document.qr_text[:20] + ("B" if document.qr_text[20] != "B" else "C")
    page.verify_panel.code_edit.setPlainText(tampered + document.qr_text[21:])
    page.verify_panel.verify_pasted()
    wait_tasks(qtbot, ui)
    assert page.verify_panel.result.text() == "INVALID"


def test_batch_and_verify_a_file(qtbot, ui_context, registry):  # noqa: F811
    ui = ui_context
    page = open_page(qtbot, ui)
    show(qtbot, page, "bast")
    assert page.batch_button.isEnabled()
    page.issue_all()
    wait_tasks(qtbot, ui)
    wait_tasks(qtbot, ui)
    assert "Issued 1 documents" in page.info.text()
    assert len(page.preview.pages) == 2  # a BAST runs over two pages
    page.verify_panel.verify(str(page.preview.path))
    wait_tasks(qtbot, ui)
    assert page.verify_panel.result.text() == "VALID"
    assert "RLH CSR" in page.verify_panel.details.text()

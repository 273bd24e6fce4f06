# SPDX-License-Identifier: GPL-3.0-or-later
"""The export and report dialogs driven through their widgets, writing real files."""

from __future__ import annotations

import csv
from datetime import date

from pypdf import PdfReader

from kaltim_desktop.exchange.export import ExportFilter
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.ui.export_dialog import ExportDialog
from kaltim_desktop.ui.pages.programme_widgets import select_data
from kaltim_desktop.ui.report_dialog import ReportDialog
from tests.ui.conftest import wait_tasks


def test_export_dialog_writes_what_the_screen_shows(qtbot, ui_context, tmp_path):
    ui = ui_context
    generate_demo(ui.db, households=60, seed=4, today=date(2025, 9, 15))
    dialog = ExportDialog(ui, kind="grants", filters=ExportFilter(status="disbursed"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.kind.currentData() == "grants"
    assert dialog.status.currentData() == "disbursed"
    select_data(dialog.format, "csv")
    dialog.mask.setChecked(True)
    dialog.path.setText(str(tmp_path / "bantuan"))
    dialog.accept()
    wait_tasks(qtbot, ui)
    assert not dialog.isVisible()
    path = tmp_path / "bantuan.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert dialog.result.rows == len(rows)
    assert all(r["stage"] == "disbursed" and "*" in r["recipient_nik"] for r in rows)


def test_report_dialog_writes_a_monthly_pdf(qtbot, ui_context, tmp_path):
    ui = ui_context
    generate_demo(ui.db, households=60, seed=4, today=date(2025, 9, 15))
    dialog = ReportDialog(ui)
    qtbot.addWidget(dialog)
    dialog.show()
    select_data(dialog.regency, "64.72")
    dialog.month.setDate(date(2025, 8, 1))
    dialog.file.setText(str(tmp_path / "laporan"))
    dialog.accept()
    wait_tasks(qtbot, ui, timeout=30_000)
    assert dialog.path == tmp_path / "laporan.pdf"
    text = PdfReader(dialog.path).pages[0].extract_text()
    assert "Kota Samarinda" in text and "August 2025" in text

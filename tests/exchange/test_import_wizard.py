# SPDX-License-Identifier: GPL-3.0-or-later
"""The import wizard driven through its widgets: file, mapping, dry run with a village to
confirm, import, report."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from kaltim_desktop.models import Household
from kaltim_desktop.ui.import_wizard import ImportWizard
from tests.exchange.messy import messy_workbook
from tests.ui.conftest import wait_tasks


def _next(qtbot, ui, wizard):
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    wait_tasks(qtbot, ui)


def test_import_a_messy_sheet_through_the_wizard(qtbot, ui_context, tmp_path):
    ui = ui_context
    sheet = messy_workbook(tmp_path / "bnba.xlsx")
    wizard = ImportWizard(ui)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.file_page.path.setText(str(sheet))
    assert wizard.file_page.sheet.currentText() == "BNBA RLH 2025"
    files = wizard.file_page
    files.regency.setCurrentIndex(files.regency.findData("64.72"))
    files.kk_check.setChecked(True)
    files.dtsen_check.setChecked(True)
    _next(qtbot, ui, wizard)

    mapping = wizard.mapping_page
    assert mapping.table.item(1, 0).text() == "NIK"
    assert mapping.table.cellWidget(3, 2).currentData() == "name"
    assert "Loa Bakung" in mapping.table.item(10, 1).text()
    assert mapping.isComplete()
    _next(qtbot, ui, wizard)

    page = wizard.dry_run_page
    plan = wizard.plan
    assert plan is not None and len(plan.households) == 4  # family E is new here
    assert page.model.rowCount() == len(plan.rows)
    assert "rejected" in page.summary.text()
    assert page.villages.isVisible() and page.villages.rowCount() == 1
    page.villages.choose(0, "64.72.06.1003")
    page.recheck.click()
    wait_tasks(qtbot, ui)
    assert len(wizard.plan.households) == 5 and not page.villages.isVisible()
    with ui.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 0
    _next(qtbot, ui, wizard)

    done = wizard.import_page
    assert not done.isComplete()
    done.start.click()
    wait_tasks(qtbot, ui, timeout=30_000)
    assert done.isComplete()
    assert "5 households imported" in done.status.text()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    with ui.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 5
    report = tmp_path / "report.xlsx"
    wizard.save_report(done, str(report))
    wait_tasks(qtbot, ui)
    summary = dict(load_workbook(report)["Summary"].iter_rows(values_only=True))
    assert summary["Households imported"] == 5
    wizard.close()

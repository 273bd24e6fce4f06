# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme report: the PDF says what the figures say; the xlsx keeps them as numbers."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kaltim_desktop import i18n
from kaltim_desktop.reports.programme import write_report
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.progress import Period, programme_progress


@pytest.fixture(scope="module")
def progress(tmp_path_factory):
    from kaltim_desktop.db import open_database

    db = open_database(tmp_path_factory.mktemp("report") / "kaltim.sqlite")
    try:
        generate_demo(db, households=400, seed=9, today=date(2025, 9, 15))
        yield programme_progress(db, period=Period.month(2025, 8))
    finally:
        db.dispose()


def _text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_pdf_report_states_the_figures(progress, tmp_path):
    path = write_report(progress, tmp_path / "laporan.pdf")
    text = _text(path)
    total = progress.total
    assert "PROGRESS OF THE POVERTY-ALLEVIATION PROGRAMMES" in text
    assert "Period: August 2025" in text
    assert "Kalimantan Timur" in text
    for area in progress.areas:
        assert area.name.removeprefix("Kabupaten ") in text
    assert f"{total.households:,}".replace(",", ".") in text
    assert "Decent houses by stage" in text and "Funders (CSR) of the houses" in text
    for funder in total.funders:
        assert funder.name in text
    assert len(PdfReader(path).pages) >= 2


def test_pdf_report_in_indonesian(progress, tmp_path):
    i18n.set_language("id")
    path = write_report(progress, tmp_path / "laporan.pdf")
    text = _text(path)
    assert "Agustus 2025" in text
    assert "PEMERINTAH PROVINSI KALIMANTAN TIMUR" in text
    assert "Rumah tangga terdaftar" in text


def test_xlsx_report_keeps_numbers(progress, tmp_path):
    path = write_report(progress, tmp_path / "laporan.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == "Summary"
    households = workbook["Households registered"]
    rows = list(households.iter_rows(values_only=True))
    assert rows[0][0] == "Regency/city"
    assert [r[1] for r in rows[1:-1]] == [a.households for a in progress.areas]
    assert rows[-1][0] == "Total" and rows[-1][1] == progress.total.households
    assert households._charts, "the table sheet carries a chart"
    months = list(workbook["Per month"].iter_rows(values_only=True))
    assert len(months) == 13
    assert sum(r[1] for r in months[1:]) == sum(m.houses_handed_over for m in progress.months)


def test_unknown_format_is_refused(progress, tmp_path):
    with pytest.raises(ValueError):
        write_report(progress, tmp_path / "laporan.docx")

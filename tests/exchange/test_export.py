# SPDX-License-Identifier: GPL-3.0-or-later
"""Exports: reopened with openpyxl (NIK as text, same row count), csv for machines, masking,
filters, and a real spreadsheet (LibreOffice) that reads the file."""

from __future__ import annotations

import csv
import subprocess
import tempfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kaltim_desktop.errors import ValidationError
from kaltim_desktop.exchange.export import ExportFilter, export
from kaltim_desktop.models import Enrolment, Grant, Handover, Membership
from kaltim_desktop.services.demo import generate_demo

TODAY = date(2025, 9, 15)


@pytest.fixture
def demo_db(db):
    generate_demo(db, households=300, seed=5, today=TODAY)
    return db


def _count(db, model, *where):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize(
    ("kind", "model", "where"),
    [
        ("households", Membership, (Membership.active.is_(True),)),
        ("handovers", Handover, ()),
        ("grants", Grant, ()),
        ("trainings", Enrolment, ()),
    ],
)
def test_xlsx_export_reopens_with_nik_as_text_and_every_row(
    demo_db, admin, tmp_path, kind, model, where
):
    path = tmp_path / f"{kind}.xlsx"
    result = export(demo_db, admin, kind, path)
    expected = _count(demo_db, model, *where)
    assert result.rows == expected > 0
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    assert sheet.max_row == expected + 1
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{expected + 1}"
    )
    headers = [c.value for c in sheet[1]]
    nik_column = headers.index("NIK" if kind in ("households", "trainings") else "Recipient NIK")
    niks = [row[nik_column] for row in sheet.iter_rows(min_row=2)]
    filled = [cell for cell in niks if cell.value is not None]
    assert filled and all(cell.data_type == "s" and cell.number_format == "@" for cell in filled)
    assert all(len(cell.value) == 16 and cell.value.isdigit() for cell in filled)


def test_households_xlsx_has_typed_dates_numbers_and_labels(demo_db, admin, tmp_path):
    path = export(demo_db, admin, "households", tmp_path / "h.xlsx").path
    sheet = load_workbook(path).worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = [c for c in sheet[2]]
    birth = row[headers.index("Date of birth")]
    assert birth.is_date and birth.number_format == "DD/MM/YYYY"
    assert isinstance(row[headers.index("RT")].value, int)
    assert row[headers.index("Relation")].value in {"Head of family", "Wife/husband", "Child",
                                                    "Son/daughter-in-law", "Grandchild",
                                                    "Parent/parent-in-law", "Household helper",
                                                    "Other"}  # fmt: skip
    assert row[headers.index("Regency/city")].value.startswith(("Kabupaten", "Kota"))


def test_masked_csv_for_machines(demo_db, admin, tmp_path):
    path = tmp_path / "handovers.csv"
    result = export(demo_db, admin, "handovers", path, fmt="csv", mask=True)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM: for machines
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    assert len(rows) == result.rows == _count(demo_db, Handover)
    assert {r["stage"] for r in rows} <= {"surveyed", "under_construction", "completed",
                                          "handed_over", "cancelled"}  # fmt: skip
    masked = [r["kk_number"] for r in rows if r["kk_number"]]
    assert masked and all(len(v) == 16 and v[4:12] == "********" for v in masked)
    dates = [r["surveyed_on"] for r in rows if r["surveyed_on"]]
    assert all(date.fromisoformat(d) for d in dates)
    assert all(r["village_code"].count(".") == 3 for r in rows)


def test_filters_as_on_screen(demo_db, admin, tmp_path):
    everything = export(demo_db, admin, "grants", tmp_path / "all.csv", fmt="csv").rows
    disbursed = export(
        demo_db, admin, "grants", tmp_path / "d.csv", fmt="csv",
        filters=ExportFilter(status="disbursed"),
    )  # fmt: skip
    assert disbursed.rows == _count(demo_db, Grant, Grant.stage == "disbursed") < everything
    samarinda = export(
        demo_db, admin, "households", tmp_path / "s.csv", fmt="csv",
        filters=ExportFilter(region_code="6472"),
    )  # fmt: skip
    rows = list(csv.DictReader((tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()))
    assert samarinda.rows == len(rows) > 0
    assert all(r["village_code"].startswith("64.72.") for r in rows)
    with pytest.raises(ValidationError):
        export(demo_db, admin, "households", tmp_path / "x.csv", fmt="csv",
               filters=ExportFilter(status="disbursed"))  # fmt: skip
    with pytest.raises(ValidationError):
        export(demo_db, admin, "payroll", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.slow
def test_libreoffice_reads_the_export(demo_db, admin, tmp_path):
    path = export(demo_db, admin, "handovers", tmp_path / "handovers.xlsx").path
    profile = tmp_path / "lo-profile"
    completed = subprocess.run(
        [
            "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
            "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(path),
        ],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = tmp_path / "pdf" / "handovers.pdf"
    assert completed.returncode == 0, completed.stderr
    assert pdf.exists() and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")


def test_table_writer_keeps_awkward_values(tmp_path):
    from kaltim_desktop.exchange.xlsx_table import XlsxTableWriter

    path = tmp_path / "odd.xlsx"
    writer = XlsxTableWriter(
        path, "Ma'ruf & \"Sons\"", ["NIK", "Nama", "Tanggal", "Rp", "Ya"],
        ["text", None, "date", "rupiah", None], [19, 20, 12, 14, 6],
    )  # fmt: skip
    writer.append(["0064720101010001", "  Nur\x07 <Aini> & co ", date(2024, 8, 23), 115_000_000,
                   True])  # fmt: skip
    writer.append([None, "", None, None, False])
    writer.append(["<r>1 & 2</r>", "=HYPERLINK(1)", datetime(2024, 8, 23, 15, 30), 1.5, None])
    writer.close()
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == 'Ma\'ruf & "Sons"'
    first = [c.value for c in sheet[2]]
    assert first[0] == "0064720101010001" and sheet["A2"].data_type == "s"
    assert first[1] == "  Nur <Aini> & co "  # the control character is dropped, spaces kept
    assert first[2].date() == date(2024, 8, 23) and sheet["C2"].number_format == "DD/MM/YYYY"
    assert first[3] == 115_000_000 and sheet["D2"].number_format == "#,##0"
    assert first[4] is True
    assert [c.value for c in sheet[3]][4] is False
    # Text that looks like rich-text XML or a formula stays that text; a datetime keeps its day.
    assert [c.value for c in sheet[4]][:2] == ["<r>1 & 2</r>", "=HYPERLINK(1)"]
    assert sheet["B4"].data_type == "s" and sheet["C4"].value == datetime(2024, 8, 23)
    assert sheet.max_row == 4 and sheet.auto_filter.ref == "A1:E4"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_sheet_titles_excel_accepts():
    from kaltim_desktop.exchange.xlsx_table import sheet_title

    assert sheet_title("Hibah [2025]: Kutai/Kartanegara?") == "Hibah -2025-- Kutai-Kartanegara"
    assert sheet_title("'Rumah'") == "Rumah"
    assert len(sheet_title("x" * 40)) == 31 and sheet_title("''") == "Sheet1"


def test_aborted_table_leaves_no_temporary_rows(tmp_path, monkeypatch):
    """XlsxWriter keeps rows in a temporary file: it holds personal data and must not remain."""
    from kaltim_desktop.exchange.xlsx_table import XlsxTableWriter

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    for finish in ("abort", "close"):
        writer = XlsxTableWriter(tmp_path / f"{finish}.xlsx", "T", ["NIK"], ["text"], [19])
        for _row in range(3):
            writer.append(["6472061505800001"])
        assert list(tmp.iterdir()), "rows are kept in a temporary file while writing"
        getattr(writer, finish)()
        assert list(tmp.iterdir()) == []

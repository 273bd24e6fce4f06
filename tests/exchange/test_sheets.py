# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading sheets: calamine's values agree with openpyxl's; cell values are read right."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.exchange import values
from kaltim_desktop.exchange.sheets import _read_xlsx, read_table, sheet_names
from tests.exchange.messy import messy_workbook


def _openpyxl_rows(path, sheet):
    workbook = load_workbook(path, read_only=True, data_only=True)
    worksheet = workbook[sheet]
    worksheet.reset_dimensions()
    rows = list(worksheet.iter_rows(values_only=True))
    workbook.close()
    width = max(len(r) for r in rows)
    return [tuple(r) + (None,) * (width - len(r)) for r in rows]


def _odd_workbook(path):
    """Shared and inline strings, entities, booleans, formulas, dates, gaps, a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet["A1"] = "Nama & <Alamat>"
    sheet["C1"] = 6472061505800001
    sheet["D1"] = 6.47201e15
    sheet["E1"] = True
    sheet["F1"] = "=1+1"
    sheet["A3"] = datetime(2024, 8, 23, 0, 0)
    sheet["B3"] = date(1980, 5, 15)
    sheet["B3"].number_format = "dd/mm/yyyy"
    sheet["C3"] = 44000.5
    sheet["H7"] = "Long Ma'ai"
    workbook.create_sheet("Kedua")["A1"] = "x"
    workbook.save(path)
    return path


def _same(ours, theirs) -> bool:
    """openpyxl returns a datetime at midnight where calamine says it is a date."""
    if isinstance(theirs, datetime) and not isinstance(ours, datetime):
        return isinstance(ours, date) and theirs == datetime.combine(ours, datetime.min.time())
    return ours == theirs and type(ours) is type(theirs)


def _assert_rows_agree(path, name):
    ours, title = _read_xlsx(path, name)
    theirs = _openpyxl_rows(path, name)
    assert title == name and len(ours) == len(theirs)
    for row, (mine, reference) in enumerate(zip(ours, theirs, strict=True), start=1):
        assert len(mine) == len(reference), row
        assert all(_same(a, b) for a, b in zip(mine, reference, strict=True)), (row, mine)


@pytest.mark.parametrize("build", [messy_workbook, _odd_workbook])
def test_reader_returns_what_openpyxl_returns(tmp_path, build):
    """Same values, same types (int for whole numbers, None for empty cells), same row numbers."""
    path = build(tmp_path / "book.xlsx")
    names = sheet_names(path)
    assert names == load_workbook(path, read_only=True).sheetnames
    for name in names:
        _assert_rows_agree(path, name)


def test_numbers_keep_what_the_damage_checks_need(tmp_path):
    """Calamine gives every number as a float: whole numbers come back as int, so an intact NIK
    stored as a number is only warned about, while a rounded one is still found damaged."""
    path = _odd_workbook(tmp_path / "book.xlsx")
    rows, _title = _read_xlsx(path, "Data")
    intact, rounded = rows[0][2], rows[0][3]
    assert intact == 6472061505800001 and type(intact) is int
    assert values.identity_number(intact, "nik")[1][0].code == "nik.stored_as_number"
    assert values.identity_number(rounded, "nik")[1][0].code == "nik.spreadsheet_damage"
    assert rows[2][2] == 44000.5 and values.parse_date(rows[2][0], "d")[0] == date(2024, 8, 23)


def test_rows_keep_their_sheet_numbers_after_empty_rows(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["C4"] = "NIK"
    sheet["D4"] = "Nama"
    sheet["C5"] = "6472061505800001"
    sheet["D5"] = "AHMAD"
    workbook.save(tmp_path / "late.xlsx")
    table = read_table(tmp_path / "late.xlsx")
    assert table.header_row == 4 and table.headers[2:] == ("NIK", "Nama")
    assert table.rows == ((5, (None, None, "6472061505800001", "AHMAD")),)


def test_a_wrong_dimension_written_by_the_creating_program_is_ignored(tmp_path):
    """Some tools write ``<dimension ref="A1:A1"/>`` whatever the sheet holds."""
    source = messy_workbook(tmp_path / "bnba.xlsx")
    damaged = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
                assert b'ref="A1:A1"' in data
            copy.writestr(item, data)
    assert read_table(damaged).rows == read_table(source).rows
    assert len(read_table(damaged).rows) == 15


def test_a_workbook_under_a_wrong_extension_is_read(tmp_path):
    source = messy_workbook(tmp_path / "bnba.xlsx")
    renamed = source.rename(tmp_path / "bnba.dat")
    assert read_table(renamed).header_row == 3
    with pytest.raises(KaltimError, match="not found"):
        read_table(tmp_path / "missing.xlsx")


def test_not_a_workbook_is_a_clear_error(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_text("not a zip")
    with pytest.raises(KaltimError, match="cannot be read as an Excel workbook"):
        read_table(path)


def test_a_sheet_without_header_is_refused(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(KaltimError, match="No header row"):
        read_table(path)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("6472061505800001", "6472061505800001"),
        ("6472 0615 0580 0001", "6472061505800001"),
        (6472061505800001, "6472061505800001"),  # intact number: warning only
        (6472061505800000, None),  # Excel kept 15 digits
        (6.47201e15, None),
        ("6.47201E+15", None),
        ("6,47201E+15", None),
        ("6472061505800001.0", None),
        ("6472010101010000", None),  # rounded, then written out as text
        (647206150580001, None),  # 15 digits: a digit lost
        (None, None),
    ],
)
def test_identity_numbers_damaged_by_a_spreadsheet_are_not_repaired(cell, expected):
    value, issues = values.identity_number(cell, "nik")
    assert value == expected
    if cell is not None and expected is None:
        assert issues[0].code == "nik.spreadsheet_damage"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("15/05/1980", date(1980, 5, 15)),
        ("15-05-1980", date(1980, 5, 15)),
        ("15.05.1980", date(1980, 5, 15)),
        ("1980-05-15", date(1980, 5, 15)),
        ("23 Agustus 2024", date(2024, 8, 23)),
        ("23 Agt 2024", date(2024, 8, 23)),
        ("1 Nopember 1999", date(1999, 11, 1)),
        ("23 August 2024", date(2024, 8, 23)),
        (45527, date(2024, 8, 23)),  # an Excel serial
        ("45527", date(2024, 8, 23)),
        (datetime(2024, 8, 23), date(2024, 8, 23)),
        ("05/20/1990", date(1990, 5, 20)),  # month first, with a warning
        ("31/02/1990", None),
        ("15/05/80", None),  # a two-digit year is ambiguous
        ("kemarin", None),
    ],
)
def test_dates_in_several_formats(cell, expected):
    found, issues = values.parse_date(cell, "birth_date")
    assert found == expected
    if expected is None:
        assert issues and issues[0].is_error
    elif cell == "05/20/1990":
        assert issues[0].code == "birth_date.month_first"
    else:
        assert issues == []


def test_sex_relation_and_small_numbers():
    assert values.parse_sex("Laki-laki")[0] == "M"
    assert values.parse_sex("P")[0] == "F"
    assert values.parse_sex("X")[1][0].is_error
    assert values.parse_relation("KEPALA KELUARGA")[0] == "head"
    assert values.parse_relation("Istri")[0] == "spouse"
    assert values.parse_relation("3")[0] == "child"
    assert values.parse_relation("Famili Lain")[0] == "other"
    assert values.parse_small_int("003", "rt", 1, 999)[0] == 3
    assert values.parse_small_int("Desil 2", "dtsen_decile", 1, 10)[0] == 2
    assert values.parse_small_int("11", "dtsen_decile", 1, 10)[1]
    assert values.phone_text(81234567890) == "081234567890"
    assert values.split_place_date("Samarinda, 15-05-1980") == ("Samarinda", "15-05-1980")
    assert values.is_total_row((None, "JUMLAH", None, 25))
    assert not values.is_total_row((1, "Jumlahnya Ahmad", "6472", "x", "y"))


@pytest.mark.slow
def test_reader_agrees_on_a_workbook_saved_by_libreoffice(tmp_path):
    """Shared strings and LibreOffice's attribute layout, as in sheets saved by office suites."""
    source = messy_workbook(tmp_path / "bnba.xlsx")
    subprocess.run(
        [
            "soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
            "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    path = tmp_path / "out" / "bnba.xlsx"
    with zipfile.ZipFile(path) as saved:
        assert "xl/sharedStrings.xml" in saved.namelist(), "LibreOffice writes shared strings"
    name = sheet_names(path)[0]
    _assert_rows_agree(path, name)
    table = read_table(path)
    assert table.header_row == 3 and table.headers[1] == "NIK"


@pytest.mark.slow
def test_an_opendocument_sheet_is_read_like_the_xlsx(tmp_path):
    """LibreOffice's own format (.ods): same header, same rows and numbers as the xlsx."""
    source = messy_workbook(tmp_path / "bnba.xlsx")
    subprocess.run(
        [
            "soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
            "--convert-to", "ods", "--outdir", str(tmp_path / "out"), str(source),
        ],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    ods, xlsx = read_table(tmp_path / "out" / "bnba.ods"), read_table(source)
    assert ods.header_row == 3 and ods.headers == xlsx.headers
    assert [number for number, _cells in ods.rows] == [number for number, _cells in xlsx.rows]
    for (_n, ours), (_m, theirs) in zip(ods.rows, xlsx.rows, strict=True):
        assert all(_same(a, b) or a == b for a, b in zip(ours, theirs, strict=True)), ours

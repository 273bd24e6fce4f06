# SPDX-License-Identifier: GPL-3.0-or-later
"""Importing messy officer sheets: every row's verdict, a dry run that changes nothing, one
transaction for the real import, cancel leaves nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kaltim_desktop.errors import Cancelled, Conflict, PermissionDenied, ValidationError
from kaltim_desktop.exchange.import_report import write_import_report
from kaltim_desktop.exchange.importer import run_import
from kaltim_desktop.exchange.mapping import guess_mapping, remembered_mapping
from kaltim_desktop.exchange.plan import ImportOptions, dry_run
from kaltim_desktop.exchange.sheets import read_table
from kaltim_desktop.models import AuditEntry, Household, Person, SyncOp
from kaltim_desktop.progress import CancelToken
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.households import save_household
from tests.conftest import family
from tests.exchange.messy import LOA_BAKUNG, ROWS, SAMARINDA, messy_workbook

OPTIONS = ImportOptions(
    regency_code=SAMARINDA, kk_as_of=date(2024, 1, 10), dtsen_as_of=date(2025, 6, 30)
)


def database_digest(path) -> str:
    """A hash of every row of every table (the file itself may change on a mere read)."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )]  # fmt: skip
        for table in tables:
            digest.update(table.encode())
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def sheet(tmp_path, db, operator):
    save_household(db, operator, family())  # family E of the sheet is already registered
    return read_table(messy_workbook(tmp_path / "bnba.xlsx"))


def test_header_is_found_under_a_merged_title_and_two_header_rows(sheet):
    assert sheet.header_row == 3
    assert sheet.skipped_numbering_row
    assert sheet.headers[1] == "NIK"  # merged down over two rows
    assert sheet.headers[7:11] == ("Jalan", "RT", "RW", "Desa/Kel.")
    mapping = guess_mapping(sheet.headers)
    assert mapping.columns == (
        None, "nik", "kk_number", "name", "relation", "sex", "birth_date", "street", "rt", "rw",
        "village", "district", "dtsen_decile",
    )  # fmt: skip
    assert sheet.rows[0][0] == 5


def test_every_row_gets_the_expected_verdict(sheet, db, operator):
    plan = dry_run(db, operator, sheet, guess_mapping(sheet.headers), OPTIONS)
    verdicts = {v.row: v for v in plan.rows}
    expected = {row: verdict for row, verdict, _cells in ROWS if verdict != "empty"}
    assert {row: v.verdict for row, v in verdicts.items()} == expected
    assert plan.empty_rows == 1
    damaged = [8, 10, 15, 17]
    for row in damaged:
        assert "damaged by a spreadsheet" in verdicts[row].reasons[0]
    assert "row 8" in verdicts[9].reasons[0]  # the family goes whole or not at all
    assert any("Loa Bakung" in r for r in verdicts[11].reasons)
    assert any("already registered" in r for r in verdicts[13].reasons)
    assert "Repeats row 5" in verdicts[12].reasons[0]
    assert [q.spelling for q in plan.questions] == ["Karang Asam"]
    assert {c.name for c in plan.questions[0].candidates[:2]} == {
        "Karang Asam Ulu",
        "Karang Asam Ilir",
    }
    # Families A (3 members), D and I (1 each) are ready.
    assert len(plan.households) == 3 and plan.persons == 5
    family_a = plan.households[0].data
    assert family_a.village_code == LOA_BAKUNG
    assert family_a.members[0].name == "H. AHMAD FAUZI, S.Pd."  # kept as written
    assert [m.birth_date for m in family_a.members] == [
        date(1980, 5, 15),
        date(1985, 8, 17),
        date(2010, 3, 1),
    ]
    assert family_a.rt == 3 and family_a.rw == 1 and family_a.dtsen_decile == 2


def test_dry_run_changes_nothing(sheet, db, db_path, operator):
    before = database_digest(db_path)
    dry_run(db, operator, sheet, guess_mapping(sheet.headers), OPTIONS)
    assert database_digest(db_path) == before


def test_import_writes_accepted_households_with_op_log_and_audit(sheet, db, operator):
    mapping = guess_mapping(sheet.headers)
    plan = dry_run(db, operator, sheet, mapping, OPTIONS)
    with db.read() as session:
        ops_before = session.scalar(select(func.count()).select_from(SyncOp))
    result = run_import(db, operator, plan)
    assert result.households == 3 and result.persons == 5
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 4
        names = set(session.scalars(select(Person.name)))
        assert {"H. AHMAD FAUZI, S.Pd.", "SITI RAHMAH", "BUDI", "Hj. NURHAYATI", "TUMINAH"} <= names
        ops = session.scalar(select(func.count()).select_from(SyncOp)) - ops_before
        assert ops == result.ops == 3 + 5 + 5  # households, persons, memberships
        actions = list(session.scalars(select(AuditEntry.action)))
        assert actions.count("household.import") == 1
        assert remembered_mapping(session)["nik"] == "nik"
    # The same sheet again: every family is now a duplicate, nothing is added.
    again = dry_run(db, operator, sheet, mapping, OPTIONS)
    assert again.households == ()
    with pytest.raises(Conflict):
        run_import(db, operator, plan)  # the old plan is refused, not written twice


def test_cancelled_import_leaves_nothing(sheet, db, db_path, operator):
    plan = dry_run(db, operator, sheet, guess_mapping(sheet.headers), OPTIONS)
    before = database_digest(db_path)

    class CancelAfterFirstBatch(CancelToken):
        def update(self, done, total=None, message=""):
            super().update(done, total, message)
            if done:
                self.cancel()

    with pytest.raises(Cancelled):
        run_import(db, operator, plan, progress=CancelAfterFirstBatch())
    assert database_digest(db_path) == before


def test_answered_village_question_accepts_the_row(sheet, db, operator):
    mapping = guess_mapping(sheet.headers)
    plan = dry_run(db, operator, sheet, mapping, OPTIONS)
    question = plan.questions[0]
    answered = ImportOptions(
        regency_code=SAMARINDA,
        kk_as_of=OPTIONS.kk_as_of,
        dtsen_as_of=OPTIONS.dtsen_as_of,
        village_choices={question.key: "64.72.06.1003"},
    )
    plan = dry_run(db, operator, sheet, mapping, answered)
    assert {v.row: v.verdict for v in plan.rows}[16] == "accepted"
    assert plan.questions == ()
    assert any(h.data.village_code == "64.72.06.1003" for h in plan.households)


def test_mapping_is_remembered_for_a_renamed_header(sheet, db, operator):
    headers = list(sheet.headers)
    headers[3] = "Nama Penerima Manfaat"  # not a known header
    assert guess_mapping(headers).columns[3] is None
    columns = list(guess_mapping(sheet.headers).columns)
    plan = dry_run(db, operator, sheet, guess_mapping(sheet.headers), OPTIONS)
    from dataclasses import replace

    from kaltim_desktop.exchange.mapping import ColumnMapping

    plan = replace(plan, headers=tuple(headers), mapping=ColumnMapping(tuple(columns)))
    run_import(db, operator, plan)
    with db.read() as session:
        remembered = remembered_mapping(session)
    assert guess_mapping(headers, remembered).columns[3] == "name"


def test_import_report_lists_every_row_without_personal_data(sheet, db, operator, tmp_path):
    plan = dry_run(db, operator, sheet, guess_mapping(sheet.headers), OPTIONS)
    path = write_import_report(plan, tmp_path / "report.xlsx")
    workbook = load_workbook(path)
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert rows[0] == ("Row", "Verdict", "Reasons")
    assert [r[0] for r in rows[1:]] == [v.row for v in plan.rows]
    assert {r[1] for r in rows[1:]} == {"Accepted", "Accepted with warnings", "Rejected", "Skipped"}
    sheet = workbook.worksheets[1]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:C{len(rows)}"
    rejected = next(i for i, r in enumerate(rows) if r[1] == "Rejected") + 1
    assert sheet.cell(rejected, 2).fill.fgColor.rgb.endswith("F8CBAD")
    summary = dict(workbook.worksheets[0].iter_rows(values_only=True))
    assert (
        summary["Rows rejected"] == plan.counts["rejected"] and type(summary["Empty rows"]) is int
    )
    text = repr([list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets])
    assert "RUSLAN" not in text and "6472" not in text.replace("64.72", "")


def test_csv_with_semicolons_in_windows_encoding(tmp_path, db, operator):
    path = tmp_path / "usulan desa.csv"
    lines = [
        "NIK;No KK;Nama Kepala Keluarga;Jenis Kelamin;Tanggal Lahir;Alamat;RT;Desa;Kecamatan",
        "6472061505800031;6472060101150131;MUH. SYARIF;Laki-laki;15-05-1980;Jl. Gerilya;4;"
        "Lok Bahu;Sungai Kunjang",
        "6,47206E+15;6472060101150132;AMIR;L;23 Agustus 1975;Jl. Ahmad Yani;2;Teluk Lerong Ulu;",
        "6472066002920033;6472060101150133;SRI WAHYUNI;P;2/20/1992;Jl. Damanhuri;9;Karang Anyar;",
        "6472064507720034;6472060101150134;Ibu NUR'AINI;P;05/07/1972;Jl. Pramuka;1;"
        "Desa Antah Berantah;",
    ]
    path.write_bytes("\r\n".join(lines).replace("NUR'AINI", "NUR\u2019AINI").encode("cp1252"))
    table = read_table(path)
    mapping = guess_mapping(table.headers)
    assert mapping.index("head_name") == 2 and mapping.index("birth_date") == 4
    plan = dry_run(db, operator, table, mapping, OPTIONS)
    verdicts = {v.row: v for v in plan.rows}
    assert verdicts[2].verdict == "accepted"
    assert verdicts[3].verdict == "rejected" and "damaged" in verdicts[3].reasons[0]
    assert verdicts[4].verdict == "warning"
    assert "month/day/year" in verdicts[4].reasons[0]
    assert verdicts[5].verdict == "rejected"
    assert "No village of that name" in verdicts[5].reasons[0]
    assert plan.households[0].data.members[0].name == "MUH. SYARIF"


def test_unknown_regency_is_refused(sheet, db, operator):
    with pytest.raises(ValidationError):
        dry_run(db, operator, sheet, guess_mapping(sheet.headers), ImportOptions(regency_code="99"))
    plan = dry_run(db, operator, sheet, guess_mapping(sheet.headers), ImportOptions("6472"))
    assert plan.options.regency_code == "64.72"


def test_only_officers_may_import(sheet, db):
    guest = Actor(officer_id=None, username="guest", role="viewer")
    with pytest.raises(PermissionDenied):
        dry_run(db, guest, sheet, guess_mapping(sheet.headers), OPTIONS)

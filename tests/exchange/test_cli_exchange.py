# SPDX-License-Identifier: GPL-3.0-or-later
"""``import``, ``export`` and ``report`` run as a user runs them (a subprocess, no terminal)."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from kaltim_desktop.exchange.villages import spelling_key
from tests.exchange.messy import messy_workbook
from tests.test_cli import run, sqlite_rows

pytestmark = pytest.mark.slow  # each test starts Python a few times

PASSWORD = "admin-pass-1"


@pytest.fixture
def data_dir(tmp_path):
    result = run(
        tmp_path, "user", "add", "admin", "--name", "Admin", "--role", "admin",
        KALTIM_PASSWORD=PASSWORD,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return tmp_path


def _import(data_dir, *args):
    return run(data_dir, "import", *args, "--as", "admin", KALTIM_AS_PASSWORD=PASSWORD)


def test_dry_run_reports_rejections_and_writes_nothing(data_dir, tmp_path):
    sheet = messy_workbook(tmp_path / "bnba.xlsx")
    report = tmp_path / "laporan impor.xlsx"
    result = _import(data_dir, str(sheet), "--regency", "64.72", "--dry-run", "--json",
                     "--report", str(report))  # fmt: skip
    assert result.returncode == 2, result.stderr
    output = json.loads(result.stdout)
    assert output["counts"]["rejected"] == 6  # family E is not registered in this database
    assert output["households_imported"] is None
    assert output["villages_to_confirm"][0]["spelling"] == "Karang Asam"
    assert load_workbook(report).sheetnames == ["Summary", "Rows", "Villages to confirm"]
    db = data_dir / "kaltim.sqlite"
    assert sqlite_rows(db, "SELECT count(*) FROM household") == [(0,)]


def test_import_refuses_rejected_rows_unless_told_to_skip_them(data_dir, tmp_path):
    sheet = str(messy_workbook(tmp_path / "bnba.xlsx"))
    db = data_dir / "kaltim.sqlite"
    refused = _import(data_dir, sheet, "--regency", "64.72")
    assert refused.returncode == 2
    assert "Nothing was imported" in refused.stdout
    assert sqlite_rows(db, "SELECT count(*) FROM household") == [(0,)]
    answer = "Karang Asam=64.72.06.1003"
    done = _import(data_dir, sheet, "--regency", "64.72", "--skip-rejected", "--village", answer,
                   "--kk-as-of", "2024-01-10", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["households_imported"] == 5
    assert sqlite_rows(db, "SELECT count(*) FROM household") == [(5,)]
    assert sqlite_rows(db, "SELECT count(*) FROM audit_log WHERE action='household.import'") == [
        (1,)
    ]
    assert spelling_key("Karang Asam", None) == "karang asam"


def test_export_and_report(data_dir, tmp_path):
    demo = run(data_dir, "demo", "--households", "40", "--seed", "2")
    assert demo.returncode == 0, demo.stderr
    out = tmp_path / "rumah tangga.csv"
    exported = run(data_dir, "export", "households", "--format", "csv", "--out", str(out),
                   "--mask-nik", "--as", "admin", KALTIM_AS_PASSWORD=PASSWORD)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert rows and all("*" in r["nik"] for r in rows if r["nik"])
    pdf = tmp_path / "laporan.pdf"
    report = run(data_dir, "report", "--out", str(pdf), "--month", "2025-08", "--regency", "6472")
    assert report.returncode == 0, report.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = run(data_dir, "report", "--out", str(tmp_path / "x.docx"))
    assert bad.returncode == 2

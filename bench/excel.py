# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the spreadsheet import: dry run and real import of a large sheet.

Run ``uv run python bench/excel.py`` (50,000 rows) or ``--rows N``. A temporary directory holds
the generated sheet (families of four in Samarinda, NIKs and KK numbers as text, dates in
dd/mm/yyyy) and a fresh database; it is deleted at the end. Printed, all in the same run:

* the baseline: opening the sheet with openpyxl (read-only) and reading every row, nothing else;
* python-calamine alone reading every value (what :mod:`kaltim_desktop.exchange.sheets` uses);
* the dry run: reading the sheet, finding the header, judging every row (damage checks, dates,
  village matching, household rules, duplicates in the file and against the database);
* the real import: writing the accepted households through the op log and audit trail in one
  transaction;
* the export of the imported households with their members: xlsx (XlsxWriter, typed cells) and
  csv, against a baseline of openpyxl's write-only mode writing the same rows untyped.

Targets: dry run at least 5,000 rows/s, import at least 2,000 rows/s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from kaltim_desktop.db import open_database
from kaltim_desktop.exchange.export import export
from kaltim_desktop.exchange.export_queries import QUERIES
from kaltim_desktop.exchange.importer import run_import
from kaltim_desktop.exchange.mapping import guess_mapping
from kaltim_desktop.exchange.plan import ImportOptions, dry_run
from kaltim_desktop.exchange.sheets import read_table
from kaltim_desktop.services.context import Actor

TARGET_DRY_RUN = 5_000
TARGET_IMPORT = 2_000
OPERATOR = Actor(
    officer_id="00000000-0000-7000-8000-00000000e001", username="bench", role="operator"
)
HEADERS = ["No", "NIK", "No KK", "Nama", "Hubungan", "L/P", "Tempat Lahir", "Tanggal Lahir",
           "Alamat", "RT", "RW", "Desa/Kelurahan", "Kecamatan", "Desil", "No HP"]  # fmt: skip
VILLAGES = [("Loa Bakung", "Sungai Kunjang"), ("Lok Bahu", "Sungai Kunjang"),
            ("Sempaja Selatan", "Samarinda Utara"), ("Sidomulyo", "Samarinda Ilir"),
            ("Rapak Dalam", "Loa Janan Ilir"), ("Bukuan", "Palaran")]  # fmt: skip
NAMES = ["AHMAD", "SITI", "BUDI", "NURHAYATI", "RUSLAN", "MARLINA", "YUSUF", "AISYAH",
         "HENDRA", "RAHMAWATI", "SYAHRIR", "WAHYUNI"]  # fmt: skip


def _person(index: int, *, female: bool, child: bool) -> tuple[str, date]:
    """A unique valid NIK (mixed radix over day, month, year, serial) and its birth date."""
    day, month = 1 + index % 28, 1 + (index // 28) % 12
    if child:
        yy, serial = (index // 336) % 20, 5001 + index // (336 * 20)
        born = date(2000 + yy, month, day)
    else:
        yy, serial = 60 + (index // 336) % 40, 1 + index // (336 * 40)
        born = date(1900 + yy, month, day)
    nik = f"647206{day + (40 if female else 0):02d}{month:02d}{yy:02d}{serial:04d}"
    return nik, born


def build_sheet(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("BNBA")
    sheet.append(["DAFTAR PENERIMA BANTUAN (BENCHMARK)"])
    sheet.append(HEADERS)
    roles = [("Kepala Keluarga", "L", False, False), ("Istri", "P", True, False),
             ("Anak", "L", False, True), ("Anak", "P", True, True)]  # fmt: skip
    for number in range(rows):
        family, position = divmod(number, 4)
        relation, sex, female, child = roles[position]
        nik, born = _person(number, female=female, child=child)
        kk = f"647206{1 + family % 28:02d}{1 + (family // 28) % 12:02d}15{1 + family // 336:04d}"
        village, district = VILLAGES[family % len(VILLAGES)]
        sheet.append([
            number + 1, nik, kk, f"{NAMES[number % len(NAMES)]} {NAMES[family % 7]}", relation,
            sex, "Samarinda", born.strftime("%d/%m/%Y"), f"Jl. Pahlawan No. {family % 200}",
            1 + family % 30, 1 + family % 9, village, district, 1 + family % 4,
            f"0812{family:08d}" if position == 0 else None,
        ])  # fmt: skip
    workbook.save(path)


def measure_exports(db, folder: Path) -> dict[str, tuple[int, float]]:
    """(rows, seconds) of the households export as xlsx and csv, and of the baseline."""
    admin = Actor(officer_id=OPERATOR.officer_id, username="bench", role="admin")
    figures = {}
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Households")
    query = QUERIES["households"]
    sheet.append([column.label for column in query.columns])
    count = 0
    with db.read() as session:
        for row in query.rows(session, None, None):
            sheet.append(list(row))
            count += 1
    workbook.save(folder / "baseline.xlsx")
    figures["baseline"] = (count, time.perf_counter() - started)
    for fmt in ("xlsx", "csv"):
        started = time.perf_counter()
        result = export(db, admin, "households", folder / f"households.{fmt}", fmt=fmt)
        figures[fmt] = (result.rows, time.perf_counter() - started)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kaltim-bench-excel-") as tmp:
        sheet_path = Path(tmp) / "bnba.xlsx"
        started = time.perf_counter()
        build_sheet(sheet_path, args.rows)
        print(f"sheet of {args.rows:,} rows written in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        workbook = load_workbook(sheet_path, read_only=True, data_only=True)
        count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        with CalamineWorkbook.from_path(sheet_path) as calamine:
            calamine.get_sheet_by_index(0).to_python(skip_empty_area=False)
        calamine_s = time.perf_counter() - started

        db = open_database(Path(tmp) / "kaltim.sqlite")
        try:
            started = time.perf_counter()
            table = read_table(sheet_path)
            read_s = time.perf_counter() - started
            options = ImportOptions(
                regency_code="64.72", kk_as_of=date(2025, 1, 1), dtsen_as_of=date(2025, 6, 30)
            )
            plan = dry_run(db, OPERATOR, table, guess_mapping(table.headers), options)
            dry_s = time.perf_counter() - started
            started = time.perf_counter()
            result = run_import(db, OPERATOR, plan)
            import_s = time.perf_counter() - started
            exports = measure_exports(db, Path(tmp))
        finally:
            db.dispose()

    counts = plan.counts
    print(f"verdicts: {dict(counts)}; households imported: {result.households:,}, "
          f"persons: {result.persons:,}, ops: {result.ops:,}")  # fmt: skip
    rows = args.rows
    lines = [
        ("openpyxl read only (baseline)", baseline, count),
        ("python-calamine read (values only)", calamine_s, count),
        ("read_table (header detection)", read_s, rows),
        ("dry run (read + judge every row)", dry_s, rows),
        ("import (write accepted rows)", import_s, rows),
        ("dry run + import", dry_s + import_s, rows),
    ]
    print(f"{'step':38} {'seconds':>8} {'rows/s':>10} {'x baseline time':>16}")
    for label, seconds, n in lines:
        print(f"{label:38} {seconds:8.2f} {n / seconds:10,.0f} {seconds / baseline:16.2f}")
    members, write_baseline = exports["baseline"]
    print(f"\nexport of the {members:,} imported members (households with members)")
    print(f"{'step':38} {'seconds':>8} {'rows/s':>10} {'x baseline time':>16}")
    for label, (n, seconds) in (
        ("openpyxl write-only, untyped (baseline)", exports["baseline"]),
        ("export xlsx (XlsxWriter, typed)", exports["xlsx"]),
        ("export csv", exports["csv"]),
    ):
        print(f"{label:38} {seconds:8.2f} {n / seconds:10,.0f} {seconds / write_baseline:16.2f}")
    dry_rate, import_rate = rows / dry_s, rows / import_s
    ok = dry_rate >= TARGET_DRY_RUN and import_rate >= TARGET_IMPORT
    print(
        f"targets: dry run >= {TARGET_DRY_RUN:,} rows/s: {dry_rate:,.0f} "
        f"({'ok' if dry_rate >= TARGET_DRY_RUN else 'MISSED'}); import >= {TARGET_IMPORT:,} "
        f"rows/s: {import_rate:,.0f} ({'ok' if import_rate >= TARGET_IMPORT else 'MISSED'})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-3.0-or-later
"""Hand-made messy officer sheets, built with openpyxl the way real ones arrive."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

SAMARINDA = "64.72"
LOA_BAKUNG = "64.72.06.1001"


def nik(day: int, month: int, yy: int, serial: int, *, female: bool = False) -> str:
    """A valid Sungai Kunjang (64.72.06) NIK."""
    return f"647206{day + (40 if female else 0):02d}{month:02d}{yy:02d}{serial:04d}"


def kk(serial: int) -> str:
    """A valid KK number issued in Sungai Kunjang on 1 January 2015."""
    return f"647206010115{100 + serial:04d}"


HEADER_TOP = ["No", "NIK", "No. KK", "Nama", "SHDK", "L/P", "Tgl Lahir", "ALAMAT",
              None, None, None, "Kecamatan", "Desil"]  # fmt: skip
HEADER_SUB = [None, None, None, None, None, None, None, "Jalan", "RT", "RW", "Desa/Kel."]

# (row number in the sheet, verdict expected, the cells); rows 1-4 are title and headers.
ROWS: list[tuple[int, str, list]] = [
    # Family A: clean text cells, a title and a degree in capitals, three date formats.
    (5, "accepted", [1, nik(15, 5, 80, 21), kk(1), "H. AHMAD FAUZI, S.Pd.", "Kepala Keluarga",
                     "L", "15/05/1980", "Jl. Pahlawan Gg. 5", "003", "001", "Loa Bakung",
                     "Sungai Kunjang", 2]),
    (6, "accepted", [2, nik(17, 8, 85, 22, female=True), kk(1), "SITI RAHMAH", "Istri", "P",
                     datetime(1985, 8, 17), None, None, None, None, None, None]),
    (7, "accepted", [3, nik(1, 3, 10, 23), kk(1), "BUDI", "Anak", "L", "1 Maret 2010",
                     None, None, None, None, None, None]),
    # Family B: the head's NIK was kept as a number and rounded by Excel to 15 digits.
    (8, "rejected", [4, 6472061204750000, kk(2), "RUSLAN", "KK", "L", "12-04-1975",
                     "Jl. Cendana", 4, 2, "Loa Bakung", "Sungai Kunjang", 1]),
    (9, "rejected", [5, nik(3, 9, 78, 5, female=True), kk(2), "MARLINA", "Istri", "P",
                     "1978-09-03", None, None, None, None, None, None]),
    # Family C: a number that lost a digit (15 digits).
    (10, "rejected", [6, 647206200788000, kk(3), "JUMRI", "Kepala Keluarga", "L",
                      "20/07/1988", "Jl. Kadrie Oening", 7, None, "Loa Bakung", None, 3]),
    # Family D: the village spelled freely ("Kel. Loa Bakong"); the NIK stored as a number that
    # Excel did not round (it does not end in 0): accepted with warnings.
    (11, "warning", [7, 6472064506900007, kk(4), "Hj. NURHAYATI", "Kepala Keluarga", "P",
                     "05/06/1990", "Jl. Slamet Riyadi", 12, 3, "Kel. Loa Bakong",
                     "Sei Kunjang", 4]),
    # A repeated row (family A's head again): skipped, not imported twice.
    (12, "skipped", [8, nik(15, 5, 80, 21), kk(1), "H. AHMAD FAUZI, S.Pd.", "Kepala Keluarga",
                     "L", "15/05/1980", "Jl. Pahlawan Gg. 5", "003", "001", "Loa Bakung",
                     "Sungai Kunjang", 2]),
    # Family E: already registered in the database (the test registers it first).
    (13, "rejected", [9, "6472061505800001", "6472060101150004", "Ahmad Fauzi", "Kepala Keluarga",
                      "L", "15/05/1980", "Jl. Pahlawan", 3, 1, "Loa Bakung", "Sungai Kunjang",
                      2]),
    (14, "empty", [None] * 13),
    # Family F: a NIK written out as text after rounding ("...0000").
    (15, "rejected", [10, "6472010101010000", kk(6), "SAMSUL", "Kepala Keluarga", "L",
                      "01/01/1970", "Jl. Juanda", 1, 1, "Loa Bakung", "Sungai Kunjang", 2]),
    # Family G: "Karang Asam" is two villages (Ulu and Ilir): the officer must choose.
    (16, "rejected", [11, nik(9, 9, 91, 11), kk(7), "YUSUF", "Kepala Keluarga", "L",
                      "09/09/1991", "Jl. Ir. Juanda", 2, 1, "Karang Asam", None, 5]),
    # Family H: a single-row family without KK and relation, scientific NIK in a text cell.
    (17, "rejected", [12, "6.47206E+15", None, "ANI", None, "P", "02/02/1992",
                      "Jl. Gerilya", 5, None, "Loa Buah", "Sungai Kunjang", 3]),
    # Family I: a one-person household without KK, relation and sex: the row is the head, the
    # sex is read from the NIK (with a warning).
    (18, "warning", [13, nik(2, 2, 60, 13, female=True), None, "TUMINAH", None, None,
                     "02/02/1960",
                     "Jl. Gerilya", 5, None, "Loa Buah", "Sungai Kunjang", None]),
    (19, "skipped", [None, "JUMLAH", None, None, None, None, None, None, None, None, None, None,
                     None]),
]  # fmt: skip


def messy_workbook(path: Path) -> Path:
    """The sheet above with a merged title, merged two-row headers and a numbering row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "BNBA RLH 2025"
    sheet.append(["DAFTAR PENERIMA BANTUAN RUMAH LAYAK HUNI TAHUN 2025"])
    sheet.merge_cells("A1:M1")
    sheet.append(HEADER_TOP)
    sheet.append(HEADER_SUB)
    for column in "ABCDEFGLM":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("H2:K2")
    sheet.append([f"({n})" for n in range(1, 14)])
    for _row, _verdict, cells in ROWS:
        sheet.append(cells)
    workbook.save(path)
    return path

# SPDX-License-Identifier: GPL-3.0-or-later
"""Spreadsheets in and out: importing officers' Excel/CSV lists, exporting the register.

Qt-free. The import runs in steps the wizard and the ``import`` command share:

1. :mod:`.sheets` reads a workbook (python-calamine) or csv file (encoding and delimiter
   sniffed) and finds the header row, also under merged title rows.
2. :mod:`.mapping` guesses which column holds which field from Indonesian and English headers;
   the mapping chosen is remembered in the ``setting`` table for the next file.
3. :mod:`.plan` is the **dry run**: every row is read with :mod:`.values` (NIKs damaged by a
   spreadsheet are reported, never repaired; dates in several formats), villages are matched by
   name within the regency (:mod:`.villages`), rows are grouped into households by KK number,
   checked with the household rules, and compared with each other and with the database. It only
   reads. Each row gets a verdict: accepted, accepted with warnings, rejected (with reasons) or
   skipped (total rows, repeated rows).
4. :mod:`.importer` writes the accepted households in **one transaction** through the op log
   and audit trail (:class:`~kaltim_desktop.sync.oplog.ChangeSet`); cancelling rolls it all back.
5. :mod:`.import_report` saves the verdicts as an xlsx report.

:mod:`.export` writes households, handovers, grants and trainings to xlsx or csv.

Libraries, not hand-written file formats. Officers' lists run to tens of thousands of rows,
and openpyxl, building a cell object per value, needs about two seconds per 10,000 rows to read
them; so:

* reading uses **python-calamine**, the Rust calamine reader pandas uses: values only, more
  than ten times faster than openpyxl's read-only mode, and it also reads .xls, .xlsb and .ods.
  :mod:`.sheets` turns its values into what :mod:`.values` judges (``None`` for empty cells,
  ``int`` for whole numbers, so a NIK stored as a number is still found damaged or warned);
* writing uses **XlsxWriter** in ``constant_memory`` mode (:mod:`.xlsx_table` for the export
  lists; the import report too): typed cells, NIK and KK as text, real date and number formats,
  a frozen header with filters, and native charts for the programme report.

openpyxl stays a test tool (the tests build messy sheets with it and reopen every file written)
and the baseline of ``bench/excel.py``, which measures the import and the export.
"""

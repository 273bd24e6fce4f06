# SPDX-License-Identifier: GPL-3.0-or-later
"""Spreadsheets in and out: importing officers' Excel/CSV lists, exporting the register.

Qt-free. The import runs in steps the wizard and the ``import`` command share:

1. :mod:`.sheets` reads an xlsx (openpyxl, read-only) or csv file (encoding and delimiter
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

openpyxl is too slow for lists of tens of thousands of rows in either direction, so
:mod:`.xlsx_reader` reads cell values straight from the sheet XML (falling back to openpyxl for
anything unusual) and :mod:`.xlsx_writer` writes export sheets directly; both are checked
against openpyxl (and LibreOffice) in the tests. ``bench/excel.py`` measures the import.
"""

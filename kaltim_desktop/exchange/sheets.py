# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading a table from an xlsx or csv file, and finding its header row.

Officers' sheets rarely start at A1: a title ("DAFTAR PENERIMA BANTUAN RLH"), merged over the
columns, sits above the headers; a group label ("ALAMAT") is merged over "RT", "RW", "Desa";
"NIK" is merged down over two header rows; a numbering row "(1) (2) (3)" follows the headers.
A merged range keeps its value in its top-left cell, so the header of each column is its cell
in the header row or, when that is empty, the nearest non-empty cell above it. That also reads
two-row headers typed without merging, so the merged ranges themselves are not needed. The
header row is the one whose labels match the most known field names (see :mod:`.mapping`).

Workbooks are read with python-calamine (the Rust calamine reader pandas uses): it returns the
cell values of a 50,000-row sheet in about a second, where openpyxl's read-only mode spends
several building a cell object per value. It also reads .xls, .xlsb and .ods files. Its values
are brought to the shape the rest of the import expects: an empty cell is ``None`` (calamine
says ``""``), and a whole number is an ``int`` (calamine keeps every number as a float), so a
NIK stored as a number is still recognised as such later by :mod:`.values` and judged for
spreadsheet damage; dates come as ``date`` or ``datetime``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _

HEADER_SCAN_ROWS = 25
"""Header rows are looked for among the first rows of the sheet."""
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
"""Excel writes CSV as UTF-8 (with a BOM) or, on Indonesian Windows, in the ANSI code page."""
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?\.?$")


@dataclass(frozen=True)
class Table:
    """The cells of one sheet below its header.

    Attributes:
        headers: one label per column (empty string where a column has none).
        rows: ``(sheet row number, values)``; values are padded to ``len(headers)``.
        header_row: the sheet row number of the header (1-based).
        skipped_numbering_row: True when a "(1) (2) (3)" row under the header was skipped.
    """

    source_name: str
    sheet: str | None
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple], ...]
    header_row: int
    skipped_numbering_row: bool = False


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook (a csv file has none: ``[]``)."""
    if _is_csv(path):
        return []
    workbook = _open_workbook(path)
    try:
        return list(workbook.sheet_names)
    finally:
        workbook.close()


def read_table(
    path: Path,
    sheet: str | None = None,
    *,
    header_score: Callable[[str], bool] | None = None,
) -> Table:
    """Read the table of ``sheet`` (default: the first) in ``path``.

    Args:
        header_score: tells whether a label is a known field name; defaults to
            :func:`kaltim_desktop.exchange.mapping.is_known_header`.

    Raises:
        KaltimError: the file cannot be read, the sheet does not exist, or no header is found.
    """
    if header_score is None:
        from kaltim_desktop.exchange.mapping import is_known_header

        header_score = is_known_header
    if _is_csv(path):
        raw = _read_csv(path)
        sheet = None
    else:
        raw, sheet = _read_xlsx(path, sheet)
    return _locate_header(path.name, sheet, raw, header_score)


def _is_csv(path: Path) -> bool:
    return path.suffix.casefold() in (".csv", ".txt")


def _open_workbook(path: Path):
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        raise KaltimError(_("The file was not found."))
    try:
        # From the open file rather than the path: calamine then recognises the format by its
        # content, so a workbook saved under a wrong extension is still read.
        with open(path, "rb") as stream:
            return CalamineWorkbook.from_filelike(stream)
    except Exception as exc:  # zip, XML or format errors: all mean "not a workbook"
        raise KaltimError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc


# Integers up to 2**53 are exact in a double; beyond that a whole-number float may already have
# lost digits, and it stays a float so that a NIK in it is judged damaged.
_EXACT_INTEGER = 2**53


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[tuple], str]:
    """The rows of a sheet from row 1, as tuples of ``None``, str, int, float, bool or dates."""
    workbook = _open_workbook(path)
    try:
        title = _choose_sheet(workbook.sheet_names, sheet)
        try:
            # skip_empty_area=False keeps empty leading rows and columns, so row numbers in the
            # verdicts are the officer's own.
            raw = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:  # a damaged sheet part inside a readable zip
            raise KaltimError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    finally:
        workbook.close()
    return [_plain(row) for row in raw], title


def _plain(row: list) -> tuple:
    """A calamine row with ``None`` for empty cells and ``int`` for whole numbers."""
    values = []
    for value in row:
        if value == "":
            value = None
        elif value.__class__ is float and value.is_integer() and abs(value) < _EXACT_INTEGER:
            value = int(value)
        values.append(value)
    return tuple(values)


def _choose_sheet(names: list[str], sheet: str | None) -> str:
    if sheet is None:
        if not names:
            raise KaltimError(_("The workbook has no sheet."))
        return names[0]
    if sheet not in names:
        raise KaltimError(_("The workbook has no sheet with that name."))
    return sheet


def _read_csv(path: Path) -> list[tuple]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KaltimError(_("The file was not found.")) from None
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes almost anything; kept for clarity
        raise KaltimError(_("The text encoding of the CSV file is not recognised."))
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        # One column, or a sample the sniffer cannot decide: count the candidates instead.
        first = sample.splitlines()[0] if sample else ""
        delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [tuple(cell if cell != "" else None for cell in row) for row in reader]


def _text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _locate_header(
    source_name: str, sheet: str | None, raw: list[tuple], known: Callable[[str], bool]
) -> Table:
    width = max((len(row) for row in raw[:HEADER_SCAN_ROWS]), default=0)
    best_row, best_score, best_labels = -1, 0, ()
    for index in range(min(HEADER_SCAN_ROWS, len(raw))):
        labels = _labels(raw, index, width)
        score = sum(1 for label in labels if label and known(label))
        if score > best_score:
            best_row, best_score, best_labels = index, score, labels
    if best_score < 2:
        raise KaltimError(
            _(
                "No header row was found: the first rows of the sheet should name the columns "
                "(for example NIK, Nama, Desa)."
            )
        )
    data_start = best_row + 1
    skipped = False
    if data_start < len(raw) and _is_numbering(raw[data_start]):
        data_start += 1
        skipped = True
    rows = []
    for index in range(data_start, len(raw)):
        values = raw[index]
        if len(values) < width:
            values = tuple(values) + (None,) * (width - len(values))
        elif len(values) > width:
            values = tuple(values[:width])
        rows.append((index + 1, values))
    return Table(
        source_name=source_name,
        sheet=sheet,
        headers=best_labels,
        rows=tuple(rows),
        header_row=best_row + 1,
        skipped_numbering_row=skipped,
    )


def _labels(raw: list[tuple], index: int, width: int) -> tuple[str, ...]:
    """The label of each column if ``index`` were the header row."""
    labels = []
    for column in range(width):
        label = ""
        for above in range(index, max(-1, index - 3), -1):
            row = raw[above]
            label = _text(row[column]) if column < len(row) else ""
            if label:
                break
        labels.append(label)
    return tuple(labels)


def _is_numbering(row: tuple) -> bool:
    """A row such as "1 2 3 4" or "(1) (2) (3)" that numbers the columns."""
    cells = [_text(value) for value in row if value is not None and _text(value)]
    if len(cells) < 3 or not all(_NUMBERING.match(cell) for cell in cells):
        return False
    numbers = [int(re.sub(r"\D", "", cell)) for cell in cells]
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers)

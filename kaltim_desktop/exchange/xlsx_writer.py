# SPDX-License-Identifier: GPL-3.0-or-later
"""A fast writer for one-sheet xlsx tables: a bold frozen header with filters, typed cells.

openpyxl serialises every cell through a generic XML tree writer, about 2,000 rows a second
for a household list: four minutes for a 100,000-household register. An export needs a small,
fixed part of SpreadsheetML, so this module writes it directly into the zip, row by row, with
a handful of fixed cell styles: text (``@``, so Excel keeps NIKs as typed), date
(``DD/MM/YYYY``), whole number, rupiah (``#,##0``). The result opens in Excel, LibreOffice and
openpyxl (the tests reopen it with openpyxl and convert it with LibreOffice).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

EXCEL_EPOCH = date(1899, 12, 30)
STYLE = {None: 0, "header": 1, "text": 2, "date": 3, "rupiah": 4, "int": 5}
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# XML 1.0 forbids most control characters; a stray one pasted into a name must not make the
# whole file unreadable.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="{_PKG}/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="{_ML}.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_ML}.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="{_ML}.styles+xml"/></Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships">\
<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG}/relationships">\
<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>"""
_XF = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"{apply}/>'
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="6">{
    "".join(
        _XF.format(fmt=fmt, font=font, apply=apply)
        for fmt, font, apply in (
            (0, 0, ""),
            (0, 1, ' applyFont="1"'),
            (49, 0, ' applyNumberFormat="1"'),
            (164, 0, ' applyNumberFormat="1"'),
            (3, 0, ' applyNumberFormat="1"'),
            (1, 0, ' applyNumberFormat="1"'),
        )
    )
}</cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value), {'"': "&quot;"})


class XlsxTableWriter:
    """Write a table: ``append`` rows, then ``close``.

    Args:
        kinds: per column ``"text"``, ``"date"``, ``"int"``, ``"rupiah"`` or ``None`` (as is).
    """

    def __init__(
        self,
        path: Path,
        sheet_name: str,
        headers: list[str],
        kinds: list[str | None],
        widths: list[int],
    ) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=5)
        self._sheet_name = sheet_name[:31]
        self._letters = [get_column_letter(i + 1) for i in range(len(headers))]
        self._styles = [STYLE[k] for k in kinds]
        self._rows = 0
        self._out = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        columns = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet {_NS} {_NS_R}><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{columns}</cols><sheetData>'
        )
        self._row(headers, [STYLE["header"]] * len(headers))

    def _write(self, text: str) -> None:
        self._out.write(text.encode("utf-8"))

    def append(self, values) -> None:
        self._row(values, self._styles)

    def _row(self, values, styles) -> None:
        self._rows += 1
        number = self._rows
        cells = []
        for letter, style, value in zip(self._letters, styles, values, strict=True):
            if value is None or value == "":
                continue
            reference = f"{letter}{number}"
            kind = value.__class__
            if kind is str:
                space = (
                    ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
                )
                cells.append(
                    f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>'
                    f"{_text(value)}</t></is></c>"
                )
            elif kind is bool:
                cells.append(f'<c r="{reference}" s="{style}" t="b"><v>{int(value)}</v></c>')
            elif kind is date or kind is datetime:
                serial = (value if kind is date else value.date()) - EXCEL_EPOCH
                cells.append(f'<c r="{reference}" s="{STYLE["date"]}"><v>{serial.days}</v></c>')
            else:
                cells.append(f'<c r="{reference}" s="{style}"><v>{value}</v></c>')
        self._write(f'<row r="{number}">{"".join(cells)}</row>')

    @property
    def rows(self) -> int:
        """Data rows written so far (the header not counted)."""
        return self._rows - 1

    def close(self) -> None:
        last = f"{self._letters[-1]}{self._rows}"
        self._write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>')
        self._out.close()
        quoted = "'" + self._sheet_name.replace("'", "''") + "'"
        filtered = f"{_text(quoted)}!$A$1:${self._letters[-1]}${self._rows}"
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews><sheets>"
            f'<sheet name="{_text(self._sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
            f'hidden="1">{filtered}</definedName></definedNames></workbook>'
        )
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
        ):
            self._zip.writestr(name, text)
        self._zip.close()

    def abort(self) -> None:
        """Close the file without finishing it (the caller deletes it)."""
        self._out.close()
        self._zip.close()

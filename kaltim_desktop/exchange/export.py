# SPDX-License-Identifier: GPL-3.0-or-later
"""Exporting the register: households with members, handovers, grants, trainings.

Two formats, for two readers:

* **xlsx, for people**: translated headers, labels instead of codes, real dates and numbers
  (rupiah with thousands separators), a bold frozen header row with filters, and NIK and KK
  numbers stored as **text cells** with the text format, so Excel never turns them into
  ``6.47201E+15``. Written row by row with XlsxWriter (:mod:`.xlsx_table`).
* **csv, for machines**: UTF-8 **without** a byte-order mark, comma-separated, RFC 4180
  quoting, stable English column keys, codes instead of labels (stage ``handed_over``, village
  code ``64.72.06.1001``), ISO 8601 dates and plain integers. A BOM would help Excel guess the
  encoding but breaks many scripts (the first header becomes ``\\ufeffnik``); people who want a
  spreadsheet take the xlsx.

``mask_nik`` replaces NIK and KK numbers by their masked form (``6472********0001``) for
sharing outside the office (UU 27/2022). Filters are those of the lists on screen: a region
(regency, district or village code) and, for programme records, a stage or status.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kaltim_desktop.db import Database
from kaltim_desktop.domain.nik import mask_nik
from kaltim_desktop.domain.regions import normalize_code, region_tree
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.exchange.export_queries import QUERIES, Column
from kaltim_desktop.exchange.xlsx_table import XlsxTableWriter
from kaltim_desktop.i18n import _
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.services.context import Actor, require_role

FORMATS = ("xlsx", "csv")
KINDS = tuple(QUERIES)


@dataclass(frozen=True)
class ExportFilter:
    """``region_code``: a regency, district or village (dotted or plain); ``status``: a stage
    (handovers, grants) or an enrolment status (trainings)."""

    region_code: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    columns: int


def export(
    db: Database,
    actor: Actor,
    kind: str,
    path: Path,
    *,
    fmt: str = "xlsx",
    mask: bool = False,
    filters: ExportFilter | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the ``kind`` list (see :data:`KINDS`) to ``path``; read-only on the database.

    Raises:
        ValidationError: unknown kind, format, region or status.
        Cancelled: the progress handle was cancelled (the partial file is removed).
    """
    require_role(actor, "operator")
    filters = filters or ExportFilter()
    _validate(kind, fmt, filters)
    progress = progress or NullProgress()
    query = QUERIES[kind]
    region = normalize_code(filters.region_code) if filters.region_code else None
    try:
        with db.read() as session:
            rows = query.rows(session, region, filters.status)
            if fmt == "xlsx":
                count = _write_xlsx(path, kind, query.columns, rows, mask, progress)
            else:
                count = _write_csv(path, query.columns, rows, mask, progress)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return ExportResult(path=path, rows=count, columns=len(query.columns))


def _validate(kind: str, fmt: str, filters: ExportFilter) -> None:
    issues = []
    if kind not in QUERIES:
        issues.append(Issue("kind", "export.kind", "error", _("Unknown list to export.")))
    if fmt not in FORMATS:
        issues.append(Issue("format", "export.format", "error", _("Choose xlsx or csv.")))
    if filters.region_code and filters.region_code not in region_tree():
        issues.append(Issue("region", "export.region", "error", _("The region was not found.")))
    if filters.status and kind in QUERIES and filters.status not in QUERIES[kind].statuses:
        issues.append(
            Issue("status", "export.status", "error", _("This status does not apply to the list."))
        )
    if issues:
        raise ValidationError(issues)


def _shown(column: Column, value, mask: bool):
    """The value of a cell in the xlsx: labels for codes, masked numbers when asked."""
    if value is None:
        return None
    if column.kind == "text" and mask and column.identity:
        return mask_nik(value)
    if column.labels is not None:
        return _(column.labels.get(value, value))
    return value


def _write_xlsx(path, kind, columns, rows: Iterator[tuple], mask, progress) -> int:
    writer = XlsxTableWriter(
        path,
        _(QUERIES[kind].title),
        [_(c.label) for c in columns],
        [c.kind for c in columns],
        [c.width for c in columns],
    )
    try:
        for row in rows:
            writer.append([_shown(c, v, mask) for c, v in zip(columns, row, strict=True)])
            if writer.rows % 2000 == 0:
                progress.check()
                progress.update(writer.rows, None, _("Exporting"))
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return writer.rows


def _write_csv(path, columns, rows: Iterator[tuple], mask, progress) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([c.key for c in columns])
        for row in rows:
            writer.writerow(
                [_machine(column, value, mask) for column, value in zip(columns, row, strict=True)]
            )
            count += 1
            if count % 5000 == 0:
                progress.check()
                progress.update(count, None, _("Exporting"))
    return count


def _machine(column: Column, value, mask: bool):
    if value is None:
        return ""
    if column.identity and mask:
        return mask_nik(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


__all__ = ["FORMATS", "KINDS", "ExportFilter", "ExportResult", "export"]

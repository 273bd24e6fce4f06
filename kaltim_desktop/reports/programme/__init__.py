# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme report (monthly or any period): PDF for the table, xlsx for the figures.

Both are drawn from a :class:`~kaltim_desktop.services.progress.ProgrammeProgress`, which the
caller reads first (``programme_progress(db, regency_code=..., period=...)``); nothing here
touches the database. :func:`write_report` picks the format from the file suffix.
"""

from __future__ import annotations

from pathlib import Path

from kaltim_desktop.reports.programme.content import ReportContent, build_content
from kaltim_desktop.services.progress import ProgrammeProgress

FORMATS = (".pdf", ".xlsx")


def write_report(progress: ProgrammeProgress, path: Path) -> Path:
    """Write the report of ``progress`` to ``path`` (``.pdf`` or ``.xlsx``).

    Raises:
        ValueError: another suffix.
    """
    content = build_content(progress)
    suffix = path.suffix.casefold()
    if suffix == ".pdf":
        from kaltim_desktop.reports.programme.pdf import write_pdf

        return write_pdf(content, path)
    if suffix == ".xlsx":
        from kaltim_desktop.reports.programme.xlsx import write_xlsx

        return write_xlsx(content, path)
    raise ValueError(f"unsupported report format {suffix!r}")


__all__ = ["FORMATS", "ReportContent", "build_content", "write_report"]

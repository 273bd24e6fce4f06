# SPDX-License-Identifier: GPL-3.0-or-later
"""Turn prepared documents into one PDF: any mix of kinds, one after the other.

The caller decides where the bytes go (a temporary file renamed when complete, memory for a
preview); nothing here touches the database or decides who qualifies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from kaltim_desktop.reports.documents.bast import draw_bast
from kaltim_desktop.reports.documents.certificates import (
    draw_rlh_certificate,
    draw_training_certificate,
)
from kaltim_desktop.reports.documents.fonts import SERIF, register_fonts
from kaltim_desktop.reports.documents.letters import draw_aid_history, draw_grant_letter
from kaltim_desktop.reports.documents.model import (
    AidHistoryData,
    BastData,
    DocumentData,
    GrantCertificateData,
    RlhCertificateData,
    TrainingCertificateData,
)

_DRAWERS: dict[type, Callable] = {
    BastData: draw_bast,
    RlhCertificateData: draw_rlh_certificate,
    GrantCertificateData: draw_grant_letter,
    TrainingCertificateData: draw_training_certificate,
    AidHistoryData: draw_aid_history,
}

TITLES = {
    BastData: "Berita Acara Serah Terima",
    RlhCertificateData: "Sertifikat Penerima Bantuan Rumah Layak Huni",
    GrantCertificateData: "Surat Keterangan Penerima Bantuan Modal Usaha",
    TrainingCertificateData: "Sertifikat Pelatihan",
    AidHistoryData: "Riwayat Bantuan",
}


def render_pdf(
    documents: Iterable[DocumentData],
    target: str | Path | BinaryIO,
    *,
    after_each: Callable[[int], None] | None = None,
) -> int:
    """Draw ``documents`` into one PDF written to ``target``; return the number drawn.

    ``after_each(count)`` is called after each document (progress and cancel checks: an
    exception from it stops before anything is written).
    """
    register_fonts()
    with _binary_streams():
        return _render(documents, target, after_each)


@contextmanager
def _binary_streams():
    """Compressed streams without the ASCII85 layer ReportLab adds by default: the pure-Python
    encoder costs a quarter of the drawing time and makes files larger (PDF is binary-safe)."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _render(documents, target, after_each) -> int:
    # The initial font is ours too, so no base-14 font (never embedded) is referenced at all.
    canvas = Canvas(
        str(target) if isinstance(target, Path) else target,
        pageCompression=1,
        initialFontName=SERIF,
        initialFontSize=11,
    )
    canvas.setCreator("Kaltim Desktop")
    canvas.setProducer("Kaltim Desktop (ReportLab)")
    count = 0
    for data in documents:
        if count == 0:
            canvas.setTitle(f"{TITLES[type(data)]} {data.header.number}")
            canvas.setSubject(data.header.qr_text)
        _DRAWERS[type(data)](canvas, data)
        canvas.showPage()
        count += 1
        if after_each is not None:
            after_each(count)
    if count:
        canvas.save()
    return count

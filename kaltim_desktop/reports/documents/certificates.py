# SPDX-License-Identifier: GPL-3.0-or-later
"""Landscape certificates: *Sertifikat Penerima Bantuan Rumah Layak Huni* and *Sertifikat
Pelatihan* (domain.md §3.5): framed page, emblem, title, number, "diberikan kepada", the name,
masked NIK, birth and address, the body, place and date with the signatory, and the QR.

The frame, emblem and government lines are the same on every page of a batch, so they are drawn
once into a PDF form XObject and reused: that keeps big batches fast and files small.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from kaltim_desktop.domain.formatting import format_date_long, place_date
from kaltim_desktop.reports.documents.fonts import SERIF, SERIF_BOLD
from kaltim_desktop.reports.documents.layout import (
    MM,
    centred,
    centred_lines,
    draw_copy_mark,
    draw_emblem,
    draw_signature,
    draw_verification,
    paragraph,
    style,
    text,
)
from kaltim_desktop.reports.documents.model import (
    Header,
    Letterhead,
    Recipient,
    RlhCertificateData,
    TrainingCertificateData,
)

WIDTH, HEIGHT = landscape(A4)
FRAME_GREEN = Color(0.05, 0.33, 0.20)
FRAME_GOLD = Color(0.72, 0.55, 0.13)
BODY_WIDTH = 235 * MM
QR_SIZE = 30 * MM


def _frame_name(kop: Letterhead) -> str:
    return f"ktm-frame-{abs(hash((kop.government, kop.agency, kop.unit, kop.logo_path)))}"


def _draw_frame(canvas: Canvas, kop: Letterhead) -> None:
    canvas.setStrokeColor(FRAME_GREEN)
    canvas.setLineWidth(3)
    canvas.rect(9 * MM, 9 * MM, WIDTH - 18 * MM, HEIGHT - 18 * MM)
    canvas.setStrokeColor(FRAME_GOLD)
    canvas.setLineWidth(1)
    canvas.rect(12 * MM, 12 * MM, WIDTH - 24 * MM, HEIGHT - 24 * MM)
    canvas.setStrokeColor(Color(0, 0, 0))
    draw_emblem(canvas, WIDTH / 2 - 9 * MM, HEIGHT - 35 * MM, 18 * MM, kop.logo_path)
    centred(canvas, kop.government, WIDTH / 2, HEIGHT - 41 * MM, SERIF_BOLD, 13)
    centred(canvas, kop.unit or kop.agency, WIDTH / 2, HEIGHT - 46.5 * MM, SERIF, 11.5)


def _frame(canvas: Canvas, kop: Letterhead) -> None:
    """Draw the shared frame, defining its form on first use in this PDF."""
    name = _frame_name(kop)
    defined = canvas.__dict__.setdefault("_ktm_forms", set())
    if name not in defined:
        canvas.beginForm(name)
        _draw_frame(canvas, kop)
        canvas.endForm()
        defined.add(name)
    canvas.doForm(name)


def _top(canvas: Canvas, header: Header, title: str, subtitle: str) -> float:
    canvas.setPageSize((WIDTH, HEIGHT))
    _frame(canvas, header.letterhead)
    draw_copy_mark(canvas, header.copy_number, WIDTH - 16 * MM, HEIGHT - 16 * MM)
    canvas.setFillColor(FRAME_GREEN)
    centred(canvas, title, WIDTH / 2, HEIGHT - 60 * MM, SERIF_BOLD, 30)
    canvas.setFillColor(Color(0, 0, 0))
    centred(canvas, subtitle, WIDTH / 2, HEIGHT - 68 * MM, SERIF_BOLD, 14)
    centred(canvas, f"Nomor: {header.number}", WIDTH / 2, HEIGHT - 74.5 * MM, SERIF, 11)
    centred(canvas, "diberikan kepada:", WIDTH / 2, HEIGHT - 82.5 * MM, SERIF, 11)
    return HEIGHT - 85 * MM


def _recipient(canvas: Canvas, who: Recipient, top: float) -> float:
    name_style = style(20, align=TA_CENTER, font=SERIF_BOLD, leading=24)
    centre = WIDTH / 2
    y = centred_lines(canvas, who.name.upper(), centre, top, BODY_WIDTH, name_style)
    details = f"NIK {who.nik_masked}"
    if who.birth and who.birth != "-":
        details += f" \u00b7 lahir di {who.birth}"
    small = style(11, align=TA_CENTER)
    y = centred_lines(canvas, details, centre, y - 1 * MM, BODY_WIDTH, small)
    return centred_lines(canvas, who.address, centre, y, BODY_WIDTH, small)


def _bottom(canvas: Canvas, header: Header, body_bottom: float) -> None:
    """Signature block under the body (never above its usual place), QR bottom-left."""
    line = place_date(header.place, header.issued_on, language="id")
    top = min(67 * MM, body_bottom - 3 * MM)
    draw_signature(canvas, header.signatory, line, WIDTH - 75 * MM, top)
    draw_verification(canvas, header.qr_text, 22 * MM, 17 * MM, QR_SIZE, 52 * MM)


def draw_rlh_certificate(canvas: Canvas, data: RlhCertificateData) -> None:
    header = data.header
    y = _top(canvas, header, "SERTIFIKAT", "PENERIMA BANTUAN RUMAH LAYAK HUNI")
    y = _recipient(canvas, data.recipient, y)
    body = (
        f"sebagai <b>Penerima Bantuan Rumah Layak Huni Program CSR Tahun {data.year}</b> "
        f"berupa 1 (satu) unit rumah {text(data.house_type)} di {text(data.location)}, "
        f"bersumber dari {text(data.funder)} dan dibangun oleh {text(data.building_partner)}, "
        "yang diserahterimakan pada tanggal "
        f"{format_date_long(data.handed_over_on, language='id')}."
    )
    y = paragraph(
        canvas,
        body,
        (WIDTH - BODY_WIDTH) / 2,
        y - 4 * MM,
        BODY_WIDTH,
        style(11.5, align=TA_CENTER, leading=15),
    )
    _bottom(canvas, header, y)


def draw_training_certificate(canvas: Canvas, data: TrainingCertificateData) -> None:
    header = data.header
    y = _top(canvas, header, "SERTIFIKAT", "PELATIHAN BERBASIS KOMPETENSI")
    y = _recipient(canvas, data.recipient, y)
    start = format_date_long(data.start_date, language="id")
    end = format_date_long(data.end_date, language="id")
    hours = f" selama {data.hours} jam pelajaran (JP)" if data.hours else ""
    place = f" di {text(data.place)}" if data.place else ""
    body = (
        f"telah mengikuti <b>Pelatihan {text(data.title)}</b> ({text(data.skill)}) yang "
        f"diselenggarakan oleh {text(data.agency)} pada tanggal {start} s.d. {end}{place}"
        f"{hours}, dan dinyatakan <b>LULUS</b>."
    )
    y = paragraph(
        canvas,
        body,
        (WIDTH - BODY_WIDTH) / 2,
        y - 4 * MM,
        BODY_WIDTH,
        style(11.5, align=TA_CENTER, leading=15),
    )
    _bottom(canvas, header, y)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Page elements every document shares: kop surat, number line, copy mark, signature block,
the verification QR with its note, and wrapped paragraphs in the embedded fonts.

The wording printed here is fixed Bahasa Indonesia: these are Indonesian official documents
(a BAST is a legal record), so it does not follow the interface language and is not in a
gettext catalogue. Only the application's messages around the documents are translated.
"""

from __future__ import annotations

import math
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from kaltim_desktop.reports.documents.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC
from kaltim_desktop.reports.documents.model import Letterhead, Signatory
from kaltim_desktop.reports.documents.qr import draw_qr

MM = 72 / 25.4
COPY_RED = Color(0.70, 0.07, 0.07)
EMBLEM_GOLD = Color(0.72, 0.55, 0.13)
EMBLEM_GREEN = Color(0.05, 0.38, 0.22)
VERIFY_NOTE = (
    "Keaslian dokumen ini dapat diperiksa secara luring dengan memindai kode QR melalui menu "
    "Verifikasi aplikasi Kaltim Desktop. Kode QR ini bukan tanda tangan elektronik "
    "tersertifikasi."
)


def text(value: object) -> str:
    """Escape a data value for a Paragraph (names may contain ``&`` or ``<``)."""
    return escape(str(value))


def format_nip(nip: str | None) -> str:
    """``196804111993031009`` → ``19680411 199303 1 009`` (other shapes are printed as given)."""
    digits = (nip or "").replace(" ", "")
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return nip or ""


@cache
def style(
    size: float = 11, *, leading: float | None = None, align: int = TA_JUSTIFY, font: str = SERIF
) -> ParagraphStyle:
    return ParagraphStyle(
        f"ktm-{font}-{size}-{align}-{leading}",
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.3,
        alignment=align,
    )


def paragraph(
    canvas: Canvas, markup: str, x: float, top: float, width: float, st: ParagraphStyle
) -> float:
    """Draw wrapped markup with its top at ``top``; return the y just below it."""
    para = Paragraph(markup, st)
    _w, height = para.wrapOn(canvas, width, 10_000)
    para.drawOn(canvas, x, top - height)
    return top - height


def centred(canvas: Canvas, value: str, x: float, y: float, font: str, size: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, value)


def centred_lines(
    canvas: Canvas, value: str, centre: float, top: float, width: float, st: ParagraphStyle
) -> float:
    """Plain text centred under ``top``, wrapped only when it does not fit on one line (the
    one-line case skips the paragraph machinery: batches print thousands of these)."""
    if stringWidth(value, st.fontName, st.fontSize) <= width:
        centred(canvas, value, centre, top - st.fontSize, st.fontName, st.fontSize)
        return top - st.leading
    return paragraph(canvas, text(value), centre - width / 2, top, width, st)


@cache
def wrapped(value: str, font: str, size: float, width: float) -> tuple[str, ...]:
    return tuple(simpleSplit(value, font, size, width))


# ---- emblem and kop ---------------------------------------------------------------------------


@cache
def _image(path: str) -> ImageReader:
    return ImageReader(path)


def draw_emblem(canvas: Canvas, x: float, y: float, size: float, logo_path: str | None) -> None:
    """The configured logo, or a neutral placeholder shield (not the real coat of arms)."""
    if logo_path:
        canvas.drawImage(_image(logo_path), x, y, size, size, preserveAspectRatio=True, mask="auto")
        return
    canvas.saveState()
    w, h = size * 0.82, size
    left = x + (size - w) / 2
    path = canvas.beginPath()
    path.moveTo(left, y + h)
    path.lineTo(left + w, y + h)
    path.lineTo(left + w, y + h * 0.45)
    path.curveTo(left + w, y + h * 0.18, left + w * 0.7, y + h * 0.06, left + w / 2, y)
    path.curveTo(left + w * 0.3, y + h * 0.06, left, y + h * 0.18, left, y + h * 0.45)
    path.close()
    canvas.setFillColor(EMBLEM_GREEN)
    canvas.setStrokeColor(EMBLEM_GOLD)
    canvas.setLineWidth(size * 0.05)
    canvas.drawPath(path, stroke=1, fill=1)
    # A five-pointed star and a band: decorative only, deliberately no real insignia.
    canvas.setFillColor(EMBLEM_GOLD)
    star = canvas.beginPath()
    cx, cy, r = left + w / 2, y + h * 0.66, size * 0.17
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.42
        angle = math.pi / 2 + i * math.pi / 5
        px, py = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        star.moveTo(px, py) if i == 0 else star.lineTo(px, py)
    star.close()
    canvas.drawPath(star, stroke=0, fill=1)
    canvas.rect(left + w * 0.18, y + h * 0.34, w * 0.64, h * 0.07, stroke=0, fill=1)
    canvas.restoreState()


def draw_kop(canvas: Canvas, kop: Letterhead, left: float, right: float, top: float) -> float:
    """Draw the letterhead with its double rule; return the y just below the rule."""
    logo = 22 * MM
    draw_emblem(canvas, left, top - logo, logo, kop.logo_path)
    centre = (left + logo + right) / 2
    width = right - left - logo - 4 * MM
    y = top - 5 * MM
    centred(canvas, kop.government, centre, y, SERIF_BOLD, 13)
    y -= 6 * MM
    centred(canvas, kop.agency, centre, y, SERIF_BOLD, 14)
    if kop.unit:
        y -= 6 * MM
        centred(canvas, kop.unit, centre, y, SERIF_BOLD, 14)
    y = paragraph(
        canvas,
        text(kop.address),
        centre - width / 2,
        y - 2 * MM,
        width,
        style(8.5, align=TA_CENTER),
    )
    rule = min(y, top - logo) - 2.5 * MM
    canvas.setLineWidth(2.2)
    canvas.line(left, rule, right, rule)
    canvas.setLineWidth(0.6)
    canvas.line(left, rule - 2.2, right, rule - 2.2)
    return rule - 2.2


# ---- marks, signature, verification ----------------------------------------------------------


def draw_copy_mark(canvas: Canvas, copy_number: int, right: float, top: float) -> None:
    """The boxed *SALINAN ke-N* mark of a reprint (nothing on the original)."""
    if copy_number <= 0:
        return
    label = f"SALINAN ke-{copy_number}"
    canvas.saveState()
    canvas.setFont(SERIF_BOLD, 11)
    width = canvas.stringWidth(label, SERIF_BOLD, 11) + 6 * MM
    canvas.setStrokeColor(COPY_RED)
    canvas.setFillColor(COPY_RED)
    canvas.setLineWidth(1.2)
    canvas.rect(right - width, top - 8 * MM, width, 8 * MM, stroke=1, fill=0)
    canvas.drawCentredString(right - width / 2, top - 5.6 * MM, label)
    canvas.restoreState()


def draw_signature(
    canvas: Canvas, signatory: Signatory, place_date: str | None, centre: float, top: float
) -> float:
    """Place-date line, position lines, room to sign, underlined bold name, rank and NIP.

    Returns the y below the block.
    """
    width = 80 * MM
    y = top
    lines = ([place_date] if place_date else []) + list(signatory.position)
    for line in lines:
        y = centred_lines(canvas, line, centre, y, width, style(11, align=TA_CENTER))
    y -= 22 * MM
    name_width = canvas.stringWidth(signatory.name, SERIF_BOLD, 11)
    if name_width > width:
        y = paragraph(
            canvas,
            f"<b><u>{text(signatory.name)}</u></b>",
            centre - width / 2,
            y + 11,
            width,
            style(11, align=TA_CENTER),
        )
    else:
        centred(canvas, signatory.name, centre, y, SERIF_BOLD, 11)
        canvas.setLineWidth(0.7)
        canvas.line(centre - name_width / 2, y - 1.5, centre + name_width / 2, y - 1.5)
        y -= 3
    if signatory.rank:
        y -= 13
        centred(canvas, signatory.rank, centre, y, SERIF, 11)
    if signatory.nip:
        y -= 13
        centred(canvas, f"NIP. {format_nip(signatory.nip)}", centre, y, SERIF, 11)
    return y - 4


def draw_verification(
    canvas: Canvas, qr_text: str, x: float, y: float, size: float, note_width: float
) -> None:
    """The QR (bottom-left corner at x, y) with the verification note to its right, and the
    same text as invisible page text so ``verify FILE.pdf`` works without a camera."""
    draw_qr(canvas, qr_text, x, y, size)
    note = canvas.beginText(x + size + 3 * MM, y + size - 3 * MM - 7.5)
    note.setFont(SERIF_ITALIC, 7.5, 9.5)
    for line in wrapped(VERIFY_NOTE, SERIF_ITALIC, 7.5, note_width):
        note.textLine(line)
    canvas.drawText(note)
    canvas.saveState()
    text_object = canvas.beginText(x, y + 1)
    text_object.setTextRenderMode(3)  # invisible: extractable, never printed
    text_object.setFont(SERIF, 1)
    text_object.textOut(qr_text)
    canvas.drawText(text_object)
    canvas.restoreState()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The portrait letter frame (naskah dinas): kop, title, number, and the closing with place and
date, signature and verification QR. Used by the BAST, the grant letter and the aid history."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kaltim_desktop.domain.formatting import place_date
from kaltim_desktop.reports.documents.flow import Cursor
from kaltim_desktop.reports.documents.fonts import SERIF, SERIF_BOLD
from kaltim_desktop.reports.documents.layout import (
    MM,
    centred,
    draw_copy_mark,
    draw_kop,
    draw_signature,
    draw_verification,
    style,
    text,
)
from kaltim_desktop.reports.documents.model import Header

WIDTH, HEIGHT = A4
LEFT, RIGHT = 25 * MM, WIDTH - 20 * MM
TOP, BOTTOM = HEIGHT - 15 * MM, 20 * MM
QR_SIZE = 30 * MM


def start(canvas: Canvas, header: Header, title: str, subtitle: str | None = None) -> Cursor:
    """Begin a document on a fresh portrait page; return the cursor below the number line."""
    canvas.setPageSize(A4)
    y = draw_kop(canvas, header.letterhead, LEFT, RIGHT, TOP)
    draw_copy_mark(canvas, header.copy_number, RIGHT, TOP + 8 * MM)

    def continuation(c: Canvas) -> float:
        c.setPageSize(A4)
        draw_copy_mark(c, header.copy_number, RIGHT, TOP + 8 * MM)
        c.setFont(SERIF, 9)
        c.drawString(LEFT, TOP - 4 * MM, f"Lanjutan Nomor: {header.number}")
        c.setLineWidth(0.5)
        c.line(LEFT, TOP - 6 * MM, RIGHT, TOP - 6 * MM)
        return TOP - 12 * MM

    cursor = Cursor(
        canvas, left=LEFT, right=RIGHT, top=y - 8 * MM, bottom=BOTTOM, continuation=continuation
    )
    cursor.para(f"<b><u>{text(title)}</u></b>", style(13, align=TA_CENTER))
    if subtitle:
        cursor.para(f"<b>{text(subtitle)}</b>", style(12, align=TA_CENTER))
    cursor.para(f"Nomor: {text(header.number)}", style(11, align=TA_CENTER), before=2)
    cursor.skip(6 * MM)
    return cursor


def finish(cursor: Cursor, header: Header, *, with_place_date: bool = True) -> None:
    """Signature block on the right, QR on the left, moved to a new page if they do not fit."""
    # The block is about 52 mm high; the QR sits left of it, so it may reach the bottom margin.
    cursor.need(56 * MM)
    top = cursor.y - 4 * MM
    line = place_date(header.place, header.issued_on, language="id") if with_place_date else None
    draw_signature(cursor.canvas, header.signatory, line, RIGHT - 42 * MM, top)
    draw_verification(cursor.canvas, header.qr_text, LEFT, BOTTOM - 4 * MM, QR_SIZE, 45 * MM)


def two_signatures(
    cursor: Cursor,
    left_title: tuple[str, ...],
    left_name: str,
    right_title: tuple[str, ...],
    right_name: str,
    right_nip: str | None,
) -> None:
    """The two party blocks of a BAST: receiver on the left, giver on the right."""
    from kaltim_desktop.reports.documents.model import Signatory

    cursor.need(52 * MM)
    top = cursor.y
    left = draw_signature(
        cursor.canvas, Signatory(left_title, left_name), None, LEFT + 38 * MM, top
    )
    right = draw_signature(
        cursor.canvas,
        Signatory(right_title, right_name, nip=right_nip),
        None,
        RIGHT - 42 * MM,
        top,
    )
    cursor.y = min(left, right) - 4 * MM


def centred_line(canvas: Canvas, value: str, y: float, size: float = 11) -> None:
    centred(canvas, value, (LEFT + RIGHT) / 2, y, SERIF_BOLD, size)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Portrait letters: the *Surat Keterangan Penerima Bantuan Modal Usaha* and the *Riwayat
Bantuan* (one household's aid across programmes)."""

from __future__ import annotations

from reportlab.lib.enums import TA_LEFT
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from kaltim_desktop.domain.formatting import format_date_long, format_rupiah, terbilang
from kaltim_desktop.reports.documents import portrait
from kaltim_desktop.reports.documents.fonts import SERIF, SERIF_BOLD
from kaltim_desktop.reports.documents.layout import MM, style, text
from kaltim_desktop.reports.documents.model import AidHistoryData, GrantCertificateData

MAX_ITEMS = 8  # more are summarised, so the letter stays one page


def _long(d) -> str:
    return format_date_long(d, language="id") if d else "-"


def draw_grant_letter(canvas: Canvas, data: GrantCertificateData) -> None:
    header = data.header
    cursor = portrait.start(canvas, header, "SURAT KETERANGAN", "PENERIMA BANTUAN MODAL USAHA")
    position = " ".join(line.rstrip(",") for line in header.signatory.position)
    cursor.para(f"Yang bertanda tangan di bawah ini, {text(position)}, menerangkan bahwa:")
    cursor.skip(2 * MM)
    who = data.recipient
    cursor.fields(
        [
            ("Nama", who.name),
            ("NIK", who.nik_masked),
            ("Tempat/Tanggal Lahir", who.birth),
            ("Pekerjaan", who.occupation),
            ("Alamat", who.address),
        ],
        indent=7 * MM,
    )
    cursor.para(
        f"adalah penerima <b>Bantuan Modal Usaha{' ' if data.programme else ''}"
        f"{text(data.programme)} Tahun {data.period}</b> berdasarkan Keputusan Nomor "
        f"{text(data.decision_number)}, dengan "
        "rincian sebagai berikut:",
        before=2 * MM,
    )
    cursor.skip(2 * MM)
    items = list(data.items[:MAX_ITEMS])
    if len(data.items) > MAX_ITEMS:
        items.append(f"dan {len(data.items) - MAX_ITEMS} barang lainnya")
    amount = data.amount_rupiah
    cursor.fields(
        [
            ("Bentuk bantuan", data.form),
            ("Jenis usaha", data.business_type),
            ("Instansi pelaksana", data.agency),
            (
                "Nilai bantuan",
                f"{format_rupiah(amount, decimals=True)} ({terbilang(amount)} rupiah)",
            ),
            ("Tanggal penyaluran", _long(data.disbursed_on)),
            ("Rincian", "; ".join(items) if items else "-"),
        ],
        indent=7 * MM,
    )
    cursor.para(
        "Bantuan tersebut wajib dimanfaatkan untuk mengembangkan usaha penerima dan tidak boleh "
        "dipindahtangankan. Demikian surat keterangan ini dibuat dengan sebenarnya untuk "
        "dipergunakan sebagaimana mestinya.",
        before=4 * MM,
    )
    cursor.skip(4 * MM)
    portrait.finish(cursor, header)


def draw_aid_history(canvas: Canvas, data: AidHistoryData) -> None:
    header = data.header
    cursor = portrait.start(canvas, header, "RIWAYAT BANTUAN", "PROGRAM PENANGGULANGAN KEMISKINAN")
    head = data.head
    cursor.fields(
        [
            ("Kepala keluarga", head.name),
            ("NIK", head.nik_masked),
            ("Nomor KK", head.kk_masked),
            ("Alamat", head.address),
            ("Jumlah anggota keluarga", f"{data.members} orang"),
        ]
    )
    cursor.para(
        "Bantuan yang tercatat untuk keluarga tersebut dalam basis data program adalah sebagai "
        "berikut:",
        before=3 * MM,
    )
    cursor.skip(2 * MM)
    cell = style(8.5, align=TA_LEFT)
    rows = [["No.", "Program", "Uraian", "Penerima", "Tanggal", "Status", "Nilai"]]
    for index, row in enumerate(data.rows, start=1):
        rows.append(
            [
                str(index),
                Paragraph(text(row.programme), cell),
                Paragraph(text(row.description), cell),
                Paragraph(text(row.recipient), cell),
                Paragraph(_long(row.on), cell),
                Paragraph(text(row.status), cell),
                Paragraph(format_rupiah(row.amount_rupiah) if row.amount_rupiah else "-", cell),
            ]
        )
    if not data.rows:
        rows.append(["", Paragraph("Belum ada bantuan yang tercatat.", cell), "", "", "", "", ""])
    widths = [8 * MM, 24 * MM, 28 * MM, 36 * MM, 19 * MM, 21 * MM]
    widths.append(cursor.width - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SERIF_BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), SERIF, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), "#E6E6E6"),
            ]
        )
    )
    # Split the table over pages by hand: the cursor owns page breaks.
    parts = [table]
    while parts:
        part = parts.pop(0)
        _w, height = part.wrapOn(canvas, cursor.width, 10_000)
        available = cursor.y - cursor.bottom
        if height <= available:
            part.drawOn(canvas, cursor.left, cursor.y - height)
            cursor.y -= height
            continue
        pieces = part.split(cursor.width, available)
        if len(pieces) < 2:
            cursor.new_page()
            parts.insert(0, part)
            continue
        first, rest = pieces[0], pieces[1:]
        _w, h = first.wrapOn(canvas, cursor.width, available)
        first.drawOn(canvas, cursor.left, cursor.y - h)
        cursor.new_page()
        parts[:0] = rest
    cursor.para(
        "Riwayat ini disusun dari data yang tercatat pada aplikasi dan dipergunakan sebagai "
        "bahan pertimbangan pemberian bantuan berikutnya.",
        before=4 * MM,
    )
    cursor.skip(4 * MM)
    portrait.finish(cursor, header)

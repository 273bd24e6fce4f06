# SPDX-License-Identifier: GPL-3.0-or-later
"""Berita Acara Serah Terima (BAST) of a decent house, following the general government layout
(domain.md §3.4): kop, title and number, the opening with day, date and year spelled out, the
two parties, the house, the clauses, the closing, both parties' signatures and "Mengetahui"."""

from __future__ import annotations

from babel.dates import format_date
from reportlab.lib.enums import TA_CENTER
from reportlab.pdfgen.canvas import Canvas

from kaltim_desktop.domain.formatting import format_date_long, format_rupiah, terbilang
from kaltim_desktop.reports.documents import portrait
from kaltim_desktop.reports.documents.layout import MM, draw_signature, draw_verification, style
from kaltim_desktop.reports.documents.layout import format_nip as nip_text
from kaltim_desktop.reports.documents.layout import text as esc
from kaltim_desktop.reports.documents.model import BastData, Signatory

# The building partner's officer signs by hand: the position is known, the name is written in.
WET_SIGNATURE_NAME = "(" + "." * 48 + ")"
CLAUSES = (
    "Rumah sebagaimana tersebut di atas diserahkan oleh PIHAK PERTAMA dan diterima oleh PIHAK "
    "KEDUA dalam keadaan baik dan lengkap, termasuk kunci, jamban dengan tangki septik, tandon "
    "air dan sambungan listrik.",
    "Sejak Berita Acara ini ditandatangani, pemeliharaan dan perawatan rumah menjadi tanggung "
    "jawab PIHAK KEDUA.",
    "PIHAK KEDUA tidak akan menjual, menyewakan, menggadaikan atau memindahtangankan rumah "
    "tersebut kepada pihak lain dalam bentuk apa pun.",
    "Apabila PIHAK KEDUA melanggar ketentuan Pasal 3, Pemerintah Provinsi Kalimantan Timur "
    "berhak meninjau kembali bantuan ini sesuai dengan ketentuan peraturan perundang-undangan.",
)


def opening(data: BastData) -> str:
    d = data.handed_over_on
    day = format_date(d, "EEEE", locale="id")
    month = format_date(d, "MMMM", locale="id")
    return (
        f"Pada hari ini <b>{day}</b> tanggal <b>{terbilang(d.day)}</b> bulan <b>{month}</b> "
        f"tahun <b>{terbilang(d.year)}</b> ({d:%d-%m-%Y}), bertempat di {esc(data.location)}, "
        "kami yang bertanda tangan di bawah ini:"
    )


def _period(data: BastData) -> str:
    if data.construction_started_on and data.completed_on:
        return (
            f"{format_date_long(data.construction_started_on, language='id')} s.d. "
            f"{format_date_long(data.completed_on, language='id')}"
        )
    return "-"


def _value(cost: int | None) -> str:
    if not cost:
        return "-"
    return f"{format_rupiah(cost, decimals=True)} ({terbilang(cost)} rupiah)"


def draw_bast(canvas: Canvas, data: BastData) -> None:
    header = data.header
    cursor = portrait.start(
        canvas,
        header,
        "BERITA ACARA SERAH TERIMA",
        f"RUMAH LAYAK HUNI PROGRAM CSR TAHUN {data.year}",
    )
    cursor.para(opening(data))
    cursor.skip(2 * MM)
    cursor.para("1.", indent=0)
    cursor.skip(-style(11).leading)
    cursor.fields(
        [
            ("Nama", data.first_party_name),
            ("NIP", nip_text(data.first_party_nip) or "-"),
            ("Jabatan", data.first_party_position),
        ],
        indent=7 * MM,
        label_width=46 * MM,
    )
    cursor.para(
        "Dalam hal ini bertindak untuk dan atas nama Pemerintah Provinsi Kalimantan Timur, "
        "selanjutnya disebut <b>PIHAK PERTAMA</b>.",
        indent=7 * MM,
    )
    cursor.skip(2 * MM)
    cursor.para("2.")
    cursor.skip(-style(11).leading)
    party = data.second_party
    cursor.fields(
        [
            ("Nama", party.name),
            ("NIK", party.nik_masked),
            ("Nomor KK", party.kk_masked),
            ("Tempat/Tanggal Lahir", party.birth),
            ("Pekerjaan", party.occupation),
            ("Alamat", party.address),
        ],
        indent=7 * MM,
        label_width=46 * MM,
    )
    cursor.para(
        "Dalam hal ini bertindak untuk dan atas nama diri sendiri dan keluarganya, selanjutnya "
        "disebut <b>PIHAK KEDUA</b>.",
        indent=7 * MM,
    )
    cursor.para(
        "PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA, dan PIHAK KEDUA menerima dari PIHAK "
        "PERTAMA, 1 (satu) unit Rumah Layak Huni dengan keterangan sebagai berikut:",
        before=2 * MM,
    )
    cursor.fields(
        [
            ("Tipe rumah", data.house_type),
            ("Ukuran", data.house_size),
            ("Lokasi", data.location),
            ("Sumber dana", data.funder),
            ("Nilai bantuan", _value(data.cost_rupiah)),
            ("Pelaksana pembangunan", data.building_partner),
            ("Masa pembangunan", _period(data)),
        ],
        indent=7 * MM,
        label_width=46 * MM,
    )
    for number, clause in enumerate(CLAUSES, start=1):
        cursor.need(2 * MM + 4 * style(11).leading)  # keep the heading with its text
        cursor.para(f"<b>Pasal {number}</b>", style(11, align=TA_CENTER), before=2 * MM)
        cursor.para(esc(clause))
    cursor.para(
        "Demikian Berita Acara Serah Terima ini dibuat dalam rangkap 2 (dua), masing-masing "
        "mempunyai kekuatan hukum yang sama, untuk dipergunakan sebagaimana mestinya.",
        before=3 * MM,
    )
    cursor.skip(6 * MM)
    portrait.two_signatures(
        cursor,
        ("PIHAK KEDUA,", "Yang Menerima,"),
        party.name,
        ("PIHAK PERTAMA,", "Yang Menyerahkan,"),
        data.first_party_name,
        data.first_party_nip,
    )
    # "Mengetahui": the building partner's signatory, above the QR zone of the last page.
    cursor.need(50 * MM + 32 * MM)
    partner = Signatory(("Mengetahui,", f"{data.partner_signatory},"), WET_SIGNATURE_NAME)
    draw_signature(canvas, partner, None, (portrait.LEFT + portrait.RIGHT) / 2, cursor.y)
    draw_verification(
        canvas, header.qr_text, portrait.LEFT, portrait.BOTTOM - 4 * MM, portrait.QR_SIZE, 45 * MM
    )

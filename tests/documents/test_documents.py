# SPDX-License-Identifier: GPL-3.0-or-later
"""Every document kind, issued from a real registry and read back with real PDF tools: names
(long, non-ASCII), masked NIKs, numbers, dates, amounts, embedded fonts, valid structure."""

from __future__ import annotations

import re

import pytest

from kaltim_desktop.domain.formatting import format_date_long, terbilang
from kaltim_desktop.services.certificates import issue_document
from tests.documents.conftest import HANDED_OVER, LONG_NAME, TODAY
from tests.documents.pdf_tools import embedded_fonts, flat, pdftotext, pypdf_text, qpdf_check

HEAD_NIK = "6472065708850002"
HUSBAND_NIK = "6472061505800001"
NUMBER = re.compile(r"^400\.9/\d{4}\.L[0-9A-F]{12}-1/Adbang/\d{4}$")


def issue(db, operator, registry, kind, tmp_path):
    subject = {
        "bast": registry.handover_id,
        "rlh_certificate": registry.handover_id,
        "grant_certificate": registry.grant_id,
        "training_certificate": registry.enrolment_id,
        "aid_history": registry.household_id,
    }[kind]
    out = tmp_path / f"{kind}.pdf"
    row = issue_document(db, operator, kind, subject, out)
    return row, out


def texts(path) -> tuple[str, str]:
    return flat(pypdf_text(path)), flat(pdftotext(path))


def check_common(row, path, *, full_niks=(HEAD_NIK, HUSBAND_NIK)):
    qpdf_check(path)
    fonts = embedded_fonts(path)
    assert fonts and not any(f.startswith("NOT-EMBEDDED") for f in fonts), fonts
    assert NUMBER.match(row.number), row.number
    for text in texts(path):
        assert f"Nomor: {row.number}" in text
        for nik in full_niks:  # the full NIK is never printed, only its masked form
            assert nik not in text
        assert "SALINAN" not in text


def test_bast_names_parties_house_money_and_spelled_out_date(db, operator, registry, tmp_path):
    row, path = issue(db, operator, registry, "bast", tmp_path)
    check_common(row, path)
    day = HANDED_OVER
    for text in texts(path):
        assert "BERITA ACARA SERAH TERIMA" in text
        assert f"RUMAH LAYAK HUNI PROGRAM CSR TAHUN {day.year}" in text
        assert f"tanggal {terbilang(day.day)} bulan" in text
        assert f"tahun {terbilang(day.year)} ({day:%d-%m-%Y})" in text
        assert LONG_NAME in text
        assert "6472********0002" in text
        assert "Ir. H. Muhammad Ridwan, M.T." in text
        assert "19750512 200003 1 004" in text
        assert "Rp115.000.000,00 (seratus lima belas juta rupiah)" in text
        assert "CSR PT Pupuk Kalimantan Timur" in text
        assert "Kodim 0901/Samarinda" in text
        assert "Loa Bakung" in text and "Sungai Kunjang" in text
        assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text and "Mengetahui" in text


def test_rlh_certificate(db, operator, registry, tmp_path):
    row, path = issue(db, operator, registry, "rlh_certificate", tmp_path)
    check_common(row, path)
    for text in texts(path):
        assert "SERTIFIKAT" in text and "PENERIMA BANTUAN RUMAH LAYAK HUNI" in text
        assert LONG_NAME.upper() in text
        assert "NIK 6472********0002" in text
        assert f"Samarinda, {format_date_long(TODAY, language='id')}" in text
        assert f"diserahterimakan pada tanggal {format_date_long(HANDED_OVER, language='id')}" in (
            text
        )
        assert "Dr. H. Contoh Pejabat, S.T., M.Si." in text
        assert "NIP. 19680411 199303 1 009" in text
        assert "Pembina Utama Muda (IV/c)" in text


def test_grant_letter_shows_amount_in_figures_and_words(db, operator, registry, tmp_path):
    row, path = issue(db, operator, registry, "grant_certificate", tmp_path)
    check_common(row, path)
    for text in texts(path):
        assert "SURAT KETERANGAN" in text and "PENERIMA BANTUAN MODAL USAHA" in text
        assert LONG_NAME in text
        assert "Rp7.500.000,00 (tujuh juta lima ratus ribu rupiah)" in text
        assert f"Bantuan Modal Usaha Tahun {TODAY.year}" in text
        assert "Keputusan Nomor 500.4/123/Adbang" in text
        assert "Etalase kaca; Timbangan digital" in text
        assert "Warung sembako" in text
        assert f"Samarinda, {format_date_long(TODAY, language='id')}" in text


def test_training_certificate(db, operator, registry, tmp_path):
    row, path = issue(db, operator, registry, "training_certificate", tmp_path)
    check_common(row, path)
    for text in texts(path):
        assert "PELATIHAN BERBASIS KOMPETENSI" in text
        assert "AHMAD FAUZI" in text and "NIK 6472********0001" in text
        assert "Pelatihan Pengolahan Amplang dan Kerupuk Ikan" in text
        assert "selama 40 jam pelajaran (JP)" in text
        assert "UPTD Balai Latihan Kerja Samarinda" in text
        assert "LULUS" in text


def test_aid_history_lists_every_programme(db, operator, registry, tmp_path):
    row, path = issue(db, operator, registry, "aid_history", tmp_path)
    check_common(row, path)
    table_text = texts(path)[0]  # pdftotext -layout interleaves wrapped table cells
    assert "Rumah Layak Huni" in table_text and "Modal Usaha" in table_text
    assert "Pengolahan Amplang dan Kerupuk Ikan" in table_text and "Lulus" in table_text
    assert "Rp115.000.000" in table_text and "Rp7.500.000" in table_text
    assert "Serah terima" in table_text and "Disalurkan" in table_text
    for text in texts(path):
        assert "RIWAYAT BANTUAN" in text
        assert LONG_NAME.split()[0] in text
        assert "Nomor KK" in text and "6472********0004" in text
        assert "3 orang" in text


@pytest.mark.parametrize("kind", ["rlh_certificate", "bast"])
def test_the_file_name_is_the_callers_and_the_metadata_has_no_nik(
    db, operator, registry, tmp_path, kind
):
    _row, path = issue(db, operator, registry, kind, tmp_path)
    raw = path.read_bytes()
    assert HEAD_NIK.encode() not in raw
    assert b"KTM1." in raw  # the signed code in the metadata subject

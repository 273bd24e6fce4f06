# SPDX-License-Identifier: GPL-3.0-or-later
"""Invented sample documents for the benchmark, previews of the layout and the README image.

The names, numbers and the QR text are made up; the QR text is *not* signed by any key.
"""

from __future__ import annotations

from datetime import date

from kaltim_desktop.reports.documents.model import (
    Header,
    Letterhead,
    Recipient,
    RlhCertificateData,
    Signatory,
)

SIGNATORY = Signatory(
    position=("a.n. GUBERNUR KALIMANTAN TIMUR", "Kepala Biro Administrasi Pembangunan,"),
    name="Dr. H. Contoh Pejabat, S.T., M.Si.",
    rank="Pembina Utama Muda (IV/c)",
    nip="196804111993031009",
)


def sample_rlh_certificate(serial: int = 7, qr_text: str | None = None) -> RlhCertificateData:
    number = f"400.9/{serial:04d}.L3F9A2C7B1E04-1/Adbang/2024"
    header = Header(
        kind="rlh_certificate",
        number=number,
        letterhead=Letterhead(),
        place="Samarinda",
        issued_on=date(2024, 8, 23),
        qr_text=qr_text or f"KTM1.SAMPLE{serial:06d}.NOTSIGNED",
        signatory=SIGNATORY,
    )
    recipient = Recipient(
        name="Siti Nur'aini binti Abdul Rahman",
        nik_masked="6472********0002",
        birth="Samarinda, 17 Agustus 1985",
        address="Jl. Pahlawan Gg. 5, RT 003/RW 001, Loa Bakung, Sungai Kunjang, Kota Samarinda",
    )
    return RlhCertificateData(
        header=header,
        recipient=recipient,
        year=2024,
        house_type="Tipe 45 kayu (6 × 7,5 m)",
        location="Kelurahan Loa Bakung, Kecamatan Sungai Kunjang, Kota Samarinda",
        funder="CSR PT Bank Pembangunan Daerah Kaltim Kaltara",
        building_partner="Kodim 0901/Samarinda",
        handed_over_on=date(2024, 8, 23),
    )

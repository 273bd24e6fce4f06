# SPDX-License-Identifier: GPL-3.0-or-later
"""What a document shows, as frozen dataclasses prepared by the services.

Everything here is already formatted text or plain values; the drawing code never reads the
database and never decides who qualifies. Texts are Bahasa Indonesia because the documents
are Indonesian official papers whatever the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Document kinds (stable codes, stored in the document table and the QR payload).
BAST = "bast"
RLH_CERTIFICATE = "rlh_certificate"
GRANT_CERTIFICATE = "grant_certificate"
TRAINING_CERTIFICATE = "training_certificate"
AID_HISTORY = "aid_history"
KINDS = (BAST, RLH_CERTIFICATE, GRANT_CERTIFICATE, TRAINING_CERTIFICATE, AID_HISTORY)


@dataclass(frozen=True)
class Letterhead:
    """The kop surat: government, agency and unit lines, address line, logo file (or None for
    the neutral placeholder emblem)."""

    government: str = "PEMERINTAH PROVINSI KALIMANTAN TIMUR"
    agency: str = "SEKRETARIAT DAERAH"
    unit: str = "BIRO ADMINISTRASI PEMBANGUNAN"
    address: str = (
        "Jalan Gajah Mada Nomor 2, Samarinda 75121, Telepon (0541) 733333; Laman: kaltimprov.go.id"
    )
    logo_path: str | None = None


@dataclass(frozen=True)
class Signatory:
    """Who signs: position lines (``a.n. GUBERNUR ...``), name, rank and NIP (digits)."""

    position: tuple[str, ...]
    name: str
    rank: str | None = None
    nip: str | None = None


@dataclass(frozen=True)
class Header:
    """What every document has: kind, number, kop, place and date, QR text, copy number
    (0 = the original, N = *SALINAN ke-N*)."""

    kind: str
    number: str
    letterhead: Letterhead
    place: str
    issued_on: date
    qr_text: str
    signatory: Signatory
    copy_number: int = 0


@dataclass(frozen=True)
class Recipient:
    name: str
    nik_masked: str
    birth: str  # "Samarinda, 15 Mei 1980" or "-"
    address: str  # street, RT/RW, village, district, regency
    occupation: str = "-"
    kk_masked: str = "-"


@dataclass(frozen=True)
class BastData:
    """Berita Acara Serah Terima of a decent house (domain.md §3.4)."""

    header: Header
    year: int
    handed_over_on: date
    location: str
    first_party_name: str
    first_party_nip: str | None
    first_party_position: str
    second_party: Recipient
    house_type: str
    house_size: str
    funder: str
    cost_rupiah: int | None
    building_partner: str
    partner_signatory: str
    construction_started_on: date | None
    completed_on: date | None


@dataclass(frozen=True)
class RlhCertificateData:
    header: Header
    recipient: Recipient
    year: int
    house_type: str
    location: str
    funder: str
    building_partner: str
    handed_over_on: date


@dataclass(frozen=True)
class GrantCertificateData:
    header: Header
    recipient: Recipient
    programme: str
    period: int
    form: str
    business_type: str
    agency: str
    amount_rupiah: int
    items: tuple[str, ...]
    decision_number: str
    disbursed_on: date


@dataclass(frozen=True)
class TrainingCertificateData:
    header: Header
    recipient: Recipient
    title: str
    skill: str
    agency: str
    start_date: date
    end_date: date
    place: str
    hours: int | None
    completed_on: date


@dataclass(frozen=True)
class AidRow:
    programme: str
    description: str
    recipient: str
    on: date | None
    status: str
    amount_rupiah: int | None = None


@dataclass(frozen=True)
class AidHistoryData:
    header: Header
    head: Recipient
    members: int
    rows: tuple[AidRow, ...] = field(default_factory=tuple)


DocumentData = (
    BastData | RlhCertificateData | GrantCertificateData | TrainingCertificateData | AidHistoryData
)

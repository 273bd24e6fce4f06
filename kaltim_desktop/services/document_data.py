# SPDX-License-Identifier: GPL-3.0-or-later
"""Prepare what a document shows from the registry, and refuse subjects that do not qualify.

Only a handed-over house gets a BAST or an RLH certificate, only a disbursed grant a grant
letter, only a completed enrolment a training certificate. The labels printed are fixed Bahasa
Indonesia (the documents are Indonesian papers); the refusals are translated messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.errors import Issue, NotFound, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import (
    Enrolment,
    Grant,
    Handover,
    Household,
    Membership,
    Person,
    Training,
)
from kaltim_desktop.reports.documents import model as m
from kaltim_desktop.services.household_views import format_address

HOUSE_TYPE_ID = {
    "type36_concrete": ("Tipe 36 beton", "6 × 6 m (36 m²)"),
    "type45_wood": ("Tipe 45 kayu", "6 × 7,5 m (45 m²)"),
}
GRANT_FORM_ID = {
    "training": "Pelatihan berbasis kompetensi",
    "apprenticeship": "Pemagangan dalam negeri",
    "tools_materials": "Bantuan alat dan/atau bahan",
    "cash": "Bantuan uang",
}
AGENCY_ID = {
    "disperindagkop": (
        "Dinas Perindustrian, Perdagangan, Koperasi dan UMKM Provinsi Kalimantan Timur"
    ),
    "dinsos": "Dinas Sosial Provinsi Kalimantan Timur",
    "disnakertrans": "Dinas Tenaga Kerja dan Transmigrasi Provinsi Kalimantan Timur",
    "biro_adbang": "Biro Administrasi Pembangunan Setda Provinsi Kalimantan Timur",
    "dpupr": "Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Kalimantan Timur",
}
SKILL_ID = {
    "food_processing": "pengolahan pangan",
    "rattan_craft": "kerajinan rotan",
    "sewing": "menjahit",
    "carpentry": "pertukangan kayu",
    "barbering": "pangkas rambut",
    "agriculture": "pertanian dan perikanan",
    "other": "lainnya",
}
STAGE_ID = {
    "surveyed": "Disurvei",
    "under_construction": "Dibangun",
    "completed": "Selesai dibangun",
    "handed_over": "Serah terima",
    "cancelled": "Dibatalkan",
    "proposed": "Diusulkan",
    "verified": "Diverifikasi",
    "approved": "Disetujui",
    "disbursed": "Disalurkan",
    "void": "Dibatalkan",
}
ENROLMENT_ID = {"enrolled": "Terdaftar", "completed": "Lulus", "dropped": "Tidak selesai"}


@dataclass(frozen=True)
class Subject:
    """What a document is about, and what its QR names (never the full NIK)."""

    entity: str
    entity_id: str
    household_id: str | None
    person_id: str | None
    name: str
    nik_masked: str
    programme: str
    village_code: str | None
    body: dict  # kind-specific fields of the data class, without the header


def refuse(code: str, message: str) -> ValidationError:
    return ValidationError([Issue("id", code, "error", message)])


def _long(d: date | None) -> str:
    return format_date(d, "d MMMM y", locale="id") if d else "-"


def recipient(session: Session, person_id: str | None, household: Household) -> m.Recipient:
    from kaltim_desktop.domain.nik import mask_nik

    person = session.get(Person, person_id) if person_id else None
    if person is None or person.deleted:
        raise refuse("document.no_recipient", _("The record names no recipient."))
    birth = ", ".join(p for p in (person.birth_place, _long(person.birth_date)) if p and p != "-")
    return m.Recipient(
        name=person.name,
        nik_masked=mask_nik(person.nik) if person.nik else "-",
        birth=birth or "-",
        address=format_address(household),
        occupation=person.occupation or "-",
        kk_masked=mask_nik(household.kk_number) if household.kk_number else "-",
    )


def _household(session: Session, household_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound(_("The household was not found."))
    return household


def _handover(session: Session, handover_id: str, kind: str) -> Subject:
    h = session.get(Handover, handover_id)
    if h is None or h.deleted:
        raise NotFound(_("The house handover was not found."))
    if h.stage != "handed_over" or h.handed_over_on is None:
        raise refuse("document.not_handed_over", _("The house has not been handed over yet."))
    household = _household(session, h.household_id)
    who = recipient(session, h.recipient_person_id, household)
    house_type, size = HOUSE_TYPE_ID.get(h.house_type or "", (h.house_type or "-", "-"))
    year = h.handed_over_on.year
    funder = f"CSR {h.funder}" if h.funder else "-"
    common = dict(
        year=year,
        house_type=house_type,
        location=who.address,
        funder=funder,
        building_partner=h.building_partner or "-",
        handed_over_on=h.handed_over_on,
    )
    if kind == m.BAST:
        if not (h.first_party_name and h.first_party_position):
            raise refuse(
                "document.no_first_party",
                _("Record the official who hands the house over (first party) first."),
            )
        body = dict(
            common,
            first_party_name=h.first_party_name,
            first_party_nip=h.first_party_nip,
            first_party_position=h.first_party_position,
            second_party=who,
            house_size=size,
            cost_rupiah=h.cost_rupiah,
            partner_signatory=h.partner_signatory or "-",
            construction_started_on=h.construction_started_on,
            completed_on=h.completed_on,
        )
    else:
        body = dict(common, recipient=who)
    return Subject(
        "handover",
        h.id,
        household.id,
        h.recipient_person_id,
        who.name,
        who.nik_masked,
        f"RLH CSR {year}",
        household.village_code,
        body,
    )


def programme_label(code: str) -> str:
    """A grant programme code for print: the default ``modal_usaha`` adds nothing to "Modal
    Usaha"; other codes are shown with spaces."""
    words = " ".join(code.replace("_", " ").split())
    return "" if words.lower() == "modal usaha" else words


def _grant(session: Session, grant_id: str) -> Subject:
    g = session.get(Grant, grant_id)
    if g is None or g.deleted:
        raise NotFound(_("The grant was not found."))
    if g.stage != "disbursed" or g.disbursed_on is None:
        raise refuse("document.not_disbursed", _("The grant has not been disbursed yet."))
    household = _household(session, g.household_id)
    who = recipient(session, g.recipient_person_id, household)
    import json

    body = dict(
        recipient=who,
        programme=programme_label(g.programme),
        period=g.period,
        form=GRANT_FORM_ID.get(g.form, g.form),
        business_type=g.business_type or "-",
        agency=AGENCY_ID.get(g.agency, g.agency),
        amount_rupiah=g.amount_rupiah,
        items=tuple(json.loads(g.items)) if g.items else (),
        decision_number=g.decision_number or "-",
        disbursed_on=g.disbursed_on,
    )
    return Subject(
        "grant_award",
        g.id,
        household.id,
        g.recipient_person_id,
        who.name,
        who.nik_masked,
        " ".join(filter(None, ("Modal Usaha", programme_label(g.programme), str(g.period)))),
        household.village_code,
        body,
    )


def current_household(session: Session, person_id: str) -> Household | None:
    household_id = session.scalar(
        select(Membership.household_id).where(
            Membership.person_id == person_id, Membership.current()
        )
    )
    return session.get(Household, household_id) if household_id else None


def _enrolment(session: Session, enrolment_id: str) -> Subject:
    e = session.get(Enrolment, enrolment_id)
    if e is None or e.deleted:
        raise NotFound(_("The enrolment was not found."))
    if e.status != "completed" or e.completed_on is None:
        raise refuse("document.not_completed", _("The participant has not completed the training."))
    t = session.get(Training, e.training_id)
    household = current_household(session, e.person_id)
    if household is None:
        raise refuse("document.no_household", _("The participant belongs to no household."))
    who = recipient(session, e.person_id, household)
    body = dict(
        recipient=who,
        title=t.title,
        skill=SKILL_ID.get(t.skill_category, t.skill_category),
        agency=AGENCY_ID.get(t.agency, t.agency),
        start_date=t.start_date,
        end_date=t.end_date,
        place=t.place or "",
        hours=t.hours,
        completed_on=e.completed_on,
    )
    return Subject(
        "enrolment",
        e.id,
        household.id,
        e.person_id,
        who.name,
        who.nik_masked,
        f"Pelatihan {t.title}"[:60],
        household.village_code,
        body,
    )


def _aid_history(session: Session, household_id: str) -> Subject:
    household = _household(session, household_id)
    members = session.execute(
        select(Membership.person_id, Membership.relation).where(
            Membership.household_id == household_id, Membership.current()
        )
    ).all()
    head_id = next((p for p, rel in members if rel == "head"), members[0][0] if members else None)
    head = recipient(session, head_id, household)
    names = dict(
        session.execute(
            select(Person.id, Person.name).where(Person.id.in_([p for p, _r in members]))
        ).all()
    )
    rows: list[m.AidRow] = []
    for h in session.scalars(
        select(Handover).where(Handover.household_id == household_id, Handover.deleted.is_(False))
    ):
        label, _size = HOUSE_TYPE_ID.get(h.house_type or "", (h.house_type or "-", ""))
        rows.append(
            m.AidRow(
                "Rumah Layak Huni",
                f"{label}, CSR {h.funder or '-'}",
                names.get(h.recipient_person_id, "-"),
                h.handed_over_on or h.surveyed_on,
                STAGE_ID.get(h.stage, h.stage),
                h.cost_rupiah,
            )
        )
    for g in session.scalars(
        select(Grant).where(Grant.household_id == household_id, Grant.deleted.is_(False))
    ):
        rows.append(
            m.AidRow(
                " ".join(
                    filter(None, ("Modal Usaha", programme_label(g.programme), str(g.period)))
                ),
                GRANT_FORM_ID.get(g.form, g.form),
                names.get(g.recipient_person_id, "-"),
                g.disbursed_on or g.approved_on or g.proposed_on,
                STAGE_ID.get(g.stage, g.stage),
                g.amount_rupiah,
            )
        )
    enrolments = session.execute(
        select(Enrolment, Training)
        .join(Training, Training.id == Enrolment.training_id)
        .where(Enrolment.person_id.in_(list(names)), Enrolment.deleted.is_(False))
    ).all()
    for e, t in enrolments:
        rows.append(
            m.AidRow(
                "Pelatihan",
                t.title,
                names.get(e.person_id, "-"),
                e.completed_on or t.start_date,
                ENROLMENT_ID.get(e.status, e.status),
            )
        )
    rows.sort(key=lambda r: (r.on or date.min, r.programme))
    body = dict(head=head, members=len(members), rows=tuple(rows))
    return Subject(
        "household",
        household.id,
        household.id,
        head_id,
        head.name,
        head.nik_masked,
        "Riwayat Bantuan",
        household.village_code,
        body,
    )


def prepare_subject(session: Session, kind: str, subject_id: str) -> Subject:
    """Load and check the subject of a document of ``kind``.

    Raises:
        NotFound: no such record.
        ValidationError: the record does not qualify (yet) for this document.
    """
    if kind in (m.BAST, m.RLH_CERTIFICATE):
        return _handover(session, subject_id, kind)
    if kind == m.GRANT_CERTIFICATE:
        return _grant(session, subject_id)
    if kind == m.TRAINING_CERTIFICATE:
        return _enrolment(session, subject_id)
    if kind == m.AID_HISTORY:
        return _aid_history(session, subject_id)
    raise refuse("document.kind", _("Unknown document kind."))


DATA_CLASSES = {
    m.BAST: m.BastData,
    m.RLH_CERTIFICATE: m.RlhCertificateData,
    m.GRANT_CERTIFICATE: m.GrantCertificateData,
    m.TRAINING_CERTIFICATE: m.TrainingCertificateData,
    m.AID_HISTORY: m.AidHistoryData,
}


def build(kind: str, header: m.Header, subject: Subject) -> m.DocumentData:
    return DATA_CLASSES[kind](header=header, **subject.body)

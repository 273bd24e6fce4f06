# SPDX-License-Identifier: GPL-3.0-or-later
"""A registry with one beneficiary of every programme, and configured documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from kaltim_desktop.models import Setting
from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.document_settings import configure_documents
from kaltim_desktop.services.grants import (
    GrantInput,
    approve_grant,
    disburse_grant,
    propose_grant,
    verify_grant,
)
from kaltim_desktop.services.handovers import HandoverInput, advance_handover, create_handover
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.trainings import (
    TrainingInput,
    complete_enrolment,
    create_training,
    enrol,
    mark_attendance,
)
from tests.conftest import family

TODAY = date.today()
HANDED_OVER = TODAY - timedelta(days=100)
LONG_NAME = "Ṡiti Nur'aini binti Abdul Rahman Al-Banjari Hj. Ḍaeng Mappaselle Ratu Kenyah"
FIRST_PARTY_NIP = "197505122000031004"
SIGNATORY_NIP = "196804111993031009"


@dataclass(frozen=True)
class Registry:
    household_id: str
    head_id: str
    wife_id: str
    handover_id: str
    grant_id: str
    training_id: str
    enrolment_id: str
    pending_handover_household: str


def _hand_over(db, operator, detail, head_id, on):
    row = create_handover(
        db,
        operator,
        HandoverInput(
            household_id=detail.id,
            funder="PT Pupuk Kalimantan Timur",
            building_partner="Kodim 0901/Samarinda",
            house_type="type45_wood",
            cost_rupiah=115_000_000,
            surveyed_on=on - timedelta(days=200),
            first_party_name="Ir. H. Muhammad Ridwan, M.T.",
            first_party_nip=FIRST_PARTY_NIP,
            first_party_position="Kepala Bagian Fasilitasi Pembangunan, Biro Adbang",
            partner_signatory="Komandan Kodim 0901/Samarinda",
        ),
        confirm_warnings=True,
    )
    advance_handover(db, operator, row.id, "under_construction", on=on - timedelta(days=190))
    advance_handover(db, operator, row.id, "completed", on=on - timedelta(days=5))
    advance_handover(db, operator, row.id, "handed_over", on=on, recipient_person_id=head_id)
    return row.id


@pytest.fixture
def registry(db, operator, supervisor, admin) -> Registry:
    members = family().members
    long_head = MemberInput(
        **{
            **members[0].__dict__,
            "name": LONG_NAME,
            "sex": "F",
            "relation": "head",
            "nik": "6472065708850002",
            "birth_date": date(1985, 8, 17),
        }
    )
    husband = MemberInput(
        **{
            **members[1].__dict__,
            "name": "Ahmad Fauzi",
            "sex": "M",
            "relation": "spouse",
            "nik": "6472061505800001",
            "birth_date": date(1980, 5, 15),
        }
    )
    detail = save_household(
        db,
        operator,
        family(
            members=(long_head, husband, members[2]),
            street="Jl. Pangeran Antasari Gg. Keluarga Sejahtera Blok C No. 17",
        ),
        confirm_warnings=True,
    )
    head = next(m.person_id for m in detail.members if m.relation == "head")
    wife = next(m.person_id for m in detail.members if m.relation == "spouse")
    handover_id = _hand_over(db, operator, detail, head, HANDED_OVER)
    grant = propose_grant(
        db,
        operator,
        GrantInput(
            household_id=detail.id,
            recipient_person_id=head,
            programme="modal_usaha",
            period=TODAY.year,
            form="tools_materials",
            agency="disperindagkop",
            amount_rupiah=7_500_000,
            business_type="Warung sembako",
            items=("Etalase kaca", "Timbangan digital"),
        ),
    )
    with db.transaction() as s:
        set_setting(s, "installation.role", "province")
    verify_grant(db, supervisor, grant.id, on=TODAY)
    approve_grant(db, supervisor, grant.id, decision_number="500.4/123/Adbang", on=TODAY)
    disburse_grant(db, supervisor, grant.id, on=TODAY)
    with db.transaction() as s:
        s.execute(
            update(Setting).where(Setting.key == "installation.role").values(value="district")
        )
    training = create_training(
        db,
        operator,
        TrainingInput(
            title="Pengolahan Amplang dan Kerupuk Ikan",
            skill_category="food_processing",
            agency="disperindagkop",
            start_date=TODAY - timedelta(days=30),
            end_date=TODAY - timedelta(days=26),
            place="UPTD Balai Latihan Kerja Samarinda",
            trainer="Instruktur BLK",
            hours=40,
            regency_code="64.72",
        ),
    )
    enrolment = enrol(db, operator, training.id, wife, confirm_warnings=True)
    mark_attendance(db, operator, enrolment.id, TODAY - timedelta(days=30))
    complete_enrolment(db, operator, enrolment.id, TODAY - timedelta(days=26))
    pending = save_household(
        db, operator, family(kk_number=None, members=(members[0],)), confirm_warnings=True
    )
    create_handover(
        db,
        operator,
        HandoverInput(
            household_id=pending.id,
            funder="PT X",
            building_partner="Kodim",
            house_type="type36_concrete",
            cost_rupiah=100_000_000,
            surveyed_on=TODAY - timedelta(days=10),
        ),
        confirm_warnings=True,
    )
    configure_documents(
        db,
        admin,
        signatory_name="Dr. H. Contoh Pejabat, S.T., M.Si.",
        signatory_rank="Pembina Utama Muda (IV/c)",
        signatory_nip=SIGNATORY_NIP,
    )
    return Registry(
        detail.id, head, wife, handover_id, grant.id, training.id, enrolment.id, pending.id
    )

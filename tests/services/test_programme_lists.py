# SPDX-License-Identifier: GPL-3.0-or-later
"""Province-wide handover and grant lists, and the interface language preference."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from kaltim_desktop.errors import NotFound, ValidationError
from kaltim_desktop.models import AuditEntry
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.grant_rules import NO_DUPLICATE
from kaltim_desktop.services.grants import check_eligibility, void_grant
from kaltim_desktop.services.preferences import LANGUAGE_KEY, get_language, set_language
from kaltim_desktop.services.programme_lists import (
    grant_eligibility,
    handover_parties,
    list_grant_rows,
    list_handover_rows,
)


def scalar(db, sql: str, **params):
    with db.read() as session:
        return session.execute(text(sql), params).scalar_one()


@pytest.fixture
def demo_db(db):
    generate_demo(db, households=500, seed=1)
    return db


def test_handover_list_filters_by_stage_and_region(demo_db):
    db = demo_db
    everything = list_handover_rows(db)
    assert everything.total == scalar(db, "SELECT count(*) FROM handover") > 0
    assert len(everything.rows) == everything.total and not everything.truncated
    surveyed = [r.surveyed_on for r in everything.rows]
    assert surveyed == sorted(surveyed, reverse=True)

    handed = list_handover_rows(db, stage="handed_over")
    assert {r.stage for r in handed.rows} == {"handed_over"}
    assert handed.total == scalar(db, "SELECT count(*) FROM handover WHERE stage='handed_over'")
    assert all(r.stage_on is not None and r.stage_on >= r.surveyed_on for r in handed.rows)

    regency = everything.rows[0].place.regency
    code = scalar(
        db,
        "SELECT substr(h.village_code, 1, 5) FROM household h WHERE h.id = :id",
        id=everything.rows[0].household_id,
    )
    local = list_handover_rows(db, region=code.replace(".", ""))  # plain codes work too
    assert local.total >= 1 and {r.place.regency for r in local.rows} == {regency}

    first = list_handover_rows(db, limit=1)
    assert len(first.rows) == 1 and first.total == everything.total and first.truncated


def test_grant_list_totals_leave_void_grants_out(demo_db, admin):
    db = demo_db
    listing = list_grant_rows(db)
    assert listing.total == scalar(db, "SELECT count(*) FROM grant_award") > 0
    live = [r for r in listing.rows if r.stage not in ("void", "disbursed")]
    assert live, "the demo has grants that can still be voided"
    before = listing.total_rupiah
    void_grant(db, admin, live[0].id, "Penerima pindah domisili")
    after = list_grant_rows(db)
    assert after.total == listing.total
    assert after.total_rupiah == before - live[0].amount_rupiah
    assert after.total_rupiah == scalar(
        db, "SELECT sum(amount_rupiah) FROM grant_award WHERE stage != 'void'"
    )
    assert list_grant_rows(db, stage="void").rows[0].id == live[0].id


def test_language_preference(db, operator):
    assert get_language(db) == "id"
    with pytest.raises(ValidationError):
        set_language(db, operator, "fr")
    set_language(db, operator, "en")
    assert get_language(db) == "en"
    set_language(db, operator, "en")  # unchanged: no second audit entry
    with db.read() as session:
        entries = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "setting.change", AuditEntry.entity_id == LANGUAGE_KEY)
        )
    assert entries == 1


def test_handover_parties_are_the_names_in_use(demo_db):
    funders, partners = handover_parties(demo_db)
    rows = list_handover_rows(demo_db).rows
    assert set(funders) == {r.funder for r in rows if r.funder}
    assert set(partners) == {r.building_partner for r in rows if r.building_partner}
    assert list(funders) == sorted(funders)


def test_a_grant_is_not_its_own_duplicate(demo_db):
    db = demo_db
    grant = next(r for r in list_grant_rows(db).rows if r.stage != "void")
    today = date.today()
    fresh = check_eligibility(
        db, grant.household_id, grant_recipient(db, grant.id), grant.programme, grant.period
    )
    assert not fresh.check(NO_DUPLICATE).passed  # a new proposal would duplicate it
    own = grant_eligibility(db, grant.id, today)
    assert own.check(NO_DUPLICATE).passed
    assert [c.code for c in own.checks] == [c.code for c in fresh.checks]
    with pytest.raises(NotFound):
        grant_eligibility(db, "no-such-grant", today)


def grant_recipient(db, grant_id: str) -> str:
    return scalar(db, "SELECT recipient_person_id FROM grant_award WHERE id = :id", id=grant_id)

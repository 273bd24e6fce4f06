# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme progress: the aggregate figures agree with a record-by-record count."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import select

from kaltim_desktop.errors import NotFound
from kaltim_desktop.models import Enrolment, Grant, Handover, Household, Membership
from kaltim_desktop.services.demo import generate_demo
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.progress import WITA, Period, programme_progress
from tests.conftest import family

TODAY = date(2025, 9, 15)


@pytest.fixture
def demo_db(db):
    generate_demo(db, households=600, seed=3, today=TODAY)
    return db


def _brute_force(db, width: int):
    """Count everything in Python from plain rows: the reference the SQL must match."""
    with db.read() as session:
        homes = {h.id: h for h in session.scalars(select(Household))}
        area = {h.id: h.village_code[:width] for h in homes.values()}
        households = Counter(area[h.id] for h in homes.values())
        deciles = Counter((area[h.id], h.dtsen_decile or 0) for h in homes.values())
        members = Counter(
            area[m.household_id]
            for m in session.scalars(select(Membership))
            if m.active and not m.deleted
        )
        handovers = Counter(
            (area[h.household_id], h.stage) for h in session.scalars(select(Handover))
        )
        funders = Counter(
            (area[h.household_id], h.funder)
            for h in session.scalars(select(Handover))
            if h.stage != "cancelled" and h.funder
        )
        grant_amount = Counter()
        for g in session.scalars(select(Grant)):
            grant_amount[(area[g.household_id], g.stage)] += g.amount_rupiah
        person_area = {
            m.person_id: area[m.household_id]
            for m in session.scalars(select(Membership))
            if m.active and not m.deleted
        }
        enrolments = list(session.scalars(select(Enrolment)))
    return households, deciles, members, handovers, funders, grant_amount, person_area, enrolments


def test_regency_figures_match_a_record_by_record_count(demo_db):
    progress = programme_progress(demo_db)
    households, deciles, members, handovers, funders, grant_amount, person_area, enrolments = (
        _brute_force(demo_db, 5)
    )
    assert progress.level == "regency"
    assert [a.code for a in progress.areas][:3] == ["64.01", "64.02", "64.03"]
    assert len(progress.areas) == 10
    assert progress.total.households == sum(households.values()) == 600
    for area in progress.areas:
        assert area.households == households[area.code]
        assert area.members == members[area.code]
        assert area.by_decile == tuple(deciles[(area.code, d)] for d in range(11))
        for stage in area.houses_by_stage:
            assert stage.count == handovers[(area.code, stage.stage)]
        assert dict((f.name, f.count) for f in area.funders) == {
            name: n for (code, name), n in funders.items() if code == area.code
        }
        for stage in area.grants_by_stage:
            assert stage.amount_rupiah == grant_amount[(area.code, stage.stage)]
        mine = [e for e in enrolments if person_area.get(e.person_id) == area.code]
        assert area.enrolments == len(mine)
        assert area.enrolments_completed == sum(e.status == "completed" for e in mine)
        assert area.trainings == len({e.training_id for e in mine})
    assert progress.total.houses_total == sum(
        n for (_code, stage), n in handovers.items() if stage != "cancelled"
    )


def test_district_level_within_a_regency(demo_db):
    progress = programme_progress(demo_db, regency_code="6472")
    households = _brute_force(demo_db, 8)[0]
    assert progress.level == "district"
    assert progress.regency_code == "64.72"
    assert all(a.code.startswith("64.72.") for a in progress.areas)
    assert len(progress.areas) == 10  # Samarinda has ten kecamatan
    assert [a.households for a in progress.areas] == [households[a.code] for a in progress.areas]
    assert progress.total.households == sum(a.households for a in progress.areas)
    assert progress.total.name == "Kota Samarinda"


def test_period_counts_milestones_inside_it(demo_db):
    period = Period(date(2024, 1, 1), date(2025, 8, 31))
    progress = programme_progress(demo_db, period=period)
    with demo_db.read() as session:
        handed = sum(
            1
            for h in session.scalars(select(Handover))
            if h.stage == "handed_over" and h.handed_over_on and period.contains(h.handed_over_on)
        )
        disbursed = [
            g.amount_rupiah
            for g in session.scalars(select(Grant))
            if g.stage == "disbursed" and period.contains(g.disbursed_on)
        ]
    assert progress.total.houses_handed_over_in_period == handed
    assert progress.total.grants_disbursed_in_period == len(disbursed)
    assert progress.total.grants_disbursed_in_period_rupiah == sum(disbursed)
    assert handed > 0 and disbursed  # the demo has milestones in that period
    assert [(m.year, m.month) for m in progress.months][-1] == (2025, 8)
    assert len(progress.months) == 12
    assert sum(m.houses_handed_over for m in progress.months) <= handed
    # Households were all registered today (the demo runs now), not in that period.
    assert progress.total.households_in_period == 0
    assert progress.total.households == 600


def test_new_registrations_count_in_the_current_period(db, operator):
    save_household(db, operator, family())
    today = datetime.now(WITA).date()  # registration days are counted in WITA
    progress = programme_progress(db, period=Period(today.replace(day=1), today))
    assert progress.total.households == 1
    assert progress.total.households_in_period == 1
    assert progress.total.members == 3
    assert progress.total.by_decile[2] == 1
    samarinda = next(a for a in progress.areas if a.code == "64.72")
    assert samarinda.households == 1


def test_unknown_regency_is_refused(db):
    with pytest.raises(NotFound):
        programme_progress(db, regency_code="64.99")

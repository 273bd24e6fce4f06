# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo data: determinism, counts, validity against the real rules, op log, refusal, cancel."""

from __future__ import annotations

import json
import random
import shutil
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, text

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.domain.rtlh import HouseCondition, assess
from kaltim_desktop.errors import Cancelled, KaltimError
from kaltim_desktop.models import (
    REPLICATED,
    AuditEntry,
    Grant,
    Handover,
    Household,
    Membership,
    Person,
    RecordClock,
    SyncOp,
)
from kaltim_desktop.progress import CancelToken
from kaltim_desktop.services.demo import DemoIds, generate_demo
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput, check_household
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.programme_rules import MIN_AGE, RESIDENCE_YEARS, age_on, years_before
from kaltim_desktop.services.search import search_households
from kaltim_desktop.services.training_rules import enrolment_id
from tests.conftest import family

TODAY = date(2026, 6, 15)
# Every table the demo writes, with the columns that legitimately differ between two runs
# (write timestamps come from the clock, not from the seed).
CONTENT_TABLES = tuple(REPLICATED)


@pytest.fixture
def other_db(template_db, tmp_path):
    path = tmp_path / "other.sqlite"
    shutil.copy(template_db, path)
    database = Database(make_engine(sqlite_url(path)), path)
    yield database
    database.dispose()


def table_contents(db, table: str) -> list[tuple]:
    with db.read() as session:
        columns = [row[1] for row in session.execute(text(f"PRAGMA table_info({table})"))]
        kept = [c for c in columns if c not in ("created_at", "updated_at")]
        return session.execute(text(f"SELECT {', '.join(kept)} FROM {table} ORDER BY id")).all()


def count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_same_seed_same_data_and_other_seed_differs(db, other_db, template_db, tmp_path):
    generate_demo(db, households=60, seed=7, today=TODAY)
    generate_demo(other_db, households=60, seed=7, today=TODAY)
    for table in CONTENT_TABLES:
        assert table_contents(db, table) == table_contents(other_db, table), table

    third_path = tmp_path / "third.sqlite"
    shutil.copy(template_db, third_path)
    third = Database(make_engine(sqlite_url(third_path)), third_path)
    try:
        generate_demo(third, households=60, seed=8, today=TODAY)
        assert table_contents(third, "person") != table_contents(db, "person")
        assert table_contents(third, "household") != table_contents(db, "household")
    finally:
        third.dispose()


def test_counts_op_log_and_audit(db):
    summary = generate_demo(db, households=150, seed=3, today=TODAY, batch_size=60)
    assert summary.households == count(db, Household) == 150
    assert summary.persons == count(db, Person) == summary.memberships == count(db, Membership)
    assert summary.assessments >= 150
    assert summary.trainings >= 3 and summary.elapsed_seconds > 0
    for entity, model in REPLICATED.items():
        assert summary.counts.get(entity, 0) == count(db, model), entity  # no demo documents
    records = sum(summary.counts.values())
    # One create op per row written; records never updated need no stored clock.
    assert count(db, SyncOp) == summary.ops == records
    assert count(db, RecordClock) == 0
    with db.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        ops_per_entity = dict(
            session.execute(select(SyncOp.entity, func.count()).group_by(SyncOp.entity)).all()
        )
    assert ops_per_entity == {k: v for k, v in summary.counts.items() if v}
    assert len(entries) == 3  # batches of 60, 60 and 30 households
    assert {(e.action, e.actor) for e in entries} == {("demo.generate", None)}


def test_sizes_ages_and_regions_are_plausible(db):
    generate_demo(db, households=200, seed=11, today=TODAY)
    with db.read() as session:
        sizes = (
            session.execute(
                select(func.count()).select_from(Membership).group_by(Membership.household_id)
            )
            .scalars()
            .all()
        )
        rt_only = (
            session.execute(
                select(Household.rw).where(
                    Household.village_code.like("64.71.%") | Household.village_code.like("64.09.%")
                )
            )
            .scalars()
            .all()
        )
        niks = session.execute(select(Person.nik).where(Person.nik.is_not(None))).scalars().all()
        deciles = set(session.execute(select(Household.dtsen_decile)).scalars())
        not_decent = session.scalar(text("SELECT avg(decent = 0) FROM house_assessment"))
    assert min(sizes) >= 1 and max(sizes) <= 8
    assert rt_only and set(rt_only) == {None}  # Balikpapan and PPU have RT only
    assert len(niks) == len(set(niks))
    assert {nik[:2] for nik in niks} >= {"64"}
    assert deciles <= {None, 1, 2, 3, 4, 5}
    assert 0.3 < not_decent < 0.95


def _household_input(session, household: Household) -> HouseholdInput:
    rows = session.execute(
        select(Person, Membership.relation)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.household_id == household.id)
        .order_by(Membership.id)
    ).all()
    members = tuple(
        MemberInput(
            name=p.name,
            sex=p.sex,
            relation=relation,
            nik=p.nik,
            birth_place=p.birth_place,
            birth_date=p.birth_date,
            education=p.education,
            occupation=p.occupation,
            disability=p.disability,
            skills=p.skills,
            domicile_since=p.domicile_since,
        )
        for p, relation in rows
    )
    h = household
    return HouseholdInput(
        village_code=h.village_code,
        members=members,
        id=h.id,
        kk_number=h.kk_number,
        kk_as_of=h.kk_as_of,
        rt=h.rt,
        rw=h.rw,
        hamlet=h.hamlet,
        street=h.street,
        phone=h.phone,
        gps_lat_e6=h.gps_lat_e6,
        gps_lon_e6=h.gps_lon_e6,
        dtsen_decile=h.dtsen_decile,
        dtsen_as_of=h.dtsen_as_of,
        notes=h.notes,
    )


def test_households_pass_the_registration_rules(db):
    generate_demo(db, households=200, seed=5, today=TODAY)
    with db.read() as session:
        households = session.scalars(select(Household)).all()
        for household in households:
            cleaned = check_household(_household_input(session, household), TODAY)
            assert [i.code for i in cleaned.issues if i.is_error] == [], household.id
            # The only acceptable warning: a child whose NIK is not recorded yet.
            assert {i.code for i in cleaned.issues} <= {"nik.missing"}, household.id
            head = session.scalar(
                select(Person.name)
                .join(Membership)
                .where(Membership.household_id == household.id, Membership.relation == "head")
            )
            assert household.head_name == head


def test_assessments_store_the_computed_verdict(db):
    generate_demo(db, households=80, seed=2, today=TODAY)
    fields = HouseCondition.__dataclass_fields__
    with db.read() as session:
        for row in session.execute(text("SELECT * FROM house_assessment")).mappings():
            verdict = assess(HouseCondition(**{f: row[f] for f in fields}))
            assert bool(row["decent"]) == verdict.decent
            codes = json.loads(row["reasons"]) if row["reasons"] else []
            assert codes == [r.code for r in verdict.reasons]


def test_programme_records_follow_the_rules(db):
    generate_demo(db, households=200, seed=4, today=TODAY)
    with db.read() as session:
        handovers = session.scalars(select(Handover)).all()
        grants = session.scalars(select(Grant)).all()
        enrolments = session.execute(
            text(
                "SELECT e.id, e.training_id, e.person_id, e.status, e.attended_days, t.start_date,"
                " t.end_date, p.birth_date, p.domicile_since FROM enrolment e"
                " JOIN training t ON t.id = e.training_id JOIN person p ON p.id = e.person_id"
            )
        ).all()
        handed_over = {
            h.household_id: h.handed_over_on for h in handovers if h.stage == "handed_over"
        }
        people = {p.id: p for p in session.scalars(select(Person))}
    assert handovers and enrolments
    for h in handovers:
        dates = [
            d
            for d in (h.surveyed_on, h.construction_started_on, h.completed_on, h.handed_over_on)
            if d
        ]
        assert dates == sorted(dates) and dates[-1] <= TODAY
        assert (h.stage == "handed_over") == (h.bast_number is not None)
        assert age_on(people[h.recipient_person_id].birth_date, h.surveyed_on) >= MIN_AGE
    for g in grants:
        assert g.household_id in handed_over and g.proposed_on >= handed_over[g.household_id]
        person = people[g.recipient_person_id]
        assert age_on(person.birth_date, g.proposed_on) >= MIN_AGE
        assert person.domicile_since <= years_before(g.proposed_on, RESIDENCE_YEARS)
    for e in enrolments:
        start, end = date.fromisoformat(e.start_date), date.fromisoformat(e.end_date)
        assert e.id == enrolment_id(e.training_id, e.person_id)
        assert age_on(date.fromisoformat(e.birth_date), start) >= MIN_AGE
        days = json.loads(e.attended_days) if e.attended_days else []
        assert all(start.isoformat() <= d <= min(end, TODAY).isoformat() for d in days)
        assert e.status != "completed" or days


def test_demo_people_are_searchable(db):
    generate_demo(db, households=50, seed=9, today=TODAY)
    with db.read() as session:
        nik, household_id = session.execute(
            select(Person.nik, Membership.household_id)
            .join(Membership, Membership.person_id == Person.id)
            .where(Person.nik.is_not(None))
            .limit(1)
        ).one()
    assert [r.id for r in search_households(db, nik)] == [household_id]


def test_refuses_a_database_with_households(db, operator):
    save_household(db, operator, family())
    before = count(db, SyncOp), count(db, AuditEntry)
    with pytest.raises(KaltimError, match="already contains households"):
        generate_demo(db, households=10, today=TODAY)
    assert (count(db, SyncOp), count(db, AuditEntry)) == before
    assert count(db, Household) == 1


def test_rejects_a_silly_size(db):
    with pytest.raises(KaltimError):
        generate_demo(db, households=0)


class CancelAfter(CancelToken):
    """Cancels once ``after`` households are reported done."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after
        self.updates: list[tuple[int, int | None]] = []

    def update(self, done, total=None, message=""):
        super().update(done, total, message)
        self.updates.append((done, total))
        if done >= self.after:
            self.cancel()


def test_cancel_rolls_everything_back(db):
    token = CancelAfter(40)
    with pytest.raises(Cancelled):
        generate_demo(db, households=100, today=TODAY, batch_size=20, progress=token)
    assert token.updates[:3] == [(0, 100), (20, 100), (40, 100)]
    for model in (Household, Person, SyncOp, AuditEntry, RecordClock):
        assert count(db, model) == 0, model
    # Nothing is left behind, so the user can simply start again.
    summary = generate_demo(db, households=30, today=TODAY)
    assert summary.households == 30


def test_progress_reaches_the_total(db):
    token = CancelAfter(10**9)
    generate_demo(db, households=45, today=TODAY, batch_size=20, progress=token)
    assert token.updates == [(0, 45), (20, 45), (40, 45), (45, 45)]


def test_demo_ids_are_reproducible_uuid7():
    first = DemoIds(random.Random("s"))
    ids = [first() for _ in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    again = DemoIds(random.Random("s"))
    assert [again() for _ in range(50)] == ids

# SPDX-License-Identifier: GPL-3.0-or-later
"""Replaying the op log into an empty database reproduces every replicated table exactly."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date

from PIL import Image
from sqlalchemy import select

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.models import REPLICATED, Person, PersonNameToken, RecordClock, SyncOp
from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.grants import (
    GrantInput,
    approve_grant,
    disburse_grant,
    propose_grant,
    verify_grant,
)
from kaltim_desktop.services.handovers import HandoverInput, advance_handover, create_handover
from kaltim_desktop.services.households import (
    move_member,
    record_assessment,
    save_household,
)
from kaltim_desktop.services.photos import add_photo, remove_photo, set_caption
from kaltim_desktop.services.trainings import (
    TrainingInput,
    complete_enrolment,
    create_training,
    enrol,
    mark_attendance,
)
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.replay import read_ops, replay
from tests.conftest import family, wooden_house
from tests.documents.history import issue_reprint_and_void


def snapshot(db: Database, *, with_ops: bool = True) -> dict[str, list[tuple]]:
    """Every row of every replicated and derived table (and the op log), in a stable order."""
    tables = [
        *(m.__table__ for m in REPLICATED.values()),
        PersonNameToken.__table__,
        RecordClock.__table__,
        *([SyncOp.__table__] if with_ops else []),
    ]
    with db.read() as s:
        return {
            t.name: sorted((tuple(row) for row in s.execute(select(t)).all()), key=repr)
            for t in tables
        }


def build_history(db, operator) -> None:
    first = save_household(db, operator, family())
    second = save_household(
        db,
        operator,
        family(
            kk_number=None,
            rt=12,
            members=(dataclasses.replace(family().members[0], nik=None, name="Muhammad Yusuf"),),
        ),
        confirm_warnings=True,
    )
    members = tuple(
        dataclasses.replace(m, person_id=row.person_id, occupation="Buruh")
        for m, row in zip(family().members, first.members, strict=True)
    )
    save_household(
        db,
        operator,
        family(id=first.id, members=members[:2], hamlet="Dusun I"),
        confirm_warnings=True,
    )
    move_member(db, operator, first.members[2].person_id, second.id, "other")
    record_assessment(
        db,
        operator,
        second.id,
        wooden_house(floor_area_dm2=2400, occupants=2),
        date(2025, 2, 3),
    )
    run_programmes(db, operator, second.id, second.members[0].person_id)
    add_remove_photos(db, operator, second.id)
    with db.transaction() as s:
        changes = ChangeSet(s, actor=operator.officer_id, action="household.delete")
        changes.delete("household", first.id)
        changes.commit()


def add_remove_photos(db, operator, household_id: str) -> None:
    """Two photos of the house (one captioned later, one removed)."""
    folder = db.path.parent / "photos"
    source = db.path.parent / "rumah.png"
    Image.new("RGB", (120, 90), (200, 180, 40)).save(source, "PNG")
    kept = add_photo(db, operator, household_id, source, "Tampak depan", folder=folder)
    set_caption(db, operator, kept.id, "Tampak depan, sebelum renovasi")
    removed = add_photo(db, operator, household_id, source, None, folder=folder)
    remove_photo(db, operator, removed.id)


def run_programmes(db, operator, household_id: str, adult: str) -> None:
    """A house handed over, a grant through every stage, a training with attendance, and a
    certificate issued, reprinted and voided."""
    supervisor = dataclasses.replace(operator, role="supervisor")
    with db.transaction() as s:
        set_setting(s, "installation.role", "province")
    handover = create_handover(
        db,
        operator,
        HandoverInput(
            household_id=household_id,
            funder="CSR PT Bank Kaltimtara",
            building_partner="Kodim 0901/Samarinda",
            house_type="type45_wood",
            cost_rupiah=115_000_000,
            surveyed_on=date(2024, 1, 8),
        ),
        confirm_warnings=True,
    )
    for stage, on in (
        ("under_construction", date(2024, 2, 1)),
        ("completed", date(2024, 5, 2)),
        ("handed_over", date(2024, 5, 20)),
    ):
        advance_handover(
            db,
            operator,
            handover.id,
            stage,
            on=on,
            bast_number="BAST-1",
            recipient_person_id=adult if stage == "handed_over" else None,
        )
    recipient = adult
    grant = propose_grant(
        db,
        operator,
        GrantInput(
            household_id=household_id,
            recipient_person_id=recipient,
            programme="modal-usaha",
            period=2025,
            form="tools_materials",
            agency="disperindagkop",
            amount_rupiah=7_500_000,
            business_type="Warung makan",
            items=("Kompor", "Etalase"),
        ),
        today=date(2025, 1, 6),
    )
    verify_grant(db, supervisor, grant.id, on=date(2025, 1, 7))
    approve_grant(
        db, supervisor, grant.id, decision_number="500/12/Adbang/2025", on=date(2025, 1, 8)
    )
    disburse_grant(db, supervisor, grant.id, on=date(2025, 1, 9))
    training = create_training(
        db,
        operator,
        TrainingInput(
            title="Pengolahan Amplang",
            skill_category="food_processing",
            agency="disperindagkop",
            start_date=date(2025, 3, 3),
            end_date=date(2025, 3, 5),
            place="Samarinda",
            trainer="Ibu Rusmini",
            hours=24,
            regency_code="64.72",
        ),
    )
    enrolment = enrol(db, operator, training.id, recipient, confirm_warnings=True)
    for day in (date(2025, 3, 3), date(2025, 3, 4)):
        mark_attendance(db, operator, enrolment.id, day)
    complete_enrolment(db, operator, enrolment.id, on=date(2025, 3, 5))
    issue_reprint_and_void(db, operator, handover.id)
    _decide_not_duplicates(db, operator)


def _decide_not_duplicates(db, operator) -> None:
    """A reviewer's "not the same person" decision is a replicated record too."""
    with db.transaction() as session:
        first, second = sorted(session.scalars(select(Person.id).limit(2)))
        changes = ChangeSet(session, actor=operator.officer_id, action="duplicate.distinct")
        changes.create(
            "duplicate_decision",
            {"entity": "person", "first_id": first, "second_id": second, "decision": "distinct"},
        )
        changes.commit()


def test_replay_into_empty_database_reproduces_tables(db, operator, template_db, tmp_path):
    build_history(db, operator)
    with db.read() as s:
        ops = list(read_ops(s))
    assert {op["entity"] for op in ops} == set(REPLICATED)  # every entity is exercised

    empty_path = tmp_path / "replayed.sqlite"
    shutil.copy(template_db, empty_path)
    replica = Database(make_engine(sqlite_url(empty_path)), empty_path)
    try:
        with replica.transaction() as s:
            assert replay(s, ops) == len(ops)
        assert snapshot(replica) == snapshot(db)
    finally:
        replica.dispose()


def test_replay_detects_a_missing_op(db, operator, template_db, tmp_path):
    """The comparison is sharp: leaving one update out gives different tables."""
    build_history(db, operator)
    with db.read() as s:
        ops = [op for op in read_ops(s)]
    updates = [i for i, op in enumerate(ops) if op["action"] == "update"]
    del ops[updates[0]]
    path = tmp_path / "partial.sqlite"
    shutil.copy(template_db, path)
    replica = Database(make_engine(sqlite_url(path)), path)
    try:
        with replica.transaction() as s:
            replay(s, ops)
        assert snapshot(replica, with_ops=False) != snapshot(db, with_ops=False)
    finally:
        replica.dispose()

# SPDX-License-Identifier: GPL-3.0-or-later
"""House handovers through the service: one active house per household, the stage order, the
recipient of the BAST, cancelling, the earlier-aid warning and the op log."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kaltim_desktop.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
    WarningsNotConfirmed,
)
from kaltim_desktop.models import AuditEntry, Handover, Membership, SyncOp
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.handovers import (
    HandoverInput,
    advance_handover,
    cancel_handover,
    create_handover,
    get_handover,
    list_handovers,
)
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import move_member, save_household
from kaltim_desktop.sync.oplog import ChangeSet
from tests.conftest import HEAD_NIK, VILLAGE, family

TODAY = date.today()
SURVEYED = TODAY - timedelta(days=400)
STARTED = TODAY - timedelta(days=300)
COMPLETED = TODAY - timedelta(days=200)
HANDED_OVER = TODAY - timedelta(days=100)


def register(db, operator, **overrides):
    return save_household(db, operator, family(**overrides), confirm_warnings=True)


def other_family(db, operator):
    """A second household whose head has no NIK (a confirmed warning)."""
    head = MemberInput(
        name="Rudi Hartono",
        sex="M",
        relation="head",
        birth_date=date(1975, 1, 1),
        domicile_since=date(1990, 1, 1),
    )
    return register(db, operator, members=(head,), kk_number=None)


def house_for(household_id: str, **changes) -> HandoverInput:
    values = dict(
        household_id=household_id,
        funder="CSR PT Bank Kaltimtara",
        building_partner="Kodim 0901/Samarinda",
        house_type="type45_wood",
        cost_rupiah=115_000_000,
        surveyed_on=SURVEYED,
        first_party_name="Ir. Irhamsyah",
        first_party_nip="1970 0101 199503 1 001",
        first_party_position="Kepala Biro Administrasi Pembangunan",
        partner_signatory="Dandim 0901/Samarinda",
    )
    values.update(changes)
    return HandoverInput(**values)


def head_of(detail) -> str:
    return next(m.person_id for m in detail.members if m.relation == "head")


def member_of(detail, relation: str) -> str:
    return next(m.person_id for m in detail.members if m.relation == relation)


def build(db, operator, handover_id, *, upto: str = "handed_over", recipient=None):
    """Advance a handover stage by stage up to ``upto``."""
    row = None
    for stage, on in (
        ("under_construction", STARTED),
        ("completed", COMPLETED),
        ("handed_over", HANDED_OVER),
    ):
        extra = (
            {"recipient_person_id": recipient, "bast_number": "027/BAST-RLH/2026"}
            if stage == "handed_over"
            else {}
        )
        row = advance_handover(db, operator, handover_id, stage, on=on, **extra)
        if stage == upto:
            break
    return row


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def ops(db) -> list[SyncOp]:
    with db.read() as s:
        return list(s.scalars(select(SyncOp).order_by(SyncOp.seq)))


def audit(db) -> list[AuditEntry]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def codes(exc) -> set[str]:
    return {issue.code for issue in exc.issues}


# ---- create ----------------------------------------------------------------------------------


def test_create_writes_a_surveyed_handover_with_its_op_and_audit_entry(db, operator):
    detail = register(db, operator)
    before_ops, before_audit = len(ops(db)), len(audit(db))

    row = create_handover(db, operator, house_for(detail.id, recipient_person_id=head_of(detail)))

    assert row.stage == "surveyed"
    assert row.surveyed_on == SURVEYED
    assert row.cost_rupiah == 115_000_000
    assert row.first_party_nip == "197001011995031001"  # spaces as printed on papers removed
    assert row.recipient_name == "Ahmad Fauzi"
    new = ops(db)[before_ops:]
    assert [(o.entity, o.entity_id, o.action, o.partition) for o in new] == [
        ("handover", row.id, "create", VILLAGE)
    ]
    assert json.loads(new[0].fields)["stage"] == "surveyed"
    entries = audit(db)[before_audit:]
    assert [(e.action, e.entity, e.entity_id, e.actor) for e in entries] == [
        ("handover.create", "handover", row.id, operator.officer_id)
    ]
    assert get_handover(db, row.id) == row
    assert list_handovers(db, detail.id) == (row,)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"house_type": "type70_villa"}, "house_type", "value.unknown"),
        ({"cost_rupiah": -1}, "cost_rupiah", "handover.cost"),
        ({"cost_rupiah": 115_000_000.0}, "cost_rupiah", "handover.cost"),
        ({"cost_rupiah": True}, "cost_rupiah", "handover.cost"),
        ({"surveyed_on": TODAY + timedelta(days=1)}, "surveyed_on", "date.future"),
        ({"first_party_nip": "12345"}, "first_party_nip", "handover.nip"),
        ({"funder": "x" * 201}, "funder", "text.too_long"),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_written(db, operator, changes, field, code):
    detail = register(db, operator)
    before = (count(db, Handover), count(db, SyncOp), count(db, AuditEntry))

    with pytest.raises(ValidationError) as caught:
        create_handover(db, operator, house_for(detail.id, **changes))

    assert (field, code) in {(i.field, i.code) for i in caught.value.issues}
    assert (count(db, Handover), count(db, SyncOp), count(db, AuditEntry)) == before


def test_zero_cost_is_allowed(db, operator):
    detail = register(db, operator)
    assert create_handover(db, operator, house_for(detail.id, cost_rupiah=0)).cost_rupiah == 0


def test_unknown_household_and_roles(db, operator):
    with pytest.raises(NotFound):
        create_handover(db, operator, house_for("no-such-household"))
    guest = Actor(officer_id="x", username="guest", role="guest")
    detail = register(db, operator)
    with pytest.raises(PermissionDenied):
        create_handover(db, guest, house_for(detail.id))


def test_one_active_house_per_household(db, operator, supervisor):
    detail = register(db, operator)
    first = create_handover(db, operator, house_for(detail.id))

    with pytest.raises(ValidationError) as caught:
        create_handover(db, operator, house_for(detail.id))
    assert codes(caught.value) == {"handover.already_active"}

    cancel_handover(db, supervisor, first.id, "Tanah masih sengketa")
    second = create_handover(db, operator, house_for(detail.id))
    assert [h.stage for h in list_handovers(db, detail.id)] == ["cancelled", "surveyed"]
    assert second.id != first.id


def test_recipient_must_be_an_active_member_and_a_minor_is_a_warning(db, operator):
    detail = register(db, operator)
    stranger = head_of(other_family(db, operator))

    with pytest.raises(ValidationError) as caught:
        create_handover(db, operator, house_for(detail.id, recipient_person_id=stranger))
    assert codes(caught.value) == {"handover.recipient_not_member"}

    child = member_of(detail, "child")  # born 2010: under 17 at the survey
    with pytest.raises(WarningsNotConfirmed) as caught:
        create_handover(db, operator, house_for(detail.id, recipient_person_id=child))
    assert codes(caught.value) == {"handover.recipient_minor"}


def test_earlier_house_aid_of_a_member_is_a_warning(db, operator):
    first = register(db, operator)
    aid = create_handover(db, operator, house_for(first.id))
    build(db, operator, aid.id, recipient=head_of(first))
    second = other_family(db, operator)
    # The wife moves to the second household after the first house was handed over.
    move_member(db, operator, member_of(first, "spouse"), second.id, "spouse")

    with pytest.raises(WarningsNotConfirmed) as caught:
        create_handover(db, operator, house_for(second.id, surveyed_on=TODAY))
    assert codes(caught.value) == {"handover.earlier_aid"}
    assert "Siti" not in str(caught.value)

    row = create_handover(
        db, operator, house_for(second.id, surveyed_on=TODAY), confirm_warnings=True
    )
    assert row.stage == "surveyed"


def test_house_aid_older_than_ten_years_is_not_flagged(db, operator):
    first = register(db, operator)
    aid = create_handover(db, operator, house_for(first.id, surveyed_on=date(2010, 1, 4)))
    advance_handover(db, operator, aid.id, "under_construction", on=date(2010, 2, 1))
    advance_handover(db, operator, aid.id, "completed", on=date(2010, 5, 1))
    advance_handover(
        db,
        operator,
        aid.id,
        "handed_over",
        on=date(2010, 5, 20),
        recipient_person_id=head_of(first),
    )
    second = other_family(db, operator)
    move_member(db, operator, member_of(first, "spouse"), second.id, "spouse")

    row = create_handover(db, operator, house_for(second.id, surveyed_on=TODAY))
    assert row.stage == "surveyed"


@pytest.mark.parametrize(
    ("left_on", "flagged"),
    [
        (HANDED_OVER - timedelta(days=1), False),  # moved out before the house was handed over
        (HANDED_OVER, True),  # still living there on the day of the handover
    ],
)
def test_only_members_living_there_at_the_handover_count(db, operator, left_on, flagged):
    first = register(db, operator)
    aid = create_handover(db, operator, house_for(first.id))
    build(db, operator, aid.id, recipient=head_of(first))
    second = other_family(db, operator)
    spouse = member_of(first, "spouse")
    move_member(db, operator, spouse, second.id, "spouse")
    # Back-date the move as an officer would when recording it late.
    with db.transaction() as s:
        old = s.scalars(
            select(Membership).where(
                Membership.person_id == spouse, Membership.household_id == first.id
            )
        ).one()
        changes = ChangeSet(s, actor=operator.officer_id, action="test.backdate")
        changes.update("membership", old.id, {"left_on": left_on}, partition=VILLAGE)
        changes.commit()

    if flagged:
        with pytest.raises(WarningsNotConfirmed):
            create_handover(db, operator, house_for(second.id, surveyed_on=TODAY))
    else:
        assert create_handover(db, operator, house_for(second.id, surveyed_on=TODAY)).stage == (
            "surveyed"
        )


# ---- lifecycle -------------------------------------------------------------------------------


def test_full_lifecycle_records_each_date_and_op(db, operator):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    before_ops, before_audit = len(ops(db)), len(audit(db))

    done = build(db, operator, row.id, recipient=head_of(detail))

    assert (done.stage, done.construction_started_on, done.completed_on, done.handed_over_on) == (
        "handed_over",
        STARTED,
        COMPLETED,
        HANDED_OVER,
    )
    assert done.bast_number == "027/BAST-RLH/2026"
    assert done.recipient_person_id == head_of(detail)
    new = ops(db)[before_ops:]
    assert [(o.entity, o.entity_id, o.action, o.partition) for o in new] == [
        ("handover", row.id, "update", VILLAGE)
    ] * 3
    assert [json.loads(o.fields)["stage"] for o in new] == [
        "under_construction",
        "completed",
        "handed_over",
    ]
    assert json.loads(new[0].prev) == {"stage": "surveyed", "construction_started_on": None}
    assert [e.action for e in audit(db)[before_audit:]] == [
        "handover.under_construction",
        "handover.completed",
        "handover.handed_over",
    ]


@pytest.mark.parametrize(
    ("reached", "target"),
    [
        ("surveyed", "completed"),  # skip
        ("surveyed", "handed_over"),  # skip two
        ("under_construction", "handed_over"),  # skip
        ("completed", "under_construction"),  # back
        ("under_construction", "under_construction"),  # same again
        ("handed_over", "completed"),  # back after the end
        ("surveyed", "surveyed"),
        ("surveyed", "cancelled"),  # cancelling has its own use case
        ("surveyed", "demolished"),
    ],
)
def test_invalid_transitions_are_conflicts(db, operator, reached, target):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    if reached != "surveyed":
        build(db, operator, row.id, upto=reached, recipient=head_of(detail))
    before = count(db, SyncOp)

    with pytest.raises(Conflict):
        advance_handover(
            db, operator, row.id, target, on=TODAY, recipient_person_id=head_of(detail)
        )

    assert count(db, SyncOp) == before
    assert get_handover(db, row.id).stage == reached


def test_stage_dates_cannot_go_backwards_or_into_the_future(db, operator):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))

    with pytest.raises(ValidationError) as caught:
        advance_handover(
            db, operator, row.id, "under_construction", on=SURVEYED - timedelta(days=1)
        )
    assert codes(caught.value) == {"handover.date_order"}
    with pytest.raises(ValidationError) as caught:
        advance_handover(db, operator, row.id, "under_construction", on=TODAY + timedelta(days=1))
    assert codes(caught.value) == {"date.future"}


def test_handover_needs_an_adult_member_and_a_date_not_before_completion(db, operator):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    build(db, operator, row.id, upto="completed")

    def refused(**kwargs) -> set[str]:
        kwargs.setdefault("on", HANDED_OVER)
        with pytest.raises(ValidationError) as caught:
            advance_handover(db, operator, row.id, "handed_over", **kwargs)
        return codes(caught.value)

    assert refused() == {"handover.recipient_missing"}
    assert refused(recipient_person_id=member_of(detail, "child")) == {"handover.recipient_minor"}
    stranger = head_of(other_family(db, operator))
    assert refused(recipient_person_id=stranger) == {"handover.recipient_not_member"}
    assert refused(recipient_person_id=head_of(detail), on=COMPLETED - timedelta(days=1)) == {
        "handover.date_order"
    }
    assert get_handover(db, row.id).stage == "completed"

    done = advance_handover(
        db, operator, row.id, "handed_over", on=COMPLETED, recipient_person_id=head_of(detail)
    )
    assert done.handed_over_on == COMPLETED  # the same day as completion is fine


def test_a_minor_may_be_named_during_construction_but_cannot_sign_the_bast(db, operator):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    child = member_of(detail, "child")

    started = advance_handover(
        db, operator, row.id, "under_construction", on=STARTED, recipient_person_id=child
    )
    assert started.recipient_person_id == child
    advance_handover(db, operator, row.id, "completed", on=COMPLETED)
    with pytest.raises(ValidationError) as caught:
        advance_handover(db, operator, row.id, "handed_over", on=HANDED_OVER)
    assert codes(caught.value) == {"handover.recipient_minor"}


def test_recipient_without_birth_date_cannot_sign_the_bast(db, operator):
    head = MemberInput(name="Rudi Hartono", sex="M", relation="head")
    detail = register(db, operator, members=(head,), kk_number=None)
    row = create_handover(db, operator, house_for(detail.id, recipient_person_id=head_of(detail)))
    build(db, operator, row.id, upto="completed")

    with pytest.raises(ValidationError) as caught:
        advance_handover(db, operator, row.id, "handed_over", on=HANDED_OVER)
    assert codes(caught.value) == {"handover.recipient_age_unknown"}


def test_recipient_recorded_at_the_survey_is_used_at_the_handover(db, operator):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id, recipient_person_id=head_of(detail)))
    build(db, operator, row.id, upto="completed")

    done = advance_handover(db, operator, row.id, "handed_over", on=HANDED_OVER)
    assert done.recipient_person_id == head_of(detail)
    assert done.bast_number is None


def test_unknown_handover(db, operator, supervisor):
    with pytest.raises(NotFound):
        advance_handover(db, operator, "nope", "under_construction", on=TODAY)
    with pytest.raises(NotFound):
        cancel_handover(db, supervisor, "nope", "reason")
    with pytest.raises(NotFound):
        get_handover(db, "nope")


# ---- cancel ----------------------------------------------------------------------------------


def test_cancel_needs_a_supervisor_and_a_reason(db, operator, supervisor, admin):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    build(db, operator, row.id, upto="under_construction")

    with pytest.raises(PermissionDenied):
        cancel_handover(db, operator, row.id, "Penerima meninggal dunia")
    with pytest.raises(ValidationError) as caught:
        cancel_handover(db, supervisor, row.id, "   ")
    assert codes(caught.value) == {"handover.reason_missing"}
    before_ops = len(ops(db))

    cancelled = cancel_handover(db, supervisor, row.id, "  Penerima   pindah ke luar Kaltim ")

    assert (cancelled.stage, cancelled.cancel_reason) == (
        "cancelled",
        "Penerima pindah ke luar Kaltim",
    )
    new = ops(db)[before_ops:]
    assert [(o.entity, o.action, o.actor) for o in new] == [
        ("handover", "update", supervisor.officer_id)
    ]
    assert audit(db)[-1].action == "handover.cancel"
    with pytest.raises(Conflict):
        cancel_handover(db, admin, row.id, "again")
    with pytest.raises(Conflict):
        advance_handover(db, operator, row.id, "completed", on=TODAY)


def test_a_house_handed_over_cannot_be_cancelled(db, operator, supervisor):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    build(db, operator, row.id, recipient=head_of(detail))

    with pytest.raises(Conflict):
        cancel_handover(db, supervisor, row.id, "Salah input")
    assert get_handover(db, row.id).stage == "handed_over"


def test_messages_carry_no_names_or_nik(db, operator):
    detail = register(db, operator)
    row = create_handover(db, operator, house_for(detail.id))
    build(db, operator, row.id, upto="completed")
    with pytest.raises(ValidationError) as caught:
        advance_handover(
            db,
            operator,
            row.id,
            "handed_over",
            on=HANDED_OVER,
            recipient_person_id=member_of(detail, "child"),
        )
    text = str(caught.value) + "".join(i.message for i in caught.value.issues)
    assert "Budi" not in text and HEAD_NIK not in text and "Ahmad" not in text


def test_handover_input_is_frozen():
    data = house_for("h")
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.cost_rupiah = 1  # type: ignore[misc]

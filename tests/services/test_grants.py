# SPDX-License-Identifier: GPL-3.0-or-later
"""Business-capital grants through the service: every eligibility rule, the ledger stages,
who may move them, and the province's exclusive right to approve."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kaltim_desktop.errors import Conflict, NotFound, PermissionDenied, ValidationError
from kaltim_desktop.models import AuditEntry, Grant, SyncOp
from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.grant_rules import (
    EARLIER_HOUSE_AID,
    HOUSE_HANDED_OVER,
    NO_DUPLICATE,
    RECIPIENT_AGE,
    RECIPIENT_MEMBER,
    RESIDENCE,
)
from kaltim_desktop.services.grants import (
    GrantInput,
    approve_grant,
    check_eligibility,
    disburse_grant,
    get_grant,
    list_grants,
    propose_grant,
    verify_grant,
    void_grant,
)
from kaltim_desktop.services.handovers import HandoverInput, advance_handover, create_handover
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import move_member, save_household
from kaltim_desktop.services.programme_rules import years_before
from tests.conftest import HEAD_NIK, VILLAGE, family

TODAY = date.today()
HANDED_OVER = TODAY - timedelta(days=100)
ALL_RULES = [
    HOUSE_HANDED_OVER,
    RECIPIENT_MEMBER,
    RECIPIENT_AGE,
    RESIDENCE,
    NO_DUPLICATE,
    EARLIER_HOUSE_AID,
]


def years_ago(years: int, days: int = 0) -> date:
    return years_before(TODAY, years) - timedelta(days=days)


def register(db, operator, *extra: MemberInput, **overrides):
    data = family(**overrides)
    if extra:
        data = family(members=data.members + extra, **overrides)
    return save_household(db, operator, data, confirm_warnings=True)


def person(detail, name_or_relation: str) -> str:
    return next(m.person_id for m in detail.members if name_or_relation in (m.relation, m.name))


def hand_over(db, operator, detail, *, on: date = HANDED_OVER, survey: date | None = None) -> str:
    survey = survey or on - timedelta(days=200)
    row = create_handover(
        db,
        operator,
        HandoverInput(
            household_id=detail.id,
            funder="CSR PT Pupuk Kalimantan Timur",
            building_partner="Kodim 0901/Samarinda",
            house_type="type36_concrete",
            cost_rupiah=115_000_000,
            surveyed_on=survey,
        ),
        confirm_warnings=True,
    )
    advance_handover(db, operator, row.id, "under_construction", on=survey)
    advance_handover(db, operator, row.id, "completed", on=on)
    advance_handover(
        db, operator, row.id, "handed_over", on=on, recipient_person_id=person(detail, "head")
    )
    return row.id


def grant_for(detail, recipient: str | None = None, **changes) -> GrantInput:
    values = dict(
        household_id=detail.id,
        recipient_person_id=recipient or person(detail, "head"),
        programme="modal_usaha",
        period=2026,
        form="tools_materials",
        agency="disperindagkop",
        amount_rupiah=7_500_000,
        business_type="Warung sembako",
        items=("Etalase kaca", " Timbangan  digital "),
    )
    values.update(changes)
    return GrantInput(**values)


def province(db) -> None:
    with db.transaction() as s:
        set_setting(s, "installation.role", "province")


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


@pytest.fixture
def housed(db, operator):
    """A registered household whose decent house was handed over 100 days ago."""
    detail = register(db, operator)
    hand_over(db, operator, detail)
    return detail


# ---- eligibility -----------------------------------------------------------------------------


def test_refused_without_a_house_then_accepted_after_the_handover(db, operator):
    detail = register(db, operator)
    before = (count(db, Grant), count(db, SyncOp), count(db, AuditEntry))

    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(detail))

    assert codes(caught.value) == {HOUSE_HANDED_OVER}
    assert [i.field for i in caught.value.issues] == ["household_id"]
    assert (count(db, Grant), count(db, SyncOp), count(db, AuditEntry)) == before

    hand_over(db, operator, detail)
    before_ops = len(ops(db))
    row = propose_grant(db, operator, grant_for(detail))

    assert (row.stage, row.proposed_on, row.amount_rupiah) == ("proposed", TODAY, 7_500_000)
    assert row.items == ("Etalase kaca", "Timbangan digital")
    assert row.recipient_name == "Ahmad Fauzi"
    new = ops(db)[before_ops:]
    assert [(o.entity, o.entity_id, o.action, o.partition) for o in new] == [
        ("grant_award", row.id, "create", VILLAGE)
    ]
    assert json.loads(new[0].fields)["stage"] == "proposed"
    assert [(e.action, e.entity, e.entity_id) for e in audit(db)[-1:]] == [
        ("grant.propose", "grant_award", row.id)
    ]
    assert get_grant(db, row.id) == row
    assert list_grants(db, detail.id) == (row,)


def test_eligibility_reports_every_rule(db, operator, housed):
    result = check_eligibility(db, housed.id, person(housed, "head"), "modal_usaha", 2026)

    assert [c.code for c in result.checks] == ALL_RULES
    assert all(c.passed for c in result.checks)
    assert [c.blocking for c in result.checks] == [True] * 5 + [False]
    assert result.eligible
    assert all(c.explanation for c in result.checks)
    assert "minimum is 17" in result.check(RECIPIENT_AGE).explanation


def test_a_house_not_yet_handed_over_does_not_count(db, operator):
    detail = register(db, operator)
    row = create_handover(
        db,
        operator,
        HandoverInput(
            detail.id, None, None, "type45_wood", 115_000_000, TODAY - timedelta(days=30)
        ),
    )
    advance_handover(db, operator, row.id, "under_construction", on=TODAY - timedelta(days=20))
    advance_handover(db, operator, row.id, "completed", on=TODAY - timedelta(days=10))

    result = check_eligibility(db, detail.id, person(detail, "head"), "modal_usaha", 2026)
    assert not result.eligible
    assert [c.code for c in result.failed] == [HOUSE_HANDED_OVER]
    # Nor does a house handed over after the date asked about.
    hand_date = TODAY - timedelta(days=5)
    advance_handover(
        db,
        operator,
        row.id,
        "handed_over",
        on=hand_date,
        recipient_person_id=person(detail, "head"),
    )
    earlier = check_eligibility(
        db, detail.id, person(detail, "head"), "modal_usaha", 2026, on=hand_date - timedelta(days=1)
    )
    assert [c.code for c in earlier.failed] == [HOUSE_HANDED_OVER]


def test_under_17_recipient_is_refused(db, operator):
    minor = MemberInput(
        name="Dewi Lestari",
        sex="F",
        relation="child",
        birth_date=years_ago(16),
        domicile_since=years_ago(16),
    )
    detail = register(db, operator, minor)
    hand_over(db, operator, detail)

    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(detail, person(detail, "Dewi Lestari")))
    assert codes(caught.value) == {RECIPIENT_AGE}
    assert "only 16 years old" in caught.value.issues[0].message
    assert "Dewi" not in str(caught.value)


def test_17th_birthday_is_enough(db, operator):
    adult = MemberInput(
        name="Dewi Lestari",
        sex="F",
        relation="child",
        birth_date=years_ago(17),
        domicile_since=years_ago(17),
    )
    detail = register(db, operator, adult)
    hand_over(db, operator, detail)

    row = propose_grant(db, operator, grant_for(detail, person(detail, "Dewi Lestari")))
    assert row.stage == "proposed"


def test_unknown_birth_date_fails_with_its_own_explanation(db, operator):
    unknown = MemberInput(
        name="Rina Wati", sex="F", relation="other", domicile_since=date(2000, 1, 1)
    )
    detail = register(db, operator, unknown)
    hand_over(db, operator, detail)

    result = check_eligibility(db, detail.id, person(detail, "Rina Wati"), "modal_usaha", 2026)
    check = result.check(RECIPIENT_AGE)
    assert not check.passed and "unknown" in check.explanation
    assert [c.code for c in result.failed] == [RECIPIENT_AGE]


def test_residence_under_3_years_and_unknown_residence_are_refused(db, operator):
    newcomer = MemberInput(
        name="Joko Susilo",
        sex="M",
        relation="other",
        birth_date=date(1990, 6, 1),
        domicile_since=years_ago(3, days=-1),
    )
    settled = MemberInput(
        name="Yanti",
        sex="F",
        relation="other",
        birth_date=date(1992, 6, 1),
        domicile_since=years_ago(3),
    )
    detail = register(db, operator, newcomer, settled)
    hand_over(db, operator, detail)

    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(detail, person(detail, "Joko Susilo")))
    assert codes(caught.value) == {RESIDENCE}
    assert "less than 3 years" in caught.value.issues[0].message

    # The wife in the fixture has no start of residence recorded.
    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(detail, person(detail, "spouse")))
    assert codes(caught.value) == {RESIDENCE}
    assert "unknown" in caught.value.issues[0].message

    # Exactly three years ago is enough.
    assert propose_grant(db, operator, grant_for(detail, person(detail, "Yanti"))).stage == (
        "proposed"
    )


def test_recipient_must_be_an_active_member(db, operator, housed):
    other = save_household(
        db,
        operator,
        family(
            members=(
                MemberInput(
                    name="Rudi Hartono",
                    sex="M",
                    relation="head",
                    birth_date=date(1975, 1, 1),
                    domicile_since=date(1990, 1, 1),
                ),
            ),
            kk_number=None,
        ),
        confirm_warnings=True,
    )

    result = check_eligibility(db, housed.id, person(other, "head"), "modal_usaha", 2026)
    assert [c.code for c in result.failed] == [RECIPIENT_MEMBER]
    # Age and residence are still evaluated for the person.
    assert result.check(RECIPIENT_AGE).passed and result.check(RESIDENCE).passed


def test_second_grant_of_same_programme_and_period_refused_until_the_first_is_void(
    db, operator, supervisor, housed
):
    first = propose_grant(db, operator, grant_for(housed))

    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(housed, person(housed, "head")))
    assert codes(caught.value) == {NO_DUPLICATE}
    with pytest.raises(ValidationError):  # another form or amount is still the same grant
        propose_grant(db, operator, grant_for(housed, form="cash", amount_rupiah=1_000_000))

    other_period = propose_grant(db, operator, grant_for(housed, period=2025))
    assert other_period.period == 2025

    void_grant(db, supervisor, first.id, "Diganti usulan baru")
    second = propose_grant(db, operator, grant_for(housed))
    assert second.id != first.id
    assert [g.stage for g in list_grants(db, housed.id)] == ["void", "proposed", "proposed"]


def test_earlier_house_aid_is_a_flag_not_a_refusal(db, operator):
    first = register(db, operator)
    hand_over(db, operator, first, on=TODAY - timedelta(days=900))
    second = save_household(
        db,
        operator,
        family(
            members=(
                MemberInput(
                    name="Rudi Hartono",
                    sex="M",
                    relation="head",
                    birth_date=date(1975, 1, 1),
                    domicile_since=date(1990, 1, 1),
                ),
            ),
            kk_number=None,
        ),
        confirm_warnings=True,
    )
    move_member(db, operator, person(first, "spouse"), second.id, "spouse")
    hand_over(db, operator, second, on=HANDED_OVER, survey=HANDED_OVER)

    result = check_eligibility(db, second.id, person(second, "head"), "modal_usaha", 2026)
    assert result.eligible
    assert [c.code for c in result.flags] == [EARLIER_HOUSE_AID]

    row = propose_grant(db, operator, grant_for(second))
    entry = audit(db)[-1]
    assert (entry.action, entry.entity_id) == ("grant.propose", row.id)
    assert json.loads(entry.after)["eligibility_flags"] == [EARLIER_HOUSE_AID]
    # The first household's own qualifying house is not "earlier" aid for itself.
    own = check_eligibility(db, first.id, person(first, "head"), "modal_usaha", 2026)
    assert own.flags == ()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_rupiah": 0}, "amount_rupiah"),
        ({"amount_rupiah": -5}, "amount_rupiah"),
        ({"amount_rupiah": 7_500_000.0}, "amount_rupiah"),
        ({"amount_rupiah": True}, "amount_rupiah"),
        ({"form": "voucher"}, "form"),
        ({"agency": "bank_dunia"}, "agency"),
        ({"programme": "  "}, "programme"),
        ({"period": 26}, "period"),
        ({"proposed_on": TODAY + timedelta(days=1)}, "proposed_on"),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_written(db, operator, housed, changes, field):
    before = (count(db, Grant), count(db, SyncOp))
    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(housed, **changes))
    assert [i.field for i in caught.value.issues] == [field]
    assert (count(db, Grant), count(db, SyncOp)) == before


def test_unknown_household_or_person(db, operator, housed):
    with pytest.raises(NotFound):
        check_eligibility(db, "nope", person(housed, "head"), "modal_usaha", 2026)
    with pytest.raises(NotFound):
        propose_grant(db, operator, grant_for(housed, recipient="nope"))
    with pytest.raises(NotFound):
        get_grant(db, "nope")


# ---- stages ----------------------------------------------------------------------------------


def test_full_path_writes_one_op_and_one_audit_entry_per_step(db, operator, supervisor, housed):
    row = propose_grant(db, operator, grant_for(housed))
    province(db)
    before_ops, before_audit = len(ops(db)), len(audit(db))

    verify_grant(db, supervisor, row.id, on=TODAY)
    approved = approve_grant(db, supervisor, row.id, decision_number=" 500.4/123/Adbang ", on=TODAY)
    disbursed = disburse_grant(db, supervisor, row.id, on=TODAY)

    assert approved.decision_number == "500.4/123/Adbang"
    assert (
        disbursed.stage,
        disbursed.verified_on,
        disbursed.approved_on,
        disbursed.disbursed_on,
    ) == ("disbursed", TODAY, TODAY, TODAY)
    new = ops(db)[before_ops:]
    assert [(o.entity, o.entity_id, o.action, o.partition, o.actor) for o in new] == [
        ("grant_award", row.id, "update", VILLAGE, supervisor.officer_id)
    ] * 3
    assert [json.loads(o.fields)["stage"] for o in new] == ["verified", "approved", "disbursed"]
    assert json.loads(new[1].fields)["decision_number"] == "500.4/123/Adbang"
    assert [(e.action, e.entity_id) for e in audit(db)[before_audit:]] == [
        ("grant.verify", row.id),
        ("grant.approve", row.id),
        ("grant.disburse", row.id),
    ]


def test_operator_cannot_move_a_grant(db, operator, housed):
    row = propose_grant(db, operator, grant_for(housed))
    province(db)
    for call in (
        lambda: verify_grant(db, operator, row.id),
        lambda: approve_grant(db, operator, row.id, decision_number="1", on=TODAY),
        lambda: disburse_grant(db, operator, row.id),
        lambda: void_grant(db, operator, row.id, "x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert get_grant(db, row.id).stage == "proposed"


def test_approval_belongs_to_the_province(db, operator, supervisor, admin, housed):
    row = propose_grant(db, operator, grant_for(housed))
    verify_grant(db, supervisor, row.id)
    before = count(db, SyncOp)

    for actor in (supervisor, admin):  # a district installation, whatever the role
        with pytest.raises(PermissionDenied) as caught:
            approve_grant(db, actor, row.id, decision_number="500/1", on=TODAY)
        assert caught.value.message == "Grant approval belongs to the province."
    # The permission is refused before the missing decision number is even looked at.
    with pytest.raises(PermissionDenied):
        approve_grant(db, supervisor, row.id, decision_number="", on=TODAY)
    assert count(db, SyncOp) == before

    province(db)
    with pytest.raises(ValidationError) as caught:
        approve_grant(db, supervisor, row.id, decision_number="  ", on=TODAY)
    assert codes(caught.value) == {"grant.decision_number"}
    assert approve_grant(db, supervisor, row.id, decision_number="500/1", on=TODAY).stage == (
        "approved"
    )


def test_eligibility_is_checked_again_at_approval(db, operator, supervisor, housed):
    row = propose_grant(db, operator, grant_for(housed))
    verify_grant(db, supervisor, row.id)
    other = save_household(
        db,
        operator,
        family(
            members=(
                MemberInput(
                    name="Rudi Hartono", sex="M", relation="head", birth_date=date(1975, 1, 1)
                ),
            ),
            kk_number=None,
        ),
        confirm_warnings=True,
    )
    move_member(db, operator, person(housed, "head"), other.id, "other")  # the recipient left
    province(db)

    with pytest.raises(ValidationError) as caught:
        approve_grant(db, supervisor, row.id, decision_number="500/2", on=TODAY)
    assert codes(caught.value) == {RECIPIENT_MEMBER}
    assert get_grant(db, row.id).stage == "verified"


def test_own_grant_is_not_its_own_duplicate_at_approval(db, operator, supervisor, housed):
    row = propose_grant(db, operator, grant_for(housed))
    verify_grant(db, supervisor, row.id)
    province(db)
    assert approve_grant(db, supervisor, row.id, decision_number="500/3", on=TODAY).stage == (
        "approved"
    )


def test_invalid_transitions_are_conflicts(db, operator, supervisor, housed):
    province(db)
    row = propose_grant(db, operator, grant_for(housed))
    with pytest.raises(Conflict):
        approve_grant(db, supervisor, row.id, decision_number="500/4", on=TODAY)  # not verified
    with pytest.raises(Conflict):
        disburse_grant(db, supervisor, row.id)  # not approved
    verify_grant(db, supervisor, row.id)
    with pytest.raises(Conflict):
        verify_grant(db, supervisor, row.id)  # twice
    with pytest.raises(Conflict):
        disburse_grant(db, supervisor, row.id)  # verified, not approved
    approve_grant(db, supervisor, row.id, decision_number="500/4", on=TODAY)
    with pytest.raises(Conflict):
        verify_grant(db, supervisor, row.id)  # back
    disburse_grant(db, supervisor, row.id)
    with pytest.raises(Conflict):
        void_grant(db, supervisor, row.id, "Terlambat")  # after disbursement
    with pytest.raises(Conflict):
        disburse_grant(db, supervisor, row.id)  # twice
    assert get_grant(db, row.id).stage == "disbursed"


@pytest.mark.parametrize("reached", ["proposed", "verified", "approved"])
def test_void_from_any_earlier_stage(db, operator, supervisor, housed, reached):
    province(db)
    row = propose_grant(db, operator, grant_for(housed))
    if reached != "proposed":
        verify_grant(db, supervisor, row.id)
    if reached == "approved":
        approve_grant(db, supervisor, row.id, decision_number="500/5", on=TODAY)

    with pytest.raises(ValidationError) as caught:
        void_grant(db, supervisor, row.id, "")
    assert codes(caught.value) == {"grant.reason_missing"}
    before_ops = len(ops(db))
    voided = void_grant(db, supervisor, row.id, "Penerima mengundurkan diri")

    assert (voided.stage, voided.void_reason) == ("void", "Penerima mengundurkan diri")
    assert [(o.entity, o.action) for o in ops(db)[before_ops:]] == [("grant_award", "update")]
    assert audit(db)[-1].action == "grant.void"
    with pytest.raises(Conflict):
        void_grant(db, supervisor, row.id, "again")
    with pytest.raises(Conflict):
        verify_grant(db, supervisor, row.id)


def test_transition_dates_follow_the_stages(db, operator, supervisor, housed):
    row = propose_grant(db, operator, grant_for(housed, proposed_on=TODAY - timedelta(days=10)))
    with pytest.raises(ValidationError) as caught:
        verify_grant(db, supervisor, row.id, on=TODAY - timedelta(days=11))
    assert codes(caught.value) == {"grant.date_order"}
    with pytest.raises(ValidationError) as caught:
        verify_grant(db, supervisor, row.id, on=TODAY + timedelta(days=1))
    assert codes(caught.value) == {"date.future"}
    assert verify_grant(db, supervisor, row.id, on=TODAY - timedelta(days=10)).verified_on == (
        TODAY - timedelta(days=10)
    )


def test_messages_carry_no_names_or_nik(db, operator):
    detail = register(db, operator)
    with pytest.raises(ValidationError) as caught:
        propose_grant(db, operator, grant_for(detail, person(detail, "child")))
    result = check_eligibility(db, detail.id, person(detail, "child"), "modal_usaha", 2026)
    text = str(caught.value) + " ".join(c.explanation for c in result.checks)
    for secret in ("Ahmad", "Budi", "Siti", HEAD_NIK):
        assert secret not in text

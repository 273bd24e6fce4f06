# SPDX-License-Identifier: GPL-3.0-or-later
"""Household registration through the service: rules, warnings, idempotent save, members."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select

from kaltim_desktop.domain.rtlh import HouseCondition
from kaltim_desktop.errors import NotFound, PermissionDenied, ValidationError, WarningsNotConfirmed
from kaltim_desktop.models import AuditEntry, Household, Membership, Person, SyncOp, new_id
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.households import (
    get_household,
    move_member,
    record_assessment,
    save_household,
)
from tests.conftest import HEAD_NIK, KK, VILLAGE, family, wooden_house


def counts(db) -> dict[str, int]:
    with db.read() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Household, Person, Membership, SyncOp, AuditEntry)
        }


def codes(exc) -> set[str]:
    return {issue.code for issue in exc.issues}


def with_member(data, index, **changes):
    members = list(data.members)
    members[index] = dataclasses.replace(members[index], **changes)
    return dataclasses.replace(data, members=tuple(members))


def test_register_valid_household_writes_rows_ops_and_one_audit_entry(db, operator):
    detail = save_household(db, operator, family())

    assert detail.head_name == "Ahmad Fauzi"
    assert [m.relation for m in detail.members] == ["head", "spouse", "child"]
    assert detail.phone == "+6281234567890"
    assert detail.address.endswith("RT 003/RW 001, Loa Bakung, Sungai Kunjang, Kota Samarinda")
    assert counts(db) == {
        "household": 1,
        "person": 3,
        "membership": 3,
        "sync_op": 7,
        "audit_log": 1,
    }
    with db.read() as s:
        entry = s.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor, entry.entity_id) == (
        "household.register",
        operator.officer_id,
        detail.id,
    )


def test_invalid_nik_blocks_and_writes_nothing(db, operator):
    data = with_member(family(), 1, nik="6472064002850002")  # day 40 is neither sex
    with pytest.raises(ValidationError) as caught:
        save_household(db, operator, data, confirm_warnings=True)
    assert "nik.date" in codes(caught.value)
    assert caught.value.issues[0].field.startswith("members[1]")
    assert counts(db)["sync_op"] == 0 and counts(db)["household"] == 0


def test_suspicious_nik_warns_until_confirmed(db, operator):
    # The NIK's birth date differs from the declared one: legitimate, but to be confirmed.
    data = with_member(family(), 0, birth_date=date(1980, 5, 16))
    with pytest.raises(WarningsNotConfirmed) as caught:
        save_household(db, operator, data)
    assert codes(caught.value) == {"nik.birth_date_mismatch"}
    assert counts(db)["household"] == 0
    detail = save_household(db, operator, data, confirm_warnings=True)
    assert detail.members[0].birth_date == date(1980, 5, 16)


def test_same_nik_in_another_household_is_a_warning_not_an_error(db, operator):
    save_household(db, operator, family())
    other = family(kk_number=None, members=family().members[:1])
    with pytest.raises(WarningsNotConfirmed) as caught:
        save_household(db, operator, other)
    assert "nik.duplicate" in codes(caught.value)
    save_household(db, operator, other, confirm_warnings=True)
    with db.read() as s:
        assert s.scalar(select(func.count()).where(Person.nik == HEAD_NIK)) == 2


def test_same_nik_twice_in_one_household_is_an_error(db, operator):
    data = with_member(family(), 2, nik=HEAD_NIK, birth_date=date(1980, 5, 15))
    with pytest.raises(ValidationError) as caught:
        save_household(db, operator, data, confirm_warnings=True)
    assert "nik.twice_in_household" in codes(caught.value)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"village_code": "64.72.06"}, "address.village"),  # a district, not a village
        ({"rt": 0}, "address.rt_rw"),
        ({"dtsen_decile": 11}, "dtsen.decile"),
        ({"gps_lat_e6": -500_000, "gps_lon_e6": None}, "gps.partial"),
        ({"members": ()}, "members.empty"),
    ],
)
def test_household_errors(db, operator, changes, code):
    with pytest.raises(ValidationError) as caught:
        save_household(db, operator, family(**changes), confirm_warnings=True)
    assert code in codes(caught.value)


def test_exactly_one_head(db, operator):
    data = with_member(family(), 1, relation="head")
    with pytest.raises(ValidationError) as caught:
        save_household(db, operator, data, confirm_warnings=True)
    assert "members.head" in codes(caught.value)


def test_single_name_is_valid_and_rw_optional(db, operator):
    data = family(rw=None, village_code="64.71.01.1001")
    detail = save_household(db, operator, data, confirm_warnings=True)
    assert detail.rw is None and detail.members[2].name == "Budi"


def test_second_click_on_save_never_creates_a_second_record(db, operator):
    data = family(id=new_id())
    first = save_household(db, operator, data)
    before = counts(db)
    second = save_household(db, operator, data)
    assert second.id == first.id
    # The second save found nothing to change: no rows, no ops.
    assert counts(db)["household"] == 1
    assert counts(db)["sync_op"] == before["sync_op"]


def test_edit_updates_changed_fields_only_and_removed_member_leaves(db, operator):
    first = save_household(db, operator, family(id=new_id()))
    members = tuple(
        dataclasses.replace(m, person_id=row.person_id)
        for m, row in zip(family().members, first.members, strict=True)
    )
    edited = family(id=first.id, members=members[:2], rt=7)
    before_ops = counts(db)["sync_op"]
    detail = save_household(db, operator, edited)
    assert detail.rt == 7 and len(detail.members) == 2
    with db.read() as s:
        new_ops = s.execute(
            select(SyncOp.entity, SyncOp.action, SyncOp.fields, SyncOp.prev)
            .where(SyncOp.seq > before_ops)
            .order_by(SyncOp.seq)
        ).all()
    assert [(e, a) for e, a, _, _ in new_ops] == [("household", "update"), ("membership", "update")]
    assert new_ops[0].fields == '{"rt":7}' and new_ops[0].prev == '{"rt":3}'
    with db.read() as s:  # the person who left still exists
        assert s.scalar(select(func.count()).select_from(Person)) == 3


def test_move_member_keeps_a_person_active_in_one_household(db, operator):
    a = save_household(db, operator, family())
    b = save_household(
        db,
        operator,
        family(
            kk_number=None,
            members=(dataclasses.replace(family().members[0], nik=None, name="Rusdi"),),
        ),
        confirm_warnings=True,
    )
    child = a.members[2].person_id
    moved = move_member(db, operator, child, b.id, "other")
    assert child in {m.person_id for m in moved.members}
    assert child not in {m.person_id for m in get_household(db, a.id).members}
    with db.read() as s:
        active = s.scalar(
            select(func.count()).where(Membership.person_id == child, Membership.active.is_(True))
        )
    assert active == 1


def test_adding_a_person_active_elsewhere_is_refused(db, operator):
    a = save_household(db, operator, family())
    head = dataclasses.replace(family().members[0], person_id=a.members[0].person_id)
    with pytest.raises(ValidationError) as caught:
        save_household(db, operator, family(members=(head,)), confirm_warnings=True)
    assert "person.active_elsewhere" in codes(caught.value)


def test_house_assessment_verdict_is_computed(db, operator):
    detail = save_household(db, operator, family())
    poor = HouseCondition(
        floor_area_dm2=1800,
        occupants=3,
        roof_material="thatch",
        roof_condition="heavy_damage",
        wall_material="bamboo",
        wall_condition="light_damage",
        floor_material="earth",
        floor_condition="good",
        structure_condition="light_damage",
        toilet="none",
        toilet_gooseneck=None,
        septic_tank=None,
        water_source="river",
        electricity="none",
    )
    row = record_assessment(db, operator, detail.id, poor, date(2025, 3, 1))
    assert row.decent is False and row.reasons
    assert get_household(db, detail.id).assessment.id == row.id


def test_roles_are_enforced_in_the_service(db):
    nobody = Actor(officer_id="x", username="guest", role="guest")
    with pytest.raises(PermissionDenied):
        save_household(db, nobody, family())


def test_unknown_household(db):
    with pytest.raises(NotFound):
        get_household(db, new_id())


def test_kk_equal_to_a_member_nik_is_flagged(db, operator):
    data = family(kk_number=HEAD_NIK)
    with pytest.raises(WarningsNotConfirmed) as caught:
        save_household(db, operator, data)
    assert {"kk.equals_nik", "nik.equals_kk"} & codes(caught.value)
    assert KK != HEAD_NIK and VILLAGE


def test_registration_returns_exactly_what_is_stored(db, operator):
    """A new household's detail is built from what was written; it must equal a fresh read."""
    house = wooden_house(floor_area_dm2=3600, occupants=3)
    data = family(
        house=house,
        house_assessed_on=date(2025, 4, 1),
        hamlet="Dusun Sukamaju",
        gps_lat_e6=-502_000,
        gps_lon_e6=117_153_000,
        notes="Rumah panggung",
    )
    returned = save_household(db, operator, data)
    assert returned == get_household(db, returned.id)
    assert returned.assessment.decent is True

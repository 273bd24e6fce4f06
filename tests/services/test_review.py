# SPDX-License-Identifier: GPL-3.0-or-later
"""The review services on a real database: who may review what (role, regency), the lists and
their counts, a conflict's heads, resolving through the real ChangeSet (op log, audit trail,
the same checks as the household form), duplicate cards with masked NIKs, the audited unmask,
"not a duplicate" as a replicated decision, and what the exchange holds back.

Review items are written straight into their table here: the engine that derives them is
tested in ``tests/sync``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kaltim_desktop.errors import (
    NotFound,
    PermissionDenied,
    ValidationError,
    WarningsNotConfirmed,
)
from kaltim_desktop.models import (
    AuditEntry,
    Device,
    DuplicateDecision,
    Household,
    Person,
    ReviewItem,
    SyncBundle,
    SyncHeldOp,
    SyncOp,
)
from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.officers import add_officer
from kaltim_desktop.services.review import count_open, list_items
from kaltim_desktop.services.review_conflicts import (
    confirm_changes,
    conflict_detail,
    resolve_conflict,
)
from kaltim_desktop.services.review_duplicates import (
    duplicate_pair,
    mark_distinct,
    merge_duplicate,
    unmask,
)
from kaltim_desktop.services.review_held import held_overview
from kaltim_desktop.services.sync_trust import province_init
from kaltim_desktop.sync.audit import verify_chain
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.sync.oplog import ChangeSet
from tests.conftest import HEAD_NIK, KK, VILLAGE, family
from tests.sync.bundles.conftest import enrol_laptop, make_site
from tests.sync.bundles.helpers import export_one, import_data

SAMARINDA_VILLAGE = VILLAGE  # 64.72 Kota Samarinda
BALIKPAPAN_VILLAGE = "64.71.01.1001"  # 64.71 Kota Balikpapan
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
OTHER_NIK = "6472061505800009"  # the same man on another laptop, another serial


def district(db, regency="64.72"):
    with db.transaction() as session:
        set_setting(session, "installation.regency", regency)


def province(db):
    with db.transaction() as session:
        set_setting(session, "installation.role", "province")
        set_setting(session, "installation.regency", "64.72")


def hlc(moment: datetime, counter: int = 0) -> str:
    return f"{int(moment.timestamp() * 1000):013d}:{counter:04d}"


def put_item(db, item_id, kind="conflict", *, status="open", entity="household", entity_id="h-1",
             region=SAMARINDA_VILLAGE, created=T0, detail=None, **fields):  # fmt: skip
    with db.transaction() as session:
        session.add(
            ReviewItem(
                id=item_id, kind=kind, status=status, entity=entity, entity_id=entity_id,
                region=region, detail=canonical_json(detail or {}), created_at=created,
                updated_at=created, **fields,
            )
        )  # fmt: skip


def register(db, operator, **overrides):
    return save_household(db, operator, family(**overrides), confirm_warnings=True)


def head_id(detail) -> str:
    return next(m.person_id for m in detail.members if m.relation == "head")


def conflict_on(db, entity, entity_id, field, values, *, base=None, actors=(None, None)):
    """A conflict item on a real record: two heads written on two laptops a minute apart."""
    heads = [
        {"origin": f"L-{n}#1", "seq": 10 + n, "hlc": hlc(T0 + timedelta(minutes=n)),
         "actor": actors[n], "action": "update", "value": value}
        for n, value in enumerate(values)
    ]  # fmt: skip
    item_id = f"c-{entity_id}-{field}"
    put_item(db, item_id, entity=entity, entity_id=entity_id, field=field,
             detail={"heads": heads, "base": base})  # fmt: skip
    return item_id


def ops_of(db, entity_id):
    with db.read() as session:
        return session.execute(
            select(SyncOp.action, SyncOp.fields).where(SyncOp.entity_id == entity_id)
            .order_by(SyncOp.seq)
        ).all()  # fmt: skip


def audit_entries(db, action):
    with db.read() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def review_item(db, item_id):
    with db.read() as session:
        return session.get(ReviewItem, item_id)


# ---- who may review what ----------------------------------------------------------------------


def test_operators_cannot_open_review(db, operator):
    province(db)
    put_item(db, "a")
    for call in (
        lambda: list_items(db, operator),
        lambda: count_open(db, operator),
        lambda: conflict_detail(db, operator, "a"),
        lambda: held_overview(db, operator),
        lambda: unmask(db, operator, "a"),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_the_province_sees_every_regency_a_district_only_its_own(db, admin, supervisor):
    put_item(db, "samarinda", region=SAMARINDA_VILLAGE)
    put_item(db, "balikpapan", region=BALIKPAPAN_VILLAGE)
    put_item(db, "nowhere", region=None)
    district(db, "64.72")
    assert [r.id for r in list_items(db, supervisor).rows] == ["samarinda"]
    assert [r.id for r in list_items(db, admin).rows] == ["samarinda"]
    assert count_open(db, supervisor).conflicts == 1
    with pytest.raises(PermissionDenied):
        conflict_detail(db, supervisor, "balikpapan")
    province(db)
    assert {r.id for r in list_items(db, admin).rows} == {"samarinda", "balikpapan", "nowhere"}
    assert count_open(db, supervisor).conflicts == 3


def test_a_laptop_without_a_regency_sees_what_it_holds(db, supervisor):
    put_item(db, "samarinda", region=SAMARINDA_VILLAGE)
    put_item(db, "balikpapan", region=BALIKPAPAN_VILLAGE)
    assert {r.id for r in list_items(db, supervisor).rows} == {"samarinda", "balikpapan"}


def test_groups_counts_newest_first_and_pages(db, supervisor):
    district(db)
    for n in range(5):
        put_item(db, f"c{n}", created=T0 + timedelta(hours=n))
    put_item(db, "identity", "identity", created=T0 - timedelta(days=1))
    put_item(db, "old", status="resolved")
    put_item(db, "dup", "duplicate", entity="person", other_id="p-2", level="duplicate", score=97)
    put_item(db, "rule", "invariant")
    put_item(db, "parallel", "parallel", status="info")
    listing = list_items(db, supervisor, group="conflicts", offset=1, limit=3)
    assert [r.id for r in listing.rows] == ["c3", "c2", "c1"]
    assert listing.total == 6  # five conflicts and the identity item; not the resolved one
    assert listing.counts.conflicts == 6
    assert (listing.counts.duplicates, listing.counts.invariants) == (1, 1)
    assert listing.counts.information == 1
    closed = list_items(db, supervisor, group="conflicts", include_closed=True)
    assert "old" in {r.id for r in closed.rows}
    (dup,) = list_items(db, supervisor, group="duplicates").rows
    assert (dup.level, dup.score, dup.other_id) == ("duplicate", 97, "p-2")
    assert dup.place.startswith("Loa Bakung, Sungai Kunjang")
    assert (dup.label, dup.other_label) == ("", "")  # no such persons here


# ---- conflicts --------------------------------------------------------------------------------


def test_a_conflict_shows_its_base_and_heads_with_officer_device_and_time(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    officer = add_officer(db, None, username="sari", name="Sari Dewi", password="rahasia-123",
                          role="admin")  # fmt: skip
    item_id = conflict_on(db, "household", saved.id, "rt", [4, 5], base=3,
                          actors=(officer.id, "someone-elsewhere"))  # fmt: skip
    detail = conflict_detail(db, supervisor, item_id)
    assert (detail.field, detail.base, detail.current, detail.masked) == ("rt", 3, 3, False)
    assert detail.item.label == "Ahmad Fauzi"
    first, second = detail.heads
    assert (first.value, first.device_id, first.officer_name) == (4, "L-0", "Sari Dewi")
    assert (second.value, second.device_id, second.officer_name) == (5, "L-1", None)
    assert first.at == T0 and second.at == T0 + timedelta(minutes=1)
    assert [h.shown for h in detail.heads] == [False, True]  # the later clock is displayed
    assert detail.input_kind == "number"


def test_a_nik_conflict_is_masked(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    item_id = conflict_on(db, "person", head_id(saved), "nik", [HEAD_NIK, OTHER_NIK],
                          base=HEAD_NIK)  # fmt: skip
    detail = conflict_detail(db, supervisor, item_id)
    assert detail.masked
    assert [h.value for h in detail.heads] == ["************0001", "************0009"]
    assert detail.base == "************0001"
    shown = unmask(db, supervisor, item_id)
    assert shown.heads == (HEAD_NIK, OTHER_NIK) and shown.base == HEAD_NIK


def test_choosing_a_version_writes_a_resolve_op_and_closes_the_item(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    item_id = conflict_on(db, "household", saved.id, "rt", [4, 5], base=3)
    result = resolve_conflict(db, supervisor, item_id, head=0)
    assert (result.fields, result.ops) == (("rt",), 1)
    with db.read() as session:
        assert session.get(Household, saved.id).rt == 4
    action, fields = ops_of(db, saved.id)[-1]
    assert (action, json.loads(fields)) == ("resolve", {"rt": 4})
    item = review_item(db, item_id)
    assert item.status == "resolved" and item.resolved_by == supervisor.officer_id
    assert item.resolved_at is not None
    (entry,) = audit_entries(db, "review.resolve")
    assert entry.actor == supervisor.officer_id and entry.op_first_seq is not None
    assert json.loads(entry.after)["review_item"] == item_id
    with db.read() as session:
        assert verify_chain(session).ok
    with pytest.raises(ValidationError):  # settled once
        resolve_conflict(db, supervisor, item_id, head=1)


def test_choosing_the_value_already_shown_still_writes_the_resolve_op(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    item_id = conflict_on(db, "household", saved.id, "rt", [5, 3], base=1)
    resolve_conflict(db, supervisor, item_id, head=1)  # 3, the value stored
    assert ops_of(db, saved.id)[-1][0] == "resolve"


def test_a_typed_nik_is_checked_like_the_household_form(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    person = head_id(saved)
    item_id = conflict_on(db, "person", person, "nik", [HEAD_NIK, OTHER_NIK])
    before = len(ops_of(db, person))
    with pytest.raises(ValidationError) as refused:
        resolve_conflict(db, supervisor, item_id, value="6472061505800000")  # serial 0000
    assert refused.value.issues[0].code == "nik.serial_zero"
    # Born 15-05-1980 per the record; a NIK for 16-05-1980 is a warning to confirm.
    with pytest.raises(WarningsNotConfirmed):
        resolve_conflict(db, supervisor, item_id, value="6472 0616 0580 0007")
    assert len(ops_of(db, person)) == before
    assert review_item(db, item_id).status == "open"
    resolve_conflict(db, supervisor, item_id, value="6472 0616 0580 0007", confirm_warnings=True)
    with db.read() as session:
        assert session.get(Person, person).nik == "6472061605800007"
    assert json.loads(ops_of(db, person)[-1].fields) == {"nik": "6472061605800007"}


def test_a_typed_name_keeps_the_household_head_name_in_step(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    item_id = conflict_on(db, "person", head_id(saved), "name", ["Ahmad Fauzi", "Akhmad Fauzi"])
    with pytest.raises(ValidationError):
        resolve_conflict(db, supervisor, item_id, value="   ")
    resolve_conflict(db, supervisor, item_id, value="  Achmad   Fauzi ")
    with db.read() as session:
        assert session.get(Person, head_id(saved)).name == "Achmad Fauzi"
        assert session.get(Household, saved.id).head_name == "Achmad Fauzi"


def test_a_typed_date_and_a_field_that_can_only_be_chosen(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    born = conflict_on(db, "person", head_id(saved), "birth_date", ["1980-05-15", "1980-05-16"])
    with pytest.raises(ValidationError, match="dd-mm-yyyy"):
        resolve_conflict(db, supervisor, born, value="31-02-1980")
    with pytest.raises(ValidationError, match="future"):
        resolve_conflict(db, supervisor, born, value="01-01-2999")
    resolve_conflict(db, supervisor, born, value="16-05-1980", confirm_warnings=True)
    with db.read() as session:
        assert session.get(Person, head_id(saved)).birth_date == date(1980, 5, 16)
    gps = conflict_on(db, "household", saved.id, "gps_lat_e6", [-500_000, -500_100])
    with pytest.raises(ValidationError, match="choose one of the versions"):
        resolve_conflict(db, supervisor, gps, value="-500050")


def pair_on(db, kind, entity, entity_id, first: dict, second: dict) -> str:
    """A pair of concurrent changes (identity, deleted_edit) on a real record."""
    ops = [
        {"origin": f"L-{n}#1", "seq": 20 + n, "hlc": hlc(T0 + timedelta(minutes=n)),
         "actor": None, "action": "update", "fields": fields}
        for n, fields in enumerate((first, second))
    ]  # fmt: skip
    put_item(db, f"{kind}-{entity_id}", kind, entity=entity, entity_id=entity_id,
             detail={"ops": ops})  # fmt: skip
    return f"{kind}-{entity_id}"


def test_concurrent_identity_changes_are_shown_and_confirmed_as_merged(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    person = head_id(saved)
    item_id = pair_on(db, "identity", "person", person, {"name": "Ahmad Fauzi"},
                      {"nik": HEAD_NIK, "occupation": "Petani"})  # fmt: skip
    detail = conflict_detail(db, supervisor, item_id)
    assert detail.field == "" and detail.masked and detail.input_kind is None
    assert [h.value for h in detail.heads] == [
        {"name": "Ahmad Fauzi"},
        {"nik": "************0001", "occupation": "Petani"},
    ]
    assert detail.current == {"name": "Ahmad Fauzi", "nik": "************0001",
                              "occupation": "Nelayan"}  # fmt: skip
    assert not any(h.shown for h in detail.heads)
    assert unmask(db, supervisor, item_id).heads == ({}, {"nik": HEAD_NIK})
    with pytest.raises(NotFound):  # a pair has no single field to choose
        resolve_conflict(db, supervisor, item_id, head=0)
    result = confirm_changes(db, supervisor, item_id)
    assert result.fields == ("name", "nik", "occupation")
    action, fields = ops_of(db, person)[-1]
    assert action == "resolve"
    assert json.loads(fields) == {"name": "Ahmad Fauzi", "nik": HEAD_NIK, "occupation": "Nelayan"}
    assert review_item(db, item_id).status == "resolved"


@pytest.mark.parametrize("restore", [False, True])
def test_a_record_edited_while_deleted_stays_deleted_or_comes_back(
    db, operator, supervisor, restore
):
    district(db)
    saved = register(db, operator)
    item_id = pair_on(db, "deleted_edit", "household", saved.id, {"deleted": True}, {"rt": 3})
    confirm_changes(db, supervisor, item_id, restore=restore)
    with db.read() as session:
        assert session.get(Household, saved.id).deleted is (not restore)
    assert json.loads(ops_of(db, saved.id)[-1].fields) == {"deleted": not restore, "rt": 3}


def test_a_parallel_update_is_shown_for_information_only(db, operator, supervisor):
    district(db)
    saved = register(db, operator)
    item_id = pair_on(db, "parallel", "household", saved.id, {"rt": 4}, {"phone": "+6281234567890"})
    with db.transaction() as session:
        session.get(ReviewItem, item_id).status = "info"
    detail = conflict_detail(db, supervisor, item_id)
    assert [h.value for h in detail.heads] == [{"rt": 4}, {"phone": "+6281234567890"}]
    assert not detail.masked
    with pytest.raises(NotFound):  # nothing to decide
        confirm_changes(db, supervisor, item_id)


def test_an_unknown_item_is_not_found(db, supervisor):
    district(db)
    with pytest.raises(NotFound):
        conflict_detail(db, supervisor, "missing")


# ---- duplicates -------------------------------------------------------------------------------


def two_registrations(db, operator):
    first = register(db, operator)
    again = MemberInput(name="Ahmad Fauzy", sex="M", relation="head", nik=OTHER_NIK,
                        birth_place="Samarinda", birth_date=date(1980, 5, 15))  # fmt: skip
    second = register(db, operator, members=(again,), kk_number=None, rt=7)
    return first, second


def test_a_duplicate_pair_is_shown_side_by_side_with_masked_numbers(db, operator, supervisor):
    district(db)
    first, second = two_registrations(db, operator)
    a, b = sorted((head_id(first), head_id(second)))
    put_item(db, "dup", "duplicate", entity="person", entity_id=a, other_id=b, level="adjudicate",
             score=88, detail={"reasons": ["name", "birth_date", "region"]})  # fmt: skip
    pair = duplicate_pair(db, supervisor, "dup")
    cards = {c.id: c for c in (pair.first, pair.second)}
    ahmad, fauzy = cards[head_id(first)], cards[head_id(second)]
    assert ahmad.nik_masked == "************0001" and fauzy.nik_masked == "************0009"
    assert ahmad.kk_masked == "************0004" and fauzy.kk_masked is None
    assert (ahmad.name, ahmad.sex, ahmad.birth_date) == ("Ahmad Fauzi", "M", date(1980, 5, 15))
    assert (ahmad.rt, fauzy.rt, fauzy.members) == (3, 7, 1)
    assert ahmad.head_name == "Ahmad Fauzi" and "Loa Bakung" in ahmad.place
    assert pair.reasons == ("name", "birth_date", "region")
    assert HEAD_NIK not in repr(pair) and KK not in repr(pair)


def test_unmasking_returns_the_numbers_and_is_audited_without_them(db, operator, supervisor):
    district(db)
    first, second = two_registrations(db, operator)
    put_item(db, "dup", "duplicate", entity="household", entity_id=first.id, other_id=second.id)
    shown = unmask(db, supervisor, "dup")
    assert shown.first == (HEAD_NIK, KK) and shown.second == (OTHER_NIK, None)
    (entry,) = audit_entries(db, "review.unmask")
    assert (entry.actor, entry.entity, entry.entity_id) == (supervisor.officer_id,
                                                            "review_item", "dup")  # fmt: skip
    text = " ".join(str(v) for v in (entry.before, entry.after, entry.entity_id))
    assert HEAD_NIK not in text and OTHER_NIK not in text and KK not in text
    with db.read() as session:
        assert verify_chain(session).ok


def test_not_a_duplicate_is_a_replicated_decision_and_dismisses_the_item(db, operator, supervisor):
    district(db)
    first, second = two_registrations(db, operator)
    high, low = sorted((head_id(first), head_id(second)), reverse=True)
    put_item(db, "dup", "duplicate", entity="person", entity_id=high, other_id=low)
    decision_id = mark_distinct(db, supervisor, "dup", note="  Different mothers' names ")
    with db.read() as session:
        decision = session.get(DuplicateDecision, decision_id)
        assert (decision.first_id, decision.second_id) == (low, high)
        assert (decision.decision, decision.note) == ("distinct", "Different mothers' names")
        op = session.execute(select(SyncOp).where(SyncOp.entity_id == decision_id)).scalar_one()
        assert (op.entity, op.action, op.partition) == ("duplicate_decision", "create", VILLAGE)
    item = review_item(db, "dup")
    assert item.status == "dismissed" and item.resolved_by == supervisor.officer_id
    (entry,) = audit_entries(db, "review.distinct")
    assert json.loads(entry.after)["review_item"] == "dup"
    with pytest.raises(ValidationError):
        mark_distinct(db, supervisor, "dup")


def test_merge_moves_the_pair_into_the_chosen_record_and_closes_the_item(db, operator, supervisor):
    district(db)
    first, second = two_registrations(db, operator)
    put_item(db, "dup", "duplicate", entity="household", entity_id=first.id, other_id=second.id)
    with pytest.raises(ValidationError):
        merge_duplicate(db, supervisor, "dup", "someone-else")
    result = merge_duplicate(db, supervisor, "dup", first.id)
    assert (result.loser_id, result.survivor_id) == (second.id, first.id)
    with db.read() as session:
        assert session.get(Household, second.id).merged_into == first.id
        assert session.get(Household, first.id).merged_into is None
        merge_op = session.execute(
            select(SyncOp).where(SyncOp.entity_id == second.id, SyncOp.action == "merge")
        ).scalar_one()
        assert json.loads(merge_op.fields) == {"merged_into": first.id}
    item = review_item(db, "dup")
    assert item.status == "resolved" and item.resolved_by == supervisor.officer_id
    with pytest.raises(ValidationError):  # settled once
        merge_duplicate(db, supervisor, "dup", first.id)


# ---- with the real merge engine, through bundles ----------------------------------------------


def _device_id(site) -> str:
    with site.db.read() as session:
        return session.scalars(select(Device.device_id)).one()


def _send(source, target, province) -> None:
    """One bundle trip: a laptop's to the province, or the province's to one laptop."""
    kwargs = {"device_id": _device_id(target)} if source is province else {}
    result = import_data(target, export_one(source, **kwargs).read_bytes())
    assert result.status in ("applied", "already"), result.message


def test_a_conflict_from_two_laptops_is_resolved_at_the_province_for_everyone(
    template_db, tmp_path
):
    province = make_site(template_db, tmp_path, "province")
    province_init(province.db, province.data_dir, province.actor, tmp_path / "escrow.txt")
    first, second = (make_site(template_db, tmp_path, name) for name in ("first", "second"))
    for laptop in (first, second):
        enrol_laptop(province, laptop, "64.72")
    saved = save_household(first.db, first.actor, family(), confirm_warnings=True)
    _send(first, province, province)
    for laptop in (first, second):
        _send(province, laptop, province)
    for laptop, rt in ((first, 4), (second, 5)):  # offline, the same field
        with laptop.db.transaction() as session:
            changes = ChangeSet(session, actor=laptop.actor.officer_id, action="test.edit")
            changes.update("household", saved.id, {"rt": rt}, partition=VILLAGE)
            changes.commit()
        _send(laptop, province, province)

    (row,) = list_items(province.db, province.actor, group="conflicts").rows
    detail = conflict_detail(province.db, province.actor, row.id)
    assert (detail.field, detail.base) == ("rt", 3)
    assert {h.device_id: h.value for h in detail.heads} == {
        _device_id(first): 4,
        _device_id(second): 5,
    }
    assert sum(h.shown for h in detail.heads) == 1
    assert {(h.device_role, h.device_scope) for h in detail.heads} == {("district", ("64.72",))}
    chosen = next(i for i, h in enumerate(detail.heads) if h.value == 4)
    resolve_conflict(province.db, province.actor, row.id, head=chosen)
    for laptop in (first, second):
        _send(province, laptop, province)
    for site in (province, first, second):
        with site.db.read() as session:
            assert session.get(Household, saved.id).rt == 4
            assert session.get(ReviewItem, row.id).status == "resolved"
    # A laptop sees the regions it is enrolled for, whatever its set-up regency says.
    put_item(first.db, "balikpapan", region=BALIKPAPAN_VILLAGE)
    district(first.db, "64.71")
    listed = list_items(first.db, first.actor, group="conflicts", include_closed=True)
    assert [r.id for r in listed.rows] == [row.id]
    for site in (province, first, second):
        site.db.dispose()


# ---- held and quarantined ---------------------------------------------------------------------


def test_held_changes_blocked_origins_and_quarantined_bundles(db, supervisor):
    with db.transaction() as session:
        for seq, reason in ((5, "gap"), (6, "gap"), (9, "clock_skew")):
            at = T0 + timedelta(minutes=seq)
            session.add(SyncHeldOp(origin="L-AB#1", seq=seq, op_hash="0" * 64, line="{}",
                                   reason=reason, received_at=at))  # fmt: skip
        session.add(SyncBundle(sha256="1" * 64, direction="in", status="quarantined",
                               code="E_SCHEMA_NEWER", file_name="L-AB-0001.ksb", size=10, at=T0,
                               report="{}"))  # fmt: skip
        session.add(SyncBundle(sha256="2" * 64, direction="in", status="applied", at=T0,
                               report="{}"))  # fmt: skip
    overview = held_overview(db, supervisor)
    skew, gap = overview.held  # by origin, then reason
    assert (gap.reason, gap.count, gap.first_seq, gap.last_seq) == ("gap", 2, 5, 6)
    assert gap.received_at == T0 + timedelta(minutes=5) and not gap.releasable
    assert (skew.device_id, skew.releasable) == ("L-AB", True)
    (quarantined,) = overview.quarantined
    assert (quarantined.file_name, quarantined.code) == ("L-AB-0001.ksb", "E_SCHEMA_NEWER")
    assert overview.blocked == ()

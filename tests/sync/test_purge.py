# SPDX-License-Identifier: GPL-3.0-or-later
"""Erasure (sync-design §3.8, §3.16 case 32): a purge blanks a person's personal data in the
tables and in the stored ops of every replica, keeps every op's hash, and nothing brings the
data back: not the old bundle, not a laptop's own late edit, not a replica that never saw it."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from kaltim_desktop.errors import NotFound, PermissionDenied, ValidationError
from kaltim_desktop.models import (
    Household,
    Officer,
    Person,
    PersonNameToken,
    ReviewItem,
    SyncOp,
)
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.erasure import purge_person
from kaltim_desktop.services.households import get_household, save_household
from kaltim_desktop.sync import purge
from kaltim_desktop.sync.audit import verify_chain
from kaltim_desktop.sync.bundles.errors import E_OWNERSHIP
from kaltim_desktop.sync.canonical import canonical_json, sha256_hex
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.oplog import ChangeSet, this_device
from tests.conftest import CHILD_NIK, HEAD_NIK, WIFE_NIK, family
from tests.documents import conftest as documents_conftest
from tests.sync.bundles import conftest as bundle_sites
from tests.sync.bundles.conftest import enrol_laptop, make_site, replica_hash
from tests.sync.bundles.helpers import craft, export_one, import_data, ops_of

WIFE = "Siti Rahmah"
# The two real installations of the bundle tests (fixtures of tests/sync/bundles).
province, laptop = bundle_sites.province, bundle_sites.laptop


def _member(detail, name: str):
    return next(m for m in detail.members if m.name == name)


def _text_hits(path: Path, needles: tuple[str, ...]) -> list[str]:
    """Every ``table.column`` of the database holding one of ``needles`` in a text value."""
    hits = []
    with closing(sqlite3.connect(path)) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master "
                                                   "WHERE type = 'table'")]  # fmt: skip
        for table in tables:
            columns = [r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in connection.execute(f'SELECT "{column}" FROM "{table}"'):
                    if isinstance(value, bytes):
                        value = value.decode("latin-1")
                    if isinstance(value, str) and any(n in value for n in needles):
                        hits.append(f"{table}.{column}")
    return sorted(set(hits))


def _file_hits(path: Path, needles: tuple[str, ...]) -> list[str]:
    """The database files (main, WAL, journal) whose raw bytes hold one of ``needles``."""
    hits = []
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        if file.exists():
            data = file.read_bytes()
            hits += [f"{file.name}:{n}" for n in needles if n.encode() in data]
    return hits


def _erased_everywhere(site, needles: tuple[str, ...]) -> None:
    """Nothing of ``needles`` in any table, any text column, or the raw bytes of the files
    (the engine stays open: the WAL is looked at as the application leaves it)."""
    assert _text_hits(site.db.path, needles) == []
    assert _file_hits(site.db.path, needles) == []


def _to(province, site) -> bytes:
    """The province's bundle for ``site``."""
    with site.db.read() as s:
        device_id = this_device(s).device_id
    return export_one(province, device_id=device_id).read_bytes()


def _stored_hashes(site) -> dict[tuple[str, int], str]:
    with site.db.read() as s:
        return {(r.origin, r.seq): r.op_hash for r in s.scalars(select(SyncOp))}


# ---- redact on one replica -------------------------------------------------------------------


def test_redact_blanks_the_person_its_ops_and_what_was_copied(db, admin):
    saved = save_household(db, admin, family())
    wife = _member(saved, WIFE).person_id
    head = _member(saved, "Ahmad Fauzi").person_id
    with db.read() as s:
        before = {(r.origin, r.seq): r.op_hash for r in s.scalars(select(SyncOp))}
    with db.transaction() as s:
        purge.redact(s, "person", head)  # the head: his name was copied into the household
    with db.read() as s:
        row = s.get(Person, head)
        assert (row.name, row.sex, row.nik, row.nik_reversed, row.birth_date) == (
            "", "", None, None, None)  # fmt: skip
        assert (row.deleted, row.merged_into, row.updated_at) == (True, None, row.created_at)
        tokens = s.scalars(select(PersonNameToken).where(PersonNameToken.person_id == head))
        assert tokens.all() == []
        assert s.get(Household, saved.id).head_name is None
        ops = {(r.origin, r.seq): r for r in s.scalars(select(SyncOp))}
        # Every hash kept; the head's ops carry the marker only (a create its NOT NULL blanks).
        assert {k: r.op_hash for k, r in ops.items()} == before
        mine = [r for r in ops.values() if r.entity_id == head]
        assert mine and all(json.loads(r.fields).get("redacted") is True for r in mine)
        create = next(r for r in mine if r.action == "create")
        assert json.loads(create.fields) == {"name": "", "sex": "", "redacted": True}
        household = next(r for r in ops.values() if r.entity_id == saved.id)
        fields = json.loads(household.fields)
        assert fields["head_name"] is None and fields["redacted"] is True
        assert fields["kk_number"] == family().kk_number  # the rest of the op still applies
        # The other members are untouched, in the rows and in the ops.
        assert s.get(Person, wife).nik == WIFE_NIK
        wife_create = next(r for r in ops.values() if r.entity_id == wife)
        assert json.loads(wife_create.fields)["name"] == WIFE
        assert purge.erased(s)[("person", head)] == purge.RECORD
        assert purge.erased(s)[("household", saved.id)] == purge.COPY
        # The audit chain still verifies: a redacted op's stored hash stands.
        assert verify_chain(s).ok
    assert _text_hits(db.path, (HEAD_NIK, "Ahmad Fauzi")) == []


def test_redact_refuses_what_it_cannot_erase(db, admin):
    saved = save_household(db, admin, family())
    with db.transaction() as s, pytest.raises(ValueError):
        purge.redact(s, "household", saved.id)


# ---- the use case ----------------------------------------------------------------------------


def test_only_a_province_administrator_erases(province, laptop, operator):
    saved = save_household(laptop.db, laptop.actor, family())
    wife = _member(saved, WIFE).person_id
    with pytest.raises(PermissionDenied):
        purge_person(laptop.db, laptop.actor, wife, "erasure_request")  # a district laptop
    import_data(province, export_one(laptop).read_bytes())
    with pytest.raises(PermissionDenied):
        purge_person(province.db, operator, wife, "erasure_request")
    with pytest.raises(ValidationError):
        purge_person(province.db, province.actor, wife, "she asked nicely")
    with pytest.raises(NotFound):
        purge_person(province.db, province.actor, "no-such-person", "erasure_request")
    purge_person(province.db, province.actor, wife, "erasure_request")
    with pytest.raises(NotFound):
        purge_person(province.db, province.actor, wife, "erasure_request")


# ---- across replicas (§3.16 case 32) ---------------------------------------------------------


def _edit(site, saved, who: str = WIFE, **changes) -> None:
    """Save the household again with ``changes`` to the member named ``who``."""
    members = tuple(
        dataclasses.replace(m, person_id=_member(saved, m.name).person_id,
                            **(changes if m.name == who else {}))
        for m in family().members
    )  # fmt: skip
    edited = dataclasses.replace(family(), members=members, id=saved.id)
    save_household(site.db, site.actor, edited, confirm_warnings=True)


@pytest.fixture
def second_laptop(template_db, tmp_path, province):
    site = make_site(template_db, tmp_path, "laptop2")
    enrol_laptop(province, site, "64.72")
    yield site
    site.db.dispose()


def test_a_purge_propagates_and_nothing_brings_the_data_back(province, laptop, second_laptop):
    saved = save_household(laptop.db, laptop.actor, family())
    wife = _member(saved, WIFE).person_id
    original_ops = ops_of(laptop)
    first = export_one(laptop).read_bytes()
    assert import_data(province, first).status == "applied"

    # Meanwhile the laptop edits her again; the province has not seen it yet.
    _edit(laptop, saved, occupation="Penjahit")

    result = purge_person(province.db, province.actor, wife, "erasure_request")
    assert result.memberships_ended == 1
    hashes = _stored_hashes(province)
    assert import_data(laptop, _to(province, laptop)).status == "applied"
    # The laptop's late edit is redacted there (the record is erased) and travels redacted,
    # with its hash: the province stores it and applies nothing.
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    assert replica_hash(laptop.db) == replica_hash(province.db)
    late = set(_stored_hashes(province)) - set(hashes)
    with province.db.read() as s:
        for key in late:
            row = s.get(SyncOp, key)
            if row.entity_id == wife:
                assert json.loads(row.fields) == {"redacted": True}

    # The household shows two members on both sides; the others are untouched.
    for site in (province, laptop):
        detail = get_household(site.db, saved.id)
        assert sorted(m.nik for m in detail.members) == sorted([HEAD_NIK, CHILD_NIK])
        assert detail.head_name == "Ahmad Fauzi"
        _erased_everywhere(site, (WIFE_NIK, WIFE, "Penjahit"))
        with site.db.read() as s:
            assert verify_chain(s).ok  # the laptop's trail lost "Penjahit" and was re-sealed

    # The first bundle again, and its ops in a new bundle: all already there, nothing back.
    before = replica_hash(province.db)
    assert import_data(province, first).status == "already"
    again = import_data(province, craft(laptop, province, original_ops))
    assert again.status == "applied" and again.report["applied"] == 0
    assert again.report["already"] == len(original_ops)
    assert replica_hash(province.db) == before
    _erased_everywhere(province, (WIFE_NIK, WIFE))

    # A laptop that never saw her gets the redacted history and ends like the province.
    assert import_data(second_laptop, _to(province, second_laptop)).status == "applied"
    assert replica_hash(second_laptop.db) == replica_hash(province.db)
    assert _stored_hashes(second_laptop) == _stored_hashes(province)
    _erased_everywhere(second_laptop, (WIFE_NIK, WIFE))
    with second_laptop.db.read() as s:
        assert verify_chain(s).ok
        assert s.get(Person, wife).deleted is True


def test_a_district_cannot_purge(province, laptop):
    save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    create = next(op for op in ops if op["entity"] == "person")
    last = ops[-1]
    forged = {
        **create, "seq": last["seq"] + 1, "op_id": "01940000-0000-7000-8000-00000000dead",
        "action": "purge", "base": {create["origin"]: create["seq"]},
        "set": {"reason": "erasure_request"}, "prev": {},
        "hlc": str(Hlc(Hlc.parse(last["hlc"]).wall_ms + 1, 0)),
    }  # fmt: skip
    result = import_data(province, craft(laptop, province, [*ops, forged]))
    assert (result.status, result.code) == ("rejected", E_OWNERSHIP)
    with province.db.read() as s:
        assert s.get(Person, create["entity_id"]).nik == create["set"]["nik"]


def test_a_redacted_op_with_another_hash_is_a_fork(province, laptop):
    """Carrying a hash does not let an op replace a stored one: same slot, other hash."""
    save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    create = next(op for op in ops if op["entity"] == "person")
    right = purge.wire_op({**create, "set": {"redacted": True}},
                          sha256_hex(canonical_json(create)))  # fmt: skip
    ok = import_data(province, craft(laptop, province, [right]))
    assert ok.status == "applied" and (ok.report["already"], ok.report["applied"]) == (1, 0)
    fake = purge.wire_op({**create, "set": {"redacted": True}}, "0" * 64)
    result = import_data(province, craft(laptop, province, [fake]))
    assert (result.status, result.code) == ("rejected", "E_FORK")
    with province.db.read() as s:
        assert s.get(Person, create["entity_id"]).nik == create["set"]["nik"]


def test_a_redacted_op_without_the_marker_is_refused(province, laptop):
    save_household(laptop.db, laptop.actor, family())
    ops = ops_of(laptop)
    bad = purge.wire_op(ops[0], sha256_hex(canonical_json(ops[0])))  # content not redacted
    result = import_data(province, craft(laptop, province, [bad]))
    assert (result.status, result.code) == ("rejected", "E_DAMAGED")


def test_changeset_purge_writes_an_op_without_personal_data(db, admin):
    saved = save_household(db, admin, family())
    wife = _member(saved, WIFE).person_id
    with db.transaction() as s:
        changes = ChangeSet(s, actor=admin.officer_id, action="person.purge")
        changes.purge("person", wife, reason="erasure_request")
        changes.commit()
    with db.read() as s:
        op = s.scalars(select(SyncOp).where(SyncOp.action == "purge")).one()
        assert json.loads(op.fields) == {"reason": "erasure_request"} and op.prev == "{}"


def test_late_and_held_edits_of_an_erased_person_are_redacted_on_arrival(province, laptop):
    """Edits the laptop made before it heard of the purge reach the province after it: one
    waits for its predecessor (held), one arrives in the bundle that fills the gap."""
    saved = save_household(laptop.db, laptop.actor, family())
    wife = _member(saved, WIFE).person_id
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    _edit(laptop, saved, occupation="Penjahit")
    _edit(laptop, saved, occupation="Penjahit", skills="Menjahit kebaya")
    ops = ops_of(laptop)
    held = import_data(province, craft(laptop, province, ops[-1:]))
    assert held.status == "applied" and held.report["held_gap"] == 1

    purge_person(province.db, province.actor, wife, "registered_in_error")
    _erased_everywhere(province, (WIFE_NIK, WIFE, "Menjahit kebaya"))  # the held op too
    late = import_data(province, export_one(laptop).read_bytes())  # both edits, originals
    assert late.status == "applied" and late.report["released"] == 1
    with province.db.read() as s:
        for op in ops[-2:]:
            row = s.get(SyncOp, (op["origin"], op["seq"]))
            assert row.op_hash == sha256_hex(canonical_json(op))
            assert json.loads(row.fields) == {"redacted": True}
        assert s.get(Person, wife).occupation is None
    _erased_everywhere(province, (WIFE_NIK, WIFE, "Penjahit", "Menjahit kebaya"))

    assert import_data(laptop, _to(province, laptop)).status == "applied"
    assert replica_hash(laptop.db) == replica_hash(province.db)
    _erased_everywhere(laptop, (WIFE_NIK, WIFE, "Penjahit", "Menjahit kebaya"))
    for site in (province, laptop):  # nothing left to review about her, on either side
        with site.db.read() as s:
            assert s.scalars(select(ReviewItem).where(ReviewItem.entity_id == wife)).all() == []


@pytest.mark.slow
def test_purge_from_the_command_line(tmp_path):
    from kaltim_desktop.db import Database, make_engine, sqlite_url
    from tests.test_cli import PASSWORD, assert_one_line_error, ok_json, run

    office, district = tmp_path / "province", tmp_path / "laptop"
    auth = {"KALTIM_PASSWORD": PASSWORD}
    for data_dir in (office, district):
        ok_json(run(data_dir, "user", "add", "admin", "--name", "Admin", "--role", "admin",
                    "--json", **auth))  # fmt: skip
    ok_json(run(office, "province", "init", "--escrow-out", str(tmp_path / "escrow.txt"),
                "--as", "admin", "--json", **auth))  # fmt: skip
    ids = {}
    for data_dir in (office, district):
        path = data_dir / "kaltim.sqlite"
        db = Database(make_engine(sqlite_url(path)), path)
        with db.read() as s:
            admin = s.scalars(select(Officer)).one()
        actor = Actor(officer_id=admin.id, username="admin", role="admin")
        ids[data_dir] = _member(save_household(db, actor, family()), WIFE).person_id
        db.dispose()

    refused = run(district, "person", "purge", ids[district], "--reason", "erasure_request",
                  "--as", "admin", **auth)  # fmt: skip
    assert "province" in assert_one_line_error(refused, 5)
    bad = run(office, "person", "purge", ids[office], "--reason", "because", "--as", "admin")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    done = ok_json(run(office, "person", "purge", ids[office], "--reason", "erasure_request",
                       "--as", "admin", "--json", **auth))  # fmt: skip
    assert done == {"person": ids[office], "reason": "erasure_request", "memberships_ended": 1}
    assert _file_hits(office / "kaltim.sqlite", (WIFE_NIK, WIFE)) == []
    assert _file_hits(district / "kaltim.sqlite", (WIFE_NIK,)) != []  # not the district's


def test_erasing_the_head_redacts_the_households_copy_of_his_name(province, laptop, second_laptop):
    """The head's name is copied into the household (head_name): those values go too, the
    rest of the household's ops still applies on a replica that gets them redacted."""
    saved = save_household(laptop.db, laptop.actor, family())
    head = _member(saved, "Ahmad Fauzi").person_id
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    purge_person(province.db, province.actor, head, "consent_withdrawn")
    for site in (laptop, second_laptop):
        assert import_data(site, _to(province, site)).status == "applied"
        assert replica_hash(site.db) == replica_hash(province.db)
        _erased_everywhere(site, (HEAD_NIK, "Ahmad Fauzi"))
        detail = get_household(site.db, saved.id)
        assert detail.head_name is None and detail.kk_number == family().kk_number
        assert sorted(m.name for m in detail.members) == sorted([WIFE, "Budi"])
    _erased_everywhere(province, (HEAD_NIK, "Ahmad Fauzi"))


def test_a_redacted_op_prepared_by_the_decoding_worker_keeps_its_hash():
    """Large imports hash ops in a worker (decode_ahead), which knows nothing of redaction:
    the applier's batch preparation puts the carried hash back."""
    from kaltim_desktop.sync.bundles import decode_ahead
    from kaltim_desktop.sync.projection import RecordTimes, create_builders

    op = {
        "origin": "L-1#1", "seq": 1, "op_id": "01940000-0000-7000-8000-000000000001",
        "hlc": "1767605300999:0000", "entity": "person",
        "entity_id": "01940000-0000-7000-8000-0000000000aa", "action": "create", "base": {},
        "set": {"name": WIFE, "sex": "F", "nik": WIFE_NIK}, "prev": {}, "partition": "64.72.06",
        "actor": None, "schema": 2,
    }  # fmt: skip
    original = sha256_hex(canonical_json(op))
    wire = purge.wire_op({**op, "set": {"name": "", "sex": "", "redacted": True}}, original)
    hashed = [decode_ahead._hashed(wire, create_builders(True), RecordTimes(True))]
    assert hashed[0][3] != original  # the worker hashed the redacted content
    items = [wire]
    (entry,) = purge.received(items, hashed, {})
    assert entry[3] == original and entry[1] == '{"name":"","redacted":true,"sex":""}'
    assert entry[4] is None  # the applier builds the blank row itself


# The documents tests' registry: one beneficiary of every programme, documents configured.
registry = documents_conftest.registry


def test_documents_printing_the_person_lose_what_they_printed(db, operator, registry, tmp_path):
    from kaltim_desktop.models import Document
    from kaltim_desktop.services.certificates import issue_document
    from kaltim_desktop.services.context import set_setting

    issued = {
        kind: issue_document(db, operator, kind, subject, tmp_path / f"{kind}.pdf")
        for kind, subject in (("grant_certificate", registry.grant_id),
                              ("aid_history", registry.household_id))
    }  # fmt: skip
    with db.transaction() as s:
        set_setting(s, "installation.role", "province")
        head_nik = s.get(Person, registry.head_id).nik
    admin = Actor(officer_id="00000000-0000-7000-8000-000000000003", username="a", role="admin")
    with db.read() as s:  # both documents printed her name
        for row in issued.values():
            assert documents_conftest.LONG_NAME in s.get(Document, row.id).content
    purge_person(db, admin, registry.head_id, "consent_withdrawn")
    assert _text_hits(db.path, (documents_conftest.LONG_NAME, head_nik)) == []
    assert _file_hits(db.path, (documents_conftest.LONG_NAME, head_nik)) == []
    with db.read() as s:
        for row in issued.values():
            document = s.get(Document, row.id)
            assert (document.payload, document.content) == ("", "")
            assert document.number == row.number  # still answers "was this number issued?"
        husband = s.get(Person, registry.wife_id)
        assert husband.name == "Ahmad Fauzi" and husband.nik == HEAD_NIK
        assert verify_chain(s).ok


def test_a_late_rename_of_an_erased_head_does_not_reach_the_household(province, laptop):
    """The laptop renamed the head before it heard of his erasure: the same change set copied
    the new name into the household, and both arrive after the purge."""
    saved = save_household(laptop.db, laptop.actor, family())
    head = _member(saved, "Ahmad Fauzi").person_id
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    _edit(laptop, saved, "Ahmad Fauzi", name="Ahmad Fauzi Rahmadi")
    purge_person(province.db, province.actor, head, "erasure_request")
    assert import_data(province, export_one(laptop).read_bytes()).status == "applied"
    _erased_everywhere(province, (HEAD_NIK, "Ahmad Fauzi", "Rahmadi"))
    assert get_household(province.db, saved.id).head_name is None
    assert import_data(laptop, _to(province, laptop)).status == "applied"
    assert replica_hash(laptop.db) == replica_hash(province.db)
    _erased_everywhere(laptop, (HEAD_NIK, "Ahmad Fauzi", "Rahmadi"))

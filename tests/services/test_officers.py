# SPDX-License-Identifier: GPL-3.0-or-later
"""Officer accounts: first administrator, argon2id hashes, lockout, admin-only management."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kaltim_desktop.errors import AuthenticationFailed, PermissionDenied, ValidationError
from kaltim_desktop.models import AuditEntry, Officer, utcnow
from kaltim_desktop.services import officers
from kaltim_desktop.services.officers import add_officer, authenticate

PASSWORD = "rahasia-123"


@pytest.fixture
def first_admin(db):
    add_officer(
        db,
        None,
        username="Admin",
        name="Hj. Nurul Aini",
        password=PASSWORD,
        role="admin",
        nip="19680411 199303 1 009",
    )
    return authenticate(db, "admin", PASSWORD)


def test_first_account_must_be_admin(db):
    with pytest.raises(ValidationError) as caught:
        add_officer(db, None, username="ops", name="Operator", password=PASSWORD, role="operator")
    assert caught.value.issues[0].code == "officer.first_admin"


def test_password_is_stored_as_argon2id(db, first_admin):
    with db.read() as s:
        officer = s.scalars(select(Officer)).one()
    assert officer.password_hash.startswith("$argon2id$")
    assert PASSWORD not in officer.password_hash
    assert officer.nip == "196804111993031009"
    assert first_admin.role == "admin" and first_admin.username == "admin"


def test_later_accounts_need_an_admin(db, first_admin):
    with pytest.raises(AuthenticationFailed):
        add_officer(db, None, username="ops", name="Operator", password=PASSWORD, role="operator")
    add_officer(
        db, first_admin, username="ops", name="Operator", password=PASSWORD, role="operator"
    )
    operator = authenticate(db, "ops", PASSWORD)
    with pytest.raises(PermissionDenied):
        add_officer(
            db, operator, username="ops2", name="Another", password=PASSWORD, role="operator"
        )


def test_input_rules(db, first_admin):
    with pytest.raises(ValidationError) as caught:
        add_officer(
            db, first_admin, username="x", name=" ", password="short", role="boss", nip="123"
        )
    assert {i.code for i in caught.value.issues} == {
        "officer.username",
        "officer.name",
        "officer.role",
        "officer.password_short",
        "officer.nip",
    }
    with pytest.raises(ValidationError) as caught:
        add_officer(
            db, first_admin, username="admin", name="Again", password=PASSWORD, role="operator"
        )
    assert caught.value.issues[0].code == "officer.username_taken"


def test_wrong_password_and_unknown_user_get_the_same_answer(db, first_admin):
    with pytest.raises(AuthenticationFailed) as wrong:
        authenticate(db, "admin", "not-the-password")
    with pytest.raises(AuthenticationFailed) as unknown:
        authenticate(db, "nobody", "not-the-password")
    assert wrong.value.message == unknown.value.message


def test_lockout_after_repeated_failures(db, first_admin):
    for _ in range(officers.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "admin", "wrong-password")
    # Even the right password is refused while the account is locked.
    with pytest.raises(AuthenticationFailed) as caught:
        authenticate(db, "admin", PASSWORD)
    assert "locked" in caught.value.message
    with db.transaction() as s:  # the lock runs out
        officer = s.scalars(select(Officer)).one()
        officer.locked_until = utcnow() - timedelta(seconds=1)
    assert authenticate(db, "admin", PASSWORD).role == "admin"
    with db.read() as s:
        actions = [a for a in s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq))]
    assert actions.count("officer.sign_in_failed") == officers.MAX_FAILED_ATTEMPTS
    assert actions[-1] == "officer.sign_in"


def test_success_resets_the_failure_counter(db, first_admin):
    for _ in range(officers.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(AuthenticationFailed):
            authenticate(db, "admin", "wrong-password")
    authenticate(db, "admin", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        authenticate(db, "admin", "wrong-password")
    assert authenticate(db, "admin", PASSWORD).role == "admin"

# SPDX-License-Identifier: GPL-3.0-or-later
"""Officers: accounts, argon2id passwords and lockout after repeated failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from kaltim_desktop.db import Database
from kaltim_desktop.errors import AuthenticationFailed, Issue, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Officer, new_id, utcnow
from kaltim_desktop.services.context import ROLE_RANK, Actor, require_role
from kaltim_desktop.sync import audit

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class OfficerRow:
    id: str
    username: str
    name: str
    nip: str | None
    role: str
    active: bool


def _row(officer: Officer) -> OfficerRow:
    return OfficerRow(
        officer.id, officer.username, officer.name, officer.nip, officer.role, officer.active
    )


def count_officers(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Officer)) or 0


def add_officer(
    db: Database,
    actor: Actor | None,
    *,
    username: str,
    name: str,
    password: str,
    role: str,
    nip: str | None = None,
) -> OfficerRow:
    """Create an account. The very first account may be created without an actor (set-up)."""
    issues = []
    username = username.strip().lower()
    if not _USERNAME.match(username):
        issues.append(
            Issue(
                "username",
                "officer.username",
                "error",
                _("User name: 3-40 lower-case letters, digits, dot, dash or underscore."),
            )
        )
    if not name.strip():
        issues.append(Issue("name", "officer.name", "error", _("Name is required.")))
    if role not in ROLE_RANK:
        issues.append(Issue("role", "officer.role", "error", _("Unknown role.")))
    if len(password) < MIN_PASSWORD_LENGTH:
        issues.append(
            Issue(
                "password",
                "officer.password_short",
                "error",
                _("The password must have at least {count} characters.").format(
                    count=MIN_PASSWORD_LENGTH
                ),
            )
        )
    nip = re.sub(r"\s", "", nip) if nip else None
    if nip and not re.fullmatch(r"\d{18}", nip):
        issues.append(Issue("nip", "officer.nip", "error", _("A NIP has 18 digits.")))
    if issues:
        raise ValidationError(issues)
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Officer)):
            if actor is None:
                raise AuthenticationFailed(_("Sign in as an administrator to add officers."))
            require_role(actor, "admin")
        elif role != "admin":
            raise ValidationError(
                [
                    Issue(
                        "role",
                        "officer.first_admin",
                        "error",
                        _("The first account must be an administrator."),
                    )
                ]
            )
        if session.scalar(select(Officer.id).where(Officer.username == username)):
            raise ValidationError(
                [
                    Issue(
                        "username",
                        "officer.username_taken",
                        "error",
                        _("This user name is already taken."),
                    )
                ]
            )
        officer = Officer(
            id=new_id(),
            username=username,
            name=name.strip(),
            nip=nip,
            role=role,
            password_hash=_hasher.hash(password),
            failed_attempts=0,
            active=True,
            created_at=utcnow(),
        )
        session.add(officer)
        session.flush()
        audit.append(
            session,
            action="officer.add",
            actor=actor.officer_id if actor else None,
            entity="officer",
            entity_id=officer.id,
            after={"username": username, "role": role},
        )
        return _row(officer)


def authenticate(db: Database, username: str, password: str) -> Actor:
    """Check a password; five failures in a row lock the account for 15 minutes."""
    refused = AuthenticationFailed(_("Wrong user name or password."))
    with db.transaction() as session:
        officer = session.scalar(
            select(Officer).where(Officer.username == username.strip().lower())
        )
        if officer is None or not officer.active:
            # Hash anyway so timing does not reveal which user names exist.
            _hasher.hash(password)
            raise refused
        now = utcnow()
        if officer.locked_until and officer.locked_until > now:
            raise AuthenticationFailed(
                _("This account is locked after repeated failed sign-ins. Try again later.")
            )
        try:
            _hasher.verify(officer.password_hash, password)
        except (VerificationError, InvalidHashError):
            officer.failed_attempts += 1
            if officer.failed_attempts >= MAX_FAILED_ATTEMPTS:
                officer.locked_until = now + LOCKOUT
                officer.failed_attempts = 0
            audit.append(
                session, action="officer.sign_in_failed", entity="officer", entity_id=officer.id
            )
            # Commit the counter even though the sign-in fails: leave the block normally.
            failed = True
        else:
            failed = False
            officer.failed_attempts = 0
            officer.locked_until = None
            if _hasher.check_needs_rehash(officer.password_hash):
                officer.password_hash = _hasher.hash(password)
            audit.append(
                session,
                action="officer.sign_in",
                actor=officer.id,
                entity="officer",
                entity_id=officer.id,
            )
            actor = Actor(officer.id, officer.username, officer.role)
    if failed:
        raise refused
    return actor


def list_officers(db: Database) -> list[OfficerRow]:
    with db.read() as session:
        return [_row(o) for o in session.scalars(select(Officer).order_by(Officer.username))]

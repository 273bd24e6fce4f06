# SPDX-License-Identifier: GPL-3.0-or-later
"""Business preferences of this installation, kept in the database (``setting`` table).

They travel with the data in backups and restores, unlike window geometry and other UI state,
which live in QSettings. Each change is one transaction with one audit entry, and writes
nothing when the value does not change.

Keys:

* ``ui.language`` -- the interface language, ``"id"`` or ``"en"``; read once at start-up, so a
  change applies at the next start.
* ``ui.lock_minutes`` -- minutes of inactivity before the desktop locks (integer, default 10).
"""

from __future__ import annotations

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, _
from kaltim_desktop.services.context import (
    Actor,
    get_setting,
    installation_role,
    require_role,
    set_setting,
)
from kaltim_desktop.sync import audit

__all__ = [
    "DEFAULT_LOCK_MINUTES",
    "LANGUAGE_KEY",
    "LOCK_MINUTES_KEY",
    "get_installation_role",
    "get_language",
    "get_lock_minutes",
    "set_language",
    "set_lock_minutes",
]

LANGUAGE_KEY = "ui.language"
LOCK_MINUTES_KEY = "ui.lock_minutes"
DEFAULT_LOCK_MINUTES = 10
LOCK_MINUTES_RANGE = (1, 240)


def get_language(db: Database) -> str:
    """The interface language chosen for this installation (``"id"`` when none or unknown)."""
    with db.read() as session:
        value = get_setting(session, LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def get_lock_minutes(db: Database) -> int:
    """Minutes of inactivity before the desktop locks (the default when unset or invalid)."""
    with db.read() as session:
        value = get_setting(session, LOCK_MINUTES_KEY)
    low, high = LOCK_MINUTES_RANGE
    try:
        minutes = int(value) if value is not None else DEFAULT_LOCK_MINUTES
    except ValueError:
        return DEFAULT_LOCK_MINUTES
    return minutes if low <= minutes <= high else DEFAULT_LOCK_MINUTES


def get_installation_role(db: Database) -> str:
    """``"district"`` or ``"province"``: which screens offer the province's decisions."""
    with db.read() as session:
        return installation_role(session)


def set_language(db: Database, actor: Actor, language: str) -> str:
    """Choose the interface language for the next start.

    Raises:
        ValidationError: the language is not one of :data:`SUPPORTED_LANGUAGES`.
        PermissionDenied: no officer is signed in.
    """
    require_role(actor, "operator")
    if language not in SUPPORTED_LANGUAGES:
        raise ValidationError(
            [
                Issue(
                    "language",
                    "setting.language",
                    "error",
                    _("Choose Bahasa Indonesia or English."),
                )
            ]
        )
    _store(db, actor, LANGUAGE_KEY, language)
    return language


def set_lock_minutes(db: Database, actor: Actor, minutes: int) -> int:
    """Set the inactivity lock delay; a security policy, so administrators only.

    Raises:
        ValidationError: not a whole number within :data:`LOCK_MINUTES_RANGE`.
        PermissionDenied: the actor is not an administrator.
    """
    require_role(actor, "admin")
    low, high = LOCK_MINUTES_RANGE
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
        raise ValidationError(
            [
                Issue(
                    "lock_minutes",
                    "setting.lock_minutes",
                    "error",
                    _("The lock delay is a whole number of minutes from {low} to {high}.").format(
                        low=low, high=high
                    ),
                )
            ]
        )
    _store(db, actor, LOCK_MINUTES_KEY, str(minutes))
    return minutes


def _store(db: Database, actor: Actor, key: str, value: str) -> None:
    with db.transaction() as session:
        before = get_setting(session, key)
        if before == value:
            return
        set_setting(session, key, value)
        audit.append(
            session,
            action="setting.change",
            actor=actor.officer_id,
            entity="setting",
            entity_id=key,
            before={"value": before} if before is not None else None,
            after={"value": value},
        )

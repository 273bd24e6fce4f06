# SPDX-License-Identifier: GPL-3.0-or-later
"""Business preferences of this installation, kept in the database (``setting`` table).

They travel with the data in backups and restores, unlike window geometry and other UI state,
which live in QSettings. A change is one transaction with one audit entry, and writes nothing
when the value does not change.

``ui.language`` is the interface language, ``"id"`` or ``"en"``. The application reads it once
at start-up (:func:`get_language`), so a change applies at the next start; ``--lang`` and
``KALTIM_LANG`` still win for a single run. The inactivity lock and the laptop's regency live in
:mod:`kaltim_desktop.services.installation`.
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
    "LANGUAGE_KEY",
    "get_installation_role",
    "get_language",
    "set_language",
]

LANGUAGE_KEY = "ui.language"


def get_language(db: Database) -> str:
    """The interface language chosen for this installation (``"id"`` when none or unknown)."""
    with db.read() as session:
        value = get_setting(session, LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return value if value in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


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

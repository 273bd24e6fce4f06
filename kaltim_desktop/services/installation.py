# SPDX-License-Identifier: GPL-3.0-or-later
"""This installation's business settings: first-run set-up, the laptop's regency and the
inactivity lock.

These live in the database (the ``setting`` table), not in QSettings, so they back up, restore
and migrate with the data. Every change is recorded in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaltim_desktop.db import Database
from kaltim_desktop.domain.regions import normalize_code, region_tree
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.services.context import Actor, get_setting, require_role, set_setting
from kaltim_desktop.services.officers import OfficerRow, add_officer, count_officers
from kaltim_desktop.sync import audit

REGENCY_KEY = "installation.regency"
LOCK_MINUTES_KEY = "session.lock_minutes"
DEFAULT_LOCK_MINUTES = 10
LOCK_MINUTES_RANGE = (1, 240)


@dataclass(frozen=True)
class InstallationSettings:
    """What the desktop needs at start: ``regency_code`` is None until set-up chose one."""

    regency_code: str | None
    lock_minutes: int
    officers: int

    @property
    def needs_setup(self) -> bool:
        """No officer yet: the first start shows the set-up instead of the sign-in."""
        return self.officers == 0


def read_settings(db: Database) -> InstallationSettings:
    with db.read() as session:
        regency = get_setting(session, REGENCY_KEY)
        minutes = get_setting(session, LOCK_MINUTES_KEY)
    try:
        lock_minutes = int(minutes) if minutes is not None else DEFAULT_LOCK_MINUTES
    except ValueError:
        lock_minutes = DEFAULT_LOCK_MINUTES
    return InstallationSettings(regency, lock_minutes, count_officers(db))


def _regency_issue(code: str | None) -> Issue | None:
    region = region_tree().get(code or "")
    if region is None or region.level != "regency":
        return Issue("regency", "setup.regency", "error", _("Choose the regency from the list."))
    return None


def _store(db: Database, actor: Actor | None, key: str, value: str) -> None:
    with db.transaction() as session:
        before = get_setting(session, key)
        if before == value:
            return
        set_setting(session, key, value)
        audit.append(
            session,
            action="setting.change",
            actor=actor.officer_id if actor else None,
            entity="setting",
            entity_id=key,
            before={"value": before},
            after={"value": value},
        )


def first_run_setup(
    db: Database,
    *,
    username: str,
    name: str,
    password: str,
    regency_code: str,
    nip: str | None = None,
) -> OfficerRow:
    """Create the first administrator and record this laptop's regency.

    The regency is stored first: if the account is then refused (a short password...), the
    set-up simply shows again, since it runs while there is no officer.

    Raises:
        ValidationError: a field is invalid; nothing was created.
        AuthenticationFailed: an officer exists already (set-up is over).
    """
    issue = _regency_issue(regency_code)
    if issue is not None:
        raise ValidationError([issue])
    _store(db, None, REGENCY_KEY, normalize_code(regency_code))
    return add_officer(db, None, username=username, name=name, password=password, role="admin")


def set_regency(db: Database, actor: Actor, regency_code: str) -> None:
    """Change this laptop's regency (administrators only)."""
    require_role(actor, "admin")
    issue = _regency_issue(regency_code)
    if issue is not None:
        raise ValidationError([issue])
    _store(db, actor, REGENCY_KEY, normalize_code(regency_code))


def set_lock_minutes(db: Database, actor: Actor, minutes: int) -> None:
    """Change the inactivity time after which the desktop locks (administrators only)."""
    require_role(actor, "admin")
    low, high = LOCK_MINUTES_RANGE
    if not low <= minutes <= high:
        raise ValidationError(
            [
                Issue(
                    "lock_minutes",
                    "setting.lock_minutes",
                    "error",
                    _("The lock time must be between {low} and {high} minutes.").format(
                        low=low, high=high
                    ),
                )
            ]
        )
    _store(db, actor, LOCK_MINUTES_KEY, str(minutes))

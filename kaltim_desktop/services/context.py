# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is acting, and what their role allows. Roles are enforced here, in the services, so no
screen or script can go around them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.errors import PermissionDenied
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Setting

ROLE_RANK = {"operator": 1, "supervisor": 2, "admin": 3}
INSTALLATION_DISTRICT = "district"
INSTALLATION_PROVINCE = "province"


@dataclass(frozen=True)
class Actor:
    """The officer on whose behalf a use case runs (``officer_id`` None = the system itself)."""

    officer_id: str | None
    username: str
    role: str

    @classmethod
    def system(cls) -> Actor:
        """The application acting on its own (demo data, migrations), with admin rights."""
        return cls(officer_id=None, username="system", role="admin")


def require_role(actor: Actor, minimum: str) -> None:
    if ROLE_RANK.get(actor.role, 0) < ROLE_RANK[minimum]:
        raise PermissionDenied(_("Your role does not allow this action."))


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def installation_role(session: Session) -> str:
    """``district`` (a district laptop, the default) or ``province`` (Biro Adbang)."""
    return get_setting(session, "installation.role", INSTALLATION_DISTRICT) or INSTALLATION_DISTRICT

# SPDX-License-Identifier: GPL-3.0-or-later
"""Tinjauan: what sync left for a person to decide (sync-design §3.6-3.8, §3.12).

Conflicts (one field written on two laptops), duplicate pairs, broken province rules and, for
information, parallel updates; plus the changes held back and the bundles quarantined by the
exchange. A decision is written as ops (a ``resolve`` op, a ``duplicate_decision`` record, a
merge), so every replica learns it; the review item itself is local and only closed here.

Who may review: supervisors and administrators. At the province office they see every item; on
a district laptop only the items whose record lies in the laptop's regency (see ``_scope``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.errors import NotFound, PermissionDenied
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Device, Household, Person, ReviewItem, utcnow
from kaltim_desktop.models.review import (
    CONFLICT,
    DELETED_EDIT,
    DISMISSED,
    DUPLICATE,
    IDENTITY,
    INFO,
    INVARIANT,
    OPEN,
    PARALLEL,
    REDIRECTED,
    RESOLVED,
)
from kaltim_desktop.services.context import (
    INSTALLATION_PROVINCE,
    Actor,
    get_setting,
    installation_role,
    require_role,
)
from kaltim_desktop.services.installation import REGENCY_KEY
from kaltim_desktop.services.review_cards import place_name
from kaltim_desktop.services.sync_trust import stored_registry
from kaltim_desktop.sync.bundles.policy import in_scope
from kaltim_desktop.trust.registry import ROLE_PROVINCE

# The review screen's groups of kinds.
GROUPS: dict[str, tuple[str, ...]] = {
    "conflicts": (CONFLICT, IDENTITY, DELETED_EDIT),
    "duplicates": (DUPLICATE,),
    "invariants": (INVARIANT,),
    "information": (PARALLEL, REDIRECTED),
}
MASKED_FIELDS = frozenset({"nik", "kk_number"})
PAGE_SIZE = 200


@dataclass(frozen=True)
class ReviewRow:
    """One item of the review list; ``label`` names the record (a person, a household's head),
    ``other_label`` the second record of a pair."""

    id: str
    kind: str
    status: str
    entity: str
    entity_id: str
    other_id: str | None
    field: str | None
    level: str | None
    score: int | None
    region: str | None
    place: str
    label: str
    created_at: datetime
    updated_at: datetime
    other_label: str = ""


@dataclass(frozen=True)
class ReviewCounts:
    """Open items per group (information: the parallel updates and redirected writes)."""

    conflicts: int
    duplicates: int
    invariants: int
    information: int


@dataclass(frozen=True)
class ReviewListing:
    rows: tuple[ReviewRow, ...]
    total: int
    counts: ReviewCounts


# ---- scope ------------------------------------------------------------------------------------


def _scope(session: Session, actor: Actor) -> tuple[str, ...] | None:
    """The region codes whose items ``actor`` may see, or None for all of them.

    The province office sees everything. A district laptop sees the regions it is enrolled for
    (its entry in the province's registry), else the regency chosen at its set-up; a laptop
    with neither (a demo) sees what it holds, which is only ever its own data.
    """
    require_role(actor, "supervisor")
    if installation_role(session) == INSTALLATION_PROVINCE:
        return None
    registry = stored_registry(session)
    device_id = session.scalar(select(Device.device_id).limit(1))
    entry = registry.devices.get(device_id) if registry is not None and device_id else None
    if entry is not None:
        return None if entry.role == ROLE_PROVINCE else tuple(entry.scope)
    regency = get_setting(session, REGENCY_KEY)
    return (regency,) if regency else None


def _inside(region: str | None, scope: tuple[str, ...] | None) -> bool:
    return scope is None or in_scope(region, scope)


def _in_scope(query, scope: tuple[str, ...] | None):
    if scope is None:
        return query
    return query.where(
        or_(
            *(or_(ReviewItem.region == code, ReviewItem.region.like(f"{code}.%")) for code in scope)
        )
    )


def load_item(session: Session, actor: Actor, item_id: str, kinds: Collection[str]) -> ReviewItem:
    """The item ``item_id`` of one of ``kinds``, once the actor's role and scope allow it."""
    scope = _scope(session, actor)
    item = session.get(ReviewItem, item_id)
    if item is None or item.kind not in kinds:
        raise NotFound(_("The review item was not found."))
    if not _inside(item.region, scope):
        raise PermissionDenied(_("This item concerns a record outside your regency."))
    return item


def close_item(item: ReviewItem, actor: Actor, status: str) -> None:
    now = utcnow()
    item.status, item.resolved_at, item.resolved_by, item.updated_at = (
        status, now, actor.officer_id, now,
    )  # fmt: skip


# ---- listing ----------------------------------------------------------------------------------


def labels_of(session: Session, rows: list[ReviewItem]) -> dict[str, str]:
    """Names of the persons and households the rows are about, in two queries."""
    ids = {
        e: {i for r in rows if r.entity == e for i in (r.entity_id, r.other_id) if i}
        for e in ("person", "household")
    }
    labels = dict(
        session.execute(select(Person.id, Person.name).where(Person.id.in_(ids["person"]))).all()
    )
    labels.update(
        session.execute(
            select(Household.id, Household.head_name).where(Household.id.in_(ids["household"]))
        ).all()
    )
    return {k: v or "" for k, v in labels.items()}


def review_row(item: ReviewItem, labels: dict[str, str]) -> ReviewRow:
    return ReviewRow(
        item.id, item.kind, item.status, item.entity, item.entity_id, item.other_id, item.field,
        item.level, item.score, item.region, place_name(item.region),
        labels.get(item.entity_id, ""), item.created_at, item.updated_at,
        labels.get(item.other_id or "", ""),
    )  # fmt: skip


def _counts(session: Session, scope: str | None) -> ReviewCounts:
    query = select(ReviewItem.kind, ReviewItem.status, func.count()).group_by(
        ReviewItem.kind, ReviewItem.status
    )
    totals = dict.fromkeys(GROUPS, 0)
    for kind, status, count in session.execute(_in_scope(query, scope)):
        for group, kinds in GROUPS.items():
            wanted = INFO if group == "information" else OPEN
            if kind in kinds and status == wanted:
                totals[group] += count
    return ReviewCounts(**totals)


def list_items(
    db: Database, actor: Actor, *, group: str = "conflicts", include_closed: bool = False,
    offset: int = 0, limit: int = PAGE_SIZE,
) -> ReviewListing:  # fmt: skip
    """The items of one group (see :data:`GROUPS`), newest first, a page at a time, with the
    open counts of every group. Closed (resolved, dismissed) items only on request."""
    if group not in GROUPS:
        raise ValueError(group)
    with db.read() as session:
        scope = _scope(session, actor)
        statuses = (OPEN, INFO, RESOLVED, DISMISSED) if include_closed else (OPEN, INFO)
        where = _in_scope(
            select(ReviewItem).where(
                ReviewItem.kind.in_(GROUPS[group]), ReviewItem.status.in_(statuses)
            ),
            scope,
        )
        total = session.scalar(select(func.count()).select_from(where.subquery())) or 0
        items = list(
            session.scalars(
                where.order_by(ReviewItem.created_at.desc(), ReviewItem.id)
                .offset(offset)
                .limit(limit)
            )
        )
        labels = labels_of(session, items)
        return ReviewListing(
            tuple(review_row(i, labels) for i in items), total, _counts(session, scope)
        )


def count_open(db: Database, actor: Actor) -> ReviewCounts:
    """The open counts alone (for the navigation)."""
    with db.read() as session:
        return _counts(session, _scope(session, actor))

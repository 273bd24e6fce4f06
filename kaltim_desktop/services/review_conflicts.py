# SPDX-License-Identifier: GPL-3.0-or-later
"""Tinjauan of concurrent writes: a field's conflict (base and every head, who wrote it, on
which laptop, when) and the pairs of concurrent changes that need a look (identity fields,
a record edited while another laptop deleted it).

Every decision is a ``resolve`` op: its base covers every concurrent write, so the item clears
on every replica once the op arrives there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, NotFound, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import REPLICATED, Membership, Officer, ReviewItem
from kaltim_desktop.models.review import CONFLICT, DELETED_EDIT, OPEN, RESOLVED
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.review import (
    GROUPS,
    MASKED_FIELDS,
    ReviewRow,
    close_item,
    labels_of,
    load_item,
    review_row,
)
from kaltim_desktop.services.review_cards import mask_identity
from kaltim_desktop.services.review_values import clean_typed_value, input_kind
from kaltim_desktop.services.sync_trust import stored_registry
from kaltim_desktop.sync.bundles.policy import device_of
from kaltim_desktop.sync.hlc import Hlc
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.projection import decode_fields, hlc_time


@dataclass(frozen=True)
class Head:
    """One concurrent write: who, on which laptop, when. For a field conflict ``value`` is the
    field's value and ``shown`` marks the provisional one every replica displays; for a pair of
    changes ``value`` is the dict of the fields that change wrote."""

    origin: str
    device_id: str
    seq: int
    at: datetime | None
    officer_id: str | None
    officer_name: str | None
    value: Any
    shown: bool
    device_role: str | None = None  # "province" | "district" per the registry, None: unknown
    device_scope: tuple[str, ...] = ()  # the region codes the laptop is enrolled for


@dataclass(frozen=True)
class ConflictDetail:
    """``field`` is empty for a pair of changes; ``current`` is then a dict of the fields'
    stored values. ``masked``: identity numbers are shown masked until unmasked."""

    item: ReviewRow
    field: str
    base: Any
    heads: tuple[Head, ...]
    current: Any
    masked: bool
    input_kind: str | None


def _display(value: Any) -> Any:
    return mask_identity(value) if isinstance(value, str) else value


def _masked(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _display(v) if k in MASKED_FIELDS else v for k, v in values.items()}


def field_heads(item: ReviewItem) -> tuple[Any, list[dict]]:
    """A conflict's base value and its heads, as the merge engine stored them."""
    detail = json.loads(item.detail or "{}")
    return detail.get("base"), list(detail.get("heads") or [])


def writes_of(item: ReviewItem) -> tuple[Any, list[dict]]:
    """(base, writes): a conflict's heads, or the two changes of a pair (values: their fields)."""
    if item.kind == CONFLICT:
        return field_heads(item)
    ops = json.loads(item.detail or "{}").get("ops") or []
    return None, [dict(op, value=op.get("fields") or {}) for op in ops]


def conflict_detail(db: Database, actor: Actor, item_id: str) -> ConflictDetail:
    """A conflict's base value (before the concurrent writes) and every head, the provisional
    one (highest hybrid clock, then origin) marked; or a pair's two changes (also the parallel
    updates shown for information)."""
    with db.read() as session:
        item = load_item(session, actor, item_id, GROUPS["conflicts"] + GROUPS["information"])
        base, writes = writes_of(item)
        pair = item.kind != CONFLICT
        actors = {w.get("actor") for w in writes} - {None}
        officers = select(Officer.id, Officer.name).where(Officer.id.in_(actors))
        names = dict(session.execute(officers).all())
        registry = stored_registry(session)
        laptops = registry.devices if registry is not None else {}
        shown = None if pair else max(writes, key=lambda w: (w["hlc"], w["origin"]), default=None)
        record = session.get(REPLICATED[item.entity], item.entity_id)
        fields = sorted({f for w in writes for f in w["value"]}) if pair else [item.field]
        current = {f: getattr(record, f, None) for f in fields} if record is not None else {}
        masked = item.field in MASKED_FIELDS or bool(MASKED_FIELDS & set(fields))

        def shape(value: Any) -> Any:
            if pair:
                return _masked(value)
            return _display(value) if masked else value

        heads = tuple(
            Head(
                origin=w["origin"],
                device_id=device,
                seq=int(w["seq"]),
                at=hlc_time(Hlc.parse(w["hlc"]).wall_ms),
                officer_id=w.get("actor"),
                officer_name=names.get(w.get("actor")),
                value=shape(w["value"]),
                shown=w is shown,
                device_role=getattr(laptops.get(device), "role", None),
                device_scope=tuple(getattr(laptops.get(device), "scope", ())),
            )
            for w in writes
            for device in (device_of(w["origin"]),)
        )
        return ConflictDetail(
            item=review_row(item, labels_of(session, [item])),
            field=item.field or "",
            base=shape(base) if not pair else None,
            heads=heads,
            current=_masked(current) if pair else shape(current.get(item.field)),
            masked=masked,
            input_kind=None if pair else input_kind(item.entity, item.field or ""),
        )


@dataclass(frozen=True)
class Resolution:
    item_id: str
    entity: str
    entity_id: str
    fields: tuple[str, ...]
    ops: int


def _open_item(session: Session, actor: Actor, item_id: str) -> ReviewItem:
    item = load_item(session, actor, item_id, GROUPS["conflicts"])
    if item.status != OPEN:
        raise ValidationError(
            [Issue("item", "review.closed", "error", _("This item is already settled."))]
        )
    return item


def _settle(session: Session, actor: Actor, item: ReviewItem, values: dict) -> Resolution:
    """Write the ``resolve`` op (and the household's copy of a resolved head's name), close
    the item."""
    changes = ChangeSet(session, actor=actor.officer_id, action="review.resolve")
    changes.resolve(item.entity, item.entity_id, values, partition=item.region)
    if item.entity == "person" and values.get("name"):
        for household_id in session.scalars(
            select(Membership.household_id).where(
                Membership.person_id == item.entity_id,
                Membership.relation == "head",
                Membership.current(),
            )
        ):
            changes.update("household", household_id, {"head_name": values["name"]})
    ops = changes.commit(audit_extra={"review_item": item.id})
    close_item(item, actor, RESOLVED)
    return Resolution(item.id, item.entity, item.entity_id, tuple(sorted(values)), ops)


def resolve_conflict(
    db: Database, actor: Actor, item_id: str, *, head: int | None = None,
    value: str | date | int | None = None, confirm_warnings: bool = False,
    today: date | None = None,
) -> Resolution:  # fmt: skip
    """Settle a field conflict with the value of head number ``head`` or with a typed
    ``value`` (checked like the household form), and close the item, in one transaction.

    Raises:
        ValidationError: the typed value breaks a rule; WarningsNotConfirmed on warnings.
        NotFound, PermissionDenied: no such item, or not the actor's to review.
    """
    with db.transaction() as session:
        item = _open_item(session, actor, item_id)
        if item.kind != CONFLICT or not item.field:
            raise NotFound(_("The review item was not found."))
        if head is not None:
            _base, heads = field_heads(item)
            if not 0 <= head < len(heads):
                raise NotFound(_("The review item was not found."))
            new = decode_fields(item.entity, {item.field: heads[head].get("value")})[item.field]
        else:
            new = clean_typed_value(
                session, item.entity, item.entity_id, item.field, value,
                confirm_warnings=confirm_warnings, today=today or date.today(),
            )  # fmt: skip
        return _settle(session, actor, item, {item.field: new})


def confirm_changes(
    db: Database, actor: Actor, item_id: str, *, restore: bool = False
) -> Resolution:
    """Accept a pair of concurrent changes as they were merged: a ``resolve`` op with the
    stored values of every field they wrote. For a record edited while deleted, ``restore``
    brings the record back with the edits; otherwise it stays deleted."""
    with db.transaction() as session:
        item = _open_item(session, actor, item_id)
        if item.kind == CONFLICT:
            raise NotFound(_("The review item was not found."))
        _base, writes = writes_of(item)
        fields = sorted({f for w in writes for f in w["value"]} - {"merged_into"})
        record = session.get(REPLICATED[item.entity], item.entity_id)
        if record is None:
            raise NotFound(_("The review item was not found."))
        values = {f: getattr(record, f) for f in fields}
        if item.kind == DELETED_EDIT:
            values["deleted"] = not restore
        return _settle(session, actor, item, values)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Tinjauan of duplicate pairs: the two records side by side (identity numbers masked), the
audited "show NIK", "not a duplicate" and the merge into one of the two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models.review import CONFLICT, DISMISSED, DUPLICATE, OPEN
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.merging import MergeResult, merge_records
from kaltim_desktop.services.review import (
    GROUPS,
    MASKED_FIELDS,
    ReviewRow,
    close_item,
    labels_of,
    load_item,
    review_row,
)
from kaltim_desktop.services.review_cards import RecordCard, identity_numbers, read_card
from kaltim_desktop.services.review_conflicts import field_heads, writes_of
from kaltim_desktop.sync import audit
from kaltim_desktop.sync.oplog import ChangeSet


@dataclass(frozen=True)
class DuplicatePair:
    item: ReviewRow
    first: RecordCard | None
    second: RecordCard | None
    reasons: tuple[str, ...]


def duplicate_pair(db: Database, actor: Actor, item_id: str) -> DuplicatePair:
    """The two records side by side, identity numbers masked but for the last four digits."""
    with db.read() as session:
        item = load_item(session, actor, item_id, GROUPS["duplicates"])
        detail = json.loads(item.detail or "{}")
        return DuplicatePair(
            review_row(item, labels_of(session, [item])),
            read_card(session, item.entity, item.entity_id),
            read_card(session, item.entity, item.other_id) if item.other_id else None,
            tuple(detail.get("reasons") or ()),
        )


@dataclass(frozen=True)
class Unmasked:
    """Identity numbers in full: ``first``/``second`` are ``(nik, kk)`` of a duplicate pair;
    ``base``/``heads`` the values of a conflict on a NIK or KK field (for a pair of changes,
    each head is the dict of the identity numbers that change wrote)."""

    first: tuple[str | None, ...] = ()
    second: tuple[str | None, ...] = ()
    base: str | None = None
    heads: tuple[Any, ...] = ()


def unmask(db: Database, actor: Actor, item_id: str) -> Unmasked:
    """Show the identity numbers of an item in full, and record that the officer saw them
    (the audit entry names the item, never a number)."""
    with db.transaction() as session:
        kinds = GROUPS["duplicates"] + GROUPS["conflicts"] + GROUPS["information"]
        item = load_item(session, actor, item_id, kinds)
        writes = writes_of(item)[1] if item.kind not in (DUPLICATE, CONFLICT) else []
        numbers = [{k: v for k, v in w["value"].items() if k in MASKED_FIELDS} for w in writes]
        if item.kind == DUPLICATE:
            result = Unmasked(
                identity_numbers(session, item.entity, item.entity_id),
                identity_numbers(session, item.entity, item.other_id) if item.other_id else (),
            )
        elif item.kind == CONFLICT and item.field in MASKED_FIELDS:
            base, heads = field_heads(item)
            result = Unmasked(base=base, heads=tuple(h.get("value") for h in heads))
        elif item.kind != CONFLICT and any(numbers):
            result = Unmasked(heads=tuple(numbers))
        else:
            raise ValidationError(
                [Issue("item", "review.nothing_masked", "error", _("Nothing is masked here."))]
            )
        audit.append(
            session, action="review.unmask", actor=actor.officer_id, entity="review_item",
            entity_id=item.id, after={"kind": item.kind, "entity": item.entity},
        )  # fmt: skip
        return result


def _settled() -> ValidationError:
    return ValidationError(
        [Issue("item", "review.closed", "error", _("This item is already settled."))]
    )


def mark_distinct(db: Database, actor: Actor, item_id: str, note: str | None = None) -> str:
    """ "Not a duplicate": a replicated ``duplicate_decision`` (so no replica flags the pair
    again) and the item dismissed, in one transaction. Returns the decision's id."""
    with db.transaction() as session:
        item = load_item(session, actor, item_id, GROUPS["duplicates"])
        if item.status != OPEN or not item.other_id:
            raise _settled()
        first, second = sorted((item.entity_id, item.other_id))
        changes = ChangeSet(session, actor=actor.officer_id, action="review.distinct")
        decision_id = changes.create(
            "duplicate_decision",
            {"entity": item.entity, "first_id": first, "second_id": second,
             "decision": "distinct", "note": (note or "").strip() or None},
            partition=item.region,
        )  # fmt: skip
        changes.commit(audit_extra={"review_item": item.id})
        close_item(item, actor, DISMISSED)
        return decision_id


def merge_duplicate(db: Database, actor: Actor, item_id: str, winner_id: str) -> MergeResult:
    """Merge the pair into ``winner_id`` (one of its two records) with the merge engine,
    which closes the item in its own transaction (after this one has checked the reviewer's
    scope)."""
    with db.read() as session:
        item = load_item(session, actor, item_id, GROUPS["duplicates"])
        pair = (item.entity_id, item.other_id)
        entity, status = item.entity, item.status
    if status != OPEN:
        raise _settled()
    if winner_id not in pair:
        raise ValidationError(
            [Issue("winner", "review.winner", "error", _("Choose one of the two records."))]
        )
    loser_id = pair[1] if winner_id == pair[0] else pair[0]
    return merge_records(db, actor, entity, loser_id, winner_id, item_id=item_id)

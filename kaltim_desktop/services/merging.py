# SPDX-License-Identifier: GPL-3.0-or-later
"""Merging two records that are one person or one household (a confirmed duplicate).

The loser is not deleted: a ``merge`` op sets its ``merged_into`` to the survivor, so both ids
stay resolvable (old certificates, audit, the province's aggregation). Its members, programmes
and documents move to the survivor in the same transaction (:mod:`kaltim_desktop.sync.survivors`),
and the survivor takes over what only the loser knew (a NIK, a birth date...). Lists and
counts ignore merged records.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, NotFound, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import REPLICATED, ReviewItem, utcnow
from kaltim_desktop.models.review import DUPLICATE, RESOLVED
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.sync.checks_review import check_invariants
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.projection import writable_columns
from kaltim_desktop.sync.survivors import record_partition, redirect_children

MERGEABLE = ("person", "household")
# Never copied from the loser: the record's own identity and state.
_NOT_TAKEN_OVER = {"deleted", "merged_into", "head_name", "village_code"}


@dataclass(frozen=True)
class MergeResult:
    entity: str
    loser_id: str
    survivor_id: str
    moved: int  # child records moved to the survivor
    taken_over: tuple[str, ...]  # fields the survivor took from the loser


def merge_records(
    db: Database,
    actor: Actor,
    entity: str,
    loser_id: str,
    winner_id: str,
    *,
    item_id: str | None = None,
) -> MergeResult:
    """Merge ``loser_id`` into ``winner_id`` (both of ``entity``) in one transaction.

    Raises:
        PermissionDenied: operators may not merge.
        NotFound: either record does not exist, or is already merged or deleted.
        ValidationError: the two ids are the same, or the entity cannot be merged.
    """
    require_role(actor, "supervisor")
    if entity not in MERGEABLE or loser_id == winner_id:
        message = _("Choose two different records to merge.")
        raise ValidationError([Issue("records", "merge.same_record", "error", message)])
    model = REPLICATED[entity]
    with db.transaction() as session:
        loser, winner = session.get(model, loser_id), session.get(model, winner_id)
        for record in (loser, winner):
            if record is None or record.deleted or record.merged_into is not None:
                raise NotFound(_("The record was deleted or merged already."))
        columns = writable_columns(entity) - _NOT_TAKEN_OVER
        taken = {
            name: getattr(loser, name)
            for name in sorted(columns)
            if getattr(winner, name) is None and getattr(loser, name) is not None
        }
        changes = ChangeSet(session, actor=actor.officer_id, action=f"{entity}.merge")
        partition = record_partition(session, winner_id)
        if taken:
            changes.update(entity, winner_id, taken, partition=partition)
        changes.update(
            entity, loser_id, {"merged_into": winner_id},
            partition=record_partition(session, loser_id), action="merge",
        )  # fmt: skip
        changes.flush()
        moved = redirect_children(session, changes)
        changes.main_record(entity, loser_id)
        changes.commit(audit_extra={"merged_into": winner_id})
        # Moving members may have put a person in two households: a breach to review now.
        if entity == "person":
            check_invariants(session, set(), {loser_id, winner_id})
        else:
            check_invariants(session, {loser_id, winner_id})
        if item_id is not None:
            _close_item(session, item_id, actor)
    return MergeResult(entity, loser_id, winner_id, moved, tuple(taken))


def _close_item(session, item_id: str, actor: Actor) -> None:
    item = session.get(ReviewItem, item_id)
    if item is not None and item.kind == DUPLICATE:
        item.status, item.resolved_at, item.resolved_by = RESOLVED, utcnow(), actor.officer_id

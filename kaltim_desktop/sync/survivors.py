# SPDX-License-Identifier: GPL-3.0-or-later
"""After a duplicate merge: the records that pointed at the merged one point at its survivor.

A merge is a ``merge`` op setting ``merged_into`` on the loser; both ids stay resolvable
forever. Its children (memberships, house assessments, handovers, grants, enrolments,
documents, photos) are moved to the survivor by ordinary update ops, written at the merge and
again at the province after every import: a laptop that had not yet heard of the merge may
still add a grant or a member to the loser, and that later op is redirected the same way. The
moves are ops of the replica that writes them, so every other replica receives the same
result instead of deciding for itself.

Edits a laptop made to the loser without knowing of the merge are forwarded to the survivor
the same way (:func:`forward_late_edits`).

A person who would end up twice in one household (a member of both merged households, or both
merged persons in the same family) keeps one membership; the other one is ended
(``active = False``), never deleted.
"""

from __future__ import annotations

import json

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, Membership, ReviewItem, SyncOp
from kaltim_desktop.models.review import INFO, REDIRECTED
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.projection import decode_fields, writable_columns

# child entity → its references: (column, parent entity)
PARENT_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "membership": (("household_id", "household"), ("person_id", "person")),
    "house_assessment": (("household_id", "household"),),
    "handover": (("household_id", "household"), ("recipient_person_id", "person")),
    "grant_award": (("household_id", "household"), ("recipient_person_id", "person")),
    "enrolment": (("person_id", "person"),),
    "document": (("household_id", "household"), ("person_id", "person")),
    "photo": (("household_id", "household"),),
}
_CHUNK = 500


def survivors(session: Session, entity: str) -> dict[str, str]:
    """Merged record id → the record it finally lives on (chains of merges followed)."""
    table = REPLICATED[entity].__table__
    merged = dict(
        session.execute(
            select(table.c.id, table.c.merged_into).where(table.c.merged_into.is_not(None))
        ).all()
    )
    final: dict[str, str] = {}
    for loser in merged:
        seen, current = {loser}, merged[loser]
        while current in merged and current not in seen:  # a cycle stops where it closes
            seen.add(current)
            current = merged[current]
        final[loser] = current
    return final


def record_partition(session: Session, entity_id: str) -> str | None:
    """The region a record's ops were written for (what bundles are filtered by)."""
    return session.scalar(
        select(SyncOp.partition)
        .where(SyncOp.entity_id == entity_id, SyncOp.partition.is_not(None))
        .limit(1)
    )


def _already_member(session: Session, membership_id: str, column: str, survivor: str) -> bool:
    """Whether moving this membership to ``survivor`` would make a second current one."""
    row = session.get(Membership, membership_id)
    other = "person_id" if column == "household_id" else "household_id"
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.current(),
                getattr(Membership, column) == survivor,
                getattr(Membership, other) == getattr(row, other),
                Membership.id != membership_id,
            )
        )
        is not None
    )


def redirect_children(session: Session, changes: ChangeSet) -> int:
    """Move every live child of a merged record to its survivor; return how many moved."""
    moved = 0
    for parent in ("household", "person"):
        final = survivors(session, parent)
        if not final:
            continue
        losers = sorted(final)
        for child, references in PARENT_REFERENCES.items():
            table = REPLICATED[child].__table__
            for column, parent_entity in references:
                if parent_entity != parent:
                    continue
                for start in range(0, len(losers), _CHUNK):
                    rows = session.execute(
                        select(table.c.id, table.c[column]).where(
                            and_(
                                table.c[column].in_(losers[start : start + _CHUNK]),
                                table.c.deleted.is_(False),
                                table.c.merged_into.is_(None),
                            )
                        )
                    ).all()
                    for child_id, loser in sorted(rows):
                        survivor = final[loser]
                        if child == "membership" and _already_member(
                            session, child_id, column, survivor
                        ):
                            fields = {"active": False}
                        else:
                            fields = {column: survivor}
                        partition = record_partition(session, child_id)
                        if changes.update(child, child_id, fields, partition=partition):
                            moved += 1
    return moved


# Never forwarded from a late edit: the merged record's own state, and what the merge decided.
_NOT_FORWARDED = frozenset(("deleted", "merged_into", "household_id", "person_id"))


def forward_late_edits(session: Session, changes: ChangeSet) -> int:
    """Edits a laptop made to a record while it was being merged (it had not heard of the
    merge: a ``redirected`` review item) are written again on the survivor, and the item is
    settled by a ``resolve`` op on the merged record, so every replica sees it closed.

    Returns how many late edits were forwarded.
    """
    items = session.scalars(
        select(ReviewItem)
        .where(ReviewItem.kind == REDIRECTED, ReviewItem.status == INFO)
        .order_by(ReviewItem.id)
    ).all()
    forwarded = 0
    finals = {entity: survivors(session, entity) for entity in {i.entity for i in items}}
    for item in items:
        survivor = finals[item.entity].get(item.entity_id)
        late = [op for op in json.loads(item.detail)["ops"] if "merged_into" not in op["fields"]]
        if survivor is None or len(late) != 1:
            continue  # unmerged since, or two merges: a reviewer decides
        writable = writable_columns(item.entity) - _NOT_FORWARDED
        fields = {k: v for k, v in late[0]["fields"].items() if k in writable}
        if fields:
            changes.update(
                item.entity, survivor, decode_fields(item.entity, fields),
                partition=record_partition(session, survivor),
            )  # fmt: skip
        merged_into = session.get(REPLICATED[item.entity], item.entity_id).merged_into
        changes.resolve(
            item.entity, item.entity_id, {"merged_into": merged_into},
            partition=record_partition(session, item.entity_id),
        )  # fmt: skip
        forwarded += 1
    return forwarded

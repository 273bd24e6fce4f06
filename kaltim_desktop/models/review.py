# SPDX-License-Identifier: GPL-3.0-or-later
"""What needs a person's judgement after sync: review items, and the "not a duplicate" decisions.

A :class:`ReviewItem` is derived, never sent: every replica computes it from the op log (field
heads, concurrent ops) or from the duplicate detector, so its id is a hash of what it is about
and the same item has the same id everywhere. What a reviewer *decides* travels as ops: a
``resolve`` or ``merge`` op, or a :class:`DuplicateDecision` record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaltim_desktop.models._base import Base, Replicated, UTCDateTime

# Kinds of review items (sync-design §3.6-3.8).
CONFLICT = "conflict"  # one field, concurrent writes with different values
PARALLEL = "parallel"  # concurrent writes of different fields: merged, for information
DELETED_EDIT = "deleted_edit"  # a record edited while another replica deleted it
IDENTITY = "identity"  # concurrent writes touching identity fields or grant decisions
DUPLICATE = "duplicate"  # two persons or households that may be one
INVARIANT = "invariant"  # a province rule broken across replicas (two active handovers...)
REDIRECTED = "redirected"  # a write to a record that was merged into another

# Statuses: "open" needs a decision, "info" is informational, the others are closed.
OPEN, INFO, RESOLVED, DISMISSED = "open", "info", "resolved", "dismissed"


class ReviewItem(Base):
    """One thing to review; see the module docstring."""

    __tablename__ = "review_item"
    __table_args__ = (
        Index("ix_review_item_status_kind", "status", "kind"),
        Index("ix_review_item_entity_id", "entity_id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36))
    other_id: Mapped[str | None] = mapped_column(String(36))
    field: Mapped[str | None] = mapped_column(String(60))
    level: Mapped[str | None] = mapped_column(String(12))
    score: Mapped[int | None] = mapped_column(Integer)
    region: Mapped[str | None] = mapped_column(String(13))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(36))


class DuplicateDecision(Replicated, Base):
    """A reviewer's decision that two records are *not* the same (remembered on every replica,
    so the detector never flags the pair again). ``first_id`` < ``second_id``."""

    __tablename__ = "duplicate_decision"
    __table_args__ = (Index("ix_duplicate_decision_pair", "first_id", "second_id"),)

    entity: Mapped[str] = mapped_column(String(30))
    first_id: Mapped[str] = mapped_column(String(36))
    second_id: Mapped[str] = mapped_column(String(36))
    decision: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)

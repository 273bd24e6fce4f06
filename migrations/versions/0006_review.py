# SPDX-License-Identifier: GPL-3.0-or-later
"""review items and "not a duplicate" decisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 00:05:00.000000

Once this revision has landed it is never edited: fix forward with a new revision, and add a
fixture database of the schema it produces under tests/fixtures/db/.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_item",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("other_id", sa.String(length=36), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("level", sa.String(length=12), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=13), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_item")),
    )
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.create_index("ix_review_item_status_kind", ["status", "kind"], unique=False)
        batch_op.create_index("ix_review_item_entity_id", ["entity_id"], unique=False)
    op.create_table(
        "duplicate_decision",
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("first_id", sa.String(length=36), nullable=False),
        sa.Column("second_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("merged_into", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_decision")),
    )
    with op.batch_alter_table("duplicate_decision", schema=None) as batch_op:
        batch_op.create_index("ix_duplicate_decision_pair", ["first_id", "second_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("duplicate_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_duplicate_decision_pair")
    op.drop_table("duplicate_decision")
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.drop_index("ix_review_item_entity_id")
        batch_op.drop_index("ix_review_item_status_kind")
    op.drop_table("review_item")

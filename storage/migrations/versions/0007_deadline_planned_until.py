"""deadlines.planned_until (how far an item's sends are in the outbox) and deliveries by source

The planner asks which keys of some sources the outbox holds every minute; without an index on
source_id that read scans the whole outbox, sent history included.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for every existing row: the first pass after the upgrade plans each item once, as before.
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_until", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_deadlines_status_planned_until"), ["status", "planned_until"],
                              unique=False)
        # The creators' digests read open one-off deadlines already due, every pass.
        batch_op.create_index(batch_op.f("ix_deadlines_status_kind_due"), ["status", "kind", "due_at"],
                              unique=False)


    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_source_due"), ["source_id", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_source_due"))
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadlines_status_kind_due"))
        batch_op.drop_index(batch_op.f("ix_deadlines_status_planned_until"))
        batch_op.drop_column("planned_until")

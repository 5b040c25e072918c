"""deadlines and personal reminders

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("creator_user_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        _utc("due_at"),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("rrule", sa.String(length=255), nullable=True),
        sa.Column("anchor_local", sa.String(length=32), nullable=True),
        sa.Column("leads", sa.JSON(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _utc("planned_from"),
        _utc("created_at"),
        _utc("updated_at"),
        _utc("done_at", nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_deadlines_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_deadlines_workspace_status", ["workspace_id", "status"], unique=False)

    op.create_table(
        "deadline_assignees",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("deadline_id", _ID, nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadlines.id"],
                                name=op.f("fk_deadline_assignees_deadline_id_deadlines"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_deadline_assignees_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_assignees")),
        sa.UniqueConstraint("deadline_id", "user_id", name=op.f("uq_deadline_assignees_deadline_id")),
    )
    with op.batch_alter_table("deadline_assignees", schema=None) as batch_op:
        batch_op.create_index("ix_deadline_assignees_member", ["workspace_id", "user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deadline_assignees", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_assignees_member")
    op.drop_table("deadline_assignees")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_workspace_status")
    op.drop_table("deadlines")

"""standups, their members and answers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                   name=op.f(f"fk_{table}_workspace_id_workspaces"), ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "standups",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("owner_user_id", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("days", sa.String(length=16), nullable=False),
        sa.Column("prompt_minute", sa.Integer(), nullable=False),
        sa.Column("time_mode", sa.String(length=16), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("report_minute", sa.Integer(), nullable=True),
        sa.Column("nudge_minutes", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        _workspace_fk("standups"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standups")),
        sa.UniqueConstraint("workspace_id", "name", name=op.f("uq_standups_workspace_id")),
    )
    op.create_table(
        "standup_members",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("standup_id", _ID, nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        _workspace_fk("standup_members"),
        sa.ForeignKeyConstraint(["standup_id"], ["standups.id"],
                                name=op.f("fk_standup_members_standup_id_standups"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standup_members")),
        sa.UniqueConstraint("standup_id", "user_id", name=op.f("uq_standup_members_standup_id")),
    )
    op.create_table(
        "standup_answers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("standup_id", _ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("skip_reason", sa.Text(), nullable=True),
        _utc("asked_at"),
        _utc("answered_at", nullable=True),
        sa.Column("reported", sa.Boolean(), nullable=False),
        _workspace_fk("standup_answers"),
        sa.ForeignKeyConstraint(["standup_id"], ["standups.id"],
                                name=op.f("fk_standup_answers_standup_id_standups"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standup_answers")),
        sa.UniqueConstraint("standup_id", "day", "user_id", name=op.f("uq_standup_answers_standup_id")),
    )
    with op.batch_alter_table("standup_answers", schema=None) as batch_op:
        batch_op.create_index("ix_standup_answers_member", ["workspace_id", "user_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("standup_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_standup_answers_member")
    op.drop_table("standup_answers")
    op.drop_table("standup_members")
    op.drop_table("standups")

"""meeting series (fair rotation) and meeting polls

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc(name: str) -> sa.Column[object]:
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=False)


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                   name=op.f(f"fk_{table}_workspace_id_workspaces"), ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "meeting_series",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("member_key", sa.String(length=64), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.Column("picks", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        _workspace_fk("meeting_series"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
        sa.UniqueConstraint("workspace_id", "member_key", "minutes", name=op.f("uq_meeting_series_workspace_id")),
    )
    op.create_table(
        "meeting_polls",
        sa.Column("id", _ID, nullable=False),
        sa.Column("workspace_id", _ID, nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_kind", sa.String(length=16), nullable=False),
        sa.Column("owner_user_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("votes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("picked", sa.Integer(), nullable=True),
        sa.Column("series_id", _ID, nullable=True),
        _utc("created_at"),
        _utc("updated_at"),
        _workspace_fk("meeting_polls"),
        sa.ForeignKeyConstraint(["series_id"], ["meeting_series.id"],
                                name=op.f("fk_meeting_polls_series_id_meeting_series"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_polls")),
    )


def downgrade() -> None:
    op.drop_table("meeting_polls")
    op.drop_table("meeting_series")

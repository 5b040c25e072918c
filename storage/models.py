"""The schema, as typed SQLAlchemy 2 models. Every row that belongs to users carries its workspace."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    null,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class WorkspaceRow(Base):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    default_locale: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime]


class MemberRow(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_source: Mapped[str | None] = mapped_column(String(16))
    work_start_minute: Mapped[int | None] = mapped_column(Integer)
    work_end_minute: Mapped[int | None] = mapped_column(Integer)
    workdays: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    days_off: Mapped[list[DayOffRow]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="raise",
        order_by="DayOffRow.start_date",
    )


class DayOffRow(Base):
    __tablename__ = "days_off"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    member: Mapped[MemberRow] = relationship(back_populates="days_off", lazy="raise")


class DeliveryRow(Base):
    """The outbox: one row per due send, unique per occurrence so it happens once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("kind", "source_id", "occurrence", name="uq_deliveries_occurrence"),
        Index("ix_deliveries_status_due", "status", "due_at"),
        Index("ix_deliveries_source_due", "source_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(64))
    occurrence: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    owner_user_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class PendingPromptRow(Base):
    """A choice or form waiting for a member's answer; kept so it survives a restart."""

    __tablename__ = "pending_prompts"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class ProcessedEventRow(Base):
    """Platform event ids already handled, so a platform retry is processed once."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    seen_at: Mapped[datetime] = mapped_column(index=True)


class KeyValueRow(Base):
    """Small bits of process state that must survive a restart (the demo clock, for one)."""

    __tablename__ = "key_values"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[dict[str, Any]]


class DeadlineRow(Base):
    """A deadline (for members or a channel) or a personal reminder: an instant, or a rule in a zone."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_workspace_status", "workspace_id", "status"),
                      Index("ix_deadlines_status_planned_until", "status", "planned_until"),
                      Index("ix_deadlines_status_kind_due", "status", "kind", "due_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    creator_user_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime]
    zone: Mapped[str] = mapped_column(String(64))
    rrule: Mapped[str | None] = mapped_column(String(255))
    anchor_local: Mapped[str | None] = mapped_column(String(32))
    leads: Mapped[list[int]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    planned_from: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(64))
    planned_until: Mapped[datetime | None] = mapped_column(onupdate=null())
    """Every send due before this is in the outbox; any other change to the row clears it (re-plan)."""

    assignees: Mapped[list[DeadlineAssigneeRow]] = relationship(
        back_populates="deadline", cascade="all, delete-orphan", lazy="raise",
        order_by="DeadlineAssigneeRow.id",
    )


class DeadlineAssigneeRow(Base):
    __tablename__ = "deadline_assignees"
    __table_args__ = (
        UniqueConstraint("deadline_id", "user_id"),
        Index("ix_deadline_assignees_member", "workspace_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))

    deadline: Mapped[DeadlineRow] = relationship(back_populates="assignees", lazy="raise")


class StandupRow(Base):
    """A standup: who is asked what, on which days, at what time (each member's, or one zone's)."""

    __tablename__ = "standups"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[str] = mapped_column(String(64))
    owner_user_id: Mapped[str] = mapped_column(String(64))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    days: Mapped[str] = mapped_column(String(16))
    prompt_minute: Mapped[int] = mapped_column(Integer)
    time_mode: Mapped[str] = mapped_column(String(16))
    zone: Mapped[str] = mapped_column(String(64))
    report_minute: Mapped[int | None] = mapped_column(Integer)
    nudge_minutes: Mapped[list[int]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    members: Mapped[list[StandupMemberRow]] = relationship(
        back_populates="standup", cascade="all, delete-orphan", lazy="raise", order_by="StandupMemberRow.id",
    )


class StandupMemberRow(Base):
    __tablename__ = "standup_members"
    __table_args__ = (UniqueConstraint("standup_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    standup_id: Mapped[int] = mapped_column(ForeignKey("standups.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))

    standup: Mapped[StandupRow] = relationship(back_populates="members", lazy="raise")


class StandupAnswerRow(Base):
    """One member's answers for one standup day; `step` is where the DM conversation is, so a restart
    mid-conversation neither loses an answer nor asks a question twice."""

    __tablename__ = "standup_answers"
    __table_args__ = (
        UniqueConstraint("standup_id", "day", "user_id"),
        Index("ix_standup_answers_member", "workspace_id", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    standup_id: Mapped[int] = mapped_column(ForeignKey("standups.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    user_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    step: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[list[str]] = mapped_column(JSON)
    skip_reason: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    reported: Mapped[bool] = mapped_column(Boolean, default=False)


class MeetingSeriesRow(Base):
    """A recurring meeting of the same people: the inconvenience each has carried, for fair rotation."""

    __tablename__ = "meeting_series"
    __table_args__ = (UniqueConstraint("workspace_id", "member_key", "minutes"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_key: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the sorted member ids: one series per group of people and length."""
    members: Mapped[list[str]] = mapped_column(JSON)
    minutes: Mapped[int] = mapped_column(Integer)
    tally: Mapped[dict[str, Any]] = mapped_column(JSON)
    """user id → {"minutes": inconvenience carried, "times": meetings outside their hours}."""
    picks: Mapped[list[Any]] = mapped_column(JSON)
    """[start (epoch seconds), {user id: minutes}] for each meeting picked, oldest first."""
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MeetingPollRow(Base):
    """A poll of meeting slots in a channel: votes by member, then the owner's pick."""

    __tablename__ = "meeting_polls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(64))
    conversation_kind: Mapped[str] = mapped_column(String(16))
    owner_user_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    slots: Mapped[list[int]] = mapped_column(JSON)
    members: Mapped[list[str]] = mapped_column(JSON)
    votes: Mapped[dict[str, list[int]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    picked: Mapped[int | None] = mapped_column(Integer)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DmChannelRow(Base):
    """A member's DM channel with the bot: Discord needs its id before a DM, and opening it is a request."""

    __tablename__ = "dm_channels"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

"""Who is speaking and where: immutable platform ids, never display names, as keys."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class ConversationKind(enum.StrEnum):
    DM = "dm"
    CHANNEL = "channel"


@dataclass(frozen=True, kw_only=True)
class WorkspaceRef:
    """A Slack team, a Discord guild or the local shell, by its platform id."""

    platform: str
    workspace_id: str


UNSCOPED = ""
"""Workspace id of an event from a DM that belongs to no one workspace (Discord DMs are outside guilds):
the router resolves it to the member's most recently active workspace on that platform."""


@dataclass(frozen=True, kw_only=True)
class AccountRef:
    """A person on a platform; `user_id` is the platform's immutable id."""

    platform: str
    workspace_id: str
    user_id: str

    @property
    def workspace(self) -> WorkspaceRef:
        return WorkspaceRef(platform=self.platform, workspace_id=self.workspace_id)


@dataclass(frozen=True, kw_only=True)
class ConversationRef:
    """Where a message goes: a member's DM with the bot, or a channel."""

    platform: str
    workspace_id: str
    kind: ConversationKind
    conversation_id: str

    @classmethod
    def dm(cls, account: AccountRef) -> ConversationRef:
        return cls(
            platform=account.platform,
            workspace_id=account.workspace_id,
            kind=ConversationKind.DM,
            conversation_id=account.user_id,
        )


class Role(enum.StrEnum):
    """Ordered permissions: admins come from the platform, managers are granted in Rekan."""

    MEMBER = "member"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"member": 0, "manager": 1, "admin": 2}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


ALL_WEEKDAYS: frozenset[int] = frozenset(range(7))
MON_FRI: frozenset[int] = frozenset(range(5))


@dataclass(frozen=True, kw_only=True)
class WorkingHours:
    """Local shift `[start, end)` in minutes after midnight on `workdays` (0 = Monday).

    `end_minute` may be 1440 (24:00); an end at or before the start means the shift crosses
    midnight and belongs to the day it starts (TIME.md).
    """

    start_minute: int = 9 * 60
    end_minute: int = 17 * 60
    workdays: frozenset[int] = MON_FRI

    @property
    def crosses_midnight(self) -> bool:
        return self.end_minute <= self.start_minute


@dataclass(frozen=True, kw_only=True)
class DayOff:
    start: date
    end: date


@dataclass(frozen=True, kw_only=True)
class Member:
    """Our view of a person in one workspace."""

    id: int
    workspace_pk: int
    account: AccountRef
    display_name: str
    tz: str | None = None
    tz_source: str | None = None
    hours: WorkingHours | None = None
    locale: str | None = None
    country: str | None = None
    role: Role = Role.MEMBER
    days_off: tuple[DayOff, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class Workspace:
    id: int
    ref: WorkspaceRef
    name: str
    default_locale: str = "en"

"""Who is speaking and where: immutable platform ids, never display names, as keys."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, time


class ConversationKind(enum.StrEnum):
    DM = "dm"
    CHANNEL = "channel"


@dataclass(frozen=True, kw_only=True)
class WorkspaceRef:
    """A Slack team, a Discord guild or the local shell, by its platform id."""

    platform: str
    workspace_id: str


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
    """Local wall-clock shift `[start, end)` on `workdays` (0 = Monday); end may be 24:00 or cross midnight."""

    start: time = time(9, 0)
    end_minutes: int = 17 * 60
    workdays: frozenset[int] = MON_FRI

    @property
    def start_minutes(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def crosses_midnight(self) -> bool:
        return self.end_minutes <= self.start_minutes


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

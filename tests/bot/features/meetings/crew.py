"""The distributed team the `/meet` tests talk about, and a way to speak to Rekan in a channel.

The team is the shell demo's (bot/features/profile/demo.py): Ayu in Jakarta (Indonesian), Priya in
Kolkata (10:00–18:30), Jonas in Berlin, Emma in London (08:30–16:30) and Liam in New York, each working
Monday to Friday. In December (no daylight saving time anywhere of theirs) their hours in UTC are:

    Ayu   02:00–10:00      Priya 04:30–13:00      Jonas 08:00–16:00
    Emma  08:30–16:30      Liam  14:00–22:00

so all five never work at the same time, Ayu and Liam never overlap, and "at least 3 of 5" is
08:00–13:00 and 14:00–16:00 UTC.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from bot.clock import ManualClock
from bot.core.actions import Action, AskChoice, Send, Upload
from bot.core.capabilities import SHELL, Capabilities
from bot.core.events import ActionTriggered, CommandInvoked
from bot.core.identity import AccountRef, ConversationKind, ConversationRef, WorkspaceRef
from bot.core.render_text import render_plain
from bot.core.router import Router
from storage.repositories import members as repo
from storage.session import Database

WORKSPACE = "T1"
CHANNEL = "team"
_ids = itertools.count(1)
A = TypeVar("A", Send, AskChoice, Upload)


@dataclass(frozen=True, kw_only=True)
class Mate:
    user_id: str
    name: str
    tz: str | None
    locale: str = "en"
    hours: tuple[int, int] | None = (9 * 60, 17 * 60)
    """Local start and end in minutes; None when they never set any (09:00–17:00 is then assumed)."""
    workdays: Sequence[int] = range(5)
    country: str | None = None


AYU = Mate(user_id="ayu", name="Ayu", tz="Asia/Jakarta", locale="id", country="ID")
PRIYA = Mate(user_id="priya", name="Priya", tz="Asia/Kolkata", hours=(10 * 60, 18 * 60 + 30), country="IN")
JONAS = Mate(user_id="jonas", name="Jonas", tz="Europe/Berlin", country="DE")
EMMA = Mate(user_id="emma", name="Emma", tz="Europe/London", hours=(8 * 60 + 30, 16 * 60 + 30), country="GB")
LIAM = Mate(user_id="liam", name="Liam", tz="America/New_York", country="US")
TEAM = (AYU, PRIYA, JONAS, EMMA, LIAM)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def seed(db: Database, now: datetime, team: Sequence[Mate] = TEAM, workspace: str = WORKSPACE) -> int:
    """The members as their profiles say; returns the workspace's primary key."""
    async with db.session() as s:
        ws = await repo.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id=workspace), now=now)
        for mate in team:
            row = await repo.ensure_member(s, ws.id, mate.user_id, now=now, display_name=mate.name)
            row.tz, row.tz_source, row.locale, row.country = mate.tz, "user" if mate.tz else None, mate.locale, (
                mate.country)
            if mate.hours is not None:
                row.work_start_minute, row.work_end_minute = mate.hours
                row.workdays = repo.encode_workdays(mate.workdays)
        return ws.id


def channel(name: str = CHANNEL, workspace: str = WORKSPACE) -> ConversationRef:
    return ConversationRef(platform="shell", workspace_id=workspace, kind=ConversationKind.CHANNEL,
                           conversation_id=name)


def text_of(actions: Sequence[Action], zone: str = "UTC", locale: str = "en") -> str:
    """Everything said, as plain text (native timestamps shown in `zone`), choices numbered."""
    parts: list[str] = []
    for a in actions:
        if isinstance(a, Send):
            parts.append(render_plain(a.content, zone, locale))
        elif isinstance(a, AskChoice):
            parts.append(render_plain(a.prompt, zone, locale))
            parts.extend(f"{n}. {c.label}" for n, c in enumerate(a.choices, 1))
        elif isinstance(a, Upload):
            parts.append(f"[file {a.filename}]")
    return "\n".join(parts)


@dataclass
class Speaker:
    """Someone typing `/meet …` in #team (or in their DM with Rekan, `in_channel=False`)."""

    router: Router
    clock: ManualClock
    user_id: str
    workspace_id: str = WORKSPACE
    in_channel: bool = True
    caps: Capabilities = SHELL
    last: list[Action] = field(default_factory=list)

    @property
    def account(self) -> AccountRef:
        return AccountRef(platform="shell", workspace_id=self.workspace_id, user_id=self.user_id)

    def _where(self) -> ConversationRef:
        return channel(workspace=self.workspace_id) if self.in_channel else ConversationRef.dm(self.account)

    async def run(self, line: str) -> str:
        """`/meet overlap <@liam>` → the command; returns what Rekan said, as plain text."""
        assert line.startswith("/")
        name, _, rest = line[1:].partition(" ")
        event = CommandInvoked(platform="shell", event_id=f"meet{next(_ids)}", actor=self.account,
                               conversation=self._where(), at=self.clock.now(), name=name, text=rest)
        self.last = await self.router.handle(event, self.caps)
        return text_of(self.last)

    async def click(self, key: str, value: str) -> str:
        """A button under a message (a vote, a pick), pressed by this person."""
        event = ActionTriggered(platform="shell", event_id=f"meet{next(_ids)}", actor=self.account,
                                conversation=self._where(), at=self.clock.now(), key=key, value=value)
        self.last = await self.router.handle(event, self.caps)
        return text_of(self.last)

    def only(self, kind: type[A]) -> A:
        """The one action of a kind among the last answer's (a public post, a poll, an upload)."""
        found = [a for a in self.last if isinstance(a, kind)]
        assert len(found) == 1, self.last
        return found[0]

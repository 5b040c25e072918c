"""Two workspaces with the same kind of team, and people who type in a DM or a channel of either one.

Member ids are 18-digit numbers: valid as Slack user ids and as Discord snowflakes, so both renderers
would turn a deliberate mention of them into a real ping, and the injection checks can tell a ping the
action asked for from one that slipped in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.core.actions import Action
from bot.core.capabilities import SHELL, Capabilities
from bot.core.events import ActionTriggered, CommandInvoked, FormSubmitted, MessageReceived
from bot.core.identity import AccountRef, ConversationKind, ConversationRef, WorkspaceRef
from bot.core.router import Router
from storage.models import Base, StandupRow
from storage.repositories import members as repo
from storage.session import Database
from tests.bot.features.deadlines.team import Harness
from tests.support import Rows, text_of

T1, T2 = "T1", "T2"
CHANNEL = "team"
AYU, PRIYA, LIAM, EMMA = "100000000000000001", "100000000000000002", "100000000000000003", "100000000000000004"
EVE = "100000000000000009"
"""The admin of the second workspace, and only of it."""
NOOR = "100000000000000005"
"""A plain member of the first workspace who is in no standup, poll or deadline."""
NAMES = {AYU: "Ayu", PRIYA: "Priya", LIAM: "Liam", EMMA: "Emma", EVE: "Eve", NOOR: "Noor"}
_ids = itertools.count(1)


@dataclass(frozen=True, kw_only=True)
class Mate:
    user_id: str
    tz: str
    admin: bool = False
    manager: bool = False
    hours: tuple[int, int] = (9 * 60, 17 * 60)


TEAM = (
    Mate(user_id=AYU, tz="Asia/Jakarta", admin=True),
    Mate(user_id=PRIYA, tz="Asia/Kolkata", manager=True, hours=(10 * 60, 18 * 60 + 30)),
    Mate(user_id=LIAM, tz="America/New_York"),
    Mate(user_id=EMMA, tz="Europe/London", hours=(8 * 60 + 30, 16 * 60 + 30)),
    Mate(user_id=NOOR, tz="Africa/Lagos"),
)
TEAM2 = (
    Mate(user_id=EVE, tz="Europe/Berlin", admin=True),
    *TEAM[2:4],
)
"""The second workspace: Eve is its admin; Liam and Emma are members of both (a Discord id is global)."""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def seed(db: Database, now: datetime, team: Sequence[Mate] = TEAM, workspace: str = T1) -> int:
    """The members with zones, hours (Monday to Friday) and roles; returns the workspace's key."""
    async with db.session() as s:
        ws = await repo.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id=workspace), now=now)
        for mate in team:
            row = await repo.ensure_member(s, ws.id, mate.user_id, now=now, display_name=NAMES[mate.user_id],
                                           is_admin=mate.admin)
            row.tz, row.tz_source, row.locale = mate.tz, "user", "en"
            row.work_start_minute, row.work_end_minute = mate.hours
            row.workdays = "01234"
            row.is_manager = mate.manager
        return ws.id


@dataclass
class Actor:
    """Someone typing to Rekan: in their DM with it, or in #team when `in_channel`."""

    router: Router
    clock: ManualClock
    user_id: str
    workspace_id: str = T1
    in_channel: bool = False
    name: str | None = None
    is_admin: bool | None = None
    """What the platform's payload says of the actor's admin rights (None: it says nothing)."""
    caps: Capabilities = SHELL
    last: list[Action] = field(default_factory=list)

    @property
    def account(self) -> AccountRef:
        return AccountRef(platform="shell", workspace_id=self.workspace_id, user_id=self.user_id)

    def where(self) -> ConversationRef:
        if self.in_channel:
            return ConversationRef(platform="shell", workspace_id=self.workspace_id,
                                   kind=ConversationKind.CHANNEL, conversation_id=CHANNEL)
        return ConversationRef.dm(self.account)

    def _base(self) -> dict[str, object]:
        return {"platform": "shell", "event_id": f"sec{next(_ids)}", "actor": self.account,
                "conversation": self.where(), "at": self.clock.now(),
                "actor_name": self.name or NAMES.get(self.user_id, self.user_id), "actor_is_admin": self.is_admin}

    async def _handle(self, event: CommandInvoked | MessageReceived | ActionTriggered | FormSubmitted) -> str:
        self.last = await self.router.handle(event, self.caps)
        return text_of(self.last)

    async def run(self, line: str) -> str:
        """`/deadline done 3` → the command; anything else → a DM. Returns the reply as plain text."""
        if line.startswith("/"):
            name, _, rest = line[1:].partition(" ")
            return await self._handle(CommandInvoked(name=name, text=rest, **self._base()))  # type: ignore[arg-type]
        return await self._handle(MessageReceived(text=line, **self._base()))  # type: ignore[arg-type]

    async def command(self, name: str, subcommand: str | None = None, text: str = "",
                      options: Mapping[str, str | int | bool] | None = None) -> str:
        """A structured command, as Discord sends one (options instead of a line of text)."""
        event = CommandInvoked(name=name, subcommand=subcommand, text=text, options=options,
                               **self._base())  # type: ignore[arg-type]
        return await self._handle(event)

    async def click(self, key: str, value: str) -> str:
        return await self._handle(ActionTriggered(key=key, value=value, **self._base()))  # type: ignore[arg-type]

    async def submit(self, key: str, values: Mapping[str, str]) -> str:
        return await self._handle(FormSubmitted(key=key, values=dict(values), **self._base()))  # type: ignore[arg-type]


def scoped(rows: Rows, workspace_pk: int) -> Rows:
    """The part of a `tests.support.snapshot` that belongs to one workspace (every table but the workspaces
    themselves has a workspace_id)."""
    out: Rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in rows:
            continue
        column = "id" if table.name == "workspaces" else "workspace_id"
        if column not in table.columns:
            continue
        index = list(table.columns.keys()).index(column)
        out[table.name] = [r for r in rows[table.name] if r[index] == workspace_pk]
    return out


@dataclass
class World:
    h: Harness
    t1: int
    t2: int
    deadline: int
    reminder: int
    channel_deadline: int
    standup: int
    poll: int
    series: int
    slot: int
    day: str

    def who(self, user: str, workspace: str = T1, *, in_channel: bool = True,
            is_admin: bool | None = None) -> Actor:
        assert self.h.router is not None
        return Actor(self.h.router, self.h.clock, user, workspace_id=workspace, in_channel=in_channel,
                     is_admin=is_admin)


def _number(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found is not None, text
    return int(found.group(1))


async def build_world(db: Database) -> World:
    """T1 with a deadline for Liam, Liam's own reminder, a #team deadline, a standup Liam answered, a poll
    and a weekly series; T2 with Eve (its admin) and the two members both workspaces share."""
    clock = ManualClock(utc(2026, 11, 30, 0, 0))
    t1 = await seed(db, clock.now())
    t2 = await seed(db, clock.now(), TEAM2, T2)
    h = Harness(db, clock)
    assert h.router is not None
    ayu, liam = Actor(h.router, clock, AYU, in_channel=True), Actor(h.router, clock, LIAM)
    deadline = _number(await ayu.run(f'/deadline add "Secret T1 plan" tomorrow 9am for <@{LIAM}>'), r"#(\d+)")
    reminder = _number(await liam.run("/deadline remind me Secret T1 personal tomorrow 9am"), r"#(\d+)")
    channel_deadline = _number(await ayu.run('/deadline add "Secret T1 channel" tomorrow 9am for #team'),
                               r"#(\d+)")
    await ayu.run(f"/standup new Daily in #team at 09:30 report 17:00 for <@{LIAM}> <@{EMMA}>")
    poll = _number(await ayu.run(f'/meet poll 30m <@{PRIYA}> <@{EMMA}> "Secret T1 sync"'), r"Poll (\d+)")
    await ayu.run(f"/meet suggest 30m <@{PRIYA}> <@{EMMA}> weekly")
    [asked] = [a for a in ayu.last if getattr(a, "key", "").startswith("meet.series:")]
    series = int(asked.key.rpartition(":")[2])  # type: ignore[union-attr]
    slot = int(asked.choices[0].value)  # type: ignore[union-attr]
    await h.advance(timedelta(hours=15))  # Liam is asked at 09:30 in New York
    for said in ("Shipped the T1 migration", "More of it", "none"):
        await liam.run(said)
    async with db.read() as s:
        standup = (await s.execute(select(StandupRow.id))).scalar_one()
    return World(h=h, t1=t1, t2=t2, deadline=deadline, reminder=reminder, channel_deadline=channel_deadline,
                 standup=standup, poll=poll, series=series, slot=slot, day="2026-11-30")


async def attempt(who: Actor, kind: str, what: str) -> str:
    """`run` a command line or DM, `click` "<key> <value>", or submit the form `form` <key> with answers."""
    if kind == "run":
        return await who.run(what)
    if kind == "click":
        key, _, value = what.partition(" ")
        return await who.click(key, value)
    return await who.submit(what, {"q0": "Mine", "q1": "Mine", "q2": "none"})

"""A distributed team for feature tests, and a harness that runs the real planner and dispatcher."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.core.actions import Action, AskChoice, Send, SendResult
from bot.core.identity import AccountRef, ConversationKind, WorkspaceRef
from bot.core.render_text import render_plain
from bot.core.router import Router
from bot.features.deadlines.source import DeadlineSource
from bot.features.standups.compose import composers as standup_composers
from bot.features.standups.source import StandupSource
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.planner import Planner
from bot.scheduling.service import SchedulerService
from storage.repositories import members as repo
from storage.session import Database
from tests.support import Person, make_router

WORKSPACE = "T1"


@dataclass(frozen=True, kw_only=True)
class Teammate:
    user_id: str
    tz: str | None
    locale: str = "en"
    start: int = 9 * 60
    end: int = 17 * 60
    workdays: str = "01234"
    country: str | None = None
    admin: bool = False
    manager: bool = False


TEAM = (
    Teammate(user_id="ayu", tz="Asia/Jakarta", locale="id", admin=True),
    Teammate(user_id="priya", tz="Asia/Kolkata", start=10 * 60, end=18 * 60 + 30, manager=True),
    Teammate(user_id="liam", tz="America/New_York"),
    Teammate(user_id="emma", tz="Europe/London", start=8 * 60 + 30, end=16 * 60 + 30),
    Teammate(user_id="jonas", tz="Europe/Berlin"),
)


async def seed_team(db: Database, now: datetime, team: tuple[Teammate, ...] = TEAM,
                    workspace: str = WORKSPACE) -> int:
    async with db.session() as s:
        ws = await repo.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id=workspace), now=now)
        for t in team:
            row = await repo.ensure_member(s, ws.id, t.user_id, now=now, display_name=t.user_id.title(),
                                           is_admin=t.admin)
            row.tz, row.tz_source, row.locale = t.tz, "user", t.locale
            row.work_start_minute, row.work_end_minute, row.workdays = t.start, t.end, t.workdays
            row.is_manager = t.manager
            row.country = t.country
        return ws.id


def person(router: Router, clock: ManualClock, user_id: str, workspace: str = WORKSPACE) -> Person:
    return Person(router=router, clock=clock, user_id=user_id, workspace_id=workspace,
                  name=user_id.title())


@dataclass(frozen=True, kw_only=True)
class Sent:
    at: datetime
    action: Action

    @property
    def to(self) -> str:
        prefix = "" if self.action.to.kind is ConversationKind.DM else "#"
        return prefix + self.action.to.conversation_id

    @property
    def text(self) -> str:
        if isinstance(self.action, AskChoice):
            return render_plain(self.action.prompt)
        assert isinstance(self.action, Send)
        return render_plain(self.action.content)


@dataclass
class Harness:
    """The real planner, dispatcher and scheduler service on a manual clock; sends are recorded."""

    db: Database
    clock: ManualClock
    grace: dict[str, timedelta] = field(default_factory=lambda: {"reminder": timedelta(hours=2)})
    sent: list[Sent] = field(default_factory=list)
    router: Router | None = None

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.dispatcher = Dispatcher(self.db, self.clock, self, Policies(mapping=self.grace), worker_id="w1",
                                     composers=standup_composers(self.db))
        self.planner = Planner(self.db, self.clock, [DeadlineSource(), StandupSource()])
        self.service = SchedulerService(self.dispatcher, self.planner, self.clock,
                                        planner_interval=timedelta(seconds=60))
        self.router = make_router(self.db, self.clock)

    async def perform(self, action: Action) -> SendResult:
        self.sent.append(Sent(at=self.clock.now(), action=action))
        return SendResult(message_id=f"m{next(self._ids)}")

    async def advance(self, delta: timedelta) -> None:
        await self.service.advance_to(self.clock.now() + delta)

    def to(self, who: str) -> list[Sent]:
        return [s for s in self.sent if s.to == who]

    def who(self, user_id: str) -> Person:
        assert self.router is not None
        return person(self.router, self.clock, user_id)


def account(user_id: str) -> AccountRef:
    return AccountRef(platform="shell", workspace_id=WORKSPACE, user_id=user_id)

"""Builders that make core tests read like transcripts: who said what, and what Rekan answered."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.app import build_router
from bot.clock import ManualClock
from bot.core.actions import Action, AskChoice, Send
from bot.core.capabilities import SHELL, Capabilities
from bot.core.context import Services
from bot.core.events import ActionTriggered, CommandInvoked, MessageReceived
from bot.core.identity import AccountRef, ConversationKind, ConversationRef
from bot.core.render_text import render_plain
from bot.core.router import Router
from bot.scheduling.dispatcher import Dispatcher
from storage.models import Base
from storage.session import Database

_ids = itertools.count(1)


def make_router(db: Database, clock: ManualClock) -> Router:
    return build_router(Services(db=db, clock=clock))


def text_of(actions: Sequence[Action]) -> str:
    parts: list[str] = []
    for a in actions:
        if isinstance(a, Send):
            parts.append(render_plain(a.content))
        elif isinstance(a, AskChoice):
            parts.append(render_plain(a.prompt))
            parts.extend(f"{n}. {c.label}" for n, c in enumerate(a.choices, 1))
    return "\n".join(parts)


@dataclass
class Person:
    """Someone typing to Rekan on one platform and workspace."""

    router: Router
    clock: ManualClock
    user_id: str = "ayu"
    workspace_id: str = "T1"
    platform: str = "shell"
    caps: Capabilities = SHELL
    name: str | None = None
    is_admin: bool | None = None
    platform_tz: str | None = None
    last: list[Action] = field(default_factory=list)

    @property
    def account(self) -> AccountRef:
        return AccountRef(platform=self.platform, workspace_id=self.workspace_id, user_id=self.user_id)

    def _base(self, event_id: str | None) -> dict[str, object]:
        return {"platform": self.platform, "event_id": event_id or f"ev{next(_ids)}",
                "actor": self.account, "conversation": ConversationRef.dm(self.account),
                "at": self.clock.now(), "actor_name": self.name or self.user_id,
                "actor_is_admin": self.is_admin, "actor_tz": self.platform_tz}

    async def run(self, line: str, *, event_id: str | None = None) -> str:
        """`/tz set Jakarta` → a command; anything else → a DM. Returns the reply as plain text."""
        base = self._base(event_id)
        if line.startswith("/"):
            name, _, rest = line[1:].partition(" ")
            event: CommandInvoked | MessageReceived = CommandInvoked(name=name, text=rest, **base)
        else:
            event = MessageReceived(text=line, **base)
        self.last = await self.router.handle(event, self.caps)
        return text_of(self.last)

    async def click(self, key: str, value: str) -> str:
        event = ActionTriggered(key=key, value=value, **self._base(None))
        self.last = await self.router.handle(event, self.caps)
        return text_of(self.last)


def dm_to(user_id: str, platform: str = "shell", workspace_id: str = "T1") -> ConversationRef:
    return ConversationRef(platform=platform, workspace_id=workspace_id, kind=ConversationKind.DM,
                           conversation_id=user_id)


Rows = dict[str, list[tuple[object, ...]]]


async def snapshot(db: Database, *, skip: Sequence[str] = ("processed_events",)) -> Rows:
    """Every row of every table (minus bookkeeping), to show that a refused command changed nothing."""
    out: dict[str, list[tuple[object, ...]]] = {}
    async with db.read() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = (await s.execute(select(table).order_by(*table.primary_key.columns))).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


async def count(db: Database, model: type[Base]) -> int:
    async with db.read() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


async def drain(dispatcher: Dispatcher) -> None:
    """Run dispatch passes until nothing more is claimed (retries that became due included)."""
    while (await dispatcher.run_due()).claimed:
        continue

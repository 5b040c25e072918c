"""Shared test helpers for the outbox: seeded workspaces, planned sends, a recording sender, polling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.core.actions import Action, Send, SendResult
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import MemberRow, WorkspaceRow
from storage.repositories import deliveries as repo
from storage.session import Database

PLATFORM = "shell"
WORKSPACE = "T1"


async def seed_workspace(db: Database, now: datetime, *, external_id: str = WORKSPACE,
                         default_locale: str = "en") -> int:
    async with db.session() as s:
        row = WorkspaceRow(platform=PLATFORM, external_id=external_id, name="Team",
                           default_locale=default_locale, created_at=now)
        s.add(row)
        await s.flush()
        return row.id


async def seed_member(db: Database, workspace_pk: int, user_id: str, now: datetime, *,
                      locale: str | None = None) -> None:
    async with db.session() as s:
        s.add(MemberRow(workspace_id=workspace_pk, user_id=user_id, display_name=user_id, locale=locale,
                        created_at=now, updated_at=now))


def conversation(channel: str = "C1") -> ConversationRef:
    return ConversationRef.dm(AccountRef(platform=PLATFORM, workspace_id=WORKSPACE, user_id=channel))


def planned(workspace_pk: int, source_id: str, due_at: datetime, *, kind: str = "reminder",
            occurrence: str = "o1", owner: str | None = "U1", text: str | None = None,
            to: str = "C1") -> PlannedDelivery:
    action = Send(to=conversation(to), content=Content.text(text or f"message {source_id}"))
    return PlannedDelivery(workspace_pk=workspace_pk, kind=kind, source_id=source_id, occurrence=occurrence,
                           due_at=due_at, action=action, owner_user_id=owner)


async def add(db: Database, items: Iterable[PlannedDelivery], now: datetime) -> int:
    async with db.session() as s:
        return await enqueue(s, list(items), now=now)


async def find(db: Database, **filters: str) -> list[repo.DeliveryRecord]:
    async with db.read() as s:
        return await repo.find(s, **filters)  # type: ignore[arg-type]


def text_of(action: Action) -> str:
    assert isinstance(action, Send)
    return " ".join(
        getattr(inline, "text", "") for block in action.content.blocks
        for inline in getattr(block, "inlines", ())
    )


@dataclass
class RecordingSender:
    """Records every send with the clock's time; `script` maps a message text to errors to raise first."""

    clock: Clock
    script: dict[str, list[Exception]] = field(default_factory=dict)
    sent: list[tuple[Action, datetime]] = field(default_factory=list)
    attempts: int = 0
    on_send: Callable[[Action], None] | None = None

    async def perform(self, action: Action) -> SendResult:
        self.attempts += 1
        errors = self.script.get(text_of(action)) if isinstance(action, Send) else None
        if errors:
            raise errors.pop(0)
        self.sent.append((action, self.clock.now()))
        if self.on_send is not None:
            self.on_send(action)
        return SendResult(message_id=f"m{len(self.sent)}")

    def texts(self) -> list[str]:
        return [text_of(a) for a, _ in self.sent]


async def wait_until(check: Callable[[], Awaitable[bool]], *, within: float = 20.0,
                     interval: float = 0.02) -> None:
    """Bounded polling on a condition (never a bare sleep as synchronisation)."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(interval)

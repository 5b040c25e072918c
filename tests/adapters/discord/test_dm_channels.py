"""A member's DM channel id is opened on Discord once, then kept: in memory, and in the database for the
next process, so the first standup after a restart costs one request a member instead of two."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.discord.dm_channels import DmChannels
from bot.clock import ManualClock
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import UNSCOPED, AccountRef, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import WorkspaceRow
from storage.repositories import dm_channels
from storage.session import Database
from tests.adapters.discord.conftest import start_rekan
from tests.fakes.discord import GUILD_ID, FakeDiscord, dm_channel_id
from tests.support import drain

AYU, PRIYA = 1180000000000000301, 1180000000000000302
OPEN_DM = r"/users/@me/channels"


async def seed_workspace(db: Database, clock: ManualClock) -> int:
    async with db.session() as s:
        ws = WorkspaceRow(platform="discord", external_id=str(GUILD_ID), name="Guild", default_locale="en",
                          created_at=clock.now())
        s.add(ws)
        await s.flush()
        return ws.id


async def plan_dm(db: Database, ws: int, clock: ManualClock, user: int, day: str) -> None:
    to = ConversationRef.dm(AccountRef(platform="discord", workspace_id=str(GUILD_ID), user_id=str(user)))
    async with db.session() as s:
        await enqueue(s, [PlannedDelivery(workspace_pk=ws, kind="standup_prompt", source_id="s1",
                                          occurrence=f"{day}|{user}", due_at=clock.now() - timedelta(seconds=1),
                                          action=Send(to=to, content=Content.text(f"Standup {day}?")))],
                      now=clock.now())


async def run_once(db: Database, fake: FakeDiscord, clock: ManualClock, ws: int, day: str) -> None:
    """One process: start Rekan, deliver both members' prompts of `day`, stop."""
    running = await start_rekan(db, fake, clock)
    try:
        for user in (AYU, PRIYA):
            await plan_dm(db, ws, clock, user, day)
        await drain(running.rekan.dispatcher)
    finally:
        await running.adapter.stop()
        await running.rekan.stop()


async def test_dm_channels_are_stored_and_reused_after_a_restart(db: Database, discord_fake: FakeDiscord,
                                                                 clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock)
    await run_once(db, discord_fake, clock, ws, "2026-11-30")
    assert len(discord_fake.calls_to("POST", OPEN_DM)) == 2  # the first ever: opened once each
    async with db.read() as s:
        stored = {u: await dm_channels.get(s, ws, str(u)) for u in (AYU, PRIYA)}
    assert stored == {u: str(dm_channel_id(u)) for u in (AYU, PRIYA)}
    await run_once(db, discord_fake, clock, ws, "2026-12-01")  # a new process: nothing in memory
    assert len(discord_fake.calls_to("POST", OPEN_DM)) == 2  # none opened again
    for user in (AYU, PRIYA):
        texts = [m["content"] for m in discord_fake.messages_in(dm_channel_id(user))]
        assert texts == ["Standup 2026-11-30?", "Standup 2026-12-01?"]


class CountingOpener:
    """Stands in for Discord's open-DM request: a derived channel id, and a count of calls."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    async def __call__(self, user_id: str) -> str:
        self.opened.append(user_id)
        return f"D{user_id}"


async def test_memory_then_database_then_discord(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock)
    opener = CountingOpener()
    first = DmChannels(db, now=clock.now)
    assert await first.channel(str(GUILD_ID), "7", opener) == "D7"
    assert await first.channel(str(GUILD_ID), "7", opener) == "D7"
    assert opener.opened == ["7"]  # the second time from memory
    async with db.read() as s:
        assert await dm_channels.get(s, ws, "7") == "D7"
    again = DmChannels(db, now=clock.now)  # after a restart: from the database
    assert await again.channel(str(GUILD_ID), "7", opener) == "D7"
    assert opener.opened == ["7"]


async def test_outside_a_known_workspace_the_id_is_kept_in_memory_only(db: Database, clock: ManualClock) -> None:
    opener = CountingOpener()
    store = DmChannels(db, now=clock.now)
    assert await store.channel(UNSCOPED, "8", opener) == "D8"
    assert await store.channel("1180000000000000999", "9", opener) == "D9"  # a guild never seen
    assert await store.channel(UNSCOPED, "8", opener) == "D8"
    assert opener.opened == ["8", "9"]
    async with db.read() as s:
        assert await dm_channels.get(s, 1, "8") is None


class BrokenDatabase(Database):
    """Every transaction fails, as while the database is away."""

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        raise ConnectionResetError("database away")
        yield  # pragma: no cover

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        raise ConnectionResetError("database away")
        yield  # pragma: no cover


async def test_a_database_that_fails_only_costs_the_request_it_would_have_saved(sqlite_url: str) -> None:
    db = BrokenDatabase(sqlite_url)
    try:
        opener = CountingOpener()
        store = DmChannels(db)
        assert await store.channel(str(GUILD_ID), "5", opener) == "D5"
        assert await store.channel(str(GUILD_ID), "5", opener) == "D5"
        assert opener.opened == ["5"]
    finally:
        await db.dispose()

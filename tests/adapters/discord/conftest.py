"""A running Rekan with the Discord adapter: the real discord.py client against a fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest

from adapters.discord.app import DiscordAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import load_settings
from storage.session import Database
from tests.fakes.discord import FakeDiscord, guild

TOKEN = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.fake.discord-token-for-tests"
# discord.py waits 2 s after the last GUILD_CREATE before on_ready; a test has nothing to wait for.
QUICK = {"guild_ready_timeout": 0.05}


@dataclass
class Running:
    rekan: Rekan
    adapter: DiscordAdapter
    fake: FakeDiscord


async def start_rekan(db: Database, fake: FakeDiscord, clock: ManualClock, *, shard_count: int | None = None,
                      **env: str) -> Running:
    settings = load_settings(None, env={"DISCORD_BOT_TOKEN": TOKEN, "REKAN_DATABASE_URL": db.url, **env})
    if shard_count is not None:
        settings = replace(settings, discord=replace(settings.discord, shard_count=shard_count))
    rekan = Rekan(settings, clock=clock, database_url=db.url)
    adapter = DiscordAdapter(rekan, settings, client_options=QUICK)
    await rekan.start()
    await adapter.start()
    return Running(rekan=rekan, adapter=adapter, fake=fake)


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(guilds=[guild()]) as fake:
        yield fake


@pytest.fixture
async def running(db: Database, discord_fake: FakeDiscord, clock: ManualClock) -> AsyncIterator[Running]:
    run = await start_rekan(db, discord_fake, clock)
    try:
        yield run
    finally:
        await run.adapter.stop()
        await run.rekan.stop()

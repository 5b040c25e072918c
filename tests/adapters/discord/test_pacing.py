"""Discord's global limit is paced before discord.py sends, not learned from a 429 each second: every REST
request that counts toward it waits for the adapter's WindowPacer (`discord.global_rate` a second)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any, cast

from discord.http import HTTPClient, Route

from adapters.discord.app import DiscordAdapter, pace_requests
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import load_settings
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.ratelimit import WindowPacer
from storage.models import WorkspaceRow
from storage.session import Database
from tests.adapters.discord.conftest import QUICK, TOKEN
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.support import drain


@dataclass
class FakeTime:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class StubHttp:
    """Stands in for discord.py's HTTPClient: notes when each route was requested."""

    time: FakeTime
    requested: list[tuple[str, float]] = field(default_factory=list)

    async def request(self, route: Route, **kwargs: Any) -> Any:
        self.requested.append((route.path, self.time.now))
        return {"id": "1"}


async def test_requests_that_count_toward_the_global_limit_wait_for_the_pacer() -> None:
    time = FakeTime()
    http = StubHttp(time)
    pace_requests(cast(HTTPClient, http), WindowPacer(2, 1.0, min_gap=0.0, clock_fn=time, sleep=time.sleep))
    message = Route("POST", "/channels/{channel_id}/messages", channel_id=1)
    callback = Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                     interaction_id=1, interaction_token="t")
    for route in (message, message, callback, Route("POST", "/users/@me/channels"), callback, message, message):
        await http.request(route, json={})
    assert [t for _, t in http.requested] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]
    assert [p for p, t in http.requested if p.startswith("/interactions/")] == [callback.path] * 2


async def test_a_burst_at_the_limit_gets_no_429(db: Database, clock: ManualClock) -> None:
    async with FakeDiscord() as fake:
        fake.enforce_rate_limits(global_limit=20)  # a small global limit, so the test takes two seconds
        settings = load_settings(None, env={"DISCORD_BOT_TOKEN": TOKEN, "REKAN_DATABASE_URL": db.url})
        settings = replace(settings, discord=replace(settings.discord, global_rate=19))
        rekan = Rekan(settings, clock=clock, database_url=db.url)
        adapter = DiscordAdapter(rekan, settings, client_options=QUICK)
        await rekan.start()
        await adapter.client.login(TOKEN)
        try:
            await plan_channel_posts(db, clock, 40)
            await drain(rekan.dispatcher)
        finally:
            await adapter.client.close()
            await rekan.stop()
    posts = fake.calls_to("POST", r"/channels/\d+/messages")
    assert len(posts) == 40 and [c.status for c in fake.calls] == [200] * len(fake.calls)


def channel(n: int) -> ConversationRef:
    return ConversationRef(platform="discord", workspace_id=str(GUILD_ID), kind=ConversationKind.CHANNEL,
                           conversation_id=str(1170000000000000000 + n))


async def plan_channel_posts(db: Database, clock: ManualClock, count: int) -> None:
    """`count` reminders due now, each to another channel (so only the global limit binds)."""
    async with db.session() as s:
        ws = WorkspaceRow(platform="discord", external_id=str(GUILD_ID), name="Guild", default_locale="en",
                          created_at=clock.now())
        s.add(ws)
        await s.flush()
        items = [PlannedDelivery(
            workspace_pk=ws.id, kind="reminder", source_id=f"r{n}", occurrence="o", due_at=clock.now(),
            action=Send(to=channel(n), content=Content.text(f"Reminder {n}")))
            for n in range(count)]
        await enqueue(s, items, now=clock.now())

"""The two Discord sender fixes the fault tests called for, one by one: a message nonce that Discord can
deduplicate a repeated send by, and a bound on how long one request may stall."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator

import discord.http
import pytest
from discord.http import HTTPClient

from adapters.discord.sender import DiscordSender
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef
from bot.scheduling.sender import DELIVERY_KEY, TransientSendError
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_api import NONCE_MAX
from tests.faults.platforms import DISCORD_TOKEN
from tests.faults.proxy import DiscordDialect, Fault, FaultPlan, FaultProxy

CHANNEL = 1190000000000000007
SEND = Send(to=ConversationRef(platform="discord", workspace_id="1", kind=ConversationKind.CHANNEL,
                               conversation_id=str(CHANNEL)), content=Content.text("Standup in 5 minutes"))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(patch=False)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@contextlib.contextmanager
def rest_base(url: str) -> Iterator[None]:
    """Point discord.py's REST calls at `url` (a class attribute: put back afterwards)."""
    saved = discord.http.Route.BASE
    discord.http.Route.BASE = url
    try:
        yield
    finally:
        discord.http.Route.BASE = saved


async def _login() -> HTTPClient:
    http = HTTPClient(asyncio.get_running_loop())
    await http.static_login(DISCORD_TOKEN)
    return http


async def test_a_delivery_sent_again_under_its_key_is_posted_once(fake: FakeDiscord) -> None:
    with rest_base(fake.api_url):
        http = await _login()
        sender = DiscordSender(lambda: http)
        try:
            token = DELIVERY_KEY.set("42:reminder:dl-7:2026-11-30")
            try:
                first = await sender.perform(SEND)
                again = await sender.perform(SEND)  # a takeover, or a retry after a lost answer
            finally:
                DELIVERY_KEY.reset(token)
            other = await sender.perform(SEND)  # no key: a fresh nonce, a new message
        finally:
            await http.close()
    assert first.message_id == again.message_id != other.message_id
    assert len(fake.messages_in(CHANNEL)) == 2
    posts = fake.calls_to("POST", rf"/channels/{CHANNEL}/messages")
    assert all(p.json["enforce_nonce"] is True and 0 < len(p.json["nonce"]) <= NONCE_MAX for p in posts)
    assert posts[0].json["nonce"] == posts[1].json["nonce"] != posts[2].json["nonce"]


async def test_a_stalled_request_gives_up_after_the_timeout_as_a_transient_failure(fake: FakeDiscord) -> None:
    async with FaultProxy(lambda: fake.base_url, DiscordDialect(), FaultPlan(1.0, [Fault.TIMEOUT], 1)) as proxy:
        with rest_base(f"{proxy.url_for('w')}/api/v10"):
            http = await _login()
            sender = DiscordSender(lambda: http, timeout=0.5)
            started = time.monotonic()
            try:
                with pytest.raises(TransientSendError):
                    await sender.perform(SEND)
            finally:
                await http.close()
            assert time.monotonic() - started < 10  # not discord.py's 300 s
    assert fake.messages_in(CHANNEL) == []

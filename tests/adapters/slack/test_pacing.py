"""How the Slack adapter paces scheduled sends: its workspace rate is a setting, a 429 pauses the whole
workspace (Slack does not say which limit refused), and every Web API call reuses one HTTP session."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest
from aiohttp import web

from adapters.slack.app import SlackAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import HttpSettings
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import WorkspaceRow
from storage.session import Database
from tests.adapters.slack.conftest import TEAM, slack_settings
from tests.fakes.slack import FakeSlack, rate_limited
from tests.support import drain


@dataclass(frozen=True)
class Seen:
    """One Web API request as the fake saw it: when, from which client port, and whether it was refused."""

    at: float
    port: int
    method: str
    status: int


class WatchedSlack(FakeSlack):
    """The fake Slack, noting the time and the client's TCP port of every Web API request."""

    def __init__(self, **kw: object) -> None:
        super().__init__(team_id=TEAM)
        self.seen: list[Seen] = []

    async def handle_api(self, request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        response = await super().handle_api(request)
        self.seen.append(Seen(time.perf_counter(), int(peer[1]) if peer else 0, request.match_info["method"],
                              response.status))
        return response

    def posts(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "chat.postMessage"]


@pytest.fixture
async def fake() -> AsyncIterator[WatchedSlack]:
    async with WatchedSlack() as fake:
        yield fake


async def start(db: Database, fake: FakeSlack, clock: ManualClock, *,
                workspace_rate: float = 10.0) -> tuple[Rekan, SlackAdapter]:
    settings = slack_settings(db)
    settings = replace(settings, http=HttpSettings(port=0, host="127.0.0.1"),
                       slack=replace(settings.slack, workspace_rate=workspace_rate))
    rekan = Rekan(settings, clock=clock, database_url=db.url)
    adapter = SlackAdapter(rekan, settings, api_url=fake.api_url)
    await rekan.start()
    await adapter.start()
    return rekan, adapter


async def plan_dms(db: Database, clock: ManualClock, count: int) -> None:
    """`count` reminders due now, each to another member's DM (so only the workspace budget binds)."""
    async with db.session() as s:
        ws = WorkspaceRow(platform="slack", external_id=TEAM, name="Acme", default_locale="en",
                          created_at=clock.now())
        s.add(ws)
        await s.flush()
        items = [PlannedDelivery(
            workspace_pk=ws.id, kind="reminder", source_id=f"r{n}", occurrence="o", due_at=clock.now(),
            action=Send(to=ConversationRef.dm(AccountRef(platform="slack", workspace_id=TEAM,
                                                         user_id=f"U{n:05d}")),
                        content=Content.text(f"Reminder {n}")))
            for n in range(count)]
        await enqueue(s, items, now=clock.now())


async def send_all(db: Database, fake: FakeSlack, clock: ManualClock, count: int, **kw: float) -> SlackAdapter:
    rekan, adapter = await start(db, fake, clock, **kw)
    try:
        await plan_dms(db, clock, count)
        await drain(rekan.dispatcher)
    finally:
        await adapter.stop()
        await rekan.stop()
    return adapter


async def test_the_workspace_rate_is_a_setting_and_keeps_under_the_budget(
        db: Database, fake: WatchedSlack, clock: ManualClock) -> None:
    fake.enforce_budget(20.0)  # Slack's budget for this workspace: 20 posts a second
    await send_all(db, fake, clock, 30, workspace_rate=20.0)
    posts = fake.posts()
    assert [p.status for p in posts] == [200] * 30  # not one 429
    assert Counter(str(c.params["text"]) for c in fake.calls_to("chat.postMessage")) == \
        Counter(f"Reminder {n}" for n in range(30))
    assert posts[-1].at - posts[0].at >= 29 / 20 - 0.05  # paced at 20 a second, not faster


async def test_a_429_pauses_every_channel_of_the_workspace_for_its_retry_after(
        db: Database, fake: WatchedSlack, clock: ManualClock) -> None:
    fake.fail_next("chat.postMessage", rate_limited(1))
    await send_all(db, fake, clock, 4, workspace_rate=100.0)
    refused, *accepted = fake.posts()
    assert refused.status == 429 and [p.status for p in accepted] == [200] * 4
    assert min(p.at for p in accepted) - refused.at >= 0.95  # no other DM went out during the Retry-After
    assert len(fake.calls_to("chat.postMessage")) == 5


async def test_every_call_reuses_one_http_session(db: Database, fake: WatchedSlack, clock: ManualClock) -> None:
    rekan, adapter = await start(db, fake, clock, workspace_rate=100.0)
    try:
        session = adapter.bolt.client.session
        assert session is not None and not session.closed
        assert (await adapter.client_for(TEAM)).session is session
        await plan_dms(db, clock, 20)
        await drain(rekan.dispatcher)
    finally:
        await adapter.stop()
        await rekan.stop()
    posts = fake.posts()
    assert len(posts) == 20
    # Without a shared session slack_sdk opens a new connection (a new client port) for every call.
    assert len({p.port for p in posts}) <= rekan.settings.scheduling.dispatch_concurrency
    assert session.closed and adapter.bolt.client.session is None

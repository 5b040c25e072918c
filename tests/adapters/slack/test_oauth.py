"""Many workspaces through Bolt's OAuth flow: installations live in Rekan's database and go on uninstall."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import text

from adapters.slack.app import SlackAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from storage.session import Database
from tests.adapters.slack.conftest import SECRET, TEAM, start_rekan
from tests.bot.scheduling.helpers import wait_until
from tests.fakes.slack import (
    FakeSlack,
    app_uninstalled_event,
    event_callback,
    signed_headers,
    slash_command_body,
    tokens_revoked_event,
)


@pytest.fixture
async def oauth_rekan(db: Database, slack: FakeSlack,
                      clock: ManualClock) -> AsyncIterator[tuple[Rekan, SlackAdapter]]:
    rekan, adapter = await start_rekan(db, slack, clock, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222",
                                       SLACK_CLIENT_SECRET="client-secret")
    try:
        yield rekan, adapter
    finally:
        await adapter.stop()
        await rekan.stop()


async def bots(db: Database) -> list[tuple[str, str]]:
    async with db.read() as s:
        return [(r[0], r[1]) for r in await s.execute(text("SELECT team_id, bot_token FROM slack_bots"))]


async def install(http: aiohttp.ClientSession, base: str) -> None:
    """What a workspace admin's browser does: open the install page, come back from Slack with a code."""
    async with http.get(f"{base}/slack/install") as page:
        assert page.status == 200
        state = re.search(r"state=([\w-]+)", await page.text())
        cookie = page.headers.get("Set-Cookie", "").split(";")[0]
    assert state is not None and cookie.startswith("slack-app-oauth-state=")
    async with http.get(f"{base}/slack/oauth_redirect?code=fake-code&state={state.group(1)}",
                        headers={"Cookie": cookie}) as done:
        assert done.status == 200, await done.text()


async def post_event(http: aiohttp.ClientSession, url: str, event: dict[str, object], event_id: str) -> None:
    body = json.dumps(event_callback(event, team_id=TEAM, event_id=event_id, event_time=int(time.time())))
    async with http.post(url, data=body.encode(),
                         headers={**signed_headers(body, SECRET), "Content-Type": "application/json"}) as r:
        assert r.status == 200


async def test_install_serve_and_uninstall_a_workspace(oauth_rekan: tuple[Rekan, SlackAdapter],
                                                       slack: FakeSlack) -> None:
    rekan, adapter = oauth_rekan
    base = f"http://127.0.0.1:{adapter.port}"
    async with aiohttp.ClientSession() as http:
        await install(http, base)
        assert [c.params.get("code") for c in slack.calls_to("oauth.v2.access")] == ["fake-code"]
        assert await bots(rekan.db) == [(TEAM, slack.oauth_response["access_token"])]

        body = slash_command_body(command="/tz", text="set Asia/Jakarta", user_id="U0AYU", team_id=TEAM,
                                  channel_id="C0GENERAL", response_url=slack.response_url("first"))
        async with http.post(f"{base}/slack/events", data=body.encode(),
                             headers=signed_headers(body, SECRET)) as r:
            assert r.status == 200
        [(_, answer)] = await slack.wait_for_response()
        assert "Asia/Jakarta" in json.dumps(answer)
        assert slack.calls_to("users.info")[-1].token == slack.oauth_response["access_token"]

        await post_event(http, f"{base}/slack/events", app_uninstalled_event(), "Ev0UNINSTALL")
        await wait_until(lambda: _no_bots(rekan.db))


async def test_a_revoked_bot_token_removes_the_installation(oauth_rekan: tuple[Rekan, SlackAdapter],
                                                            slack: FakeSlack) -> None:
    rekan, adapter = oauth_rekan
    base = f"http://127.0.0.1:{adapter.port}"
    async with aiohttp.ClientSession() as http:
        await install(http, base)
        await post_event(http, f"{base}/slack/events", tokens_revoked_event(bot_ids=[slack.bot_user_id]),
                         "Ev0REVOKED")
    await wait_until(lambda: _no_bots(rekan.db))


async def _no_bots(db: Database) -> bool:
    """The listener runs after the ack, so the test polls (bounded) for its effect."""
    return await bots(db) == []

"""A running Rekan with the Slack adapter, talking to a fake Slack on 127.0.0.1 (ports chosen by the OS)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import pytest

from adapters.slack.app import SlackAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import HttpSettings, Settings, load_settings
from storage.session import Database
from tests.fakes.slack import FakeSlack, signed_headers

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1111-2222-rekanfake"
TEAM = "T0TEAM"

USERS: dict[str, dict[str, Any]] = {
    "U0AYU": {"id": "U0AYU", "team_id": TEAM, "name": "ayu", "real_name": "Ayu Lestari", "tz": "Asia/Jakarta",
              "tz_label": "Western Indonesia Time", "tz_offset": 25200, "is_admin": True, "is_owner": True,
              "profile": {"display_name": "ayu", "real_name": "Ayu Lestari"}},
    "U0PRIYA": {"id": "U0PRIYA", "team_id": TEAM, "name": "priya", "real_name": "Priya Sharma",
                "tz": "Asia/Kolkata", "tz_label": "India Standard Time", "tz_offset": 19800, "is_admin": False,
                "profile": {"display_name": "priya", "real_name": "Priya Sharma"}},
    "U0LIAM": {"id": "U0LIAM", "team_id": TEAM, "name": "liam", "real_name": "Liam Walsh",
               "tz": "America/New_York", "tz_label": "Eastern Standard Time", "tz_offset": -18000,
               "is_admin": False, "profile": {"display_name": "liam", "real_name": "Liam Walsh"}},
}


def slack_settings(db: Database, **env: str) -> Settings:
    base = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "REKAN_HTTP_PORT": "0",
            "REKAN_DATABASE_URL": db.url}
    merged = {k: v for k, v in {**base, **env}.items() if v}  # "" removes a default, as unsetting would
    return load_settings(path=None, env=merged)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(team_id=TEAM) as fake:
        fake.users.update(USERS)
        yield fake


@dataclass
class Running:
    """Rekan serving Slack over HTTP, and a way to post to it as Slack would."""

    rekan: Rekan
    adapter: SlackAdapter
    fake: FakeSlack
    http: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}/slack/events"

    async def post(self, body: str, *, headers: Mapping[str, str] | None = None,
                   sign: bool = True) -> aiohttp.ClientResponse:
        sent = dict(signed_headers(body, SECRET)) if sign else {"Content-Type": "application/x-www-form-urlencoded"}
        sent.update(headers or {})
        async with self.http.post(self.url, data=body.encode(), headers=sent) as response:
            await response.read()
            return response

    async def post_json(self, payload: str, **kw: Any) -> tuple[int, str]:
        headers = {**signed_headers(payload, SECRET), "Content-Type": "application/json", **kw}
        async with self.http.post(self.url, data=payload.encode(), headers=headers) as response:
            return response.status, await response.text()


async def start_rekan(db: Database, fake: FakeSlack, clock: ManualClock, **env: str) -> tuple[Rekan, SlackAdapter]:
    settings = replace(slack_settings(db, **env), http=HttpSettings(port=0, host="127.0.0.1"))
    rekan = Rekan(settings, clock=clock, database_url=db.url)
    adapter = SlackAdapter(rekan, settings, api_url=fake.api_url)
    await rekan.start()
    await adapter.start()
    return rekan, adapter


@pytest.fixture
async def running(db: Database, slack: FakeSlack, clock: ManualClock) -> AsyncIterator[Running]:
    rekan, adapter = await start_rekan(db, slack, clock)
    async with aiohttp.ClientSession() as http:
        try:
            yield Running(rekan=rekan, adapter=adapter, fake=slack, http=http)
        finally:
            await adapter.stop()
            await rekan.stop()

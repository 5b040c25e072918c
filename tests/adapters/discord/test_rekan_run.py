"""`rekan run` with Slack and Discord credentials: one process serves both; the Discord CLI tools."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.adapters.discord.conftest import TOKEN
from tests.adapters.slack.conftest import BOT_TOKEN, SECRET, TEAM
from tests.adapters.slack.test_rekan_run import read_until
from tests.fakes.discord import GUILD_ID, FakeDiscord, guild, interaction_command
from tests.fakes.slack import FakeSlack, signed_headers, slash_command_body

pytestmark = pytest.mark.slow
REKAN = Path(sys.executable).with_name("rekan")
_LISTENING = re.compile(r"Slack events at http://[^:]+:(\d+)/slack/events")


def environment(tmp_path: Path, discord_fake: FakeDiscord, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
    env.update(HOME=str(tmp_path), REKAN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}",
               DISCORD_BOT_TOKEN=TOKEN, DISCORD_API_URL=discord_fake.api_url,
               DISCORD_GATEWAY_URL=discord_fake.gateway_url(), **extra)
    return env


def command(*args: str) -> list[str]:
    return [str(REKAN), *args] if REKAN.exists() else [sys.executable, "-m", "bot.cli", *args]


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(guilds=[guild()], patch=False) as fake:
        yield fake


async def test_one_process_serves_slack_and_discord(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    async with FakeSlack(team_id=TEAM) as slack:
        env = environment(tmp_path, discord_fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                          SLACK_API_URL=slack.api_url, REKAN_HTTP_PORT="0")
        process = await asyncio.create_subprocess_exec(*command("run"), env=env, cwd=tmp_path,
                                                       stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.PIPE)
        try:
            found, _ = await read_until(process, _LISTENING)
            await discord_fake.wait_for("PUT", r"/applications/\d+/commands", timeout=30)
            await discord_fake.dispatch("INTERACTION_CREATE", interaction_command(
                "tz", "set", {"zone": "Asia/Jakarta"}, guild_id=GUILD_ID))
            [follow_up] = await discord_fake.wait_for("POST", r"/webhooks/\d+/.+", timeout=30)
            assert "Asia/Jakarta" in json.dumps(follow_up.json)
            body = slash_command_body(command="/tz", text="set Europe/Berlin", user_id="U0AYU", team_id=TEAM,
                                      channel_id="C0GENERAL", response_url=slack.response_url("run"))
            async with aiohttp.ClientSession() as http, http.post(
                    f"http://127.0.0.1:{found.group(1)}/slack/events", data=body.encode(),
                    headers=signed_headers(body, SECRET)) as response:
                assert response.status == 200
            [(_, answer)] = await slack.wait_for_response(timeout=30)
            assert "Europe/Berlin" in json.dumps(answer)
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=30) == 0


async def test_discord_sync_to_a_guild_and_the_invite_url(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    env = environment(tmp_path, discord_fake)
    sync = await asyncio.create_subprocess_exec(*command("discord", "sync", "--guild", str(GUILD_ID)), env=env,
                                                cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(sync.communicate(), timeout=60)
    assert sync.returncode == 0, err.decode()
    assert "/tz" in out.decode() and f"guild {GUILD_ID}" in out.decode()
    assert discord_fake.calls_to("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    invite = await asyncio.create_subprocess_exec(*command("discord", "invite-url"), env=env, cwd=tmp_path,
                                                  stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(invite.communicate(), timeout=60)
    assert invite.returncode == 0, err.decode()
    url = out.decode().splitlines()[0]
    assert url.startswith("https://discord.com/oauth2/authorize?") and "applications.commands" in url
    assert TOKEN not in out.decode() + err.decode()

"""`rekan run` as deployed: Slack credentials in the environment, a real process, a fake Slack."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl

import aiohttp
import pytest

from tests.adapters.slack.conftest import BOT_TOKEN, SECRET, TEAM
from tests.fakes.slack import FakeSlack, signed_headers, slash_command_body

pytestmark = pytest.mark.slow
REKAN = Path(sys.executable).with_name("rekan")
_LISTENING = re.compile(r"Slack events at http://[^:]+:(\d+)/slack/events")


async def start(tmp_path: Path, fake: FakeSlack, **env: str) -> asyncio.subprocess.Process:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
    clean.update(HOME=str(tmp_path), REKAN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}",
                 REKAN_HTTP_PORT="0", SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=BOT_TOKEN, **env)
    command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
    return await asyncio.create_subprocess_exec(*command, "run", env=clean, cwd=tmp_path,
                                                stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)


async def read_until(process: asyncio.subprocess.Process, pattern: re.Pattern[str]) -> tuple[re.Match[str], str]:
    """The log line that says the process is ready (bounded: a silent process fails the test)."""
    assert process.stderr is not None
    seen = ""
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=30)).decode()
        assert line, f"rekan run exited before it was ready:\n{seen}"
        seen += line
        found = pattern.search(line)
        if found:
            return found, seen


async def stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), timeout=30)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(team_id=TEAM) as slack:
        yield slack


async def test_rekan_run_serves_slack_over_http_and_stops_cleanly(tmp_path: Path, fake: FakeSlack) -> None:
    process = await start(tmp_path, fake, SLACK_SIGNING_SECRET=SECRET)
    try:
        found, log = await read_until(process, _LISTENING)
        body = slash_command_body(command="/tz", text="set Asia/Jakarta", user_id="U0AYU", team_id=TEAM,
                                  channel_id="C0GENERAL", response_url=fake.response_url("run"))
        async with aiohttp.ClientSession() as http, http.post(
                f"http://127.0.0.1:{found.group(1)}/slack/events", data=body.encode(),
                headers=signed_headers(body, SECRET)) as response:
            assert response.status == 200
        [(_, answer)] = await fake.wait_for_response()
        assert "Asia/Jakarta" in json.dumps(answer)
    finally:
        code = await stop(process)
    assert code == 0
    assert BOT_TOKEN not in log and SECRET not in log  # secrets never reach a log


async def test_rekan_run_with_an_app_token_uses_socket_mode(tmp_path: Path, fake: FakeSlack) -> None:
    process = await start(tmp_path, fake, SLACK_APP_TOKEN="xapp-1-A0REKAN-1-0123456789")
    try:
        await fake.socket_connected(timeout=30)
        body = dict(parse_qsl(slash_command_body(command="/tz", text="set Europe/Berlin", user_id="U0AYU",
                                                 team_id=TEAM, channel_id="C0GENERAL",
                                                 response_url=fake.response_url("socket"))))
        await fake.send_envelope("slash_commands", body)
        [(_, answer)] = await fake.wait_for_response()
        assert "Europe/Berlin" in json.dumps(answer)
    finally:
        assert await stop(process) == 0

"""Text people type and Rekan echoes never pings anyone: checked on what actually reaches the fake Slack."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from storage.session import Database
from tests.adapters.slack.conftest import TEAM, Running
from tests.fakes.slack import event_callback, message_im_event, slash_command_body


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """Escaping is the adapter's job, not the database's: SQLite alone keeps this corpus quick."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    await database.upgrade()
    yield database
    await database.dispose()


# As Slack delivers them: typed @channel arrives as <!channel>; typed "<!channel>" arrives escaped.
CORPUS = [
    "<!channel> ship it", "<!here>", "<!everyone>", "<@U0LIAM>", "<@U0LIAM|liam>", "<#C0RANDOM|random>",
    "<!subteam^S0DEVS|@devs>", "&lt;!channel&gt;", "&amp;lt;!here&amp;gt;", "&lt;@U0LIAM&gt;",
    "<https://evil.example|click me>", "@channel", "@here",
]
# Tokens Rekan itself may write: a date for each reader's zone, a link it made.
_ALLOWED = re.compile(r"^<!date\^")


def strings(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return [obj] if isinstance(obj, str) else []


def pings(payload: Any) -> list[str]:
    """Every Slack control sequence in everything sent, except Rekan's own date tokens."""
    found = [m.group(0) for s in strings(payload) for m in re.finditer(r"<[!@#][^>]*>", s)]
    return [f for f in found if not _ALLOWED.match(f)]


def unverbatim(payload: Any) -> list[dict[str, Any]]:
    """mrkdwn objects that would let Slack turn a plain '@here' into a ping."""
    if isinstance(payload, dict):
        own = [payload] if payload.get("type") == "mrkdwn" and not payload.get("verbatim") else []
        return own + [o for v in payload.values() for o in unverbatim(v)]
    if isinstance(payload, list):
        return [o for v in payload for o in unverbatim(v)]
    return []


ECHOES = [("/tz", "set {}"), ("/tz", "hours {}"), ("/tz", "off {}"), ("/rekan", "help {}"),
          ("/rekan", "lang {}")]


@pytest.mark.parametrize("typed", CORPUS)
@pytest.mark.parametrize(("command", "template"), ECHOES)
async def test_text_echoed_in_a_refusal_pings_nobody(running: Running, typed: str, command: str,
                                                     template: str) -> None:
    body = slash_command_body(command=command, text=template.format(typed), user_id="U0AYU", team_id=TEAM,
                              channel_id="C0GENERAL", response_url=running.fake.response_url("r"))
    await running.post(body)
    [(_, answer)] = await running.fake.wait_for_response()
    assert pings(answer) == [] and unverbatim(answer) == []
    assert "Example" in json.dumps(answer) or "know" in json.dumps(answer)  # refused, not swallowed


@pytest.mark.parametrize("typed", CORPUS)
async def test_a_dm_with_a_ping_is_answered_without_one(running: Running, typed: str) -> None:
    payload = json.dumps(event_callback(message_im_event(user="U0AYU", text=typed), team_id=TEAM,
                                        event_id=f"Ev{abs(hash(typed))}", event_time=int(time.time())))
    await running.post_json(payload)
    [call] = await running.fake.wait_for("chat.postMessage")
    assert pings(call.params) == [] and unverbatim(call.params) == []

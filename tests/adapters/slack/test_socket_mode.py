"""Slack in Socket Mode: Bolt's AsyncSocketModeHandler connects out to a fake Slack's websocket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import pytest

from adapters.slack.app import SlackAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from storage.session import Database
from tests.adapters.slack.conftest import TEAM, start_rekan
from tests.fakes.slack import FakeSlack, slash_command_body

APP_TOKEN = "xapp-1-A0REKAN-1-0123456789abcdef"


@pytest.fixture
async def socket_rekan(db: Database, slack: FakeSlack,
                       clock: ManualClock) -> AsyncIterator[tuple[Rekan, SlackAdapter]]:
    rekan, adapter = await start_rekan(db, slack, clock, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    try:
        yield rekan, adapter
    finally:
        await adapter.stop()
        await rekan.stop()


async def test_socket_mode_connects_with_the_app_token_and_serves_no_http(
        socket_rekan: tuple[Rekan, SlackAdapter], slack: FakeSlack) -> None:
    _, adapter = socket_rekan
    await slack.socket_connected()
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    assert adapter.port is None  # nothing listens: Socket Mode needs no public URL


async def test_a_slash_command_envelope_is_acknowledged_and_answered(
        socket_rekan: tuple[Rekan, SlackAdapter], slack: FakeSlack) -> None:
    await slack.socket_connected()
    body = dict(parse_qsl(slash_command_body(command="/tz", text="set Europe/Berlin", user_id="U0AYU",
                                             team_id=TEAM, channel_id="C0GENERAL",
                                             response_url=slack.response_url("socket"))))
    ack = await slack.send_envelope("slash_commands", body)
    assert "envelope_id" in ack
    [(name, answer)] = await slack.wait_for_response()
    assert name == "socket" and "Europe/Berlin" in str(answer)

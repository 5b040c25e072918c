"""A standup report full of mention tricks, sent through the real Slack and Discord senders: nobody is
pinged, except the members the owner chose to mention when that option is on."""

from __future__ import annotations

from datetime import date

from adapters.slack.sender import SlackSender
from bot.features.standups.compose import report_send
from tests.adapters.slack.conftest import Running
from tests.adapters.slack.test_injection import pings, unverbatim
from tests.adapters.standup_corpus import answers, members, standup


async def test_on_slack_the_report_pings_nobody(running: Running) -> None:
    record = standup("slack", "T0TEAM", "C0GENERAL")
    send = report_send(record, members("slack", "T0TEAM"), date(2026, 11, 30), answers())
    await SlackSender(running.adapter.client_for).perform(send)
    [call] = running.fake.calls_to("chat.postMessage")
    assert pings(call.params) == [] and unverbatim(call.params) == []


async def test_on_slack_an_opted_in_mention_pings_only_the_silent_member(running: Running) -> None:
    record = standup("slack", "T0TEAM", "C0GENERAL", mention_missing=True)
    send = report_send(record, members("slack", "T0TEAM"), date(2026, 11, 30), answers())
    await SlackSender(running.adapter.client_for).perform(send)
    [call] = running.fake.calls_to("chat.postMessage")
    assert set(pings(call.params)) == {"<@U0LIAM>"}  # in the blocks and in the notification text



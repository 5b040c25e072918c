"""A standup report full of mention tricks, sent through the real Slack and Discord senders: nobody is
pinged, except the members the owner chose to mention when that option is on."""

from __future__ import annotations

from datetime import date

from bot.features.standups.compose import report_send
from tests.adapters.discord.conftest import Running
from tests.adapters.standup_corpus import answers, members, standup
from tests.fakes.discord import CHANNEL_ID, GUILD_ID


async def test_on_discord_the_report_allows_no_mentions(running: Running) -> None:
    record = standup("discord", str(GUILD_ID), str(CHANNEL_ID))
    send = report_send(record, members("discord", str(GUILD_ID)), date(2026, 11, 30), answers())
    await running.adapter.direct.perform(send)
    [call] = running.fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert call.json["allowed_mentions"] == {"parse": [], "users": [], "roles": [], "replied_user": False}

"""A send "in the thread" of Rekan's own message (a late standup answer after the report) replies to it."""

from __future__ import annotations

from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef
from tests.adapters.discord.conftest import Running
from tests.fakes.discord import CHANNEL_ID, GUILD_ID


async def test_a_late_answer_replies_to_the_report(running: Running) -> None:
    general = ConversationRef(platform="discord", workspace_id=str(GUILD_ID), kind=ConversationKind.CHANNEL,
                              conversation_id=str(CHANNEL_ID))
    report = await running.adapter.direct.perform(Send(to=general, content=Content.text("Standup report")))
    assert report.message_id is not None
    await running.adapter.direct.perform(Send(to=general, content=Content.text("Late answer"),
                                              thread=report.message_id))
    late = running.fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")[-1]
    assert late.json["message_reference"] == {"message_id": report.message_id.split(":")[1],
                                              "fail_if_not_exists": False}

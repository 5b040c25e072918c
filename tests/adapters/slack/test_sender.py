"""Each core action as the Slack Web API call it becomes, checked on what the fake Slack received."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from adapters.slack.sender import SlackSender
from adapters.slack.translate_in import SlackReply
from bot.core.actions import Edit, React, Send, Upload, Visibility
from bot.core.content import Content, Paragraph, Text, Timestamp
from bot.core.identity import AccountRef, ConversationKind, ConversationRef
from tests.adapters.slack.conftest import TEAM, Running
from tests.fakes.slack import event_callback, message_im_event

AYU = AccountRef(platform="slack", workspace_id=TEAM, user_id="U0AYU")
GENERAL = ConversationRef(platform="slack", workspace_id=TEAM, kind=ConversationKind.CHANNEL,
                          conversation_id="C0GENERAL")


def sender(running: Running) -> SlackSender:
    return SlackSender(running.adapter.client_for)


async def test_a_channel_post_returns_an_id_that_a_later_edit_and_reaction_use(running: Running) -> None:
    posted = await sender(running).perform(Send(to=GENERAL, content=Content.text("Standup report")))
    assert posted.message_id is not None and posted.message_id.startswith("C0GENERAL:")
    await sender(running).perform(Edit(to=GENERAL, message_id=posted.message_id,
                                       content=Content.text("Standup report (edited)")))
    await sender(running).perform(React(to=GENERAL, message_id=posted.message_id, emoji=":white_check_mark:"))
    [update] = running.fake.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == tuple(posted.message_id.split(":"))
    assert "(edited)" in json.dumps(update.params)
    [reaction] = running.fake.calls_to("reactions.add")
    assert reaction.params["name"] == "white_check_mark"


async def test_instants_are_slack_date_tokens_so_each_reader_sees_their_own_time(running: Running) -> None:
    due = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    content = Content(blocks=(Paragraph(inlines=(Text(text="Due "), Timestamp(instant=due))),))
    await sender(running).perform(Send(to=ConversationRef.dm(AYU), content=content))
    [call] = running.fake.calls_to("chat.postMessage")
    assert f"<!date^{int(due.timestamp())}^" in json.dumps(call.params)
    assert call.params["channel"] == "U0AYU"  # a DM goes to the member's conversation with the app


async def test_a_reply_in_a_thread_stays_in_the_thread(running: Running) -> None:
    event = message_im_event(user="U0AYU", text="hello?", channel="D0DM")
    event["thread_ts"] = "1764468000.000100"
    body = json.dumps(event_callback(event, team_id=TEAM, event_id="Ev0THREAD", event_time=int(time.time())))
    await running.post_json(body)
    [call] = await running.fake.wait_for("chat.postMessage")
    assert call.params["thread_ts"] == "1764468000.000100"


async def test_a_long_message_is_split_into_several_posts_in_order(running: Running) -> None:
    paragraphs = tuple(Paragraph(inlines=(Text(text=f"line {i} " + "x" * 2900),)) for i in range(60))
    await sender(running).perform(Send(to=GENERAL, content=Content(blocks=paragraphs)))
    calls = running.fake.calls_to("chat.postMessage")
    assert len(calls) >= 2
    blocks = [b for c in calls for b in (c.params["blocks"] if isinstance(c.params["blocks"], list)
                                         else json.loads(c.params["blocks"]))]
    assert all(len(json.loads(c.params["blocks"]) if isinstance(c.params["blocks"], str)
                   else c.params["blocks"]) <= 50 for c in calls)
    firsts = [b["text"]["text"].split(" ")[1] for b in blocks if b["text"]["text"].startswith("line ")]
    assert firsts == [str(i) for i in range(60)]


async def test_a_file_goes_to_the_members_dm(running: Running) -> None:
    data = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    await sender(running).perform(Upload(to=ConversationRef.dm(AYU), filename="standup.ics", data=data,
                                         mime_type="text/calendar", comment=Content.text("Your standup")))
    [stored] = running.fake.files.values()
    assert stored["data"] == data
    assert running.fake.calls_to("conversations.open")[0].params["users"] == "U0AYU"


async def test_an_ephemeral_answer_outside_a_slash_command_whispers_to_its_user(running: Running) -> None:
    reply = SlackReply(team_id=TEAM, user_id="U0AYU", channel_id="C0GENERAL")
    await sender(running).perform(Send(to=GENERAL, content=Content.text("only you"), reply_handle=reply,
                                       visibility=Visibility.EPHEMERAL))
    [call] = running.fake.calls_to("chat.postEphemeral")
    assert (call.params["channel"], call.params["user"]) == ("C0GENERAL", "U0AYU")


async def test_a_send_in_the_thread_of_rekans_own_message_uses_that_messages_ts(running: Running) -> None:
    """A late standup answer follows the report: the thread is named by the report's Rekan message id."""
    report = await sender(running).perform(Send(to=GENERAL, content=Content.text("Standup report")))
    assert report.message_id is not None
    await sender(running).perform(Send(to=GENERAL, content=Content.text("Late answer"), thread=report.message_id))
    late = running.fake.calls_to("chat.postMessage")[-1]
    assert late.params["thread_ts"] == report.message_id.split(":")[1]

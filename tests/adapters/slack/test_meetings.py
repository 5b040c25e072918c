"""`/meet` on Slack end to end: signed requests into real slack-bolt, slack_sdk calling a fake Slack.

What a Slack member sees: the shared-hours grid in the channel (and its picture as a PNG upload), one
instant shown to everyone in their own zone, and a poll the channel votes on whose owner picks the time
and gets a calendar invitation. The clock is the suite's manual one (Saturday 28 November 2026, 08:00
UTC): Ayu speaks from Jakarta, Priya is in Kolkata, Liam in New York, Lena in Berlin.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from adapters.slack.render import CHOICE_BLOCK_PREFIX, CHOICE_SELECT_ACTION
from storage.models import MeetingPollRow
from tests.adapters.slack.conftest import TEAM, Running
from tests.adapters.slack.test_injection import pings, unverbatim
from tests.fakes.slack import UPLOAD, Call, block_actions_payload, form_payload_body, slash_command_body
from tests.fakes.slack_api import as_json

CHANNEL = "C0GENERAL"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PICTURE_COMMENT = "Working hours on Monday, 30 November 2026: the highlighted band is the shared time."
FRIDAY_3PM_IN_JAKARTA = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
TUESDAY_SLOT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
"""The poll's second time: 16:30 in Jakarta, 15:00 in Kolkata, 04:30 in New York."""
POLL = 'poll 30m <@U0PRIYA|priya> <@U0LIAM|liam> "Sprint review"'
"""Mentions as Slack escapes them in a slash command's text: `<@id|name>`."""


@pytest.fixture(autouse=True)
def general(running: Running) -> None:
    """#general holds Ayu, Priya, Liam and Rekan itself (conversations.members, two a page); Lena, in
    Berlin, is in the workspace but not in #general."""
    running.fake.add_user("U0LENA", "lena", tz="Europe/Berlin")
    running.fake.channels[CHANNEL] = {"members": ["UBOT", "U0AYU", "U0PRIYA", "U0LIAM"], "is_member": True}


async def meet(running: Running, text: str, *, name: str, user: str = "U0AYU",
               command: str = "/meet") -> dict[str, Any]:
    """Type `/meet …` in #general and wait for the answer on the command's own response_url."""
    before = len(running.fake.responses)
    body = slash_command_body(command=command, text=text, user_id=user, team_id=TEAM, channel_id=CHANNEL,
                              response_url=running.fake.response_url(name))
    assert (await running.post(body)).status == 200
    await running.fake.wait_for_response(count=before + 1)
    return dict(running.fake.responses)[name]


async def used_rekan_once(running: Running, *users: str) -> None:
    """Each of them has run `/tz` once, so Rekan knows them (zones seeded from their Slack profiles)."""
    for user in users:
        await meet(running, "", name=f"tz-{user}", user=user, command="/tz")


def shown(message: dict[str, Any]) -> str:
    """What a member reads: the message's section and context texts, one block a line."""
    lines = []
    for block in as_json(message["blocks"]):
        if "text" in block:
            lines.append(block["text"]["text"])
        lines += [e["text"] for e in block.get("elements", []) if block["type"] == "context"]
    return "\n".join(lines)


def choice_block(message: dict[str, Any]) -> dict[str, Any]:
    """The actions block under the message; its block_id carries the choice's key."""
    [block] = [b for b in as_json(message["blocks"]) if b["type"] == "actions"]
    assert block["block_id"].startswith(CHOICE_BLOCK_PREFIX)
    return dict(block)


def offered(message: dict[str, Any]) -> dict[str, str]:
    """What the message offers, label → value (buttons or one menu, as Slack would draw them)."""
    out: dict[str, str] = {}
    for element in choice_block(message)["elements"]:
        if element["type"] == "button":
            out[element["text"]["text"]] = element["value"]
        else:
            assert element["type"] == "static_select"
            out |= {o["text"]["text"]: o["value"] for o in element["options"]}
    return out


async def choose(running: Running, message: dict[str, Any], value: str, *, user: str,
                 answer: str | None = None, ephemeral: bool = False) -> dict[str, Any] | None:
    """Press the button (or pick the menu option) with `value`, as Slack posts the block_actions payload;
    with `answer`, wait for Rekan's reply on the payload's response_url and return it."""
    block = choice_block(message)
    element = next(e for e in block["elements"] if e["type"] == "static_select" or e.get("value") == value)
    picked: dict[str, Any] = {"action_id": element["action_id"], "block_id": block["block_id"]}
    if element["type"] == "static_select":
        assert element["action_id"] == CHOICE_SELECT_ACTION
        picked["selected_option"] = next(o for o in element["options"] if o["value"] == value)
    else:
        picked["value"] = value
    before = len(running.fake.responses)
    payload = block_actions_payload(**picked, user_id=user, team_id=TEAM, channel_id=CHANNEL,
                                    is_ephemeral=ephemeral,
                                    response_url=running.fake.response_url(answer or "unanswered"))
    assert (await running.post(form_payload_body(payload))).status == 200
    if answer is None:
        return None
    await running.fake.wait_for_response(count=before + 1)
    return dict(running.fake.responses)[answer]


def posted_to(running: Running, channel: str) -> list[Call]:
    return [c for c in running.fake.calls_to("chat.postMessage")
            if not c.failed and c.params.get("channel") == channel]


async def test_overlap_shows_the_grid_in_a_code_block_and_uploads_its_picture(running: Running) -> None:
    answer = await meet(running, "overlap <@U0PRIYA|priya> <@U0LENA|lena> on Monday", name="overlap")
    assert answer["response_type"] == "in_channel"  # for the whole channel, not only Ayu
    said = shown(answer)
    assert "Shared working hours of ayu, priya, lena:" in said
    assert "Monday, 30 November 2026 — 2 hours shared" in said
    assert ("ayu 15:00–17:00 (UTC+07:00) · priya 13:30–15:30 (UTC+05:30) · lena 09:00–11:00 (UTC+01:00)"
            in said)
    [grid] = [b["text"]["text"] for b in answer["blocks"] if b["text"]["text"].startswith("```")]
    assert grid.endswith("```") and "\nayu " in grid and "\nlena " in grid
    assert "shared    15:00–17:00 WIB" in grid
    # Users named in the command got their zones from Slack's users.info, without ever talking to Rekan.
    assert {c.params["user"] for c in running.fake.calls_to("users.info")} >= {"U0PRIYA", "U0LENA"}

    [completed] = await running.fake.wait_for("files.completeUploadExternal")
    [asked] = running.fake.calls_to("files.getUploadURLExternal")
    [uploaded] = running.fake.calls_to(UPLOAD)
    assert completed.failed is None and asked.failed is None and uploaded.failed is None
    assert asked.params["filename"] == "overlap-2026-11-30.png"
    [picture] = running.fake.files.values()
    assert picture["data"].startswith(PNG_SIGNATURE) and int(asked.params["length"]) == len(picture["data"])
    assert picture["channels"] == [CHANNEL]
    assert picture["initial_comment"] == PICTURE_COMMENT


async def test_time_is_one_public_message_with_a_native_timestamp_and_everyones_local_time(
        running: Running) -> None:
    await used_rekan_once(running, "U0PRIYA", "U0LIAM")
    answer = await meet(running, "time Friday 3pm", name="time")
    assert answer["response_type"] == "in_channel"
    [head, people] = [b["text"]["text"] for b in answer["blocks"]]
    epoch = int(FRIDAY_3PM_IN_JAKARTA.timestamp())
    assert head == (f"*Friday 3pm* (said by ayu) is <!date^{epoch}^{{date_long_pretty}} {{time}}|"
                    "2026-12-04 08:00 UTC> for you. For everyone here:")
    assert people.splitlines() == [
        "• ayu (Asia/Jakarta): Friday, 4 December 2026, 15:00 WIB",
        "• priya (Asia/Kolkata): Friday, 4 December 2026, 13:30 IST",
        "• liam (America/New_York): Friday, 4 December 2026, 03:00 EST (outside working hours)",
    ]
    assert "2026-12-04 08:00 UTC" in answer["text"]  # the notification shows the date token's fallback
    assert [c.params["channel"] for c in running.fake.calls_to("conversations.members")] == [CHANNEL, CHANNEL]
    assert len(running.fake.responses) == 3 and running.fake.calls_to("chat.postMessage") == []  # one answer


async def test_time_lists_channel_members_who_never_talked_to_rekan(running: Running) -> None:
    """Priya and Liam never used Rekan: their zones come from Slack's users.info, as for /meet overlap."""
    answer = await meet(running, "time Friday 3pm", name="time")
    assert "• priya (Asia/Kolkata): Friday, 4 December 2026, 13:30 IST" in shown(answer)
    assert "• liam (America/New_York): Friday, 4 December 2026, 03:00 EST" in shown(answer)


async def test_a_poll_is_voted_on_in_the_channel_and_its_owner_picks_the_time(running: Running) -> None:
    poll = await meet(running, POLL, name="poll")
    assert poll["response_type"] == "in_channel"
    said = shown(poll)
    assert "Poll 1: Sprint review, 30 minutes, set up by ayu. Vote for every time that suits you:" in said
    epoch = int(TUESDAY_SLOT.timestamp())
    assert f"2. <!date^{epoch}^" in said
    assert "ayu Tuesday 16:30 · priya Tuesday 15:00 · liam Tuesday 04:30" in said
    assert choice_block(poll)["block_id"] == CHOICE_BLOCK_PREFIX + "meet.poll:1"
    assert offered(poll) == {"Vote 1": "vote:1", "Vote 2": "vote:2", "Vote 3": "vote:3", "Vote 4": "vote:4",
                             "Pick (owner)": "pick"}  # four times and Pick: five buttons, never a menu

    voted = await choose(running, poll, "vote:2", user="U0PRIYA", answer="priya-voted")
    assert voted is not None and voted["response_type"] == "ephemeral"  # only Priya sees her vote
    assert "You voted for 2 (Tuesday, 1 December 2026, 15:00 IST)." in shown(voted)
    assert "1: 0 vote(s) · 2: 1 vote(s) · 3: 0 vote(s)" in shown(voted)

    refused = await choose(running, poll, "pick", user="U0PRIYA", answer="priya-picks")
    assert refused is not None and refused["response_type"] == "ephemeral"
    assert shown(refused).strip() == "Only the person who set up the poll picks the time."

    asked = await choose(running, poll, "pick", user="U0AYU", answer="ayu-picks")
    assert asked is not None and asked["response_type"] == "ephemeral"
    assert "Which time for poll 1?" in shown(asked)
    choices = offered(asked)
    assert list(choices.values()) == ["pick:1", "pick:2", "pick:3", "pick:4"]
    assert "Tuesday, 1 December 2026, 16:30 WIB (1 vote(s))" in choices  # in Ayu's zone, with the votes
    assert all(e["type"] == "button" for e in choice_block(asked)["elements"])

    await choose(running, asked, "pick:2", user="U0AYU", ephemeral=True)
    await running.fake.wait_for("chat.postMessage")
    [result] = posted_to(running, CHANNEL)  # a message of its own in #general, for everyone
    assert pings(result.params) == [] and unverbatim(result.params) == []
    posted = shown(result.params)
    assert f"Sprint review is set: <!date^{epoch}^" in posted and ", 30 minutes. Local times:" in posted
    assert "• priya: Tuesday, 1 December 2026, 15:00 IST" in posted
    assert "• liam: Tuesday, 1 December 2026, 04:30 EST" in posted

    [completed] = await running.fake.wait_for("files.completeUploadExternal")
    assert completed.failed is None
    [asked_upload] = running.fake.calls_to("files.getUploadURLExternal")
    assert asked_upload.params["filename"] == "meeting-1.ics"  # Slack takes the type from the name
    [invitation] = running.fake.files.values()
    assert invitation["channels"] == [CHANNEL] and invitation["initial_comment"] == (
        "Calendar invitation for Sprint review.")
    calendar = Calendar.from_ical(invitation["data"])
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Sprint review"
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"  # the owner's wall time, kept by calendars
    starts = event.decoded("DTSTART")
    assert starts == TUESDAY_SLOT and starts.utcoffset() == timedelta(hours=7)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    async with running.rekan.db.read() as s:
        row = (await s.execute(select(MeetingPollRow))).scalar_one()
    assert (row.status, row.picked, row.votes) == ("closed", 2, {"U0PRIYA": [2]})

    late = await choose(running, poll, "vote:1", user="U0LIAM", answer="liam-late")
    assert late is not None and shown(late).strip() == "Poll 1 is closed."


async def test_pressing_a_vote_again_takes_it_back(running: Running) -> None:
    poll = await meet(running, POLL, name="poll")
    await choose(running, poll, "vote:3", user="U0LIAM", answer="voted")
    again = await choose(running, poll, "vote:3", user="U0LIAM", answer="unvoted")
    assert again is not None and again["response_type"] == "ephemeral"
    assert "You took back your vote for 3 (Wednesday, 2 December 2026, 04:30 EST)." in shown(again)
    assert "3: 0 vote(s)" in shown(again)


async def test_the_poll_offers_buttons_as_its_hint_says(running: Running) -> None:
    poll = await meet(running, POLL, name="poll")
    assert "Buttons vote (press again to take a vote back)" in shown(poll)
    assert {e["type"] for e in choice_block(poll)["elements"]} == {"button"}


async def test_names_that_look_like_pings_are_shown_in_time_without_pinging(running: Running) -> None:
    """A display name is the member's own text: `<!channel>` or `@here` in it must stay words."""
    running.fake.add_user("U0CHAN", "chan", display_name="<!channel>", tz="Asia/Singapore")
    running.fake.add_user("U0HERE", "here", display_name="@here", tz="Australia/Sydney")
    running.fake.channels[CHANNEL]["members"] += ["U0CHAN", "U0HERE"]
    await used_rekan_once(running, "U0CHAN", "U0HERE")
    answer = await meet(running, "time Friday 3pm", name="time")
    sent = json.dumps(answer)
    assert "<!channel>" not in sent and "<!here>" not in sent and "<!everyone>" not in sent
    assert pings(answer) == [] and unverbatim(answer) == []  # only the date token; Slack guesses nothing
    said = shown(answer)
    # Escaped for Slack, which shows it to readers exactly as the member typed it.
    assert "&lt;!channel&gt; (Asia/Singapore): Friday, 4 December 2026, 16:00 UTC+08:00" in said
    assert "@here (Australia/Sydney): Friday, 4 December 2026, 19:00 AEDT (outside working hours)" in said

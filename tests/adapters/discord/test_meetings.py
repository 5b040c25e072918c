"""`/meet` on Discord end to end: the real discord.py client, a fake Discord, and the core behind it.

What a Discord member sees: the shared-hours grid posted in the channel with its picture attached, one
instant shown to everyone in their own zone, and a poll the channel votes on whose owner picks the time
and gets a calendar invitation. Discord profiles carry no time zone, so each member sets theirs with
`/tz set` first. The clock is the suite's manual one (Saturday 28 November 2026, 08:00 UTC).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from adapters.discord.render import parse_choice
from storage.models import MeetingPollRow
from tests.adapters.discord.conftest import Running
from tests.adapters.discord.test_end_to_end import DEFERRED, strings
from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    OWNER_ID,
    Call,
    FakeDiscord,
    guild,
    interaction_command,
    interaction_component,
    member,
    user,
)

AYU, PRIYA, LIAM, LENA = 1180000000000000310, 1180000000000000311, 1180000000000000312, 1180000000000000313
EVERYONE, HERE = 1180000000000000314, 1180000000000000315
"""Members whose chosen display names are `@everyone` and `@here`."""
NAMES = {AYU: "ayu", PRIYA: "priya", LIAM: "liam", LENA: "lena", EVERYONE: "everyone", HERE: "here"}
ZONES = {AYU: "Asia/Jakarta", PRIYA: "Asia/Kolkata", LIAM: "America/New_York", LENA: "Europe/Berlin",
         EVERYONE: "Asia/Singapore", HERE: "Australia/Sydney"}
NO_PINGS = {"parse": [], "users": [], "roles": [], "replied_user": False}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PICTURE_COMMENT = "Working hours on Monday, 30 November 2026: the highlighted band is the shared time."
FRIDAY_3PM_IN_JAKARTA = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
TUESDAY_SLOT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
"""The poll's second time: 16:30 in Jakarta, 15:00 in Kolkata, 04:30 in New York."""
CHANNEL_POSTS = rf"/channels/{CHANNEL_ID}/messages"
FOLLOW_UPS = r"/webhooks/\d+/.+"


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    """A server whose #general every member can see (listing members needs the Server Members intent)."""
    people = [member(user(uid, NAMES[uid])) for uid in (AYU, PRIYA, LIAM, LENA)]
    async with FakeDiscord(guilds=[guild(members=people, owner_id=OWNER_ID)]) as fake:
        yield fake


def display(interaction: dict[str, Any], name: str) -> dict[str, Any]:
    """The member's display name as Discord sends it (the builder would title-case the username)."""
    interaction["member"]["user"]["global_name"] = name
    return interaction


async def slash(running: Running, who: int, name: str, sub: str, options: dict[str, Any],
                *, shown_as: str | None = None) -> dict[str, Any]:
    """A slash command in #general; returns it once Discord got its deferral and Rekan finished with it."""
    interaction = display(interaction_command(name, sub, options, guild_id=GUILD_ID, user_id=who,
                                              username=NAMES[who]), shown_as or NAMES[who])
    await running.fake.dispatch("INTERACTION_CREATE", interaction)
    await answered(running, interaction)
    return interaction


async def answered(running: Running, interaction: dict[str, Any]) -> None:
    """Rekan is done with an interaction: it followed up, or cleared the deferred 'thinking…' message."""
    token = interaction["token"]
    await running.fake.wait_until(lambda: any(
        token in c.path and (c.method == "DELETE" or (c.method == "POST" and c.path.startswith("/webhooks/")))
        for c in running.fake.calls), f"an answer to interaction {interaction['id']}")


async def zones_set(running: Running, *people: int, names: dict[int, str] | None = None) -> None:
    """Each of them has run `/tz set` with their zone, once."""
    for who in people:
        await slash(running, who, "tz", "set", {"zone": ZONES[who]}, shown_as=(names or {}).get(who))


def follow_ups(running: Running, interaction: dict[str, Any]) -> list[dict[str, Any]]:
    return [c.json for c in running.fake.calls_to("POST", FOLLOW_UPS) if interaction["token"] in c.path]


def posts(running: Running) -> list[Call]:
    return [c for c in running.fake.calls_to("POST", CHANNEL_POSTS) if not c.failed]


def offered(message: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each value offered → (the component's custom_id, its label), buttons and select options alike."""
    out: dict[str, tuple[str, str]] = {}
    for row in message["components"]:
        for component in row["components"]:
            if component["type"] == 2:
                picked = parse_choice(component["custom_id"], [])
                assert picked is not None
                out[picked[1]] = (component["custom_id"], component["label"])
            else:
                assert component["type"] == 3
                out |= {o["value"]: (component["custom_id"], o["label"]) for o in component["options"]}
    return out


async def choose(running: Running, message: dict[str, Any], value: str, *, who: int) -> dict[str, Any]:
    """Press the button (or pick the menu option) offering `value` on one of Rekan's messages."""
    custom_id, _ = offered(message)[value]
    is_button = custom_id.startswith("rc|")
    click = interaction_component(custom_id, 2 if is_button else 3, None if is_button else [value],
                                  message=running.fake.messages[int(message["id"])], guild_id=GUILD_ID,
                                  user_id=who, username=NAMES[who])
    await running.fake.dispatch("INTERACTION_CREATE", display(click, NAMES[who]))
    await answered(running, click)
    return click


async def test_overlap_posts_the_grid_in_the_channel_with_its_picture_attached(running: Running) -> None:
    await zones_set(running, AYU, PRIYA, LENA)
    asked = await slash(running, AYU, "meet", "overlap", {"details": f"<@{PRIYA}> <@{LENA}> on Monday"})
    [deferred] = [c for c in running.fake.callbacks if c.token == asked["token"]]
    assert deferred.type == DEFERRED  # within Discord's 3 seconds, before the core runs

    [text, upload] = posts(running)  # both in #general, for everyone: no ephemeral follow-up
    assert text.json["allowed_mentions"] == NO_PINGS and not text.json.get("flags")
    content = text.json["content"]
    assert "Shared working hours of ayu, priya, lena:" in content
    assert "Monday, 30 November 2026 — 2 hours shared" in content
    assert ("ayu 15:00–17:00 (UTC+07:00) · priya 13:30–15:30 (UTC+05:30) · lena 09:00–11:00 (UTC+01:00)"
            in content)
    grid = content[content.index("```"):]
    assert grid.startswith("```\nWIB ") and grid.rstrip().endswith("```")
    assert "shared    15:00–17:00 WIB" in grid

    [(filename, data)] = upload.files  # multipart: payload_json and files[0]
    assert filename == "overlap-2026-11-30.png" and data.startswith(PNG_SIGNATURE)
    assert upload.json["attachments"] == [{"id": 0, "filename": "overlap-2026-11-30.png"}]
    assert upload.json["content"] == PICTURE_COMMENT
    assert upload.json["allowed_mentions"] == NO_PINGS
    [stored] = running.fake.messages_in(CHANNEL_ID)[-1]["attachments"]
    assert stored["filename"] == filename and stored["size"] == len(data)
    # The deferred "thinking…" answer is cleared: nothing private was left to say.
    assert any(c.method == "DELETE" and asked["token"] in c.path for c in running.fake.calls)


async def test_time_is_one_message_with_a_discord_timestamp_and_everyones_local_time(
        running: Running) -> None:
    await zones_set(running, AYU, PRIYA, LIAM, LENA)
    await slash(running, AYU, "meet", "time", {"when": "Friday 3pm"})
    [message] = posts(running)
    content = message.json["content"]
    epoch = int(FRIDAY_3PM_IN_JAKARTA.timestamp())
    assert content.splitlines() == [
        f"**Friday 3pm** (said by ayu) is <t:{epoch}:F> for you. For everyone here:",
        "- ayu (Asia/Jakarta): Friday, 4 December 2026, 15:00 WIB",
        "- priya (Asia/Kolkata): Friday, 4 December 2026, 13:30 IST",
        r"- liam (America/New\_York): Friday, 4 December 2026, 03:00 EST (outside working hours)",
        "- lena (Europe/Berlin): Friday, 4 December 2026, 09:00 CET",
    ]
    assert message.json["allowed_mentions"] == NO_PINGS
    assert running.fake.calls_to("GET", rf"/guilds/{GUILD_ID}/members")  # who is in #general, from Discord


async def test_time_lists_a_member_who_never_used_rekan_as_having_no_zone(running: Running) -> None:
    """Discord profiles carry no zone: Priya, Liam and Lena see they should set one."""
    await zones_set(running, AYU)
    await slash(running, AYU, "meet", "time", {"when": "Friday 3pm"})
    [message] = posts(running)
    assert message.json["content"].splitlines()[1:] == [
        "- ayu (Asia/Jakarta): Friday, 4 December 2026, 15:00 WIB", "- Priya: no time zone set",
        "- Liam: no time zone set", "- Lena: no time zone set"]


async def test_a_poll_is_voted_on_in_the_channel_and_its_owner_picks_the_time(running: Running) -> None:
    await zones_set(running, AYU, PRIYA, LIAM)
    await slash(running, AYU, "meet", "poll", {"details": f'30m <@{PRIYA}> <@{LIAM}> "Sprint review"'})
    [posted] = posts(running)
    [poll] = [m for m in running.fake.messages_in(CHANNEL_ID) if m["components"]]  # as stored, with its id
    content = poll["content"]
    epoch = int(TUESDAY_SLOT.timestamp())
    assert "Poll 1: Sprint review, 30 minutes, set up by ayu. Vote for every time that suits you:" in content
    assert (f"2. <t:{epoch}:F> — 2 of 3 in working hours: ayu Tuesday 16:30 · priya Tuesday 15:00 · "
            "liam Tuesday 04:30") in content
    choices = offered(poll)
    assert {value: label for value, (_, label) in choices.items()} == {
        "vote:1": "Vote 1", "vote:2": "Vote 2", "vote:3": "Vote 3", "vote:4": "Vote 4",
        "pick": "Pick (owner)"}  # four times and Pick: five buttons, never a select menu
    assert posted.json["allowed_mentions"] == NO_PINGS

    vote = await choose(running, poll, "vote:2", who=PRIYA)
    [voted] = follow_ups(running, vote)
    assert voted["flags"] == 64  # only Priya sees it
    assert voted["content"].splitlines() == ["You voted for 2 (Tuesday, 1 December 2026, 15:00 IST).",
                                             "1: 0 vote(s) · 2: 1 vote(s) · 3: 0 vote(s) · 4: 0 vote(s)"]

    not_hers = await choose(running, poll, "pick", who=PRIYA)
    [refused] = follow_ups(running, not_hers)
    assert refused["flags"] == 64
    assert refused["content"] == "Only the person who set up the poll picks the time."

    pick = await choose(running, poll, "pick", who=AYU)
    [asked] = follow_ups(running, pick)
    assert asked["flags"] == 64 and asked["content"] == "Which time for poll 1?"
    times = offered(asked)
    assert list(times) == ["pick:1", "pick:2", "pick:3", "pick:4"]
    custom_id, label = times["pick:2"]
    assert custom_id == "rc|meet.poll:1|pick:2" and label == "Tuesday, 1 December 2026, 16:30 WIB (1 vote(s))"

    stored = next(m for m in running.fake.messages.values() if m["content"] == "Which time for poll 1?")
    before = len(posts(running))
    await choose(running, stored, "pick:2", who=AYU)
    await running.fake.wait_for("POST", CHANNEL_POSTS, count=before + 2)
    result, invitation = posts(running)[before:]
    assert result.json["allowed_mentions"] == NO_PINGS and not result.json.get("flags")
    assert result.json["content"].splitlines() == [
        f"Sprint review is set: <t:{epoch}:F>, 30 minutes. Local times:",
        "- ayu: Tuesday, 1 December 2026, 16:30 WIB",
        "- priya: Tuesday, 1 December 2026, 15:00 IST",
        "- liam: Tuesday, 1 December 2026, 04:30 EST",
    ]

    [(filename, data)] = invitation.files
    assert filename == "meeting-1.ics"
    assert invitation.json["content"] == "Calendar invitation for Sprint review."
    assert invitation.json["attachments"] == [{"id": 0, "filename": "meeting-1.ics"}]
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Sprint review"
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"  # the owner's wall time, kept by calendars
    starts = event.decoded("DTSTART")
    assert starts == TUESDAY_SLOT and starts.utcoffset() == timedelta(hours=7)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    async with running.rekan.db.read() as s:
        row = (await s.execute(select(MeetingPollRow))).scalar_one()
    assert (row.status, row.picked, row.votes) == ("closed", 2, {str(PRIYA): [2]})

    late = await choose(running, poll, "vote:1", who=LIAM)
    [closed] = follow_ups(running, late)
    assert closed["flags"] == 64 and closed["content"] == "Poll 1 is closed."


async def test_the_poll_offers_buttons_as_its_hint_says(running: Running) -> None:
    await zones_set(running, AYU, PRIYA, LIAM)
    await slash(running, AYU, "meet", "poll", {"details": f'30m <@{PRIYA}> <@{LIAM}> "Sprint review"'})
    [posted] = posts(running)
    assert "Buttons vote (press again to take a vote back)" in posted.json["content"]
    assert {c["type"] for row in posted.json["components"] for c in row["components"]} == {2}


async def test_display_names_like_everyone_and_here_never_ping(running: Running) -> None:
    people = running.fake.guilds[GUILD_ID]["members"]
    people += [member(running.fake.add_user(user(uid, NAMES[uid]))) for uid in (EVERYONE, HERE)]
    await zones_set(running, AYU, EVERYONE, HERE, names={EVERYONE: "@everyone", HERE: "@here"})
    await slash(running, AYU, "meet", "time", {"when": "Friday 3pm"})
    await slash(running, AYU, "meet", "overlap", {"details": f"<@{EVERYONE}> <@{HERE}> on Monday"})
    sent = [c for c in running.fake.calls_to("POST", r"/(webhooks|channels)/.+") if c.json]
    assert len(posts(running)) == 3  # the time, the overlap and its picture
    assert all(c.json["allowed_mentions"] == NO_PINGS for c in sent)  # nobody, no role, no @everyone
    said = " ".join(s for c in sent for s in strings(c.json.get("content")))
    assert "@everyone" not in said and "@here" not in said  # and the text itself is defused
    assert "@\u200beveryone (Asia/Singapore): Friday, 4 December 2026, 16:00 UTC+08:00" in said
    assert "@\u200bhere (Australia/Sydney)" in said

"""`/meet overlap`, `/meet suggest` and `/meet time` as the team types them in #team.

The team (crew.py) is the shell demo's five: Ayu in Jakarta (Indonesian), Priya in Kolkata, Jonas in
Berlin, Emma in London and Liam in New York. Unless a test moves it, it is Tuesday 1 December 2026, 06:00
UTC. Replies are read as plain text with native timestamps shown in UTC.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import cast

import pytest

from adapters.discord import render as discord
from adapters.slack import render as slack
from bot.clock import ManualClock
from bot.core.actions import AskChoice, Send, Upload, Visibility
from bot.core.content import BulletList, CodeBlock, Content, Mention, Paragraph, Text, Timestamp
from bot.core.context import Context
from bot.core.identity import ConversationKind
from bot.core.router import Router
from bot.features.deadlines.parse import read_targets
from bot.features.meetings import people
from storage.session import Database
from tests.bot.features.meetings.crew import TEAM, Mate, Speaker, seed, utc
from tests.support import make_router, snapshot

NOOR = Mate(user_id="noor", name="Noor", tz=None)                       # never set a zone
OMAR = Mate(user_id="omar", name="Omar", tz="Asia/Dubai", hours=None)   # never set working hours
PNG = b"\x89PNG\r\n\x1a\n"


def who(router: Router, clock: ManualClock, user_id: str, *, in_channel: bool = True) -> Speaker:
    return Speaker(router=router, clock=clock, user_id=user_id, in_channel=in_channel)


def inlines(content: Content) -> list[object]:
    found: list[object] = []
    for block in content.blocks:
        if isinstance(block, Paragraph):
            found += block.inlines
        elif isinstance(block, BulletList):
            found += [i for item in block.items for i in item.inlines]
    return found


# --- /meet overlap ------------------------------------------------------------------------------------


async def test_overlap_of_four_lists_the_shared_interval_in_utc_and_each_local_time(
        router: Router, clock: ManualClock) -> None:
    emma = who(router, clock, "emma")
    reply = await emma.run("/meet overlap <@ayu> <@priya> <@jonas>")
    lines = reply.splitlines()
    assert lines[:3] == [
        "Shared working hours of Emma, Ayu, Priya, Jonas:",
        "Tuesday, 1 December 2026 — 1 hour 30 minutes shared",
        "• *08:30–10:00 UTC* (1 hour 30 minutes): Emma 08:30–10:00 (UTC) · Ayu 15:30–17:00 (UTC+07:00) · "
        "Priya 14:00–15:30 (UTC+05:30) · Jonas 09:30–11:00 (UTC+01:00)",
    ]
    post = emma.only(Send)
    assert post.visibility is Visibility.PUBLIC


async def test_at_least_3_of_5_shows_who_works_in_each_stretch(router: Router, clock: ManualClock) -> None:
    """All five never work at once (Jakarta and New York do not overlap); three of them do, twice a day."""
    emma = who(router, clock, "emma")
    reply = await emma.run("/meet overlap <@ayu> <@priya> <@jonas> <@liam> at least 3")
    assert reply.splitlines()[:6] == [
        "When at least 3 of 5 work (Emma, Ayu, Priya, Jonas, Liam):",
        "Tuesday, 1 December 2026 — 7 hours shared",
        "• *08:00–08:30 UTC* (30 minutes): Ayu 15:00–15:30 (UTC+07:00) · Priya 13:30–14:00 (UTC+05:30) · "
        "Jonas 09:00–09:30 (UTC+01:00) (3 of 5 working)",
        "• *08:30–10:00 UTC* (1 hour 30 minutes): Emma 08:30–10:00 (UTC) · Ayu 15:30–17:00 (UTC+07:00) · "
        "Priya 14:00–15:30 (UTC+05:30) · Jonas 09:30–11:00 (UTC+01:00) (4 of 5 working)",
        "• *10:00–13:00 UTC* (3 hours): Emma 10:00–13:00 (UTC) · Priya 15:30–18:30 (UTC+05:30) · "
        "Jonas 11:00–14:00 (UTC+01:00) (3 of 5 working)",
        "• *14:00–16:00 UTC* (2 hours): Emma 14:00–16:00 (UTC) · Jonas 15:00–17:00 (UTC+01:00) · "
        "Liam 09:00–11:00 (UTC-05:00) (3 of 5 working)",
    ]


async def test_the_whole_team_has_no_shared_hours_and_says_so(router: Router, clock: ManualClock) -> None:
    """In #team with no one named, everyone in the channel is compared."""
    reply = await who(router, clock, "liam").run("/meet overlap")
    assert reply.splitlines()[:2] == ["Shared working hours of Liam, Ayu, Emma, Jonas, Priya:",
                                      "Tuesday, 1 December 2026 — no shared working hours"]


async def test_overlap_comes_with_a_text_grid_and_a_png(router: Router, clock: ManualClock) -> None:
    emma = who(router, clock, "emma")
    await emma.run("/meet overlap <@ayu> <@jonas> at least 2")
    post = emma.only(Send)
    [grid] = [b for b in post.content.blocks if isinstance(b, CodeBlock)]
    rows = grid.text.splitlines()
    assert rows[0].startswith("GMT ")                       # the axis in the reader's zone
    assert [r.split()[0] for r in rows[2:6]] == ["Emma", "Ayu", "Jonas", "shared"]
    upload = emma.only(Upload)
    assert upload.mime_type == "image/png" and upload.data.startswith(PNG)
    assert upload.filename == "overlap-2026-12-01.png"
    assert upload.to == post.to


async def test_members_without_a_zone_are_left_out_by_name_and_assumed_hours_are_said(
        db: Database, clock: ManualClock) -> None:
    await seed(db, clock.now(), (*TEAM, NOOR, OMAR))
    emma = who(make_router(db, clock), clock, "emma")
    reply = await emma.run("/meet overlap <@jonas> <@noor> <@omar>")
    assert reply.splitlines()[0] == "Shared working hours of Emma, Jonas, Omar:"
    assert "No time zone yet for Noor, so they are left out. Ask them to set one: `/tz set Jakarta`." in reply
    assert ("Omar: no working hours set, so 09:00–17:00 Monday to Friday is assumed. "
            "They can set theirs with `/tz hours 9-17`.") in reply
    assert "Tuesday, 1 December 2026 — 4 hours 30 minutes shared" in reply  # Omar's 09–17 Dubai: 05–13 UTC


async def test_one_person_with_a_zone_is_not_enough(db: Database, clock: ManualClock) -> None:
    await seed(db, clock.now(), (*TEAM, NOOR))
    reply = await who(make_router(db, clock), clock, "emma").run("/meet overlap <@noor>")
    assert reply.splitlines() == [
        "No time zone yet for Noor, so they are left out. Ask them to set one: `/tz set Jakarta`.",
        "At least two of these people need a time zone before there is anything to compare.",
    ]


async def test_this_week_has_a_heading_per_day_in_indonesian_for_ayu(router: Router, clock: ManualClock) -> None:
    reply = await who(router, clock, "ayu").run("/meet overlap <@priya> <@jonas> <@emma> minggu ini")
    headings = [line for line in reply.splitlines() if " — " in line and not line.startswith("•")]
    assert headings == [
        "Selasa, 1 Desember 2026 — 1 jam 30 menit bersama",
        "Rabu, 2 Desember 2026 — 1 jam 30 menit bersama",
        "Kamis, 3 Desember 2026 — 1 jam 30 menit bersama",
        "Jumat, 4 Desember 2026 — 1 jam 30 menit bersama",
        "Sabtu, 5 Desember 2026 — tidak ada jam kerja bersama",
        "Minggu, 6 Desember 2026 — tidak ada jam kerja bersama",
    ]
    assert reply.splitlines()[0] == "Jam kerja bersama Ayu, Priya, Jonas, Emma:"
    assert "• *08.30–10.00 UTC* (1 jam 30 menit): Ayu 15.30–17.00 (UTC+07:00)" in reply


@pytest.mark.parametrize("line", ["/meet <@jonas>", "/meet irisan <@jonas>", "/meet bersama <@jonas>"])
async def test_overlap_is_the_default_and_has_indonesian_names(router: Router, clock: ManualClock,
                                                               line: str) -> None:
    reply = await who(router, clock, "emma").run(line)
    assert reply.startswith("Shared working hours of Emma, Jonas:\nTuesday, 1 December 2026 — 7 hours 30 minutes")


# --- /meet suggest -------------------------------------------------------------------------------------


async def test_suggest_offers_three_to_five_slots_with_everyones_local_time(router: Router,
                                                                            clock: ManualClock) -> None:
    emma = who(router, clock, "emma")
    reply = await emma.run("/meet suggest 30m")
    post = emma.only(Send)
    assert post.visibility is Visibility.PUBLIC
    [slots] = [b for b in post.content.blocks if isinstance(b, BulletList)]
    assert 3 <= len(slots.items) <= 5 and slots.numbered
    assert reply.splitlines()[0] == ("Best times for 30 minutes with Emma, Ayu, Jonas, Liam, Priya "
                                     "(each time shows in your own zone):")
    assert reply.splitlines()[1] == (
        "1. Tuesday, 1 December 2026, 09:30 UTC — 4 of 5 in working hours: Emma Tuesday 09:30 · "
        "Ayu Tuesday 16:30 · Jonas Tuesday 10:30 · Liam Tuesday 04:30 (4 hours 30 minutes outside working "
        "hours) · Priya Tuesday 15:00")
    for item in slots.items:
        assert isinstance(item.inlines[0], Timestamp)  # each reader sees it in their own zone
        text = "".join(i.text for i in item.inlines if isinstance(i, Text))
        assert all(name in text for name in ("Emma", "Ayu", "Jonas", "Liam", "Priya"))


async def test_suggest_within_a_range_in_indonesian(router: Router, clock: ManualClock) -> None:
    reply = await who(router, clock, "ayu").run("/meet saran 1h <@jonas> <@emma> pada Kamis")
    assert reply.splitlines() == [
        "Waktu terbaik untuk 1 jam bersama Ayu, Jonas, Emma (setiap waktu tampil di zona Anda sendiri):",
        "1. Thursday, 3 December 2026, 08:30 UTC — 3 dari 3 dalam jam kerja: Ayu Kamis 15.30 · "
        "Jonas Kamis 09.30 · Emma Kamis 08.30",
        "2. Thursday, 3 December 2026, 09:30 UTC — 2 dari 3 dalam jam kerja: Ayu Kamis 16.30 (30 menit di luar "
        "jam kerja) · Jonas Kamis 10.30 · Emma Kamis 09.30",
    ]


async def test_suggest_warns_of_the_clock_changes_in_late_october(db: Database) -> None:
    """Monday 26 October 2026: London went back on the 25th, New York goes back on 1 November. Wednesday is
    more than three days from both."""
    clock = ManualClock(utc(2026, 10, 26, 6, 0))
    await seed(db, clock.now())
    emma = who(make_router(db, clock), clock, "emma")
    lines = (await emma.run("/meet suggest 30m <@liam>")).splitlines()[1:]
    assert len(lines) == 5
    london = "⚠ clocks in Europe/London go back 1 hour on Sunday, 25 October 2026, 01:00 GMT"
    assert lines[0].startswith("1. Monday, 26 October 2026, 13:00 UTC") and lines[0].endswith(london)
    assert lines[4].startswith("5. Wednesday, 28 October 2026") and "⚠" not in lines[4]
    friday = (await emma.run("/meet suggest 30m <@liam> on Friday")).splitlines()[1]
    assert friday.startswith("1. Friday, 30 October 2026, 13:00 UTC")
    assert friday.endswith("⚠ clocks in America/New_York go back 1 hour on Sunday, 1 November 2026, 01:00 EST")


async def test_suggest_at_least_k_keeps_k_in_hours(router: Router, clock: ManualClock) -> None:
    reply = await who(router, clock, "emma").run("/meet suggest 30m <@ayu> <@jonas> <@liam> at least 3")
    slots = [line for line in reply.splitlines() if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert slots and all(" — 3 of 4 in working hours" in s for s in slots)


@pytest.mark.parametrize(("line", "reason", "example"), [
    ("/meet suggest 9h <@ayu>", "“9h” is not a meeting length. Write it like `30m`, `1h` or `1h30m` "
                                "(5 minutes to 8 hours).", "/meet suggest 30m @ayu @liam within next week"),
    ("/meet suggest abc <@ayu>", "“abc” is not a meeting length.", "/meet suggest"),
    ("/meet suggest 30m <@ayu> at least 3", "“At least 3” needs a number from 1 to 2 (the people with a "
                                            "time zone).", "/meet suggest 30m @ayu @liam within next week"),
    ("/meet overlap <@ayu> <@liam> at least 4", "“At least 4” needs a number from 1 to 3", "/meet overlap"),
    ("/meet suggest 30m <@ghost>", "I don't know @ghost yet", "/meet "),
    ("/meet poll 30m <@ayu> <@ghost>", "I don't know @ghost yet", "/meet "),
    ("/meet suggest 30m <@ayu> blah", "I did not understand “blah”. Name people with @, a channel with #.",
     "/meet suggest"),
    ("/meet suggest 30m <@ayu> on Fridya", "I could not read the day “Fridya”.", "/meet suggest"),
    ("/meet suggest 30m <@ayu> within 40 days", "That is too many days; at most 31.", "/meet suggest"),
    ("/meet poll 0m <@ayu>", "“0m” is not a meeting length.", "/meet poll 30m @ayu @liam"),
])
async def test_mistakes_get_a_short_reason_and_an_example_and_store_nothing(
        router: Router, clock: ManualClock, db: Database, line: str, reason: str, example: str) -> None:
    emma = who(router, clock, "emma")
    before = await snapshot(db)
    reply = await emma.run(line)
    first, second = reply.splitlines()
    assert first.startswith(reason)
    assert second.startswith("Example: `" + example)
    assert emma.only(Send).visibility is Visibility.EPHEMERAL
    assert await snapshot(db) == before


@pytest.mark.parametrize("line", ["/meet suggest 30m me", "/meet overlap me", "/meet poll 30m me"])
async def test_only_one_person_is_not_a_meeting(router: Router, clock: ManualClock, db: Database,
                                                line: str) -> None:
    """Naming only yourself is not a meeting (and `me` names someone, so the channel is not taken)."""
    emma = who(router, clock, "emma", in_channel=False)
    before = await snapshot(db)
    reply = await emma.run(line)
    assert reply.splitlines()[0] == "Name at least one other person (or a #channel), or run it in a channel."
    assert reply.splitlines()[1].startswith("Example: `/meet ")
    assert await snapshot(db) == before


@pytest.mark.parametrize(("platform", "kind", "everyone"), [
    ("slack", ConversationKind.CHANNEL, True),
    ("discord", ConversationKind.CHANNEL, True),
    ("slack", ConversationKind.DM, False),  # in a direct message nobody else is there unless named
    ("discord", ConversationKind.DM, False),
    ("shell", ConversationKind.DM, True),  # the shell is one terminal for the whole team
])
def test_with_no_one_named_the_people_where_it_was_typed_are_meant(platform: str, kind: ConversationKind,
                                                                    everyone: bool) -> None:
    event = SimpleNamespace(platform=platform, conversation=SimpleNamespace(kind=kind))
    ctx = cast(Context, SimpleNamespace(event=event))
    assert people._here(ctx, read_targets("")) is everyone
    assert people._here(ctx, read_targets("me")) is False


# --- /meet time -----------------------------------------------------------------------------------------


async def test_time_posts_one_instant_for_everyone_in_the_channel(db: Database, clock: ManualClock) -> None:
    await seed(db, clock.now(), (*TEAM, NOOR))
    emma = who(make_router(db, clock), clock, "emma")
    reply = await emma.run("/meet time Friday 3pm")
    assert reply.splitlines() == [
        "*Friday 3pm* (said by Emma) is Friday, 4 December 2026, 15:00 UTC for you. For everyone here:",
        "• Emma (Europe/London): Friday, 4 December 2026, 15:00 GMT",
        "• Ayu (Asia/Jakarta): Friday, 4 December 2026, 22:00 WIB (outside working hours)",
        "• Jonas (Europe/Berlin): Friday, 4 December 2026, 16:00 CET",
        "• Liam (America/New_York): Friday, 4 December 2026, 10:00 EST",
        "• Noor: no time zone set",
        "• Priya (Asia/Kolkata): Friday, 4 December 2026, 20:30 IST (outside working hours)",
    ]
    post = emma.only(Send)
    assert post.visibility is Visibility.PUBLIC and post.to.conversation_id == "team"
    [stamp] = [i for i in inlines(post.content) if isinstance(i, Timestamp)]
    assert stamp.instant == utc(2026, 12, 4, 15, 0)


async def test_time_in_indonesian_with_a_named_zone(router: Router, clock: ManualClock) -> None:
    """`besok jam 10 WITA`: 10:00 in Makassar time tomorrow is 09:00 in Jakarta, 02:00 UTC."""
    ayu = who(router, clock, "ayu")
    reply = await ayu.run("/meet waktu besok jam 10 WITA")
    assert reply.splitlines()[1:] == [
        "• Ayu (Asia/Jakarta): Rabu, 2 Desember 2026 pukul 09.00 WIB",
        "• Emma (Europe/London): Rabu, 2 Desember 2026 pukul 02.00 GMT (di luar jam kerja)",
        "• Jonas (Europe/Berlin): Rabu, 2 Desember 2026 pukul 03.00 CET (di luar jam kerja)",
        "• Liam (America/New_York): Selasa, 1 Desember 2026 pukul 21.00 EST (di luar jam kerja)",
        "• Priya (Asia/Kolkata): Rabu, 2 Desember 2026 pukul 07.30 IST (di luar jam kerja)",
    ]
    assert reply.startswith("*besok jam 10 WITA* (kata Ayu) adalah ")
    [stamp] = [i for i in inlines(ayu.only(Send).content) if isinstance(i, Timestamp)]
    assert stamp.instant == utc(2026, 12, 2, 2, 0)


async def test_an_ambiguous_time_asks_and_the_answer_is_posted(router: Router, clock: ManualClock) -> None:
    """"next Friday" said on a Tuesday: this week's (4 December) or next week's (11 December)?"""
    emma = who(router, clock, "emma")
    reply = await emma.run("/meet time next Friday 3pm")
    ask = emma.only(AskChoice)
    assert reply.splitlines() == ["Which time did you mean?",
                                  "1. Friday, 4 December 2026, 15:00 GMT (15:00 UTC)",
                                  "2. Friday, 11 December 2026, 15:00 GMT (15:00 UTC)"]
    assert ask.visibility is Visibility.EPHEMERAL
    reply = await emma.click(ask.key, ask.choices[1].value)
    assert reply.splitlines()[0] == ("Emma means Friday, 11 December 2026, 15:00 UTC (shown in your own zone). "
                                     "For everyone here:")
    assert emma.only(Send).visibility is Visibility.PUBLIC


@pytest.mark.parametrize(("line", "reason"), [
    ("/meet time", "Say which time to show."),
    ("/meet time every Friday at 3pm", "That is a repeating time; give one moment, like `Friday 3pm`."),
    ("/meet time blorp", 'I could not read a time from "blorp".'),
])
async def test_time_refuses_what_is_not_one_moment(router: Router, clock: ManualClock, line: str,
                                                   reason: str) -> None:
    emma = who(router, clock, "emma")
    reply = await emma.run(line)
    assert reply.splitlines()[0].startswith(reason)
    assert reply.splitlines()[1] == "Example: `/meet time Friday 3pm`"
    assert emma.only(Send).visibility is Visibility.EPHEMERAL


async def test_time_on_a_public_holiday_is_outside_working_hours(db: Database) -> None:
    """Thursday 26 November 2026 is Thanksgiving in the US: `/meet overlap` already shows Liam off."""
    clock = ManualClock(utc(2026, 11, 24, 15, 0))
    await seed(db, clock.now())
    liam = who(make_router(db, clock), clock, "liam")
    assert "no shared working hours" in await liam.run("/meet overlap <@emma> on Thursday")
    reply = await liam.run("/meet time Thursday 11am")
    assert "• Liam (America/New_York): Thursday, 26 November 2026, 11:00 EST (outside working hours)" in reply


# --- names never ping ------------------------------------------------------------------------------------


async def test_display_names_that_look_like_mentions_never_ping(db: Database, clock: ManualClock) -> None:
    """Members named `@everyone`, `<!channel>` and `<@U0123> @here` take part in every /meet answer; on
    Slack and Discord they show as typed and notify no one."""
    evil = (Mate(user_id="e1", name="@everyone", tz="Europe/London"),
            Mate(user_id="e2", name="<!channel>", tz="Asia/Jakarta"),
            Mate(user_id="e3", name="<@U0123> @here", tz="Europe/Berlin"))
    await seed(db, clock.now(), (*TEAM, *evil))
    emma = who(make_router(db, clock), clock, "emma")
    answers = []
    for line in ("/meet overlap <@e1> <@e2> <@e3>", "/meet suggest 30m <@e1> <@e2> <@e3>",
                 "/meet time Friday 3pm", '/meet poll 30m <@e1> <@e2> <@e3> "<!here> sync @everyone"',
                 "/meet pick 1 1"):
        await emma.run(line)
        answers += [a for a in emma.last if isinstance(a, Send | AskChoice)]
    assert len(answers) == 5
    for action in answers:
        content = action.content if isinstance(action, Send) else action.prompt
        assert not any(isinstance(i, Mention) for i in inlines(content))
        if isinstance(action, Send):
            assert action.ping == ()
            slack_out = [json.dumps(m.blocks) + m.text for m in slack.render_content(content, ping=action.ping)]
            discord_out = discord.render_content(content, ping=action.ping)
        else:
            slack_out = [json.dumps(slack.render_choice(action).blocks)]
            discord_out = [discord.render_choice(action)]
        for text in slack_out:
            for token in ("<!channel>", "<!here>", "<!everyone>", "<@U0123>"):
                assert token not in text
        for message in discord_out:
            assert "@everyone" not in message.content and "@here" not in message.content
            assert "<@U0123>" not in message.content
            assert message.allowed_mentions == {"parse": [], "users": [], "roles": [], "replied_user": False}
        plain = json.dumps(slack_out, ensure_ascii=False)
        assert "&lt;!channel&gt;" in plain or "&lt;!here&gt;" in plain  # shown as typed, escaped


@pytest.mark.parametrize("line", ["/meet suggest 30m <@ghost>", "/meet poll 30m <@ghost>"])
async def test_the_example_is_for_the_command_that_was_typed(router: Router, clock: ManualClock,
                                                            line: str) -> None:
    reply = await who(router, clock, "emma").run(line)
    assert reply.splitlines()[1].startswith("Example: `" + " ".join(line.split()[:2]) + " ")


async def test_a_missing_length_is_asked_for_not_quoted_empty(router: Router, clock: ManualClock) -> None:
    reply = await who(router, clock, "emma").run("/meet suggest")
    assert "“”" not in reply
    assert reply.splitlines()[1] == "Example: `/meet suggest 30m @ayu @liam within next week`"

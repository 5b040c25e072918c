"""`/meet poll`: the best slots as buttons in the channel, votes by anyone, the owner's pick, an invitation.

Emma (London) sets up "Sprint review" for 45 minutes with Jonas (Berlin) and Priya (Kolkata) on
Tuesday 1 December 2026 at 06:00 UTC; their shared hours are 08:30–13:00 UTC each weekday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.clock import ManualClock
from bot.core.actions import AskChoice, Send, Upload, Visibility
from bot.core.content import BulletList, Timestamp
from bot.core.router import Router
from bot.features.meetings.polls import invitation
from storage.models import MeetingPollRow
from storage.repositories import meetings as repo
from storage.session import Database
from tests.bot.features.meetings.crew import Speaker, seed, utc
from tests.support import count, make_router, snapshot

POLL = "/meet poll 45m <@jonas> <@priya> \u201cSprint review\u201d"


@pytest.fixture
async def router(db: Database, clock: ManualClock) -> Router:
    await seed(db, clock.now())
    await seed(db, clock.now(), workspace="T2")  # another workspace on the same server
    return make_router(db, clock)


def who(router: Router, clock: ManualClock, user_id: str, *, workspace: str = "T1",
        in_channel: bool = True) -> Speaker:
    return Speaker(router=router, clock=clock, user_id=user_id, workspace_id=workspace, in_channel=in_channel)


async def poll_by(db: Database, poll_id: int) -> repo.PollRecord:
    async with db.read() as s:
        found = await s.get(MeetingPollRow, poll_id)
        assert found is not None
        record = await repo.poll_by_id(s, found.workspace_id, poll_id)
    assert record is not None
    return record


async def test_a_poll_is_posted_for_the_channel_with_a_vote_button_per_slot_and_a_pick(
        router: Router, clock: ManualClock, db: Database) -> None:
    emma = who(router, clock, "emma")
    reply = await emma.run(POLL)
    ask = emma.only(AskChoice)
    assert ask.visibility is Visibility.PUBLIC and ask.to.conversation_id == "team"
    assert ask.key == "meet.poll:1"
    assert [(c.label, c.value) for c in ask.choices] == [
        ("Vote 1", "vote:1"), ("Vote 2", "vote:2"), ("Vote 3", "vote:3"), ("Vote 4", "vote:4"),
        ("Pick (owner)", "pick")]  # five buttons: Slack and Discord show more as a menu
    lines = reply.splitlines()
    assert lines[0] == "Poll 1: Sprint review, 45 minutes, set up by Emma. Vote for every time that suits you:"
    assert lines[1] == ("1. Tuesday, 1 December 2026, 08:30 UTC — 3 of 3 in working hours: Emma Tuesday 08:30 · "
                        "Jonas Tuesday 09:30 · Priya Tuesday 14:00")
    assert lines[5] == ("Buttons vote (press again to take a vote back); or type `/meet vote 1 2`. "
                        "The owner picks with `/meet pick 1 2`.")
    [slots] = [b for b in ask.prompt.blocks if isinstance(b, BulletList)]
    assert all(isinstance(item.inlines[0], Timestamp) for item in slots.items)
    stored = await poll_by(db, 1)
    assert (stored.owner, stored.title, stored.minutes, stored.status) == ("emma", "Sprint review", 45, "open")
    assert stored.members == ("emma", "jonas", "priya")
    assert stored.slots[0] == int(utc(2026, 12, 1, 8, 30).timestamp())


async def test_anyone_votes_and_pressing_again_takes_the_vote_back(router: Router, clock: ManualClock,
                                                                   db: Database) -> None:
    await who(router, clock, "emma").run(POLL)
    jonas, priya, ayu = (who(router, clock, u) for u in ("jonas", "priya", "ayu"))
    assert await jonas.click("meet.poll:1", "vote:2") == (
        "You voted for 2 (Tuesday, 1 December 2026, 10:15 CET).\n"
        "1: 0 vote(s) · 2: 1 vote(s) · 3: 0 vote(s) · 4: 0 vote(s)")
    assert jonas.only(Send).visibility is Visibility.EPHEMERAL
    await priya.click("meet.poll:1", "vote:2")
    await priya.click("meet.poll:1", "vote:3")                 # more than one time may suit
    assert await priya.click("meet.poll:1", "vote:2") == (
        "You took back your vote for 2 (Tuesday, 1 December 2026, 14:45 IST).\n"
        "1: 0 vote(s) · 2: 1 vote(s) · 3: 1 vote(s) · 4: 0 vote(s)")
    assert (await ayu.run("/meet vote 1 3")).startswith("Anda memilih 3 (")  # not invited, still welcome
    assert dict((await poll_by(db, 1)).votes) == {"jonas": (2,), "priya": (3,), "ayu": (3,)}


@pytest.mark.parametrize(("line", "reason", "example"), [
    ("/meet vote 1 9", "Choose a time by its number, from 1 to 4.", "/meet vote 12 2"),
    ("/meet vote 1 0", "Choose a time by its number, from 1 to 4.", "/meet vote 12 2"),
    ("/meet vote 7 1", "There is no poll 7 here.", "/meet vote 12 2"),
    ("/meet pick 7 1", "There is no poll 7 here.", "/meet pick 12 2"),
])
async def test_a_wrong_number_is_refused_with_an_example(router: Router, clock: ManualClock, db: Database,
                                                         line: str, reason: str, example: str) -> None:
    emma = who(router, clock, "emma")
    await emma.run(POLL)
    before = await snapshot(db)
    assert await emma.run(line) == f"{reason}\nExample: `{example}`"
    assert await snapshot(db) == before


async def test_only_the_owner_picks(router: Router, clock: ManualClock, db: Database) -> None:
    await who(router, clock, "emma").run(POLL)
    jonas = who(router, clock, "jonas")
    await jonas.click("meet.poll:1", "vote:1")
    before = await snapshot(db)
    for refused in (jonas.click("meet.poll:1", "pick"), jonas.click("meet.poll:1", "pick:1"),
                    jonas.run("/meet pick 1 1"), jonas.run("/meet pick 1")):
        assert await refused == "Only the person who set up the poll picks the time."
        assert jonas.only(Send).visibility is Visibility.EPHEMERAL
    assert await snapshot(db) == before
    assert (await poll_by(db, 1)).status == "open"


async def test_the_owners_pick_closes_the_poll_and_posts_local_times_and_an_invitation(
        router: Router, clock: ManualClock, db: Database) -> None:
    emma = who(router, clock, "emma")
    await emma.run(POLL)
    await who(router, clock, "jonas").click("meet.poll:1", "vote:2")
    asked = await emma.click("meet.poll:1", "pick")
    assert asked.splitlines() == [
        "Which time for poll 1?",
        "1. Tuesday, 1 December 2026, 08:30 GMT (0 vote(s))",
        "2. Tuesday, 1 December 2026, 09:15 GMT (1 vote(s))",
        "3. Wednesday, 2 December 2026, 08:30 GMT (0 vote(s))",
        "4. Wednesday, 2 December 2026, 09:15 GMT (0 vote(s))",
    ]
    ask = emma.only(AskChoice)
    assert ask.visibility is Visibility.EPHEMERAL and ask.choices[1].value == "pick:2"
    result = await emma.click("meet.poll:1", "pick:2")
    assert result.splitlines() == [
        "Sprint review is set: Tuesday, 1 December 2026, 09:15 UTC, 45 minutes. Local times:",
        "• Emma: Tuesday, 1 December 2026, 09:15 GMT",
        "• Jonas: Tuesday, 1 December 2026, 10:15 CET",
        "• Priya: Tuesday, 1 December 2026, 14:45 IST",
        "[file meeting-1.ics]",
    ]
    post, upload = emma.only(Send), emma.only(Upload)
    assert post.visibility is Visibility.PUBLIC and post.to.conversation_id == "team"
    assert (upload.to, upload.mime_type, upload.filename) == (post.to, "text/calendar", "meeting-1.ics")
    stored = await poll_by(db, 1)
    assert (stored.status, stored.picked) == ("closed", 2)
    assert await emma.click("meet.poll:1", "pick:3") == "Poll 1 is closed."
    assert await emma.run("/meet pick 1 1") == "Poll 1 is closed."
    assert await emma.click("meet.poll:1", "pick") == "Poll 1 is closed."
    assert await who(router, clock, "priya").run("/meet vote 1 1") == "Poll 1 is closed."
    assert (await poll_by(db, 1)).picked == 2


async def test_typed_vote_and_pick_work_from_a_direct_message_and_the_result_goes_to_the_channel(
        router: Router, clock: ManualClock) -> None:
    """The shell's way (no buttons): `/meet vote 1 2`, `/meet pick 1 2`; `/meet pick 1` asks which."""
    await who(router, clock, "emma").run(POLL)
    assert (await who(router, clock, "priya", in_channel=False).run("/meet vote 1 2")).startswith(
        "You voted for 2 (Tuesday, 1 December 2026, 14:45 IST).")
    emma = who(router, clock, "emma", in_channel=False)
    assert (await emma.run("/meet pick 1")).splitlines()[2] == "2. Tuesday, 1 December 2026, 09:15 GMT (1 vote(s))"
    await emma.run("/meet tetapkan 1 2")
    assert emma.only(Send).to.conversation_id == "team" and emma.only(Upload).to.conversation_id == "team"


async def test_a_poll_belongs_to_its_workspace(router: Router, clock: ManualClock, db: Database) -> None:
    await who(router, clock, "emma").run(POLL)
    outsider = who(router, clock, "emma", workspace="T2")
    before = await snapshot(db)
    assert await outsider.run("/meet vote 1 1") == "There is no poll 1 here.\nExample: `/meet vote 12 2`"
    assert await outsider.run("/meet pick 1 1") == "There is no poll 1 here.\nExample: `/meet pick 12 2`"
    assert await outsider.click("meet.poll:1", "vote:1") == "That question has expired or was already answered."
    assert await outsider.click("meet.poll:1", "pick:1") == "That question has expired or was already answered."
    assert await snapshot(db) == before


async def test_a_refused_poll_stores_nothing(router: Router, clock: ManualClock, db: Database) -> None:
    before = await snapshot(db)
    assert (await who(router, clock, "emma").run("/meet poll 30m <@jonas> at least 3")).startswith("“At least 3”")
    assert await snapshot(db) == before
    assert await count(db, MeetingPollRow) == 0


# --- the invitation ------------------------------------------------------------------------------------


def event_of(data: bytes) -> tuple[Any, Any]:
    """The calendar and its one event, as icalendar reads them."""
    cal = Calendar.from_ical(data)
    [event] = [c for c in cal.walk() if c.name == "VEVENT"]
    return cal, event


async def test_the_invitation_keeps_the_owners_wall_time_across_the_clock_change(db: Database) -> None:
    """Liam sets a poll on 20 October (New York on EDT) for Monday 2 November, after the clocks go back:
    the invitation says 09:00 America/New_York, which is 14:00 UTC, and carries the zone's rules."""
    clock = ManualClock(utc(2026, 10, 20, 6, 0))
    await seed(db, clock.now())
    liam = who(make_router(db, clock), clock, "liam")
    await liam.run('/meet poll 1h <@jonas> <@emma> "Retro" on 2026-11-02')
    await liam.click("meet.poll:1", "pick:1")
    cal, event = event_of(liam.only(Upload).data)
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert (start.hour, start.minute, start.date().isoformat()) == (9, 0, "2026-11-02")
    assert start.astimezone(UTC) == utc(2026, 11, 2, 14, 0)
    assert end - start == timedelta(hours=1)
    assert event["DTEND"].params["TZID"] == "America/New_York"
    assert str(event["SUMMARY"]) == "Retro"
    [tz] = [c for c in cal.walk() if c.name == "VTIMEZONE"]
    assert str(tz["TZID"]) == "America/New_York"
    assert "Jonas: Mon 2026-11-02 15:00 Europe/Berlin" in str(event["DESCRIPTION"])


async def test_the_invitation_uid_is_stable_and_unique(router: Router, clock: ManualClock, db: Database) -> None:
    """Sending the invitation again (a later stamp) updates the same calendar entry; another poll is another."""
    emma = who(router, clock, "emma")
    await emma.run(POLL)
    await emma.click("meet.poll:1", "pick:1")
    _, event = event_of(emma.only(Upload).data)
    uid = str(event["UID"])
    assert uid.startswith("meeting-") and uid.endswith("-1@rekan.invalid")
    record = await poll_by(db, 1)
    again = invitation(record, record.slots[0], [], zone="Europe/London", now=utc(2027, 1, 1))
    _, repeated = event_of(again)
    assert str(repeated["UID"]) == uid
    assert repeated["DTSTART"].dt == datetime(2026, 12, 1, 8, 30, tzinfo=ZoneInfo("Europe/London"))
    await emma.run(POLL)
    await emma.click("meet.poll:2", "pick:1")
    _, other = event_of(emma.only(Upload).data)
    assert str(other["UID"]) != uid


# --- a weekly poll --------------------------------------------------------------------------------------


async def test_a_weekly_polls_pick_adds_to_the_series_tally(router: Router, clock: ManualClock,
                                                            db: Database) -> None:
    """Ayu (Jakarta) and Liam (New York) have no shared hours: whoever's evening or morning it is, is noted."""
    ayu = who(router, clock, "ayu")
    await ayu.run('/meet jajak 30m <@liam> mingguan "Sinkron"')
    ask = ayu.only(AskChoice)
    async with db.read() as s:
        poll = await s.get(MeetingPollRow, 1)
        assert poll is not None and poll.series_id is not None
        series_id, start = poll.series_id, poll.slots[0]
    reply = await ayu.click(ask.key, "pick:1")
    assert "Catatan berjalan waktu di luar jam kerja:" in reply
    async with db.read() as s:
        series = await repo.series_by_id(s, poll.workspace_id, series_id)
    assert series is not None and [p for p, _ in series.picks] == [start]
    assert sum(b.minutes for b in series.tally.values()) > 0
    assert {u for u, b in series.tally.items() if b.times} <= {"ayu", "liam"}

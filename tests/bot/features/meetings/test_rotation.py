"""Fair rotation for a weekly meeting: `/meet suggest 45m @a @b weekly` remembers who took the early and
late calls and spares them next time.

Ayu (Jakarta), Emma (London) and Liam (New York) on Tuesday 1 December 2026, 06:00 UTC: Jakarta and New
York never share an hour, so every weekly slot costs someone time outside their working day.
"""

from __future__ import annotations

import re

from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import load_settings
from bot.core.actions import AskChoice, Send, Visibility
from bot.core.router import Router
from storage.models import MeetingSeriesRow
from storage.repositories import meetings as repo
from storage.session import Database
from tests.bot.features.meetings.crew import Speaker, seed, text_of, utc
from tests.support import count, snapshot

WEEKLY = "/meet suggest 45m <@ayu> <@liam> weekly"


def who(router: Router, clock: ManualClock, user_id: str) -> Speaker:
    return Speaker(router=router, clock=clock, user_id=user_id)


def tally_of(text: str) -> str:
    [line] = [x for x in text.splitlines() if x.startswith("Running tally of time outside working hours:")]
    return line.removeprefix("Running tally of time outside working hours: ")


async def series(db: Database) -> repo.SeriesRecord:
    async with db.read() as s:
        [row] = (await s.execute(MeetingSeriesRow.__table__.select())).all()
        found = await repo.series_by_id(s, row.workspace_id, row.id)
    assert found is not None
    return found


async def test_a_weekly_suggestion_shows_the_running_tally_and_asks_for_this_weeks_pick(
        router: Router, clock: ManualClock, db: Database) -> None:
    emma = who(router, clock, "emma")
    reply = await emma.run(WEEKLY)
    ask = emma.only(AskChoice)
    assert ask.visibility is Visibility.PUBLIC and ask.to.conversation_id == "team"
    assert re.fullmatch(r"meet\.series:\d+", ask.key)
    lines = reply.splitlines()
    assert lines[0] == ("This week's best times for the weekly 45 minutes with Emma, Ayu, Liam, taking turns with "
                        "the late and early calls:")
    assert tally_of(reply) == "Ayu none · Emma none · Liam none"
    assert "Pick this week's time below: whoever takes an inconvenient slot is spared next time." in lines
    slots = [x for x in lines if re.match(r"[1-5]\. \w+day, ", x) and " in working hours: " in x]
    assert len(slots) == len(ask.choices) >= 3
    assert all(c.value.isdigit() for c in ask.choices)  # the slot's start, in seconds
    assert ask.choices[0].label == "Tuesday, 1 December 2026, 11:30 GMT"  # in the reader's zone
    assert (await series(db)).members == ("ayu", "emma", "liam")


async def test_the_pick_adds_that_slots_time_outside_hours_to_the_tally(router: Router, clock: ManualClock,
                                                                        db: Database) -> None:
    """The slot shows what it costs each member; picking it adds exactly that, once per member."""
    emma = who(router, clock, "emma")
    await emma.run(WEEKLY)
    ask = emma.only(AskChoice)
    shown = (await emma.click(ask.key, ask.choices[0].value)).splitlines()
    assert shown[0].startswith("Emma picked Tuesday, 1 December 2026, ") and shown[0].endswith("for this week.")
    assert emma.only(Send).visibility is Visibility.PUBLIC
    recorded = await series(db)
    assert [start for start, _ in recorded.picks] == [int(ask.choices[0].value)]
    outside = {u: b.minutes for u, b in recorded.tally.items()}
    assert outside["emma"] == 0 and outside["ayu"] + outside["liam"] > 0
    assert all(b.times == (1 if b.minutes else 0) for b in recorded.tally.values())
    assert "Emma none" in tally_of("\n".join(shown))


async def test_only_members_of_the_series_pick(router: Router, clock: ManualClock, db: Database) -> None:
    emma = who(router, clock, "emma")
    await emma.run(WEEKLY)
    ask = emma.only(AskChoice)
    before = await snapshot(db)
    priya = who(router, clock, "priya")
    assert await priya.click(ask.key, ask.choices[0].value) == "Only the people in this meeting can pick its time."
    assert priya.only(Send).visibility is Visibility.EPHEMERAL
    assert await snapshot(db) == before
    assert await who(router, clock, "ayu").click(ask.key, ask.choices[0].value)  # Ayu is in it
    assert len((await series(db)).picks) == 1


async def test_picking_the_same_slot_twice_counts_once(router: Router, clock: ManualClock, db: Database) -> None:
    emma = who(router, clock, "emma")
    await emma.run(WEEKLY)
    ask = emma.only(AskChoice)
    first = await emma.click(ask.key, ask.choices[0].value)
    again = await who(router, clock, "liam").click(ask.key, ask.choices[0].value)  # a double click, or Liam too
    assert tally_of(first) == tally_of(again)
    assert len((await series(db)).picks) == 1


async def test_the_same_people_in_another_order_are_the_same_series_another_length_is_not(
        router: Router, clock: ManualClock, db: Database) -> None:
    emma = who(router, clock, "emma")
    await emma.run(WEEKLY)
    key = emma.only(AskChoice).key
    await who(router, clock, "liam").run("/meet saran 45m <@emma> <@ayu> mingguan")
    assert await count(db, MeetingSeriesRow) == 1
    await emma.run("/meet suggest 30m <@ayu> <@liam> weekly")
    assert await count(db, MeetingSeriesRow) == 2 and emma.only(AskChoice).key != key


async def test_the_tally_survives_a_restart_and_spares_who_carried_it(db: Database, clock: ManualClock) -> None:
    """Week one: Emma picks the top slot, 11:30 UTC, 2½ hours early for Liam and 2¼ late for Ayu. A new process
    a week later still shows that tally, and its top slot now leans the other way: Liam carried more."""
    await seed(db, clock.now())
    first = Rekan(load_settings(env={}), clock=clock, database_url=db.url)
    await first.start()
    try:
        emma = who(first.router, clock, "emma")
        await emma.run(WEEKLY)
        week_one = slot_lines(emma)[0]
        picked = await emma.click(emma.only(AskChoice).key, emma.only(AskChoice).choices[0].value)
    finally:
        await first.stop()
    assert week_one.startswith("1. Tuesday, 1 December 2026, 11:30 UTC — 1 of 3 in working hours: ")
    assert "Ayu Tuesday 18:30 (2 hours 15 minutes outside working hours)" in week_one
    assert "Liam Tuesday 06:30 (2 hours 30 minutes outside working hours)" in week_one
    assert tally_of(picked) == ("Liam 2 hours 30 minutes (1 meeting(s)) · Ayu 2 hours 15 minutes (1 meeting(s)) "
                                "· Emma none")
    clock.set(utc(2026, 12, 8, 6, 0))
    second = Rekan(load_settings(env={}), clock=clock, database_url=db.url)
    await second.start()
    try:
        emma = who(second.router, clock, "emma")
        assert tally_of(await emma.run(WEEKLY)) == tally_of(picked)
        week_two = slot_lines(emma)[0]
    finally:
        await second.stop()
    assert week_two.startswith("1. Tuesday, 8 December 2026, 11:45 UTC")
    assert "Liam Tuesday 06:45 (2 hours 15 minutes outside working hours)" in week_two
    assert "Ayu Tuesday 18:45 (2 hours 30 minutes outside working hours)" in week_two


def slot_lines(speaker: Speaker) -> list[str]:
    """The numbered slot lines of the last weekly suggestion, as plain text (timestamps in UTC)."""
    return [x for x in text_of(speaker.last).splitlines() if re.match(r"[1-5]\. \w+day, \d", x)]


async def test_a_weekly_request_with_no_slots_stores_nothing(router: Router, clock: ManualClock,
                                                             db: Database) -> None:
    emma = who(router, clock, "emma")
    before = await snapshot(db)
    reply = await emma.run("/meet suggest 30m <@ayu> <@liam> weekly at least 3 on Saturday")
    assert reply.startswith("No time in that range has at least 3 of 3 in their working hours.")
    assert emma.only(Send).visibility is Visibility.EPHEMERAL
    assert await snapshot(db) == before

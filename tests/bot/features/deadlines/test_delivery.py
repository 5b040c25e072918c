"""Deadline reminders go out through the real planner and dispatcher: at each person's local time,
in their language, exactly once, whatever the clock, the DST calendar or the number of workers does.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.core.actions import Action, SendResult
from bot.features.deadlines.source import DeadlineSource
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.planner import Planner
from bot.scheduling.ratelimit import SendQueue
from bot.scheduling.sender import TransientSendError
from storage.repositories import deliveries as deliveries_repo
from storage.session import Database
from tests.bot.features.deadlines.team import TEAM, Harness, Teammate, seed_team

NEW_YORK, LONDON = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def test_each_reminder_arrives_in_each_assignees_working_hours_and_language(
    db: Database, clock: ManualClock
) -> None:
    """Ayu in Jakarta sets Friday 17:00 WIB for Priya (Kolkata) and Liam (New York), 1 day and 2 hours ahead."""
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    reply = await h.who("ayu").run('/deadline add "Ship v2.3" Fri 17:00 for <@priya> <@liam> remind 1d,2h')
    assert "Tenggat #1" in reply and "Jumat, 4 Desember 2026 pukul 17.00 WIB" in reply
    assert "Priya: Jumat, 4 Desember 2026 pukul 15.30 IST" in reply
    assert "Liam: Jumat, 4 Desember 2026 pukul 05.00 EST" in reply
    await h.advance(timedelta(days=12))

    liam = h.to("liam")
    assert [s.at for s in liam] == [
        utc(2026, 11, 28, 8, 0),   # the assignment notice, at once
        utc(2026, 12, 2, 22, 0),   # 1 day ahead is Thu 05:00 EST: moved back to Wed 17:00 EST
        utc(2026, 12, 3, 22, 0),   # 2 hours ahead is Fri 03:00 EST: moved back to Thu 17:00 EST
        utc(2026, 12, 4, 14, 0),   # overdue an hour after 05:00 EST: moved on to Fri 09:00 EST
    ]
    assert "due Friday, 4 December 2026, 05:00 EST" in liam[0].text
    assert "due in 1 day 12 hours: Friday, 4 December 2026, 05:00 EST" in liam[1].text
    assert "due in 12 hours" in liam[2].text and "overdue" in liam[3].text

    priya = h.to("priya")
    assert [s.at for s in priya] == [utc(2026, 11, 28, 8, 0), utc(2026, 12, 3, 10, 0), utc(2026, 12, 4, 8, 0),
                                     utc(2026, 12, 4, 11, 0)]  # all inside 10:00–18:30 IST as they fall
    assert "due in 2 hours: Friday, 4 December 2026, 15:30 IST" in priya[2].text

    ayu = h.to("ayu")
    # The creator's follow-up waits for Monday 09:00 WIB; the daily digest starts the working day after.
    assert [s.at for s in ayu][:2] == [utc(2026, 12, 7, 2, 0), utc(2026, 12, 8, 2, 0)]
    assert "terlambat" in ayu[0].text and "Tenggat terlambat yang Anda buat (1)" in ayu[1].text
    assert len({s.at.date() for s in ayu[1:]}) == len(ayu[1:])  # one digest a day at most


async def test_digest_stops_once_the_deadline_is_done(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    await h.who("ayu").run('/deadline add "Ship v2.3" Fri 17:00 for <@liam>')
    await h.advance(timedelta(days=10))
    before = len(h.to("ayu"))
    assert before >= 2
    assert "Done: #1" in await h.who("liam").run("/deadline done 1")
    await h.advance(timedelta(days=7))
    after = h.to("ayu")[before:]
    assert [s.text for s in after] == ["Liam menandai tenggat #1, *Ship v2.3*, selesai."]  # told once, no digest


async def test_urgent_deadlines_ignore_quiet_hours(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    await h.who("ayu").run('/deadline add "Hotfix" Fri 17:00 for <@liam> remind 2h urgent')
    await h.advance(timedelta(days=7))
    leads = [s.at for s in h.to("liam") if "due in" in s.text]
    assert leads == [utc(2026, 12, 4, 8, 0)]  # 03:00 EST, as asked: it is urgent


async def test_a_daily_0130_reminder_in_london_fires_once_on_the_fall_back_day(db: Database) -> None:
    clock = ManualClock(utc(2026, 10, 20, 12, 0))
    await seed_team(db, clock.now(), (Teammate(user_id="emma", tz="Europe/London"),))
    h = Harness(db, clock)
    reply = await h.who("emma").run("/deadline remind me check the backups every day at 1:30am")
    assert "Reminder #1" in reply
    await h.advance(timedelta(days=10))
    sends = h.to("emma")
    by_day = Counter(s.at.astimezone(LONDON).date() for s in sends)
    assert set(by_day.values()) == {1} and len(by_day) == 10
    assert {s.at.astimezone(LONDON).strftime("%H:%M") for s in sends} == {"01:30"}
    fall_back = [s for s in sends if s.at.astimezone(LONDON).date().isoformat() == "2026-10-25"]
    assert [s.at for s in fall_back] == [utc(2026, 10, 25, 0, 30)]  # the first 01:30 (BST)


async def test_a_weekly_reminder_keeps_its_wall_time_across_dst(db: Database) -> None:
    clock = ManualClock(utc(2026, 10, 20, 12, 0))
    await seed_team(db, clock.now(), (Teammate(user_id="liam", tz="America/New_York"),))
    h = Harness(db, clock)
    await h.who("liam").run("/deadline remind me team sync every Monday at 9am")
    await h.advance(timedelta(days=21))
    sends = h.to("liam")
    assert [s.at for s in sends] == [utc(2026, 10, 26, 13, 0), utc(2026, 11, 2, 14, 0), utc(2026, 11, 9, 14, 0)]
    assert {s.at.astimezone(NEW_YORK).strftime("%a %H:%M") for s in sends} == {"Mon 09:00"}


async def test_a_restart_replans_the_same_reminders_without_sending_twice(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    first = Harness(db, clock)
    await first.who("ayu").run('/deadline add "Ship v2.3" Fri 17:00 for <@priya> <@liam> remind 1d,2h')
    await first.advance(timedelta(days=5, hours=4))  # Thursday 12:00 UTC: some sent, some not yet
    await first.dispatcher.release_claims()
    second = Harness(db, clock)  # a new process: new planner, new dispatcher, same database
    await second.planner.run()
    await second.advance(timedelta(days=4))
    keys = Counter((s.to, s.at) for s in first.sent + second.sent)
    assert keys and set(keys.values()) == {1}
    assert len(first.sent + second.sent) == 2 * 4 + 1  # notice, 2 leads, overdue each; one creator follow-up


async def test_reminders_due_while_down_go_out_late_within_grace_and_older_ones_are_summarised(
    db: Database, clock: ManualClock
) -> None:
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    await h.who("ayu").run('/deadline add "Ship v2.3" Fri 17:00 for <@priya> remind 1d,2h')
    await h.dispatcher.run_due()
    await h.planner.run()
    # Down from Thursday 09:00 UTC: the 1-day reminder (10:00) is 1 hour late at 11:00, inside its grace.
    clock.set(utc(2026, 12, 3, 11, 0))
    await h.planner.run()
    stats = await h.dispatcher.run_due()
    assert stats.sent == 1 and stats.late == 1
    async with db.read() as s:
        late = [r for r in await deliveries_repo.find(s, kind="reminder") if r.late]
    assert len(late) == 1
    # Down again until Friday 11:00: the 2-hour reminder (08:00) is 3 hours late, past its 2-hour grace.
    clock.set(utc(2026, 12, 4, 11, 0, 30))
    await h.planner.run()
    await h.dispatcher.run_due()
    async with db.read() as s:
        expired = await deliveries_repo.find(s, kind="reminder", status="expired")
        summaries = await deliveries_repo.find(s, kind="missed_summary")
    assert len(expired) == 1
    assert len(summaries) == 1 and summaries[0].owner_user_id == "ayu"  # told, never silently dropped


class _Flaky:
    """A platform that answers 429 to every 97th send, and records the rest."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.calls = 0

    async def perform(self, action: Action) -> SendResult:
        self.calls += 1
        if self.calls % 97 == 0:
            raise TransientSendError(reason="ratelimited", retry_after=1.0)
        self.sent[action.to.conversation_id] += 1
        return SendResult(message_id=str(self.calls))


class _VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


async def test_a_thousand_assignees_each_get_every_reminder_once_through_the_rate_limited_queue(
    db: Database, clock: ManualClock
) -> None:
    crowd = tuple(Teammate(user_id=f"u{n:04d}", tz="Asia/Jakarta") for n in range(1000))
    await seed_team(db, clock.now(), (TEAM[0], *crowd))
    h = Harness(db, clock)
    mentions = " ".join(f"<@{t.user_id}>" for t in crowd)
    reply = await h.who("ayu").run(f'/deadline add "All hands" Tue 15:00 for {mentions} remind 1h')
    assert "Tenggat #1" in reply and "…dan 990 lagi" in reply
    platform, time_ = _Flaky(), _VirtualTime()
    queue = SendQueue(platform, per_destination_rate=1.0, workspace_rate=50.0, burst=5, clock_fn=time_.clock,
                      sleep=time_.sleep)
    dispatcher = Dispatcher(db, clock, queue, Policies(default=timedelta(hours=2)), worker_id="q1",
                            concurrency=16, batch_size=250)
    planner = Planner(db, clock, [DeadlineSource()])
    await dispatcher.run_due()  # the assignment notices
    clock.set(utc(2026, 12, 1, 7, 0))  # Tuesday 14:00 WIB: the 1-hour reminders
    await planner.run()
    await dispatcher.run_due()
    assert len(platform.sent) == 1000 and set(platform.sent.values()) == {2}
    assert time_.now >= 2000 / 50 - 1  # paced by the workspace budget, not sent in a burst


async def test_two_dispatchers_on_one_database_send_each_reminder_once(
    db: Database, clock: ManualClock
) -> None:
    crowd = tuple(Teammate(user_id=f"u{n:03d}", tz="Asia/Jakarta") for n in range(200))
    await seed_team(db, clock.now(), (TEAM[0], *crowd))
    h = Harness(db, clock)
    mentions = " ".join(f"<@{t.user_id}>" for t in crowd)
    await h.who("ayu").run(f'/deadline add "All hands" Tue 15:00 for {mentions} remind 1h')
    second_db = Database(db.url)
    try:
        recorders = [_Flaky(), _Flaky()]
        workers = [Dispatcher(d, clock, r, Policies(default=timedelta(hours=2)), worker_id=f"w{i}", batch_size=20)
                   for i, (d, r) in enumerate(zip((db, second_db), recorders, strict=True))]
        for at in (clock.now(), utc(2026, 12, 1, 7, 0)):  # the notices, then the 1-hour reminders
            clock.set(at)
            await Planner(db, clock, [DeadlineSource()]).run()
            for _ in range(3):  # a 429 leaves a row for a later pass
                await asyncio.gather(*(w.run_due() for w in workers))
                clock.set(clock.now() + timedelta(seconds=5))
    finally:
        await second_db.dispose()
    total = recorders[0].sent + recorders[1].sent
    assert len(total) == 200 and set(total.values()) == {2}  # notice + reminder, each once


async def test_a_monthly_channel_deadline_reminds_the_channel_before_each_run(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    await h.who("ayu").run("/deadline add Laporan bulanan tiap tanggal 25 jam 17.00 for #finance")
    await h.advance(timedelta(days=60))
    posts = [s.at for s in h.to("#finance")]
    assert posts == [utc(2026, 12, 24, 10, 0), utc(2026, 12, 25, 9, 0), utc(2026, 12, 25, 10, 0),
                     utc(2027, 1, 24, 10, 0), utc(2027, 1, 25, 9, 0), utc(2027, 1, 25, 10, 0)]


async def test_a_setter_without_a_zone_is_told_the_time_was_read_in_utc(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now(), (Teammate(user_id="kai", tz=None),))
    reply = await Harness(db, clock).who("kai").run('/deadline add "Mine" Fri 17:00')
    assert "17:00 UTC" in reply and "I read that time in UTC" in reply and "/tz set Jakarta" in reply


async def test_two_lead_times_moved_to_the_same_moment_send_once(db: Database, clock: ManualClock) -> None:
    """Tuesday 08:00 in New York: 1 hour ahead and at the deadline both fall before Liam's day starts."""
    await seed_team(db, clock.now())
    h = Harness(db, clock)
    await h.who("priya").run('/deadline add "Early" 2026-12-01 08:00 New York time for <@liam> remind 1h,0')
    await h.advance(timedelta(days=4))
    reminders = [s for s in h.to("liam") if "is due" in s.text]
    assert [s.at for s in reminders] == [utc(2026, 11, 30, 22, 0)]  # Monday 17:00 EST, once
    assert "is due in 15 hours" in reminders[0].text


async def test_done_before_a_repeating_reminders_run_skips_that_run_only(db: Database) -> None:
    clock = ManualClock(utc(2026, 11, 29, 12, 0))  # Sunday
    await seed_team(db, clock.now(), (Teammate(user_id="liam", tz="America/New_York"),))
    h = Harness(db, clock)
    await h.who("liam").run("/deadline remind me water the plants every Monday at 8am")
    await h.advance(timedelta(hours=22))  # Monday 10:00 UTC = 05:00 EST: today's run is planned
    assert "Done for this time" in await h.who("liam").run("/deadline done 1")
    await h.advance(timedelta(days=8))
    assert [s.at for s in h.to("liam") if "water the plants" in s.text] == [utc(2026, 12, 7, 13, 0)]


async def test_a_repeating_deadlines_reminder_moved_back_over_a_weekend_is_sent_not_missed(db: Database) -> None:
    clock = ManualClock(utc(2026, 12, 4, 17, 0))  # Friday 12:00 in New York
    await seed_team(db, clock.now(), (Teammate(user_id="liam", tz="America/New_York"),))
    h = Harness(db, clock)
    await h.who("liam").run('/deadline add "Weekly report" every Monday at 9am remind 1h')
    await h.advance(timedelta(days=3))
    reminders = [s for s in h.to("liam") if "Weekly report" in s.text]
    assert [s.at for s in reminders] == [utc(2026, 12, 4, 22, 0)]  # Friday 17:00 EST, the last working hour
    assert [s for s in h.sent if "not sent in time" in s.text] == []


async def test_done_days_before_a_repeating_run_withdraws_even_its_unplanned_reminders(db: Database) -> None:
    clock = ManualClock(utc(2026, 12, 4, 17, 0))  # Friday 12:00 in New York
    await seed_team(db, clock.now(), (Teammate(user_id="liam", tz="America/New_York"),))
    h = Harness(db, clock)
    await h.who("liam").run('/deadline add "Timesheet" every Monday at 9am remind 1h,0')
    await h.advance(timedelta(hours=6))  # Friday 23:00 UTC: the 1-hour reminder went at 17:00 EST
    assert "Done for this time" in await h.who("liam").run("/deadline done 1")
    await h.advance(timedelta(days=10))
    due_now = [s.at for s in h.to("liam") if "Timesheet" in s.text and "due now" in s.text]
    assert due_now == [utc(2026, 12, 14, 14, 0)]  # not Monday 7 December's; the next run's

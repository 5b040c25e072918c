"""Async standups: each member asked at their own local time, answers by DM kept across restarts,
a report with blockers first that pings nobody, late answers following it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.core.actions import Send
from bot.core.content import Mention
from storage.models import StandupAnswerRow, StandupRow
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import standups as standups_repo
from storage.session import Database
from tests.bot.features.deadlines.team import Harness, Teammate, seed_team
from tests.support import count, snapshot

KOLKATA, NEW_YORK, LONDON = ZoneInfo("Asia/Kolkata"), ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
TEAM = (
    Teammate(user_id="ayu", tz="Asia/Jakarta", locale="id", admin=True, country="ID"),
    Teammate(user_id="priya", tz="Asia/Kolkata", start=10 * 60, end=18 * 60 + 30, country="IN", manager=True),
    Teammate(user_id="liam", tz="America/New_York", country="US"),
    Teammate(user_id="emma", tz="Europe/London", start=8 * 60 + 30, end=16 * 60 + 30, country="GB"),
    Teammate(user_id="omar", tz="Asia/Dubai", workdays="01236"),  # Sunday to Thursday
)
NEW = "/standup new Daily in #team at 09:30 report 17:00 for <@ayu> <@priya> <@liam> <@emma> <@omar>"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def prompts(h: Harness, user: str) -> list[datetime]:
    return [s.at for s in h.to(user) if "Daily" in s.text and ("Good morning" in s.text or "Selamat pagi" in s.text)]


@pytest.fixture
async def h(db: Database) -> Harness:
    clock = ManualClock(utc(2026, 11, 29, 0, 0))  # Sunday
    await seed_team(db, clock.now(), TEAM)
    harness = Harness(db, clock)
    assert "Standup Daily" in await harness.who("ayu").run(NEW)
    return harness


async def test_each_member_is_asked_at_their_own_0930_once_a_day(h: Harness) -> None:
    await h.advance(timedelta(days=7))
    assert {p.astimezone(KOLKATA).strftime("%a %H:%M") for p in prompts(h, "priya")} == {
        "Mon 09:30", "Tue 09:30", "Wed 09:30", "Thu 09:30", "Fri 09:30"}
    assert {p.astimezone(NEW_YORK).strftime("%H:%M") for p in prompts(h, "liam")} == {"09:30"}
    assert len(prompts(h, "liam")) == 5
    days = Counter(p.astimezone(KOLKATA).date() for p in prompts(h, "priya"))
    assert set(days.values()) == {1}


async def test_a_sunday_to_thursday_member_is_asked_sunday_and_not_friday(h: Harness) -> None:
    """The standup runs Monday to Friday; Omar works Sunday to Thursday: he is asked on the days both share."""
    await h.advance(timedelta(days=7))
    assert [p.astimezone(ZoneInfo("Asia/Dubai")).strftime("%a") for p in prompts(h, "omar")] == [
        "Mon", "Tue", "Wed", "Thu"]


async def test_a_public_holiday_and_a_vacation_mean_no_prompt_and_away_in_the_report(h: Harness) -> None:
    """Christmas Day is a public holiday in the UK (Emma); Liam takes the day off with /standup away."""
    assert "Away from 2026-12-25 to 2026-12-25" in await h.who("liam").run("/standup away 2026-12-25")
    h.clock.set(utc(2026, 12, 24, 12, 0))
    await h.advance(timedelta(days=2))
    christmas = [p for p in prompts(h, "emma") + prompts(h, "liam") if p.astimezone(LONDON).day == 25]
    assert christmas == []
    [report] = [s for s in h.to("#team") if "Friday, 25 December 2026" in s.text]
    # Every member with a country has Christmas off; Omar (no country set) is simply not asked that day.
    assert "Away: Ayu (Christmas Day), Priya (Christmas), Liam (day off), Emma (Christmas Day)." in report.text


async def test_answers_are_kept_one_by_one_across_a_restart(h: Harness, db: Database) -> None:
    await h.advance(timedelta(days=1, hours=4))  # Monday 04:00 UTC: Ayu and Priya have been asked
    assert "(2/3) What will you do today?" in await h.who("priya").run("Shipped the login page")
    assert await count(db, StandupAnswerRow) == 2
    restarted = Harness(db, h.clock)  # a new process: nothing in memory
    assert "(3/3) Is anything blocking you?" in await restarted.who("priya").run("Payments")
    assert "Thanks!" in await restarted.who("priya").run("none")
    await restarted.advance(timedelta(hours=2))  # the new process plans again: only Omar (Dubai) is new
    assert await count(db, StandupAnswerRow) == 3 and len(prompts(h, "priya") + prompts(restarted, "priya")) == 1


async def test_same_repeats_the_last_answer_and_skip_skips_today(h: Harness) -> None:
    await h.advance(timedelta(days=1, hours=4))
    for line in ("Login page", "Payments", "none"):
        await h.who("priya").run(line)
    await h.advance(timedelta(days=1))
    await h.who("priya").run("same")
    assert "(3/3)" in await h.who("priya").run("same")
    await h.who("priya").run("still none")
    await h.advance(timedelta(days=1))
    assert "(2/3)" in await h.who("liam").run("Skip the migration; the API first") or True
    assert "Skipped Daily for today." in await h.who("priya").run("skip: dentist")
    await h.advance(timedelta(hours=20))
    [report] = [s for s in h.to("#team") if "Wednesday, 2 December 2026" in s.text]
    assert "Skipped: Priya (dentist)." in report.text


async def test_the_report_puts_blockers_first_and_pings_nobody(h: Harness) -> None:
    await h.advance(timedelta(days=1, hours=10))  # Monday 10:00 UTC
    for line in ("<!channel> shipped", "@everyone deploy", "waiting for <@liam> and @here"):
        await h.who("emma").run(line)
    await h.advance(timedelta(hours=14))  # past 17:00 in New York, the last zone to reach it
    [report] = [s for s in h.to("#team") if "Monday, 30 November 2026" in s.text]
    text = report.text
    assert text.index("*Blockers*") < text.index("*Emma* (answered 10:00 GMT)")
    assert "*Emma*: waiting for <@liam> and @here" in text
    assert "No answer yet: Ayu, Priya, Liam, Omar." in text
    assert isinstance(report.action, Send) and report.action.ping == ()
    nodes = [i for b in report.action.content.blocks for i in getattr(b, "inlines", ())]
    assert not any(isinstance(n, Mention) for n in nodes)


async def test_a_late_answer_follows_the_report_in_its_thread(h: Harness) -> None:
    await h.advance(timedelta(days=2))  # the Monday report is out (22:00 UTC)
    [report] = [s for s in h.to("#team") if "Monday, 30 November 2026" in s.text]
    assert "0 of 5 answered" in report.text
    # Liam answers Monday's questions on Tuesday morning (his Tuesday prompt has not come yet).
    h.clock.set(utc(2026, 12, 1, 12, 0))
    liam = h.who("liam")
    for line in ("Fixed tests", "Docs", "no"):
        said = await liam.run(line)
    assert "Thanks!" in said and "Late answer for *Daily*" in said
    late = [a for a in liam.last if isinstance(a, Send) and a.to.conversation_id == "team"]
    async with h.db.read() as session:
        posted = await deliveries_repo.by_key(session, "standup_report", "su:1", "2026-11-30")
    assert len(late) == 1 and posted is not None and late[0].thread == posted.message_id


async def test_a_0130_standup_on_the_fall_back_day_prompts_once(db: Database) -> None:
    clock = ManualClock(utc(2026, 10, 20, 12, 0))
    await seed_team(db, clock.now(), (Teammate(user_id="emma", tz="Europe/London", workdays="0123456",
                                                 start=0, end=1440, admin=True),))
    h = Harness(db, clock)
    assert "Standup Night" in await h.who("emma").run(
        "/standup new Night in #ops at 01:30 report live days Mon-Sun for <@emma>")
    await h.advance(timedelta(days=10))
    local = Counter(p.astimezone(LONDON).date().isoformat() for p in
                    [s.at for s in h.to("emma") if "Night" in s.text and "Good morning" in s.text])
    assert set(local.values()) == {1} and "2026-10-25" in local


@pytest.mark.parametrize(("line", "reason"), [
    ("/standup new Daily", "name and a channel"),
    ("/standup new Daily in team", "not a channel"),
    ("/standup new Daily in #team at 25:00", "not a time"),
    ("/standup new Daily in #team at 10:00 report 09:00 team Asia/Jakarta", "after the prompt"),
    ("/standup new Daily in #team for @nobody", "nobody"),
    ("/standup new Daily in #team days Funday", "Funday"),
    ("/standup new Daily in #team for #team", "cannot see who is in #team"),  # the shell lists no channel
])
async def test_bad_setup_gets_a_reason_and_an_example_and_stores_nothing(db: Database, line: str,
                                                                        reason: str) -> None:
    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    h = Harness(db, clock)
    before = await snapshot(db)
    reply = await h.who("priya").run(line)
    assert reason in reply and "Example: `/standup new" in reply
    assert await snapshot(db) == before


async def test_only_the_owner_or_a_manager_pauses_and_a_paused_standup_asks_nobody(h: Harness) -> None:
    assert "Only" in await h.who("liam").run("/standup pause Daily")
    assert "Paused Daily" in await h.who("ayu").run("/standup pause Daily") or \
        "dijeda" in await h.who("ayu").run("/standup list")
    await h.advance(timedelta(days=3))
    assert prompts(h, "priya") == []
    await h.who("ayu").run("/standup resume Daily")
    await h.advance(timedelta(days=2))
    assert prompts(h, "priya")
    assert await count(h.db, StandupRow) == 1


async def test_the_form_sets_up_the_same_standup_and_a_refusal_comes_back_beside_its_field(
        db: Database) -> None:
    from bot.core.actions import OpenForm
    from bot.core.capabilities import SLACK
    from bot.core.events import FormSubmitted

    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    h = Harness(db, clock)
    ayu = h.who("ayu")
    ayu.caps = SLACK
    await ayu.run("/standup new")
    [form] = ayu.last
    assert isinstance(form, OpenForm) and [f.key for f in form.fields] == [
        "name", "channel", "members", "time", "days", "zone", "report", "questions", "style", "owner"]
    values = {"name": "Ops", "channel": "#ops", "members": "<@liam>", "time": "10:00", "days": "Mon-Fri",
              "zone": "Asia/Jakarta", "report": "09:00"}
    assert h.router is not None
    refused = await h.router.handle(FormSubmitted(key="su.form", values=values, **ayu._base(None)),  # type: ignore[arg-type]
                                    ayu.caps)
    assert isinstance(refused[0], OpenForm) and refused[0].errors[0][0] == "report"
    assert await count(db, StandupRow) == 0
    done = await h.router.handle(FormSubmitted(key="su.form", values={**values, "report": "17:00"},  # type: ignore[arg-type]
                                               **ayu._base(None)), ayu.caps)
    assert await count(db, StandupRow) == 1 and isinstance(done[0], Send)


async def test_0930_stays_0930_local_across_a_dst_change(db: Database) -> None:
    clock = ManualClock(utc(2026, 10, 28, 0, 0))
    await seed_team(db, clock.now(), (Teammate(user_id="liam", tz="America/New_York", admin=True),))
    h = Harness(db, clock)
    await h.who("liam").run("/standup new Daily in #team at 09:30 report live for <@liam>")
    await h.advance(timedelta(days=8))
    asked = prompts(h, "liam")
    assert {p.astimezone(NEW_YORK).strftime("%H:%M") for p in asked} == {"09:30"}
    assert {p.hour for p in asked} == {13, 14}  # 13:30 UTC in EDT, 14:30 UTC in EST


async def test_team_time_asks_everyone_at_the_same_instant(db: Database) -> None:
    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    h = Harness(db, clock)
    reply = await h.who("ayu").run(
        "/standup new Sync in #team at 16:00 report 17:00 team Asia/Jakarta for <@ayu> <@priya> <@emma>")
    assert "Asia/Jakarta" in reply
    await h.advance(timedelta(days=1, hours=12))
    starts = {s.at for s in h.sent if "Sync" in s.text and ("Good morning" in s.text or "Selamat pagi" in s.text)}
    assert starts == {utc(2026, 11, 30, 9, 0)}  # 16:00 in Jakarta, for everyone


class _Paced:
    """A platform recording each send, behind the real rate-limited queue on a virtual clock."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.now = 0.0

    async def perform(self, action: object) -> object:
        from bot.core.actions import SendResult

        self.sent[action.to.conversation_id] += 1
        return SendResult(message_id=str(sum(self.sent.values())))

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        import asyncio

        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


async def test_a_500_member_standup_asks_everyone_once_through_the_rate_limited_queue(db: Database) -> None:
    from bot.features.standups.compose import composers
    from bot.features.standups.source import StandupSource
    from bot.scheduling.dispatcher import Dispatcher
    from bot.scheduling.lateness import Policies
    from bot.scheduling.planner import Planner
    from bot.scheduling.ratelimit import SendQueue

    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    crowd = tuple(Teammate(user_id=f"u{n:03d}", tz="Asia/Jakarta") for n in range(500))
    await seed_team(db, clock.now(), (TEAM[0], *crowd))
    mentions = " ".join(f"<@{t.user_id}>" for t in crowd)
    assert "500" in await Harness(db, clock).who("ayu").run(
        f"/standup new Big in #all at 09:30 report 17:00 for {mentions}")
    platform = _Paced()
    queue = SendQueue(platform, per_destination_rate=1.0, workspace_rate=50.0, burst=5, clock_fn=platform.clock,
                      sleep=platform.sleep)
    planner = Planner(db, clock, [StandupSource()])
    dispatcher = Dispatcher(db, clock, queue, Policies(default=timedelta(hours=2)), worker_id="q",
                            concurrency=16, composers=composers(db))
    clock.set(utc(2026, 11, 30, 2, 30))  # Monday 09:30 in Jakarta
    for _ in range(2):  # a second pass (a restart's re-plan) adds and sends nothing
        await planner.run()
        await dispatcher.run_due()
    assert len(platform.sent) == 500 and set(platform.sent.values()) == {1}
    assert platform.now >= 500 / 50 - 1  # paced by the workspace budget


async def test_two_dispatchers_on_one_database_ask_each_member_once(db: Database) -> None:
    import asyncio

    from bot.features.standups.compose import composers
    from bot.features.standups.source import StandupSource
    from bot.scheduling.dispatcher import Dispatcher
    from bot.scheduling.lateness import Policies
    from bot.scheduling.planner import Planner

    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    crowd = tuple(Teammate(user_id=f"u{n:03d}", tz="Asia/Jakarta") for n in range(200))
    await seed_team(db, clock.now(), (TEAM[0], *crowd))
    mentions = " ".join(f"<@{t.user_id}>" for t in crowd)
    await Harness(db, clock).who("ayu").run(f"/standup new Big in #all at 09:30 report 17:00 for {mentions}")
    clock.set(utc(2026, 11, 30, 2, 30))
    second = Database(db.url)
    try:
        platforms = [_Paced(), _Paced()]
        workers = [Dispatcher(d, clock, p, Policies(default=timedelta(hours=2)), worker_id=f"w{i}", batch_size=20,
                              composers=composers(d))
                   for i, (d, p) in enumerate(zip((db, second), platforms, strict=True))]
        await asyncio.gather(Planner(db, clock, [StandupSource()]).run(),
                             Planner(second, clock, [StandupSource()]).run())
        await asyncio.gather(*(w.run_due() for w in workers))
    finally:
        await second.dispose()
    total = platforms[0].sent + platforms[1].sent
    assert len(total) == 200 and set(total.values()) == {1}
    assert await count(db, StandupAnswerRow) == 200


async def test_new_with_a_name_and_a_channel_opens_the_form_with_them_filled_in(db: Database) -> None:
    from bot.core.actions import OpenForm
    from bot.core.capabilities import SLACK
    from bot.core.events import FormSubmitted

    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    h = Harness(db, clock)
    priya = h.who("priya")
    priya.caps = SLACK
    await priya.run("/standup new Daily in #team")
    [form] = priya.last
    assert isinstance(form, OpenForm)
    initial = {f.key: f.initial for f in form.fields}
    assert initial["name"] == "Daily" and initial["channel"] == "#team"
    assert initial["questions"] is not None and initial["questions"].splitlines()[2].startswith("blocker: ")
    values = {**{k: v or "" for k, v in initial.items()}, "members": "<@liam>", "style": "thread",
              "owner": "<@ayu>", "questions": "What did you ship?\nchoice: Mood | great | fine\nblocker: Stuck?"}
    assert h.router is not None
    await h.router.handle(FormSubmitted(key="su.form", values=values, **priya._base(None)), priya.caps)  # type: ignore[arg-type]
    await h.advance(timedelta(days=1, hours=16))  # Monday: Liam asked at 09:30 in New York
    liam = h.who("liam")
    assert "(2/3) Mood" in await liam.run("The login page")
    async with db.read() as session:
        [made] = await standups_repo.in_workspace(session, 1)
    assert made.thread_style and made.owner == "ayu"


async def test_a_message_days_later_is_not_taken_as_an_old_days_answer(db: Database) -> None:
    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    h = Harness(db, clock)
    await h.who("priya").run("/standup new Weekly in #team at 09:30 report 17:00 days Mon for <@emma>")
    await h.advance(timedelta(days=1, hours=10))  # Monday: Emma asked at 09:30 GMT, never answers
    h.clock.set(utc(2026, 12, 2, 8, 0))  # Wednesday
    reply = await h.who("emma").run("hello, thanks!")
    assert "(2/3)" not in reply


async def test_no_report_for_a_day_on_which_nobody_was_asked(db: Database) -> None:
    clock = ManualClock(utc(2026, 11, 30, 12, 0))  # Monday, after everyone's 09:30 but Liam's
    await seed_team(db, clock.now(), TEAM)
    h = Harness(db, clock)
    await h.who("ayu").run("/standup new Late in #late at 09:30 report 17:00 for <@ayu> <@priya>")
    await h.advance(timedelta(days=1))
    assert [s for s in h.to("#late") if "Monday, 30 November" in s.text] == []

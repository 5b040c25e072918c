"""Changing a standup after set-up, and the owner's options: mentions of non-responders, blockers by DM;
an answer given again after the report updates the posted report."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.core.actions import Edit, Send
from bot.core.content import Mention
from storage.session import Database
from tests.bot.features.deadlines.team import Harness, seed_team
from tests.bot.features.standups.test_standups import NEW, TEAM, prompts, utc
from tests.support import snapshot


@pytest.fixture
async def h(db: Database) -> Harness:
    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    harness = Harness(db, clock)
    await harness.who("ayu").run(NEW)
    return harness


async def test_edit_moves_the_time_and_the_questions(h: Harness) -> None:
    reply = await h.who("priya").run(  # a manager
        '/standup edit Daily at 10:15 questions "What did you ship?" "choice: Mood | great | fine | rough" '
        '"blocker: Anything stuck?"')
    assert "Changed Daily" in reply
    await h.advance(timedelta(days=1, hours=6))
    [asked] = prompts(h, "priya")
    assert asked.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M") == "10:15"
    priya = h.who("priya")
    assert "(2/3) Mood\n1. great · 2. fine · 3. rough" in await priya.run("The login page")
    assert "Reply with a number from 1 to 3" in await priya.run("sleepy")
    assert "(3/3) Anything stuck?" in await priya.run("2")


@pytest.mark.parametrize(("line", "reason"), [
    ("/standup edit Daily", "Say what to change"),
    ("/standup edit Daily at 26:00", "not a time"),
    ('/standup edit Daily questions "choice: Mood | great"', "1 to 10 questions"),
    ("/standup edit Daily team Atlantis", "Atlantis"),
    ("/standup edit Nope at 10:00", "no standup called"),
])
async def test_bad_edits_change_nothing(h: Harness, line: str, reason: str) -> None:
    before = await snapshot(h.db)
    assert reason in await h.who("priya").run(line)
    assert await snapshot(h.db) == before


async def test_only_the_owner_or_a_manager_edits(h: Harness) -> None:
    assert "Only" in await h.who("liam").run("/standup edit Daily at 10:00")


async def test_mentions_ping_only_the_members_who_have_not_answered_once_turned_on(h: Harness) -> None:
    await h.who("ayu").run("/standup edit Daily mentions on")
    await h.advance(timedelta(days=2))
    [report] = [s for s in h.to("#team") if "Monday, 30 November 2026" in s.text]
    assert isinstance(report.action, Send)
    assert set(report.action.ping) == {"ayu", "priya", "liam", "emma", "omar"}
    mentioned = [i for b in report.action.content.blocks for i in getattr(b, "inlines", ()) if isinstance(i, Mention)]
    assert {m.account.user_id for m in mentioned} == set(report.action.ping)


async def test_blockers_go_to_the_owner_directly_when_asked(h: Harness) -> None:
    await h.who("ayu").run("/standup edit Daily blockers on")
    await h.advance(timedelta(days=1, hours=10))
    emma = h.who("emma")
    for line in ("Release", "Support", "waiting for the keys"):
        await emma.run(line)
    [told] = [a for a in emma.last if isinstance(a, Send) and a.to.conversation_id == "ayu"]
    assert "Hambatan di" in str(told.content) and "waiting for the keys" in str(told.content)


async def test_an_answer_given_again_after_the_report_updates_the_report(h: Harness) -> None:
    await h.advance(timedelta(days=1, hours=10))
    for line in ("Release", "Support", "none"):
        await h.who("emma").run(line)
    await h.advance(timedelta(hours=14))  # the Monday report is out
    emma = h.who("emma")
    assert "(1/3)" in await emma.run("/standup redo Daily")
    for line in ("Release notes", "Support rota", "none"):
        await emma.run(line)
    [edit] = [a for a in emma.last if isinstance(a, Edit)]
    assert edit.to.conversation_id == "team" and "Release notes" in str(edit.content)


async def test_the_owner_can_hand_the_standup_over(h: Harness) -> None:
    assert "Daily diubah" in await h.who("ayu").run("/standup edit Daily owner <@liam>")
    assert "Changed Daily" in await h.who("liam").run("/standup edit Daily at 10:00")


async def test_answers_by_form_count_like_answers_by_dm(h: Harness) -> None:
    from bot.core.actions import OpenForm
    from bot.core.capabilities import SLACK
    from bot.core.events import FormSubmitted

    await h.advance(timedelta(days=1, hours=10))  # Emma was asked at 09:30 GMT
    emma = h.who("emma")
    emma.caps = SLACK
    await emma.run("/standup answer Daily")
    [form] = emma.last
    assert isinstance(form, OpenForm) and [f.key for f in form.fields] == ["q0", "q1", "q2"]
    assert h.router is not None
    values = {"q0": "Release", "q1": "x" * 3001, "q2": ""}
    [again] = await h.router.handle(FormSubmitted(key=form.key, values=values, **emma._base(None)), emma.caps)  # type: ignore[arg-type]
    assert isinstance(again, OpenForm) and again.errors[0][0] == "q1"
    done = await h.router.handle(FormSubmitted(key=form.key, values={**values, "q1": "Support"},  # type: ignore[arg-type]
                                               **emma._base(None)), emma.caps)
    assert "Thanks!" in str(done[0])
    await h.advance(timedelta(hours=14))
    [report] = [s for s in h.to("#team") if "Monday, 30 November 2026" in s.text]
    assert "*Emma* (answered 10:00 GMT)" in report.text


async def test_thread_style_posts_a_header_and_each_answer_in_its_thread(h: Harness) -> None:
    from storage.repositories import deliveries as deliveries_repo

    assert "Changed Daily" in await h.who("priya").run("/standup edit Daily style thread")
    await h.advance(timedelta(days=1, hours=10))
    for line in ("Release", "Support", "waiting for keys"):
        await h.who("emma").run(line)
    await h.advance(timedelta(hours=14))
    header, reply = [s for s in h.to("#team") if "30 November" in s.text or "Release" in s.text]
    assert "*Blockers*" in header.text and "Release" not in header.text
    async with h.db.read() as s:
        report = await deliveries_repo.by_key(s, "standup_report", "su:1", "2026-11-30")
    assert isinstance(reply.action, Send) and report is not None and reply.action.thread == report.message_id
    assert "*Emma* (answered 10:00 GMT)" in reply.text


async def test_nudges_are_configurable_and_come_only_to_those_who_have_not_answered(h: Harness) -> None:
    assert "Changed Daily" in await h.who("priya").run("/standup edit Daily nudges 3h,1h")
    await h.advance(timedelta(days=1, hours=10))  # Monday 10:00 UTC: Emma asked at 09:30 GMT
    await h.advance(timedelta(hours=8))  # past 16:00 GMT... the report is at 22:00 UTC (New York's 17:00)
    await h.advance(timedelta(hours=4))
    nudges = [s.at for s in h.to("emma") if "gentle reminder" in s.text]
    assert nudges == []  # 19:00 and 21:00 UTC are outside Emma's 08:30–16:30: no nudge at night
    liam = [s.at for s in h.to("liam") if "gentle reminder" in s.text]
    assert [t.hour for t in liam] == [19, 21]  # 14:00 and 16:00 in New York, inside his hours
    assert "nudge times" in await h.who("priya").run("/standup edit Daily nudges soon")
    assert "Changed Daily" in await h.who("priya").run("/standup edit Daily nudges off")

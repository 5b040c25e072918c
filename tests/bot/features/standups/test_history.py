"""History and data: past answers, a report posted again, a CSV export (safe from formulas), stats,
and each member's own answers to delete; only the standup's people see any of it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.core.actions import Send, Upload
from storage.models import StandupAnswerRow
from storage.session import Database
from tests.bot.features.deadlines.team import Harness, seed_team
from tests.bot.features.standups.test_standups import NEW, TEAM, utc
from tests.support import count


@pytest.fixture
async def h(db: Database) -> Harness:
    clock = ManualClock(utc(2026, 11, 29, 0, 0))
    await seed_team(db, clock.now(), TEAM)
    harness = Harness(db, clock)
    await harness.who("ayu").run(NEW)
    await harness.advance(timedelta(days=1, hours=4))  # Monday 04:00 UTC: Priya asked at 09:30 IST
    for line in ("=HYPERLINK(\"http://evil\")", "Payments", "none"):
        await harness.who("priya").run(line)
    await harness.advance(timedelta(days=1))
    for line in ("Login", "same", "waiting for keys"):
        await harness.who("priya").run(line)
    return harness


async def test_history_lists_the_answers_newest_first(h: Harness) -> None:
    text = await h.who("priya").run("/standup history Daily <@priya> 7d")
    lines = text.splitlines()
    assert lines[0] == "*Daily*: 2 answer(s), newest first."
    assert lines[1].startswith("Tuesday, 1 December 2026 — Priya: What did you do since the last standup? Login")
    assert "Monday, 30 November 2026 — Priya" in lines[2]


async def test_people_outside_the_standup_see_nothing(h: Harness, db: Database) -> None:
    from tests.bot.features.deadlines.team import Teammate

    await seed_team(db, h.clock.now(), (Teammate(user_id="zed", tz="UTC"),))
    for line in ("/standup history Daily", "/standup export Daily", "/standup stats Daily"):
        assert "Only the members" in await h.who("zed").run(line)


async def test_a_report_can_be_posted_again(h: Harness) -> None:
    ayu = h.who("ayu")
    await ayu.run("/standup report Daily 2026-11-30")
    [post, reply] = ayu.last
    assert isinstance(post, Send) and post.to.conversation_id == "team"
    assert isinstance(reply, Send) and "Laporan Daily untuk Senin, 30 November 2026" in str(reply.content)
    from bot.core.render_text import render_plain

    assert render_plain(post.content).startswith("*Daily*, Monday, 30 November 2026: 1 of 5 answered.")


async def test_the_export_is_a_csv_whose_cells_never_run_as_formulas(h: Harness) -> None:
    ayu = h.who("ayu")
    await ayu.run("/standup export Daily 30d")
    [upload] = ayu.last
    assert isinstance(upload, Upload) and upload.mime_type == "text/csv" and upload.to.conversation_id == "ayu"
    rows = list(csv.reader(io.StringIO(upload.data.decode())))
    assert rows[0][:3] == ["day", "member", "status"]
    priya = [r for r in rows[1:] if r[1] == "priya"]
    assert [r[0] for r in priya] == ["2026-11-30", "2026-12-01"]
    assert priya[0][6] == "'=HYPERLINK(\"http://evil\")"
    assert priya[1][7] == "Payments"  # "same" repeated Monday's answer


async def test_stats_show_answer_rate_and_time_to_answer(h: Harness) -> None:
    text = await h.who("priya").run("/standup stats Daily")
    assert "*Priya*: 2/2 · 0 min on average" in text  # she answered the moment she was asked
    assert "*Ayu*: 0/2" in text and "*Liam*: 0/1" in text


async def test_members_delete_their_own_answers_only(h: Harness, db: Database) -> None:
    before = await count(db, StandupAnswerRow)
    assert "Deleted 1 of your answers." in await h.who("priya").run("/standup mine Daily delete 2026-11-30")
    assert await count(db, StandupAnswerRow) == before - 1
    assert "Deleted 0 of your answers." in await h.who("liam").run("/standup mine Daily delete 2026-12-01")

"""`/deadline list` past its first 25 items: counted in full, cut in SQL, in the order of each item's current
run, with done buttons for the first items the reader may finish even when they are past the cut."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.core.actions import AskChoice
from bot.core.identity import WorkspaceRef
from storage.repositories import deadlines as deadlines_repo
from storage.repositories import members as members_repo
from storage.repositories.deadlines import DEADLINE, NewDeadline
from storage.session import Database
from tests.bot.features.deadlines.team import WORKSPACE, Harness, seed_team


@pytest.fixture
async def h(db: Database, clock: ManualClock) -> Harness:
    await seed_team(db, clock.now())
    return Harness(db, clock)


async def add(h: Harness, title: str, due: datetime, *, creator: str = "priya", assignees: tuple[str, ...] = (),
              channel: str | None = None, rrule: str | None = None, anchor: str | None = None) -> int:
    async with h.db.session() as s:
        workspace = await members_repo.get_workspace(s, WorkspaceRef(platform="shell", workspace_id=WORKSPACE))
        assert workspace is not None
        record = await deadlines_repo.insert(s, NewDeadline(
            workspace_pk=workspace.id, kind=DEADLINE, title=title, creator=creator, assignees=assignees,
            channel_id=channel, due_at=due, zone="Asia/Kolkata", rrule=rrule, anchor_local=anchor, leads=(60,),
            urgent=False), now=h.clock.now())
    return record.id


def lines(reply: str) -> list[str]:
    return reply.splitlines()


async def test_a_long_list_shows_the_first_25_and_counts_the_rest(h: Harness) -> None:
    now = h.clock.now()
    ids = [await add(h, f"Item {n}", now + timedelta(hours=31 - n), assignees=("liam",)) for n in range(1, 31)]
    priya = h.who("priya")
    reply = lines(await priya.run("/deadline list team"))
    assert reply[0] == "Deadlines and reminders (30):"
    shown = [line for line in reply if "*Item " in line]
    assert len(shown) == 25
    assert "*Item 30*" in shown[0] and "*Item 6*" in shown[-1]  # soonest first
    assert reply[26] == "…and 5 more."
    ask = priya.last[0]
    assert isinstance(ask, AskChoice)
    assert [c.value for c in ask.choices] == [f"done:{i}" for i in reversed(ids[-5:])]


async def test_a_members_own_item_past_the_cut_still_gets_its_button(h: Harness) -> None:
    now = h.clock.now()
    for n in range(30):
        await add(h, f"Channel {n}", now + timedelta(hours=n + 1), channel="team")
    own = await add(h, "Mine", now + timedelta(days=10), assignees=("jonas",))
    jonas = h.who("jonas")
    reply = await jonas.run("/deadline list team")
    assert lines(reply)[0] == "Deadlines and reminders (31):" and "Mine" not in reply
    assert "…and 6 more." in reply
    ask = jonas.last[0]
    assert isinstance(ask, AskChoice) and [c.value for c in ask.choices] == [f"done:{own}"]


async def test_a_repeating_item_is_placed_by_its_next_run(h: Harness) -> None:
    now = h.clock.now()  # Saturday 28 November 2026, 08:00 UTC
    for n in range(30):
        await add(h, f"Later {n}", now + timedelta(days=3, hours=n), assignees=("liam",))
    weekly = await add(h, "Weekly", datetime(2026, 1, 5, 3, 30, tzinfo=now.tzinfo), assignees=("liam",),
                       rrule="FREQ=WEEKLY;BYDAY=MO", anchor="2026-01-05T09:00:00")
    reply = lines(await h.who("liam").run("/deadline list"))
    assert reply[0] == "Deadlines and reminders (31):"
    assert f"#{weekly} *Weekly*" in reply[1]  # Monday 30 November, before every one-off
    overdue = await h.who("priya").run("/deadline list overdue")
    assert "Weekly" not in overdue  # a repeating item is never overdue


async def test_the_overdue_filter_counts_only_the_overdue(h: Harness) -> None:
    now = h.clock.now()
    for n in range(27):
        await add(h, f"Late {n}", now - timedelta(hours=n + 1), assignees=("liam",))
    await add(h, "Future", now + timedelta(days=1), assignees=("liam",))
    reply = await h.who("priya").run("/deadline list overdue")
    assert lines(reply)[0] == "Deadlines and reminders (27):" and "Future" not in reply
    assert "…and 2 more." in reply

"""The planner reads deadlines a page at a time and only those not yet planned to the horizon's end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.features.deadlines import source as source_module
from bot.features.deadlines.source import PAGE, DeadlineSource
from bot.scheduling.planner import Planner
from storage.repositories import deadlines as repo
from storage.repositories import deliveries as deliveries_repo
from storage.repositories.deadlines import REMINDER, NewDeadline
from storage.session import Database
from tests.bot.features.deadlines.team import seed_team

pytestmark = pytest.mark.usefixtures("pages")


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every page of items the source read."""
    seen: list[int] = []
    original = repo.needing_plan

    async def recording(*args: object, **kwargs: object) -> list[repo.DeadlineRecord]:
        found = await original(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(len(found))
        return found

    monkeypatch.setattr(source_module.repo, "needing_plan", recording)
    return seen


async def reminders(db: Database, clock: ManualClock, n: int) -> int:
    ws = await seed_team(db, clock.now())
    async with db.session() as s:
        for i in range(n):
            await repo.insert(s, NewDeadline(
                workspace_pk=ws, kind=REMINDER, title=f"r{i}", creator="liam", assignees=("liam",),
                channel_id=None, due_at=clock.now() + timedelta(hours=3, minutes=i % 600), zone="UTC",
                rrule=None, anchor_local=None, leads=(0,), urgent=True), now=clock.now())
    return ws


async def pending(db: Database) -> int:
    async with db.read() as s:
        return (await deliveries_repo.count_by_status(s)).get("pending", 0)


async def test_a_first_pass_plans_every_item_in_pages_and_the_next_reads_none(
        db: Database, clock: ManualClock, pages: list[int]) -> None:
    await reminders(db, clock, PAGE * 2 + 20)
    planner = Planner(db, clock, [DeadlineSource()])
    assert await planner.run() == PAGE * 2 + 20
    assert pages == [PAGE, PAGE, 20]
    pages.clear()
    clock.advance(timedelta(minutes=1))
    assert await planner.run() == 0
    assert pages == [0]  # the every-minute pass reads nothing it has planned to beyond the horizon


async def test_an_edited_item_is_read_again_at_the_next_pass(db: Database, clock: ManualClock,
                                                             pages: list[int]) -> None:
    ws = await reminders(db, clock, 3)
    planner = Planner(db, clock, [DeadlineSource()])
    await planner.run()
    pages.clear()
    async with db.session() as s:
        [first, *_] = await repo.open_items(s)
        await repo.update(s, ws, first.id, now=clock.now(), due_at=first.due_at + timedelta(hours=1))
        await repo.withdraw(s, first.source_id)
    assert await pending(db) == 2
    assert await planner.run() == 1
    assert pages == [1]
    assert await pending(db) == 3


async def test_items_are_read_again_spread_over_the_hour_as_their_planned_stretch_runs_out(
        db: Database, clock: ManualClock, pages: list[int]) -> None:
    await reminders(db, clock, 120)
    planner = Planner(db, clock, [DeadlineSource()])
    await planner.run()
    read_per_pass = []
    for _ in range(130):
        pages.clear()
        clock.advance(timedelta(minutes=1))
        await planner.run()
        read_per_pass.append(sum(pages))
    # Each item once within the first two hours, a few a minute, never all at once.
    assert sum(read_per_pass[:120]) == 120
    assert max(read_per_pass) <= 4

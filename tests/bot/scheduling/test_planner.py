"""The planner asks every source for the coming horizon and enqueues idempotently; one bad source is contained."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.scheduling.outbox import PlannedDelivery
from bot.scheduling.planner import Planner
from storage.session import Database
from tests.bot.scheduling.helpers import find, planned, seed_workspace


@dataclass
class Hourly:
    """Every hour on the hour, with the hour as the occurrence key."""

    workspace_pk: int
    name: str = "hourly"
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> Sequence[PlannedDelivery]:
        self.windows.append((start, end))
        first = start.replace(minute=0, second=0, microsecond=0)
        first = first if first >= start else first + timedelta(hours=1)
        hours = int((end - first) / timedelta(hours=1)) + 1
        times = [first + timedelta(hours=h) for h in range(hours)]
        return [planned(self.workspace_pk, self.name, t, occurrence=t.isoformat()) for t in times if t < end]


@dataclass
class Broken:
    name: str = "broken"

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> Sequence[PlannedDelivery]:
        raise RuntimeError("source bug")


async def test_plans_the_horizon_idempotently(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    source = Hourly(ws)
    planner = Planner(db, clock, [source], horizon=timedelta(hours=26))
    assert await planner.run() == 26
    assert source.windows == [(clock.now(), clock.now() + timedelta(hours=26))]
    assert await planner.run() == 0
    clock.advance(timedelta(minutes=90))
    assert await planner.run() == 2  # 10:00 and 11:00 on the next day's edge
    rows = await find(db)
    assert len(rows) == 28 and rows[0].due_at == clock.now() - timedelta(minutes=90)


async def test_a_failing_source_does_not_stop_the_others(
        db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    ws = await seed_workspace(db, clock.now())
    planner = Planner(db, clock, [Broken(), Hourly(ws)], horizon=timedelta(hours=3))
    with caplog.at_level(logging.ERROR, logger="bot.scheduling.planner"):
        assert await planner.run() == 3
    assert any("broken" in r.getMessage() for r in caplog.records)


async def test_lookback_plans_what_fell_due_while_down(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    source = Hourly(ws)
    planner = Planner(db, clock, [], horizon=timedelta(hours=1), lookback=timedelta(hours=2))
    planner.add_source(source)
    assert await planner.run() == 3
    assert source.windows == [(clock.now() - timedelta(hours=2), clock.now() + timedelta(hours=1))]

"""The scheduler service: real APScheduler wakes on time; a manual clock replays a day in due order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock, SystemClock
from bot.core.actions import Action
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.outbox import PlannedDelivery
from bot.scheduling.planner import Planner
from bot.scheduling.service import SchedulerService
from storage.session import Database
from tests.bot.scheduling.helpers import (
    RecordingSender,
    add,
    find,
    planned,
    seed_workspace,
    text_of,
    wait_until,
)

POLICIES = Policies({}, timedelta(minutes=30))


def service(db: Database, clock: SystemClock | ManualClock, sender: RecordingSender,
            sources: Sequence[object] = (), interval: timedelta = timedelta(seconds=60)) -> SchedulerService:
    dispatcher = Dispatcher(db, clock, sender, POLICIES, worker_id="svc", lease=timedelta(seconds=30))
    planner = Planner(db, clock, list(sources))  # type: ignore[arg-type]
    return SchedulerService(dispatcher, planner, clock, planner_interval=interval)


class Signalling(RecordingSender):
    """Sets `event` once `expected` messages went out."""

    def __init__(self, clock: SystemClock | ManualClock, expected: int = 1) -> None:
        super().__init__(clock)
        self.expected = expected
        self.event = asyncio.Event()
        self.on_send = self._count

    def _count(self, _action: Action) -> None:
        if len(self.sent) >= self.expected:
            self.event.set()


async def test_wakes_precisely_for_a_delivery_due_soon(db: Database) -> None:
    clock = SystemClock()
    ws = await seed_workspace(db, clock.now())
    due = clock.now() + timedelta(seconds=0.3)
    await add(db, [planned(ws, "soon", due)], clock.now())
    sender = Signalling(clock)
    svc = service(db, clock, sender)
    svc.start()
    try:
        await asyncio.wait_for(sender.event.wait(), 10)
    finally:
        await svc.shutdown(5)
    [(_, sent_at)] = sender.sent
    assert due <= sent_at < due + timedelta(seconds=2)
    [row] = await find(db)
    assert (row.status, row.late) == ("sent", False)


async def test_kick_after_enqueue_does_not_wait_for_the_poll(db: Database) -> None:
    clock = SystemClock()
    ws = await seed_workspace(db, clock.now())
    sender = Signalling(clock)
    svc = service(db, clock, sender, interval=timedelta(hours=1))
    svc.start()
    try:
        async def armed() -> bool:
            return svc.next_wake is not None
        await wait_until(armed)
        wake = svc.next_wake
        assert wake is not None and wake > clock.now() + timedelta(minutes=59)  # nothing due: the poll
        await add(db, [planned(ws, "new", clock.now() + timedelta(seconds=0.2))], clock.now())
        svc.kick()
        await asyncio.wait_for(sender.event.wait(), 10)
    finally:
        await svc.shutdown(5)
    assert sender.texts() == ["message new"]


@dataclass
class SoonSource:
    workspace_pk: int
    clock: SystemClock
    name: str = "soon"

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> Sequence[PlannedDelivery]:
        return [planned(self.workspace_pk, "from-source", self.clock.now() + timedelta(seconds=0.2))]


async def test_planner_job_runs_at_start_and_its_rows_are_sent(db: Database) -> None:
    clock = SystemClock()
    ws = await seed_workspace(db, clock.now())
    sender = Signalling(clock)
    svc = service(db, clock, sender, [SoonSource(ws, clock)], interval=timedelta(hours=1))
    svc.start()
    try:
        await asyncio.wait_for(sender.event.wait(), 10)
    finally:
        await svc.shutdown(5)
    assert sender.texts() == ["message from-source"]


async def test_shutdown_finishes_the_send_in_flight_and_releases_the_rest(db: Database) -> None:
    clock = SystemClock()
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, f"r{i}", clock.now() - timedelta(seconds=i), text=f"t{i}") for i in range(3)],
              clock.now())
    entered, release = asyncio.Event(), asyncio.Event()

    class Slow(RecordingSender):
        async def perform(self, action: Action):  # type: ignore[no-untyped-def]
            entered.set()
            await release.wait()
            return await super().perform(action)

    sender = Slow(clock)
    svc = service(db, clock, sender)
    svc.start()
    await asyncio.wait_for(entered.wait(), 10)
    stopping = asyncio.create_task(svc.shutdown(10))
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.wait_for(stopping, 10) == 2
    assert sender.texts() == ["t2"]
    rows = {r.source_id: r.status for r in await find(db)}
    assert rows == {"r2": "sent", "r1": "pending", "r0": "pending"}


@dataclass
class EveryThreeHours:
    """A recurring source: 00:00, 03:00, … UTC, keyed by the instant."""

    workspace_pk: int
    name: str = "every3h"

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> Sequence[PlannedDelivery]:
        t = start.replace(minute=0, second=0, microsecond=0)
        out = []
        while t < end:
            if t >= start and t.hour % 3 == 0:
                out.append(planned(self.workspace_pk, "every3h", t, occurrence=t.isoformat(),
                                   text=f"tick {t:%d %H:%M}"))
            t += timedelta(hours=1)
        return out


async def test_advance_to_fires_each_delivery_at_its_own_due_time(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    start = clock.now()
    one_offs = [start + timedelta(minutes=m) for m in (10, 61, 300)]
    await add(db, [planned(ws, f"once{i}", t, text=f"once {i}") for i, t in enumerate(one_offs)], start)
    sender = RecordingSender(clock)
    svc = service(db, clock, sender, [EveryThreeHours(ws)])
    target = start + timedelta(days=3)
    sent = await svc.advance_to(target)
    assert clock.now() == target
    times = [at for _, at in sender.sent]
    assert times == sorted(times)
    ticks = [(text_of(a), at) for a, at in sender.sent if text_of(a).startswith("tick")]
    assert len(ticks) == 24 and sent == 27  # 09:00 on the 28th … 06:00 on the 1st
    assert all(text == f"tick {at:%d %H:%M}" for text, at in ticks)
    once = {text_of(a): at for a, at in sender.sent if text_of(a).startswith("once")}
    assert once == {f"once {i}": t for i, t in enumerate(one_offs)}
    assert all(not r.late for r in await find(db))


async def test_advance_to_refuses_a_real_clock(db: Database) -> None:
    svc = service(db, SystemClock(), RecordingSender(SystemClock()))
    with pytest.raises(TypeError):
        await svc.advance_to(SystemClock().now())

"""The two scheduling fixes the database-restart test called for, one by one: a dispatch pass that died
gives its own claims back at the next pass instead of waiting out its own lease, and the scheduler tries
again a second after a failed pass (backing off while the database stays away) instead of a whole poll
interval later."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import cast

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock, SystemClock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.planner import Planner
from bot.scheduling.service import SchedulerService
from storage.session import Database
from tests.bot.scheduling.helpers import RecordingSender, add, find, planned, seed_workspace, wait_until


class FailingMarks(Database):
    """A database whose next `failures` write sessions fail, as when the server has just gone away."""

    failures = 0

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        if self.failures:
            self.failures -= 1
            raise OperationalError("UPDATE deliveries", {}, ConnectionResetError("server closed the connection"))
        async with super().session() as s:
            yield s


async def test_a_pass_cut_off_by_the_database_gives_its_claims_back_at_the_next(
        sqlite_url: str, clock: ManualClock) -> None:
    db = FailingMarks(sqlite_url)
    await db.upgrade()
    try:
        ws = await seed_workspace(db, clock.now())
        await add(db, [planned(ws, f"m{i}", clock.now(), text=f"m{i}") for i in range(3)], clock.now())
        sender = RecordingSender(clock)
        sender.on_send = lambda _action: setattr(db, "failures", 1) if len(sender.sent) == 1 else None
        # The database stays away longer than marks are retried (not at all here): the pass dies.
        dispatcher = Dispatcher(db, clock, sender, Policies({}, timedelta(hours=1)), worker_id="w",
                                lease=timedelta(minutes=10), mark_retry=timedelta(0))
        with pytest.raises(OperationalError):
            await dispatcher.run_due()  # sends m0, then cannot mark it
        assert {r.status for r in await find(db)} == {"claimed"}
        stats = await dispatcher.run_due()  # the clock has not moved: no lease has run out
        rows = await find(db)
        assert {r.status for r in rows} == {"sent"}, rows
        # The three were sent before their group-committed marks were written, and that write failed:
        # each is sent again by the next pass (not a lease later), and marked then.
        assert stats.sent == 3 and sender.texts() == ["m0", "m1", "m2", "m0", "m1", "m2"]
    finally:
        await db.dispose()


class DeadDatabaseDispatcher:
    """Stands in for a dispatcher whose database is down: every pass fails; records when each was tried."""

    def __init__(self) -> None:
        self.tries: list[float] = []
        self.claims = 0

    async def run_due(self) -> None:
        self.tries.append(time.monotonic())
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    async def next_due_at(self) -> datetime | None:
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    def request_stop(self) -> None:
        """Nothing to stop: this stand-in runs no loop of its own."""

    async def release_claims(self) -> int:
        return 0


async def test_after_a_failed_pass_the_next_try_comes_in_a_second_then_backs_off(sqlite_url: str) -> None:
    clock = SystemClock()
    db = Database(sqlite_url)
    stub = DeadDatabaseDispatcher()
    service = SchedulerService(cast(Dispatcher, stub), Planner(db, clock, []), clock,
                               planner_interval=timedelta(hours=1))
    service.start()
    try:
        async def tried_thrice() -> bool:
            return len(stub.tries) >= 3
        await wait_until(tried_thrice, within=20)
    finally:
        await service.shutdown(5)
        await db.dispose()
    first, second = stub.tries[1] - stub.tries[0], stub.tries[2] - stub.tries[1]
    assert 0.5 <= first < 5 and first * 1.5 < second < 10, stub.tries  # 1 s, then 2 s: not the hour's poll

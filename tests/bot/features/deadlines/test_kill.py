"""Acceptance: Rekan processes planning and sending a deadline's reminders, killed with SIGKILL mid-burst,
lose none of them and send each once (bar the one send in flight at the kill, ARCHITECTURE §4).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from bot.clock import ManualClock, SystemClock
from bot.scheduling.marks import MARK_LIMIT
from storage.repositories.deliveries import DeliveryRecord
from storage.session import Database
from tests.bot.features.deadlines.team import TEAM, Harness, Teammate, seed_team
from tests.bot.scheduling.helpers import find, wait_until
from tests.bot.scheduling.test_sigkill import Processes, procs, wait_for_cycles

pytestmark = pytest.mark.slow
__all__ = ["procs"]

CROWD = 150
AHEAD = "120"
"""The processes' clocks run two minutes fast: the reminder set for a minute from now is due."""


async def due_rows(db: Database) -> list[DeliveryRecord]:
    """The notices and the reminders; the overdue follow-ups are planned too, but hours away."""
    return [r for r in await find(db) if r.kind != "deadline_overdue"]


async def test_a_killed_process_loses_no_reminder_and_the_next_sends_each_once(
        db: Database, procs: Processes) -> None:
    clock = ManualClock(SystemClock().now())
    crowd = tuple(Teammate(user_id=f"u{n:03d}", tz=None) for n in range(CROWD))
    await seed_team(db, clock.now(), (TEAM[0], *crowd))
    mentions = " ".join(f"<@{t.user_id}>" for t in crowd)
    reply = await Harness(db, clock).who("ayu").run(f'/deadline add "Release" in 61 minutes for {mentions} remind 1h')
    assert "Tenggat #1" in reply
    rng = random.Random()
    kill_after = rng.randint(20, 2 * CROWD - 20)

    first, _ = procs.start("--plan-deadlines", "--ahead", AHEAD)

    async def some_sent() -> bool:
        procs.check_alive(first)
        return len(procs.send_lines()) >= kill_after
    await wait_until(some_sent, interval=0.005)
    await asyncio.sleep(rng.uniform(0.0, 0.01))  # not synchronisation: moves the kill to a random point of a send
    await procs.kill(first)
    by_first = sum(1 for s in procs.send_lines() if s["pid"] == first.pid)
    marked_by_first = sum(1 for r in await find(db) if r.message_id == str(first.pid))

    second, status2 = procs.start("--plan-deadlines", "--ahead", AHEAD)

    async def all_sent() -> bool:
        procs.check_alive(second)
        rows = await due_rows(db)
        return len(rows) == 2 * CROWD and {r.status for r in rows} == {"sent"}
    await wait_until(all_sent)
    await wait_for_cycles(procs, second, status2, 2)  # a later planning pass adds nothing
    await procs.kill(second)

    assert len(await due_rows(db)) == 2 * CROWD
    sends = Counter((str(s["to"]), "is due" in str(s["text"])) for s in procs.send_lines())
    assert set(sends) == {(t.user_id, due) for t in crowd for due in (False, True)}  # nothing lost
    duplicates = sum(sends.values()) - 2 * CROWD
    # Sends the platform took whose group-committed marks had not landed: at most MARK_LIMIT, plus one.
    assert duplicates == by_first - marked_by_first <= MARK_LIMIT + 1, (kill_after, by_first, marked_by_first)

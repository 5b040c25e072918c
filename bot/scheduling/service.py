"""Runs the planner and dispatcher: APScheduler wakes them on time, the outbox decides what is due.

The scheduler is derived state. Its dispatch job is one DateTrigger set to the outbox's next due time
(or the next poll, whichever is sooner) and re-set after every run; lateness is judged by our policy,
so APScheduler's misfire grace is set explicitly and never decides anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock, ManualClock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.planner import Planner

log = logging.getLogger(__name__)

PLANNER_JOB = "rekan-planner"
DISPATCH_JOB = "rekan-dispatch"
MAX_ADVANCE_STEPS = 100_000
RETRY_AFTER_FAILURE = timedelta(seconds=1)
"""After a failed dispatch pass (the database gone, most likely) the next try comes this soon, doubling
with each pass in a row that never reached the database, never later than the poll: a database back in a
second is used in a second, and one that stays away is not hammered."""


class SchedulerService:
    """Owns the AsyncIOScheduler; with a ManualClock the shell drives `advance_to` instead."""

    def __init__(self, dispatcher: Dispatcher, planner: Planner, clock: Clock, *,
                 planner_interval: timedelta) -> None:
        if planner_interval <= timedelta(0):
            raise ValueError("planner_interval must be positive")
        self.dispatcher, self.planner, self.clock = dispatcher, planner, clock
        self.planner_interval = planner_interval
        self._scheduler: AsyncIOScheduler | None = None
        self._dispatch_task: asyncio.Task[None] | None = None
        self._plan_task: asyncio.Task[None] | None = None
        self._again = False
        self._stopping = False
        self._failures = 0

    @property
    def running(self) -> bool:
        return self._scheduler is not None and bool(self._scheduler.running)

    @property
    def next_wake(self) -> datetime | None:
        """When the dispatch job will next run (None while a dispatch pass is in progress or stopped)."""
        job = self._scheduler.get_job(DISPATCH_JOB) if self._scheduler is not None else None
        wake: datetime | None = getattr(job, "next_run_time", None)
        return wake

    def start(self) -> None:
        """Start inside the running loop: plan now and every interval, dispatch now and when due."""
        if self._scheduler is not None:
            raise RuntimeError("the scheduler service was already started")
        loop = asyncio.get_running_loop()
        scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
        seconds = self.planner_interval.total_seconds()
        scheduler.add_job(self._planner_job, IntervalTrigger(seconds=seconds, timezone=UTC),
                          id=PLANNER_JOB, next_run_time=self.clock.now(), coalesce=True,
                          max_instances=1, misfire_grace_time=max(1, int(seconds)))
        scheduler.start()
        self._scheduler = scheduler
        self.kick()

    def kick(self) -> None:
        """Re-compute the wake-up now (call after enqueueing): runs a dispatch pass, then re-arms."""
        if self._stopping:
            return
        if self._dispatch_task is not None and not self._dispatch_task.done():
            self._again = True
            return
        self._dispatch_task = asyncio.get_running_loop().create_task(self._dispatch_loop())

    async def shutdown(self, timeout: float = 10.0) -> int:  # noqa: ASYNC109 - a bound, not a cancel scope
        """Stop waking, let a dispatch in flight finish its current send, then give back our claims."""
        self._stopping = True
        self.dispatcher.request_stop()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        for name, task in (("dispatch", self._dispatch_task), ("planner", self._plan_task)):
            if task is not None and not task.done():
                _, pending = await asyncio.wait({task}, timeout=timeout)
                if pending:
                    log.warning("%s still running after %.1fs; cancelling it", name, timeout)
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        return await self.dispatcher.release_claims()

    async def advance_to(self, target: datetime) -> int:
        """Move a ManualClock to `target`, firing everything due on the way at its own due time."""
        clock = self.clock
        if not isinstance(clock, ManualClock):
            raise TypeError("advance_to needs a ManualClock")
        sent = 0
        for _ in range(MAX_ADVANCE_STEPS):
            sent += await self._tick()
            # Half the planner's horizon: every occurrence up to the next step is already planned.
            step = clock.now() + self.planner.horizon / 2
            due = await self.dispatcher.next_due_at()
            if due is not None and due <= clock.now():
                log.warning("deliveries still due at %s after a dispatch pass; jumping to %s",
                            clock.now().isoformat(), target.isoformat())
                break
            nxt = min(t for t in (due, step, target) if t is not None)
            if nxt >= target:
                break
            clock.set(nxt)
        if target > clock.now():
            clock.set(target)
        return sent + await self._tick()

    async def _tick(self) -> int:
        await self.planner.run()
        return (await self.dispatcher.run_due()).sent

    async def _planner_job(self) -> None:
        # APScheduler cancels its job tasks at shutdown; a planner pass cut off inside a transaction
        # could hold the database open. It runs in our task, shielded, and shutdown waits for it.
        if self._plan_task is not None and not self._plan_task.done():
            return
        self._plan_task = asyncio.get_running_loop().create_task(self._plan_once())
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(self._plan_task)

    async def _plan_once(self) -> None:
        try:
            added = await self.planner.run()
        except Exception:
            log.exception("planner run failed")
            return
        if added and not self._stopping:
            self.kick()

    async def _dispatch_job(self) -> None:
        # APScheduler cancels its own job tasks at shutdown; the dispatch runs in our task instead,
        # so that shutdown can let the send in flight finish.
        self.kick()

    async def _dispatch_loop(self) -> None:
        while not self._stopping:
            self._again = False
            claims = self.dispatcher.claims
            try:
                await self.dispatcher.run_due()
                self._failures = 0
            except Exception:
                # A pass that reached the database before failing starts a new run of failures; one that
                # never did (the database still away) adds to it, and the retries back off.
                self._failures = 1 if self.dispatcher.claims != claims else self._failures + 1
                log.exception("dispatch run failed; retrying at the next wake-up")
            if self._again:
                continue
            await self._arm()
            if not self._again:
                return

    async def _arm(self) -> None:
        """Set the single dispatch job to the next due time, or the next poll if that is sooner."""
        now = self.clock.now()
        wake = now + self.planner_interval
        if self._failures:
            wake = min(wake, now + RETRY_AFTER_FAILURE * 2 ** min(self._failures - 1, 10))
        try:
            due = await self.dispatcher.next_due_at()
        except Exception:
            log.exception("cannot read the next due time; polling instead")
            due = None
        if due is not None:
            wake = max(min(wake, due), now)
        self._add_dispatch_job(wake)

    def _add_dispatch_job(self, wake: datetime) -> None:
        scheduler = self._scheduler
        if scheduler is None or not scheduler.running or self._stopping:
            return
        options: dict[str, Any] = {"id": DISPATCH_JOB, "replace_existing": True, "coalesce": True,
                                   "max_instances": 1, "misfire_grace_time": None}
        scheduler.add_job(self._dispatch_job, DateTrigger(run_date=wake, timezone=UTC), **options)

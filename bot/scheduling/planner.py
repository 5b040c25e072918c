"""Turns schedules into outbox rows ahead of time, so a send survives a restart before it is due."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.priority import PLANNING_GATE, SendingGate, yield_to_sends
from storage.session import Database

log = logging.getLogger(__name__)

HORIZON = timedelta(hours=26)
"""More than a day, so a daily occurrence is in the outbox before a day-long outage starts."""


@dataclass(frozen=True, kw_only=True)
class PlanPage:
    """Part of a source's answer; with `more`, the planner asks again in a fresh transaction.

    A source with many items answers a page at a time, so no transaction (and no stretch of the event
    loop) holds all of them; it must record what a page covered, so the next call moves on.
    """

    deliveries: Sequence[PlannedDelivery]
    more: bool = False


MAX_PAGES = 1_000
"""Pages of one source in one pass: a source that never says it is done cannot hold the planner."""


class PlanSource(Protocol):
    """A feature's schedules (standups, deadlines): which sends fall due in `[start, end)`."""

    name: str

    async def plan(self, session: AsyncSession, start: datetime,
                   end: datetime) -> Sequence[PlannedDelivery] | PlanPage:
        ...


class Planner:
    """Asks every source for the coming horizon and enqueues the answers idempotently."""

    def __init__(self, db: Database, clock: Clock, sources: Sequence[PlanSource], *,
                 horizon: timedelta = HORIZON, lookback: timedelta = timedelta(0),
                 gate: SendingGate | None = None) -> None:
        if horizon <= timedelta(0) or lookback < timedelta(0):
            raise ValueError("horizon must be positive and lookback not negative")
        self._db, self._clock = db, clock
        self._sources = list(sources)
        self._horizon, self._lookback = horizon, lookback
        self._gate = gate
        """The dispatcher's: while it sends, this pass waits at its yield points (sending comes first)."""

    @property
    def horizon(self) -> timedelta:
        return self._horizon

    def add_source(self, source: PlanSource) -> None:
        self._sources.append(source)

    async def run(self) -> int:
        """Plan `[now - lookback, now + horizon)`; returns how many rows were new; a bad source is logged."""
        token = PLANNING_GATE.set(self._gate)
        try:
            return await self._run()
        finally:
            PLANNING_GATE.reset(token)

    async def _run(self) -> int:
        now = self._clock.now()
        start, end = now - self._lookback, now + self._horizon
        added = 0
        for source in list(self._sources):
            try:
                added += await self._plan_one(source, start, end, now)
            except Exception:
                log.exception("planning source %s failed; the other sources still run", source.name)
        return added

    async def _plan_one(self, source: PlanSource, start: datetime, end: datetime, now: datetime) -> int:
        added, more, pages = 0, True, 0
        while more and pages < MAX_PAGES:
            pages += 1
            async with self._db.session() as s:
                answer = await source.plan(s, start, end)
                page = answer if isinstance(answer, PlanPage) else PlanPage(deliveries=answer)
                added += await enqueue(s, page.deliveries, now=now)
            more = page.more
            if more:
                await yield_to_sends()  # between pages: sends, then commands, get the loop and the database
        if more:
            log.warning("planner source %s still had pages after %d; the next pass goes on",
                        source.name, pages)
        if added:
            log.info("planner source %s enqueued %d deliveries", source.name, added)
        return added

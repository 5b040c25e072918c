"""Turns schedules into outbox rows ahead of time, so a send survives a restart before it is due."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.session import Database

log = logging.getLogger(__name__)

HORIZON = timedelta(hours=26)
"""More than a day, so a daily occurrence is in the outbox before a day-long outage starts."""


class PlanSource(Protocol):
    """A feature's schedules (standups, deadlines): which sends fall due in `[start, end)`."""

    name: str

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> Sequence[PlannedDelivery]:
        ...


class Planner:
    """Asks every source for the coming horizon and enqueues the answers idempotently."""

    def __init__(self, db: Database, clock: Clock, sources: Sequence[PlanSource], *,
                 horizon: timedelta = HORIZON, lookback: timedelta = timedelta(0)) -> None:
        if horizon <= timedelta(0) or lookback < timedelta(0):
            raise ValueError("horizon must be positive and lookback not negative")
        self._db, self._clock = db, clock
        self._sources = list(sources)
        self._horizon, self._lookback = horizon, lookback

    @property
    def horizon(self) -> timedelta:
        return self._horizon

    def add_source(self, source: PlanSource) -> None:
        self._sources.append(source)

    async def run(self) -> int:
        """Plan `[now - lookback, now + horizon)`; returns how many rows were new; a bad source is logged."""
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
        async with self._db.session() as s:
            planned = await source.plan(s, start, end)
            added = await enqueue(s, planned, now=now)
        if added:
            log.info("planner source %s enqueued %d deliveries", source.name, added)
        return added

"""The meeting tests' clock (Tuesday 1 December 2026, 06:00 UTC) and a router over the seeded team."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.core.router import Router
from storage.session import Database
from tests.bot.features.meetings.crew import seed, utc
from tests.support import make_router


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(utc(2026, 12, 1, 6, 0))


@pytest.fixture
async def router(db: Database, clock: ManualClock) -> Router:
    await seed(db, clock.now())
    return make_router(db, clock)

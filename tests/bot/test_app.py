"""The composition root builds the core from the settings: here, the dispatcher's sends at once."""

from __future__ import annotations

import dataclasses

from bot.app import Rekan
from bot.config import SchedulingSettings, Settings


async def test_the_dispatcher_sends_as_many_at_once_as_configured() -> None:
    settings = dataclasses.replace(Settings(), scheduling=SchedulingSettings(dispatch_concurrency=3))
    rekan = Rekan(settings, database_url="sqlite+aiosqlite://")
    try:
        assert rekan.dispatcher._concurrency == 3
    finally:
        await rekan.db.dispose()


async def test_by_default_eight_sends_are_in_flight_at_once() -> None:
    rekan = Rekan(Settings(), database_url="sqlite+aiosqlite://")
    try:
        assert rekan.dispatcher._concurrency == 8
    finally:
        await rekan.db.dispose()

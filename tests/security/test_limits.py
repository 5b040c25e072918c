"""Bounded work for unbounded input: a display name as long as a payload can make it, a label drawn in the
overlap picture."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.core.router import MAX_NAME
from bot.features.meetings import picture
from storage.session import Database
from tests.security.world import AYU, LIAM, PRIYA, Actor, seed, utc
from tests.support import make_router


@pytest.fixture
def db(lite_db: Database) -> Database:
    return lite_db


async def test_a_display_name_longer_than_any_platform_allows_is_cut_where_it_enters(db: Database) -> None:
    """Slack and Discord names are at most 80 characters; a payload claiming 5,000 is kept to 80, so every
    list, report and picture that shows names stays small (the overlap picture measured such a name for
    minutes, see below)."""
    clock = ManualClock(utc(2026, 11, 30, 6, 0))
    await seed(db, clock.now())
    router = make_router(db, clock)
    liam = Actor(router, clock, LIAM, name="x" * 5_000 + " @here")
    await liam.run("/tz")
    ayu = Actor(router, clock, AYU, in_channel=True)
    started = time.perf_counter()
    said = await ayu.run(f"/meet overlap <@{LIAM}> <@{PRIYA}>")
    assert time.perf_counter() - started < 5.0
    names = [line for line in said.splitlines() if "xxxx" in line]
    assert names and all(len(line) < 2 * MAX_NAME for line in names), names
    assert "x" * MAX_NAME not in said and "\u2026" in said


class _CountingFont:
    """Measures like a fixed-width font and counts the characters it was asked to measure."""

    def __init__(self) -> None:
        self.measured = 0

    def getlength(self, text: str) -> float:
        self.measured += len(text)
        return 7.0 * len(text)


def test_fitting_a_label_into_the_picture_takes_work_in_proportion_to_its_length() -> None:
    font: Any = _CountingFont()
    label = "x" * 4_000
    picture._fit(label, font, 118)
    assert font.measured <= 50 * len(label), f"measured {font.measured:,} characters for a {len(label):,}-character label"

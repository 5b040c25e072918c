"""The overlap definition applied minute by minute: the oracle the tests and `bench/overlap.py` check
the engine against. Slow on purpose; never used to answer people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.features.meetings.overlap import Schedule, Span
from bot.time.workhours import WorkState, work_state


def brute_force(schedules: Sequence[Schedule], window: Sequence[Span], k: int) -> list[Span]:
    """Every UTC minute of the window where at least k people are WORKING by `work_state`."""
    found: list[Span] = []
    for lo, hi in window:
        for minute in range(lo, hi, 60):
            instant = datetime.fromtimestamp(minute, UTC)
            working = sum(work_state(s.hours, s.days_off, s.zone, instant) is WorkState.WORKING
                          for s in schedules)
            if working >= k:
                if found and found[-1][1] == minute:
                    found[-1] = (found[-1][0], minute + 60)
                else:
                    found.append((minute, minute + 60))
    return found

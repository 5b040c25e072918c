"""The injected source of "now": real time in production, a movable clock in demos and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


def ensure_aware_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive datetime is a bug, so it is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime refused: {value.isoformat()}")
    return value.astimezone(UTC)


class Clock(Protocol):
    """Anything that tells the current instant as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, always in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: the shell demo's `/clock` and the tests drive it."""

    def __init__(self, start: datetime) -> None:
        self._now = ensure_aware_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = ensure_aware_utc(instant)

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("a clock is never moved backwards by advance()")
        self._now = self._now + delta

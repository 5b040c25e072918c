"""Quiet hours: a reminder outside someone's working hours moves into them (TIME.md's working hours).

A reminder before a deadline moves back to the end of the member's previous working window, so it
arrives while they can still act and never after the deadline; a follow-up after a deadline moves
forward to the start of their next working window. Days off count as not working.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

from bot.core.identity import DayOff, WorkingHours
from bot.time.phrases.resolve import at_wall
from bot.time.workhours import is_day_off
from bot.time.zones import get_zone

SEARCH_DAYS = 21
"""How far to look for a working window (three weeks covers a long holiday)."""


def _window(day: date, hours: WorkingHours, zone: str) -> tuple[datetime, datetime]:
    """The shift that starts on `day`, as instants; it may end the next day (TIME.md)."""
    start = at_wall(day, time(hours.start_minute // 60, hours.start_minute % 60), zone)
    end_day = day + timedelta(days=1) if hours.crosses_midnight or hours.end_minute == 1440 else day
    end_minute = hours.end_minute % 1440
    end = at_wall(end_day, time(end_minute // 60, end_minute % 60), zone)
    return start, end


def _windows(
    around: datetime, hours: WorkingHours, days_off: Sequence[DayOff], zone: str, step: int
) -> Iterator[tuple[datetime, datetime]]:
    """Working windows from the local day of `around`, going back (`step` -1) or forward (+1)."""
    first = around.astimezone(get_zone(zone)).date() + timedelta(days=1 if step < 0 else -1)
    for offset in range(SEARCH_DAYS + 2):
        day = first + timedelta(days=offset * step)
        if day.weekday() in hours.workdays and not is_day_off(day, days_off):
            yield _window(day, hours, zone)


def previous_working(at: datetime, hours: WorkingHours, days_off: Sequence[DayOff], zone: str) -> datetime:
    """`at` itself when the member works then, else the end of their last working window before it."""
    for start, end in _windows(at, hours, days_off, zone, -1):
        if start <= at < end:
            return at
        if end <= at:
            return end
    return at


def next_working(at: datetime, hours: WorkingHours, days_off: Sequence[DayOff], zone: str) -> datetime:
    """`at` itself when the member works then, else the start of their next working window."""
    for start, end in _windows(at, hours, days_off, zone, 1):
        if start <= at < end:
            return at
        if start > at:
            return start
    return at

"""Is a member working at an instant? TIME.md's rules for shifts, workdays and days off."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.core.identity import DayOff, WorkingHours
from bot.time.zones import get_zone


class WorkState(enum.StrEnum):
    WORKING = "working"
    OFF_HOURS = "off_hours"
    NOT_WORKDAY = "not_workday"
    DAY_OFF = "day_off"


def is_day_off(day: date, days_off: Sequence[DayOff]) -> bool:
    return any(d.start <= day <= d.end for d in days_off)


def _in_shift(hours: WorkingHours, minute: int, *, started_today: bool) -> bool:
    """Whether minute-of-day lies in a shift that started today (or, when False, yesterday)."""
    start, end = hours.start_minute, hours.end_minute
    if not hours.crosses_midnight:
        return started_today and start <= minute < end
    return minute >= start if started_today else minute < end


def work_state(hours: WorkingHours, days_off: Sequence[DayOff], zone: str, instant: datetime) -> WorkState:
    """A shift belongs to the day it starts: a Friday 22:00–06:00 shift covers Saturday 03:00."""
    local = instant.astimezone(get_zone(zone))
    minute = local.hour * 60 + local.minute
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    for day, started_today in ((today, True), (yesterday, False)):
        if day.weekday() in hours.workdays and _in_shift(hours, minute, started_today=started_today):
            return WorkState.DAY_OFF if is_day_off(day, days_off) else WorkState.WORKING
    if is_day_off(today, days_off):
        return WorkState.DAY_OFF
    if today.weekday() not in hours.workdays:
        return WorkState.NOT_WORKDAY
    return WorkState.OFF_HOURS

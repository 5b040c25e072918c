"""Who is working when: shifts belong to the day they start, days off win, DST is respected."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.identity import DayOff, WorkingHours
from bot.time.workhours import WorkState, work_state

OFFICE = WorkingHours(start_minute=9 * 60, end_minute=17 * 60, workdays=frozenset(range(5)))
NIGHT = WorkingHours(start_minute=22 * 60, end_minute=6 * 60, workdays=frozenset({4}))  # Friday nights
SUN_THU = WorkingHours(start_minute=9 * 60, end_minute=17 * 60, workdays=frozenset({6, 0, 1, 2, 3}))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_inside_and_outside_office_hours_in_jakarta() -> None:
    assert work_state(OFFICE, (), "Asia/Jakarta", at(2026, 11, 30, 2, 0)) is WorkState.WORKING  # Mon 09:00
    assert work_state(OFFICE, (), "Asia/Jakarta", at(2026, 11, 30, 10, 0)) is WorkState.OFF_HOURS  # Mon 17:00
    assert work_state(OFFICE, (), "Asia/Jakarta", at(2026, 11, 28, 3, 0)) is WorkState.NOT_WORKDAY  # Sat


def test_a_friday_night_shift_covers_saturday_early_morning() -> None:
    assert work_state(NIGHT, (), "Europe/Berlin", at(2026, 11, 28, 2, 0)) is WorkState.WORKING  # Sat 03:00
    assert work_state(NIGHT, (), "Europe/Berlin", at(2026, 11, 29, 2, 0)) is WorkState.NOT_WORKDAY  # Sun 03:00


def test_a_day_off_applies_to_the_shift_that_starts_on_it() -> None:
    off = (DayOff(start=date(2026, 11, 27), end=date(2026, 11, 27)),)
    assert work_state(NIGHT, off, "Europe/Berlin", at(2026, 11, 28, 2, 0)) is WorkState.DAY_OFF


def test_a_sun_thu_week_in_riyadh() -> None:
    assert work_state(SUN_THU, (), "Asia/Riyadh", at(2026, 11, 29, 7, 0)) is WorkState.WORKING  # Sun 10:00
    assert work_state(SUN_THU, (), "Asia/Riyadh", at(2026, 11, 27, 7, 0)) is WorkState.NOT_WORKDAY  # Fri


def test_new_york_office_hours_follow_dst() -> None:
    # 13:30 UTC is 09:30 EDT on Friday 30 October 2026 and 08:30 EST on Monday 2 November 2026.
    assert work_state(OFFICE, (), "America/New_York", at(2026, 10, 30, 13, 30)) is WorkState.WORKING
    assert work_state(OFFICE, (), "America/New_York", at(2026, 11, 2, 13, 30)) is WorkState.OFF_HOURS


def test_kathmandu_quarter_hour_boundary() -> None:
    # 09:00 in Kathmandu (+05:45) is 03:15 UTC.
    assert work_state(OFFICE, (), "Asia/Kathmandu", at(2026, 11, 30, 3, 14)) is WorkState.OFF_HOURS
    assert work_state(OFFICE, (), "Asia/Kathmandu", at(2026, 11, 30, 3, 15)) is WorkState.WORKING

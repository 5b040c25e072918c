"""Quiet hours: a reminder outside someone's working hours moves into them.

`previous_working` moves a reminder back to the end of the last working window (it must still arrive
before the deadline); `next_working` moves a follow-up forward to the start of the next one. Windows are
local wall times in the member's zone, so they keep their clock time across DST.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.core.identity import ALL_WEEKDAYS, DayOff, WorkingHours
from bot.features.deadlines.quiet import next_working, previous_working
from bot.time.zones import get_zone

NEW_YORK = "America/New_York"
NINE_TO_FIVE = WorkingHours(start_minute=9 * 60, end_minute=17 * 60)  # Monday to Friday
NIGHT_SHIFT = WorkingHours(start_minute=22 * 60, end_minute=6 * 60)  # crosses midnight


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=get_zone(zone))  # type: ignore[misc]


def test_an_instant_inside_working_hours_is_unchanged() -> None:
    at = local(NEW_YORK, 2026, 12, 1, 10, 0)  # Tuesday 10:00
    assert previous_working(at, NINE_TO_FIVE, (), NEW_YORK) == at
    assert next_working(at, NINE_TO_FIVE, (), NEW_YORK) == at


def test_early_morning_moves_back_to_the_previous_evening() -> None:
    at = local(NEW_YORK, 2026, 12, 1, 3, 0)  # Tuesday 03:00
    assert previous_working(at, NINE_TO_FIVE, (), NEW_YORK) == local(NEW_YORK, 2026, 11, 30, 17, 0)


def test_early_morning_moves_forward_to_the_start_of_the_day() -> None:
    at = local(NEW_YORK, 2026, 12, 1, 3, 0)  # Tuesday 03:00
    assert next_working(at, NINE_TO_FIVE, (), NEW_YORK) == local(NEW_YORK, 2026, 12, 1, 9, 0)


def test_the_end_of_a_window_is_outside_it() -> None:
    """Windows are half-open: 17:00 itself is after work, and stays the end of the day."""
    at = local(NEW_YORK, 2026, 12, 1, 17, 0)
    assert previous_working(at, NINE_TO_FIVE, (), NEW_YORK) == at
    assert next_working(at, NINE_TO_FIVE, (), NEW_YORK) == local(NEW_YORK, 2026, 12, 2, 9, 0)


def test_the_weekend_moves_back_to_friday_evening_and_forward_to_monday() -> None:
    at = local(NEW_YORK, 2026, 12, 5, 12, 0)  # Saturday noon
    assert previous_working(at, NINE_TO_FIVE, (), NEW_YORK) == local(NEW_YORK, 2026, 12, 4, 17, 0)
    assert next_working(at, NINE_TO_FIVE, (), NEW_YORK) == local(NEW_YORK, 2026, 12, 7, 9, 0)


def test_a_day_off_is_skipped_going_back() -> None:
    monday_off = [DayOff(start=date(2026, 11, 30), end=date(2026, 11, 30))]
    at = local(NEW_YORK, 2026, 12, 1, 3, 0)  # Tuesday 03:00
    assert previous_working(at, NINE_TO_FIVE, monday_off, NEW_YORK) == local(NEW_YORK, 2026, 11, 27, 17, 0)


def test_a_day_off_is_skipped_going_forward() -> None:
    tuesday_off = [DayOff(start=date(2026, 12, 1), end=date(2026, 12, 1))]
    at = local(NEW_YORK, 2026, 12, 1, 3, 0)
    assert next_working(at, NINE_TO_FIVE, tuesday_off, NEW_YORK) == local(NEW_YORK, 2026, 12, 2, 9, 0)


def test_a_working_instant_on_a_day_off_still_moves() -> None:
    """Working hours do not count on a day off, even at 10:00 on a weekday."""
    tuesday_off = [DayOff(start=date(2026, 12, 1), end=date(2026, 12, 1))]
    at = local(NEW_YORK, 2026, 12, 1, 10, 0)
    assert previous_working(at, NINE_TO_FIVE, tuesday_off, NEW_YORK) == local(NEW_YORK, 2026, 11, 30, 17, 0)


def test_kathmandu_windows_fall_on_the_quarter_hour_in_utc() -> None:
    """Nepal is UTC+05:45: 17:00 and 09:00 local are 11:15 and 03:15 UTC."""
    zone = "Asia/Kathmandu"
    at = local(zone, 2026, 12, 1, 3, 0)
    before = previous_working(at, NINE_TO_FIVE, (), zone)
    after = next_working(at, NINE_TO_FIVE, (), zone)
    assert before == datetime.fromisoformat("2026-11-30T11:15:00+00:00")
    assert after == datetime.fromisoformat("2026-12-01T03:15:00+00:00")


def test_the_small_hours_after_a_friday_night_shift_are_working() -> None:
    """A shift ending at or before its start crosses midnight and belongs to the day it starts."""
    at = local(NEW_YORK, 2026, 12, 5, 3, 0)  # Saturday 03:00, inside Friday's 22:00-06:00
    assert previous_working(at, NIGHT_SHIFT, (), NEW_YORK) == at
    assert next_working(at, NIGHT_SHIFT, (), NEW_YORK) == at


def test_the_small_hours_of_monday_are_not_working_for_a_weekday_night_shift() -> None:
    """No shift starts on Sunday, so Monday 03:00 moves back to Saturday 06:00 and on to Monday 22:00."""
    at = local(NEW_YORK, 2026, 11, 30, 3, 0)
    assert previous_working(at, NIGHT_SHIFT, (), NEW_YORK) == local(NEW_YORK, 2026, 11, 28, 6, 0)
    assert next_working(at, NIGHT_SHIFT, (), NEW_YORK) == local(NEW_YORK, 2026, 11, 30, 22, 0)


def test_a_day_off_on_friday_removes_the_shift_that_runs_into_saturday() -> None:
    friday_off = [DayOff(start=date(2026, 12, 4), end=date(2026, 12, 4))]
    at = local(NEW_YORK, 2026, 12, 5, 3, 0)
    assert previous_working(at, NIGHT_SHIFT, friday_off, NEW_YORK) == local(NEW_YORK, 2026, 12, 4, 6, 0)


def test_london_fall_back_day_ends_at_five_pm_greenwich_time() -> None:
    """On 2026-10-25 the clocks go back: the day's 17:00 is GMT (17:00 UTC), the day before's is BST."""
    every_day = WorkingHours(start_minute=9 * 60, end_minute=17 * 60, workdays=ALL_WEEKDAYS)
    zone = "Europe/London"
    sunday = previous_working(local(zone, 2026, 10, 25, 20, 0), every_day, (), zone)
    saturday = previous_working(local(zone, 2026, 10, 24, 20, 0), every_day, (), zone)
    assert sunday.astimezone(get_zone(zone)).strftime("%H:%M %Z") == "17:00 GMT"
    assert sunday == datetime.fromisoformat("2026-10-25T17:00:00+00:00")
    assert saturday.astimezone(get_zone(zone)).strftime("%H:%M %Z") == "17:00 BST"
    assert saturday == datetime.fromisoformat("2026-10-24T16:00:00+00:00")


def test_new_york_spring_forward_day_keeps_nine_to_five_local() -> None:
    """On 2026-03-08 New York moves to EDT: the window starts 09:00 EDT and ends 17:00 EDT."""
    every_day = WorkingHours(start_minute=9 * 60, end_minute=17 * 60, workdays=ALL_WEEKDAYS)
    zone = get_zone(NEW_YORK)
    start = next_working(local(NEW_YORK, 2026, 3, 8, 1, 0), every_day, (), NEW_YORK)
    end = previous_working(local(NEW_YORK, 2026, 3, 8, 20, 0), every_day, (), NEW_YORK)
    assert start.astimezone(zone).strftime("%H:%M %Z") == "09:00 EDT"
    assert end.astimezone(zone).strftime("%H:%M %Z") == "17:00 EDT"
    assert end == datetime.fromisoformat("2026-03-08T21:00:00+00:00")

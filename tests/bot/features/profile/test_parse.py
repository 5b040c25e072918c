"""How `/tz hours` and `/tz off` read what people type."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.identity import WorkingHours
from bot.features.profile.parse import DateRange, Refusal, parse_date_range, parse_days, parse_hours

MON_FRI = frozenset(range(5))


def hours(text: str) -> tuple[int, int, frozenset[int]]:
    result = parse_hours(text)
    assert isinstance(result, WorkingHours), result
    return result.start_minute, result.end_minute, result.workdays


@pytest.mark.parametrize(("text", "expected"), [
    ("09:00-17:00 Mon-Fri", (540, 1020, MON_FRI)),
    ("9-17", (540, 1020, MON_FRI)),
    ("9-5", (540, 1020, MON_FRI)),
    ("9am-5pm", (540, 1020, MON_FRI)),
    ("9 am - 5:30 pm", (540, 1050, MON_FRI)),
    ("09.00-17.00 Sen-Jum", (540, 1020, MON_FRI)),
    ("08:30 sampai 16:30 Senin-Jumat", (510, 990, MON_FRI)),
    ("10:00 to 18:00 weekdays", (600, 1080, MON_FRI)),
    ("22:00-06:00 Sun-Thu", (1320, 360, frozenset({6, 0, 1, 2, 3}))),
    ("22-6", (1320, 360, MON_FRI)),
    ("16:00-24:00 Mon-Fri", (960, 1440, MON_FRI)),
    ("00:00-24:00 every day", (0, 1440, frozenset(range(7)))),
    ("12pm-8pm Sat,Sun", (720, 1200, frozenset({5, 6}))),
    ("12am-8am Mon Wed Fri", (0, 480, frozenset({0, 2, 4}))),
    ("09:15-17:45 setiap hari", (555, 1065, frozenset(range(7)))),
    ("9-5 Fri-Mon", (540, 1020, frozenset({4, 5, 6, 0}))),
])
def test_working_hours_are_read(text: str, expected: tuple[int, int, frozenset[int]]) -> None:
    assert hours(text) == expected


def test_days_left_out_keep_the_current_ones() -> None:
    result = parse_hours("10-18", frozenset({6, 0, 1, 2, 3}))
    assert isinstance(result, WorkingHours) and result.workdays == frozenset({6, 0, 1, 2, 3})


@pytest.mark.parametrize(("text", "key", "value"), [
    ("25:00-26:00", "profile.hours_bad_time", "25:00"),
    ("9:75-17:00", "profile.hours_bad_time", "9:75"),
    ("13pm-5pm", "profile.hours_bad_time", "13pm"),
    ("24:00-08:00", "profile.hours_bad_time", "24:00"),
    ("24:30-08:00", "profile.hours_bad_time", "24:30"),
    ("9-5 Funday", "profile.hours_bad_day", "Funday"),
    ("9-5 Mon-Funday", "profile.hours_bad_day", "Funday"),
    ("whenever", "profile.hours_unreadable", "whenever"),
    ("", "profile.hours_unreadable", ""),
    ("09:00-09:00", "profile.hours_empty_shift", "09:00-09:00"),
])
def test_bad_hours_are_refused_with_the_offending_text(text: str, key: str, value: str) -> None:
    result = parse_hours(text)
    assert isinstance(result, Refusal)
    assert result.key == key
    if value:
        assert result.values["value"] == value


def test_a_weekday_range_wraps_around_the_week() -> None:
    assert parse_days("Sat-Wed") == frozenset({5, 6, 0, 1, 2})
    assert parse_days("Minggu-Kamis") == frozenset({6, 0, 1, 2, 3})


TODAY = date(2026, 11, 28)


def test_a_range_and_a_single_day() -> None:
    assert parse_date_range("2026-12-24..2026-12-26", TODAY) == DateRange(start=date(2026, 12, 24),
                                                                         end=date(2026, 12, 26))
    assert parse_date_range("2026-12-24", TODAY) == DateRange(start=date(2026, 12, 24), end=date(2026, 12, 24))
    assert parse_date_range("2026-12-24 to 2026-12-26", TODAY) == parse_date_range("2026-12-24..2026-12-26", TODAY)


def test_today_itself_is_not_in_the_past() -> None:
    assert isinstance(parse_date_range("2026-11-28", TODAY), DateRange)


@pytest.mark.parametrize(("text", "key"), [
    ("2026-02-30", "profile.off_bad_date"),
    ("tomorrow-ish", "profile.off_bad_date"),
    ("2026-12-26..2026-12-24", "profile.off_backwards"),
    ("2026-11-01..2026-11-27", "profile.off_past"),
    ("2026-12-01..2027-12-31", "profile.off_too_long"),
    ("", "profile.off_usage"),
])
def test_bad_date_ranges_are_refused(text: str, key: str) -> None:
    result = parse_date_range(text, TODAY)
    assert isinstance(result, Refusal) and result.key == key

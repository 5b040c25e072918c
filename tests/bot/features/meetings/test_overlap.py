"""Shared working hours, exactly: every case states its UTC intervals and is checked against the
minute-by-minute oracle `brute_force` (bot/features/meetings/reference.py) as well.

Times are written as ISO strings in UTC ("2026-06-01T08:00Z") and converted with `utc`; `shared` runs the
engine, asserts that it agrees with `brute_force` for the group and for every member alone, and returns
the group's intervals. Zone facts (offsets, DST dates) are those of the pinned tzdata (TIME.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.identity import DayOff, WorkingHours
from bot.features.meetings.overlap import Schedule, Span, at_least, day_window, overlap, to_seconds
from bot.features.meetings.reference import brute_force
from bot.time.zones import get_zone

MON_FRI = frozenset({0, 1, 2, 3, 4})
SUN_THU = frozenset({6, 0, 1, 2, 3})
EVERY_DAY = frozenset(range(7))
FRIDAY, SATURDAY, SUNDAY = frozenset({4}), frozenset({5}), frozenset({6})


def utc(text: str) -> int:
    """'2026-06-01T08:00Z' as seconds since the epoch."""
    return to_seconds(datetime.fromisoformat(text))


def spans(*pairs: tuple[str, str]) -> list[Span]:
    return [(utc(start), utc(end)) for start, end in pairs]


def clock(text: str) -> int:
    """'09:00' (or '24:00') as minutes after midnight."""
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def member(name: str, zone: str, start: str, end: str, workdays: frozenset[int] = MON_FRI,
           days_off: Sequence[str | tuple[str, str]] = ()) -> Schedule:
    """A member working `start`–`end` local time; a day off is one date or a (first, last) range."""
    off = tuple(DayOff(start=date.fromisoformat(d), end=date.fromisoformat(d)) if isinstance(d, str)
                else DayOff(start=date.fromisoformat(d[0]), end=date.fromisoformat(d[1])) for d in days_off)
    hours = WorkingHours(start_minute=clock(start), end_minute=clock(end), workdays=workdays)
    return Schedule(name=name, zone=zone, hours=hours, days_off=off)


def days(first: str, last: str | None = None, zone: str = "UTC") -> list[Span]:
    """The calendar days `first`..`last` (inclusive) of `zone`, as UTC spans."""
    return day_window(zone, date.fromisoformat(first), date.fromisoformat(last or first))


def shared(team: Sequence[Schedule], window: Sequence[Span], k: int | None = None) -> list[Span]:
    """The engine's intervals where at least k (default all) work, after checking them against the oracle."""
    result = overlap(team, window, k=k)
    assert list(result.spans) == brute_force(team, window, result.k)
    for schedule, own in zip(team, result.per_person, strict=True):
        assert list(own) == brute_force([schedule], window, 1), schedule.name
    return list(result.spans)


def total_minutes(found: Sequence[Span]) -> int:
    return sum(end - start for start, end in found) // 60


# --- Three continents ---------------------------------------------------------------------------------

SARI = member("Sari", "Asia/Jakarta", "09:00", "17:00")
TOM = member("Tom", "Europe/London", "09:00", "17:00")
DANA = member("Dana", "America/New_York", "09:00", "17:00")


def test_jakarta_london_and_new_york_office_hours_have_no_common_hour() -> None:
    # June 2026: Jakarta 02:00–10:00Z, London (BST) 08:00–16:00Z, New York (EDT) 13:00–21:00Z.
    assert shared([SARI, TOM, DANA], days("2026-06-01", "2026-06-05")) == []


def test_at_least_two_of_jakarta_london_and_new_york_gives_two_windows_every_weekday() -> None:
    # Jakarta with London 08:00–10:00Z, London with New York 13:00–16:00Z; nothing at the weekend.
    assert shared([SARI, TOM, DANA], days("2026-06-01", "2026-06-07"), k=2) == spans(
        ("2026-06-01T08:00Z", "2026-06-01T10:00Z"), ("2026-06-01T13:00Z", "2026-06-01T16:00Z"),
        ("2026-06-02T08:00Z", "2026-06-02T10:00Z"), ("2026-06-02T13:00Z", "2026-06-02T16:00Z"),
        ("2026-06-03T08:00Z", "2026-06-03T10:00Z"), ("2026-06-03T13:00Z", "2026-06-03T16:00Z"),
        ("2026-06-04T08:00Z", "2026-06-04T10:00Z"), ("2026-06-04T13:00Z", "2026-06-04T16:00Z"),
        ("2026-06-05T08:00Z", "2026-06-05T10:00Z"), ("2026-06-05T13:00Z", "2026-06-05T16:00Z"),
    )


# --- Quarter-hour zones -------------------------------------------------------------------------------

ANIL = member("Anil", "Asia/Kolkata", "09:00", "17:00")  # +05:30: 03:30–11:30Z
BINA = member("Bina", "Asia/Kathmandu", "09:00", "17:00")  # +05:45: 03:15–11:15Z
CLEO = member("Cleo", "Australia/Sydney", "09:00", "17:00")  # +10:00 in June: 23:00–07:00Z


def test_bangalore_kathmandu_and_sydney_share_three_and_a_half_hours_in_june() -> None:
    assert shared([ANIL, BINA, CLEO], days("2026-06-01")) == spans(("2026-06-01T03:30Z", "2026-06-01T07:00Z"))


def test_two_of_bangalore_kathmandu_and_sydney_starts_and_ends_on_kathmandu_quarter_hours() -> None:
    # Kathmandu with Sydney from 03:15Z, Kathmandu with Bangalore until 11:15Z.
    assert shared([ANIL, BINA, CLEO], days("2026-06-01"), k=2) == spans(
        ("2026-06-01T03:15Z", "2026-06-01T11:15Z"))


def test_a_kathmandu_shift_from_10_30_starts_at_04_45_utc() -> None:
    late_bina = member("Bina", "Asia/Kathmandu", "10:30", "18:30")
    assert shared([ANIL, late_bina], days("2026-06-01")) == spans(("2026-06-01T04:45Z", "2026-06-01T11:30Z"))


def test_sydney_summer_time_moves_its_day_an_hour_earlier_in_utc() -> None:
    # January: Sydney is +11:00, so its 17:00 is 06:00Z.
    assert shared([ANIL, BINA, CLEO], days("2026-01-05")) == spans(("2026-01-05T03:30Z", "2026-01-05T06:00Z"))


# --- Chatham (+12:45 / +13:45) and Berlin across New Zealand's DST start, Sunday 27 September 2026 -------

def test_chatham_evening_and_berlin_morning_lose_an_hour_when_chatham_springs_forward() -> None:
    chatham = member("Hemi", "Pacific/Chatham", "19:00", "23:00")  # 06:15–10:15Z, then 05:15–09:15Z
    berlin = member("Jonas", "Europe/Berlin", "09:00", "17:00")  # CEST: 07:00–15:00Z
    assert shared([chatham, berlin], days("2026-09-24", "2026-09-29")) == spans(
        ("2026-09-24T07:00Z", "2026-09-24T10:15Z"),
        ("2026-09-25T07:00Z", "2026-09-25T10:15Z"),
        ("2026-09-28T07:00Z", "2026-09-28T09:15Z"),
        ("2026-09-29T07:00Z", "2026-09-29T09:15Z"),
    )


def test_a_chatham_saturday_night_shift_over_the_02_45_jump_lasts_seven_hours() -> None:
    night = member("Hemi", "Pacific/Chatham", "22:00", "06:00", SATURDAY)
    # Saturday 22:00 +12:45 is 09:15Z; Sunday 06:00 +13:45 is 16:15Z.
    assert shared([night], days("2026-09-26", "2026-09-27", "Pacific/Chatham")) == spans(
        ("2026-09-26T09:15Z", "2026-09-26T16:15Z"))


# --- Lord Howe: a 30-minute DST (+10:30 / +11:00) -------------------------------------------------------

def test_a_lord_howe_night_shift_over_the_spring_change_is_half_an_hour_short() -> None:
    night = member("Lani", "Australia/Lord_Howe", "22:00", "06:00", SATURDAY)
    # Sunday 4 October 2026 02:00 becomes 02:30: Saturday 22:00 +10:30 is 11:30Z, Sunday 06:00 +11 is 19:00Z.
    assert shared([night], days("2026-10-03")) == spans(("2026-10-03T11:30Z", "2026-10-03T19:00Z"))


def test_a_lord_howe_night_shift_over_the_autumn_change_is_half_an_hour_long() -> None:
    night = member("Lani", "Australia/Lord_Howe", "22:00", "06:00", SATURDAY)
    # Sunday 5 April 2026 02:00 becomes 01:30 again: 22:00 +11 is 11:00Z, 06:00 +10:30 is 19:30Z.
    assert shared([night], days("2026-04-04")) == spans(("2026-04-04T11:00Z", "2026-04-04T19:30Z"))


def test_a_lord_howe_shift_starting_in_the_skipped_half_hour_starts_at_02_30() -> None:
    early = member("Lani", "Australia/Lord_Howe", "02:15", "10:00", SUNDAY)
    # 02:30 +11:00 on Sunday 4 October is 15:30Z on Saturday.
    assert shared([early], days("2026-10-03")) == spans(("2026-10-03T15:30Z", "2026-10-03T23:00Z"))


def test_lord_howe_works_its_repeated_half_hour_twice() -> None:
    small_hours = member("Lani", "Australia/Lord_Howe", "00:00", "04:00", SUNDAY)
    assert shared([small_hours], days("2026-04-04")) == spans(("2026-04-04T13:00Z", "2026-04-04T17:30Z"))
    assert shared([small_hours], days("2026-10-03")) == spans(("2026-10-03T13:30Z", "2026-10-03T17:00Z"))


# --- Different weeks ------------------------------------------------------------------------------------

def test_riyadh_sunday_to_thursday_and_dubai_monday_to_friday_meet_monday_to_thursday() -> None:
    riyadh = member("Faisal", "Asia/Riyadh", "09:00", "17:00", SUN_THU)  # 06:00–14:00Z
    dubai = member("Mariam", "Asia/Dubai", "09:00", "17:00", MON_FRI)  # 05:00–13:00Z
    assert shared([riyadh, dubai], days("2026-06-07", "2026-06-13")) == spans(
        ("2026-06-08T06:00Z", "2026-06-08T13:00Z"),
        ("2026-06-09T06:00Z", "2026-06-09T13:00Z"),
        ("2026-06-10T06:00Z", "2026-06-10T13:00Z"),
        ("2026-06-11T06:00Z", "2026-06-11T13:00Z"),
    )


# --- Overnight shifts and 24:00 (Jakarta, +07:00, so 22:00 is 15:00Z and 06:00 is 23:00Z) ----------------

def test_a_night_shift_belongs_to_the_day_it_starts() -> None:
    nights = member("Budi", "Asia/Jakarta", "22:00", "06:00", MON_FRI)
    # Monday night to Friday night; nothing early on Monday (Sunday is no workday), Saturday morning worked.
    assert shared([nights], days("2026-06-01", "2026-06-07", "Asia/Jakarta")) == spans(
        ("2026-06-01T15:00Z", "2026-06-01T23:00Z"),
        ("2026-06-02T15:00Z", "2026-06-02T23:00Z"),
        ("2026-06-03T15:00Z", "2026-06-03T23:00Z"),
        ("2026-06-04T15:00Z", "2026-06-04T23:00Z"),
        ("2026-06-05T15:00Z", "2026-06-05T23:00Z"),
    )


def test_a_friday_night_shift_covers_saturday_morning() -> None:
    friday_nights = member("Budi", "Asia/Jakarta", "22:00", "06:00", FRIDAY)
    # Saturday 6 June in Jakarta begins at 17:00Z on Friday; the shift runs on to Saturday 06:00 (23:00Z).
    assert shared([friday_nights], days("2026-06-06", zone="Asia/Jakarta")) == spans(
        ("2026-06-05T17:00Z", "2026-06-05T23:00Z"))


def test_a_day_off_on_the_day_a_night_shift_starts_removes_the_whole_shift() -> None:
    friday_off = member("Budi", "Asia/Jakarta", "22:00", "06:00", FRIDAY, days_off=["2026-06-05"])
    assert shared([friday_off], days("2026-06-05", "2026-06-06", "Asia/Jakarta")) == []


def test_a_day_off_on_the_morning_after_leaves_the_night_shift_alone() -> None:
    saturday_off = member("Budi", "Asia/Jakarta", "22:00", "06:00", FRIDAY, days_off=["2026-06-06"])
    assert shared([saturday_off], days("2026-06-05", "2026-06-06", "Asia/Jakarta")) == spans(
        ("2026-06-05T15:00Z", "2026-06-05T23:00Z"))


def test_00_00_to_24_00_is_the_whole_day_and_consecutive_days_join() -> None:
    all_day = member("Budi", "Asia/Jakarta", "00:00", "24:00", MON_FRI)
    assert shared([all_day], days("2026-06-01", "2026-06-07", "Asia/Jakarta")) == spans(
        ("2026-05-31T17:00Z", "2026-06-05T17:00Z"))


def test_22_00_to_24_00_ends_at_midnight() -> None:
    late = member("Budi", "Asia/Jakarta", "22:00", "24:00", MON_FRI)
    assert shared([late], days("2026-06-01", "2026-06-02", "Asia/Jakarta")) == spans(
        ("2026-06-01T15:00Z", "2026-06-01T17:00Z"), ("2026-06-02T15:00Z", "2026-06-02T17:00Z"))


def test_the_same_start_and_end_is_a_24_hour_shift_from_the_start() -> None:
    round_the_clock = member("Budi", "Asia/Jakarta", "10:00", "10:00", FRIDAY)
    assert shared([round_the_clock], days("2026-06-05", "2026-06-06", "Asia/Jakarta")) == spans(
        ("2026-06-05T03:00Z", "2026-06-06T03:00Z"))


# --- Touching shifts ------------------------------------------------------------------------------------

MORNING = member("Ana", "UTC", "09:00", "13:00")  # ends 13:00Z
EVENING = member("Bayu", "Asia/Jakarta", "20:00", "23:00")  # starts 13:00Z


def test_shifts_that_only_touch_do_not_overlap() -> None:
    assert shared([MORNING, EVENING], days("2026-06-01")) == []


def test_at_least_one_of_two_touching_shifts_is_one_interval() -> None:
    assert shared([MORNING, EVENING], days("2026-06-01"), k=1) == spans(
        ("2026-06-01T09:00Z", "2026-06-01T16:00Z"))


# --- Days off -------------------------------------------------------------------------------------------

def test_a_day_off_removes_that_day_from_the_overlap() -> None:
    tom_off_wednesday = member("Tom", "Europe/London", "09:00", "17:00", days_off=["2026-06-03"])
    assert shared([tom_off_wednesday, DANA], days("2026-06-01", "2026-06-05")) == spans(
        ("2026-06-01T13:00Z", "2026-06-01T16:00Z"),
        ("2026-06-02T13:00Z", "2026-06-02T16:00Z"),
        ("2026-06-04T13:00Z", "2026-06-04T16:00Z"),
        ("2026-06-05T13:00Z", "2026-06-05T16:00Z"),
    )


def test_a_holiday_of_several_days_removes_each_of_them() -> None:
    dana_on_leave = member("Dana", "America/New_York", "09:00", "17:00",
                           days_off=[("2026-06-02", "2026-06-04")])
    assert shared([TOM, dana_on_leave], days("2026-06-01", "2026-06-05")) == spans(
        ("2026-06-01T13:00Z", "2026-06-01T16:00Z"),
        ("2026-06-05T13:00Z", "2026-06-05T16:00Z"),
    )


def test_a_day_off_is_a_local_date_of_the_member() -> None:
    # Sari's 2 June is 1 June 17:00Z to 2 June 17:00Z: the day off removes her Tuesday shift, not Wednesday's.
    sari_off = member("Sari", "Asia/Jakarta", "09:00", "17:00", days_off=["2026-06-02"])
    assert shared([sari_off], days("2026-06-01", "2026-06-03")) == spans(
        ("2026-06-01T02:00Z", "2026-06-01T10:00Z"), ("2026-06-03T02:00Z", "2026-06-03T10:00Z"))


# --- The date line --------------------------------------------------------------------------------------

def test_honolulu_and_kiritimati_share_the_wall_clock_but_not_the_calendar_day() -> None:
    honolulu = member("Kai", "Pacific/Honolulu", "09:00", "17:00")  # -10:00: Monday 19:00Z to Tuesday 03:00Z
    kiritimati = member("Tebwa", "Pacific/Kiritimati", "09:00", "17:00")  # +14:00: 24 hours earlier in UTC
    # Honolulu's Monday is Kiritimati's Tuesday, so Honolulu's Monday–Thursday meet Kiritimati's
    # Tuesday–Friday; Honolulu's Friday is Kiritimati's Saturday: four shared days of 8 hours in a week.
    found = shared([honolulu, kiritimati], days("2026-06-01", "2026-06-07"))
    assert found == spans(
        ("2026-06-01T19:00Z", "2026-06-02T03:00Z"),
        ("2026-06-02T19:00Z", "2026-06-03T03:00Z"),
        ("2026-06-03T19:00Z", "2026-06-04T03:00Z"),
        ("2026-06-04T19:00Z", "2026-06-05T03:00Z"),
    )
    assert total_minutes(found) == 4 * 8 * 60


# --- The US and Europe change clocks on different Sundays -----------------------------------------------

def new_york_london_on(*dates: str) -> list[Span]:
    window = [span for day in dates for span in days(day)]
    return shared([DANA, TOM], window)


def test_new_york_and_london_share_four_hours_between_the_march_changes() -> None:
    # US 8 March, EU 29 March 2026: New York is on EDT (13:00Z) while London is still on GMT (17:00Z).
    assert new_york_london_on("2026-03-06", "2026-03-09", "2026-03-27", "2026-03-30") == spans(
        ("2026-03-06T14:00Z", "2026-03-06T17:00Z"),  # both standard: 3 hours
        ("2026-03-09T13:00Z", "2026-03-09T17:00Z"),  # 4 hours
        ("2026-03-27T13:00Z", "2026-03-27T17:00Z"),  # 4 hours
        ("2026-03-30T13:00Z", "2026-03-30T16:00Z"),  # both summer: 3 hours
    )


def test_new_york_and_london_share_four_hours_between_the_autumn_changes() -> None:
    # EU 25 October, US 1 November 2026: London is back on GMT (17:00Z) while New York is still EDT (13:00Z).
    assert new_york_london_on("2026-10-23", "2026-10-26", "2026-10-30", "2026-11-02") == spans(
        ("2026-10-23T13:00Z", "2026-10-23T16:00Z"),  # both summer: 3 hours
        ("2026-10-26T13:00Z", "2026-10-26T17:00Z"),  # 4 hours
        ("2026-10-30T13:00Z", "2026-10-30T17:00Z"),  # 4 hours
        ("2026-11-02T14:00Z", "2026-11-02T17:00Z"),  # both standard: 3 hours
    )


# --- Skipped and repeated local times in New York -------------------------------------------------------

def test_a_shift_starting_in_the_skipped_hour_starts_at_03_00() -> None:
    sunday = member("Dana", "America/New_York", "02:30", "10:30", SUNDAY)
    # 8 March 2026: 02:00 EST becomes 03:00 EDT (07:00Z); 10:30 EDT is 14:30Z. 7.5 real hours.
    assert shared([sunday], days("2026-03-08", zone="America/New_York")) == spans(
        ("2026-03-08T07:00Z", "2026-03-08T14:30Z"))


def test_a_night_shift_over_the_spring_change_is_an_hour_short() -> None:
    saturday_night = member("Dana", "America/New_York", "22:00", "06:00", SATURDAY)
    assert shared([saturday_night], days("2026-03-07", "2026-03-08", "America/New_York")) == spans(
        ("2026-03-08T03:00Z", "2026-03-08T10:00Z"))


def test_00_00_to_04_00_on_the_fall_back_night_lasts_five_real_hours() -> None:
    sunday = member("Dana", "America/New_York", "00:00", "04:00", SUNDAY)
    # 1 November 2026: 00:00 EDT is 04:00Z, 01:00–02:00 happens twice, 04:00 EST is 09:00Z.
    assert shared([sunday], days("2026-11-01", zone="America/New_York")) == spans(
        ("2026-11-01T04:00Z", "2026-11-01T09:00Z"))


def test_a_shift_ending_inside_the_repeated_hour_is_worked_in_two_pieces() -> None:
    sunday = member("Dana", "America/New_York", "00:00", "01:30", SUNDAY)
    # 00:00–01:30 EDT is 04:00–05:30Z; at 06:00Z it is 01:00 again (EST) and 01:00–01:30 comes back.
    assert shared([sunday], days("2026-11-01", zone="America/New_York")) == spans(
        ("2026-11-01T04:00Z", "2026-11-01T05:30Z"), ("2026-11-01T06:00Z", "2026-11-01T06:30Z"))


def test_a_shift_starting_inside_the_repeated_hour_is_worked_in_two_pieces() -> None:
    sunday = member("Dana", "America/New_York", "01:30", "03:00", SUNDAY)
    # 01:30–02:00 EDT is 05:30–06:00Z; 01:30–03:00 EST is 06:30–08:00Z.
    assert shared([sunday], days("2026-11-01", zone="America/New_York")) == spans(
        ("2026-11-01T05:30Z", "2026-11-01T06:00Z"), ("2026-11-01T06:30Z", "2026-11-01T08:00Z"))


def test_a_night_shift_over_the_fall_back_lasts_nine_real_hours() -> None:
    saturday_night = member("Dana", "America/New_York", "22:00", "06:00", SATURDAY)
    assert shared([saturday_night], days("2026-10-31", "2026-11-01", "America/New_York")) == spans(
        ("2026-11-01T02:00Z", "2026-11-01T11:00Z"))


# --- Windows in zones whose midnight is skipped or repeated ---------------------------------------------

def test_havana_skips_midnight_so_its_sunday_starts_at_01_00() -> None:
    # 8 March 2026: 00:00 CST becomes 01:00 CDT (05:00Z); the day lasts 23 hours.
    assert days("2026-03-08", zone="America/Havana") == spans(("2026-03-08T05:00Z", "2026-03-09T04:00Z"))
    assert days("2026-03-07", zone="America/Havana") == spans(("2026-03-07T05:00Z", "2026-03-08T05:00Z"))


def test_santiago_skips_midnight_in_september() -> None:
    # Saturday 5 September 2026 24:00 -04 becomes Sunday 01:00 -03 (04:00Z): Sunday lasts 23 hours.
    assert days("2026-09-06", zone="America/Santiago") == spans(("2026-09-06T04:00Z", "2026-09-07T03:00Z"))


def test_santiago_repeats_its_last_hour_of_saturday_in_april() -> None:
    # Saturday 4 April 2026 24:00 -03 becomes 23:00 -04: Saturday lasts 25 hours, Sunday starts at 04:00Z.
    assert days("2026-04-04", zone="America/Santiago") == spans(("2026-04-04T03:00Z", "2026-04-05T04:00Z"))
    assert days("2026-04-04", "2026-04-05", "America/Santiago") == spans(
        ("2026-04-04T03:00Z", "2026-04-06T04:00Z"))


def test_an_all_day_shift_fills_a_23_or_25_hour_window_exactly() -> None:
    havana = member("Yusi", "America/Havana", "00:00", "24:00", EVERY_DAY)
    santiago = member("Pablo", "America/Santiago", "00:00", "24:00", EVERY_DAY)
    assert shared([havana], days("2026-03-08", zone="America/Havana")) == spans(
        ("2026-03-08T05:00Z", "2026-03-09T04:00Z"))
    assert shared([santiago], days("2026-04-04", zone="America/Santiago")) == spans(
        ("2026-04-04T03:00Z", "2026-04-05T04:00Z"))
    assert total_minutes(shared([santiago], days("2026-04-04", zone="America/Santiago"))) == 25 * 60


# --- K of N --------------------------------------------------------------------------------------------

def test_more_members_required_than_the_team_has_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3 of 2"):
        overlap([SARI, TOM], days("2026-06-01"), k=3)


def test_zero_members_required_is_refused() -> None:
    with pytest.raises(ValueError):
        overlap([SARI, TOM], days("2026-06-01"), k=0)
    with pytest.raises(ValueError):
        at_least([[(0, 60)]], 0)


def test_all_members_is_the_default() -> None:
    window = days("2026-06-01")
    assert overlap([TOM, DANA], window).spans == overlap([TOM, DANA], window, k=2).spans
    assert overlap([TOM, DANA], window).k == 2


# --- Property: the engine equals the oracle -------------------------------------------------------------

ZONES = (
    "UTC", "Asia/Kathmandu", "Pacific/Chatham", "Australia/Lord_Howe", "Asia/Tehran", "America/St_Johns",
    "Pacific/Kiritimati", "Pacific/Apia", "Europe/London", "America/New_York", "Asia/Jakarta",
    "Australia/Adelaide", "America/Santiago", "Africa/Casablanca", "Europe/Dublin", "Asia/Gaza",
    "America/Havana", "Asia/Kolkata", "Pacific/Honolulu", "Pacific/Auckland", "Europe/Berlin",
    "America/Los_Angeles", "Africa/Cairo", "America/Asuncion", "Asia/Beirut", "Pacific/Norfolk",
    "Australia/Eucla", "Pacific/Marquesas",
)
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2030, 12, 31)


@functools.cache
def changes() -> tuple[tuple[str, date], ...]:
    """(zone, UTC date) of every offset change of ZONES in 2024–2030 (sampled daily at noon UTC)."""
    found: list[tuple[str, date]] = []
    for name in ZONES:
        zone, previous = get_zone(name), None
        day = FIRST_DAY
        while day <= LAST_DAY:
            offset = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).astimezone(zone).utcoffset()
            if previous is not None and offset != previous:
                found.append((name, day))
            previous, day = offset, day + timedelta(days=1)
    return tuple(found)


@st.composite
def moments(draw: st.DrawFn) -> tuple[str, date]:
    """A zone and a first day: mostly a few days around one of that zone's clock changes (March/April,
    September–November, Ramadan in Casablanca and Gaza…), sometimes any zone on any day."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(ZONES)), draw(st.dates(FIRST_DAY, LAST_DAY))
    zone, day = draw(st.sampled_from(changes()))
    return zone, day + timedelta(days=draw(st.integers(-2, 1)))


MINUTES = st.one_of(st.integers(0, 1439), st.integers(0, 5 * 60))
"""Any minute, often in the small hours where clocks change."""


@st.composite
def schedules(draw: st.DrawFn, zone: str, first: date, last: date, index: int) -> Schedule:
    start = draw(MINUTES)
    end = draw(st.one_of(MINUTES, st.just(1440), st.just(start), st.integers(0, start)))
    workdays = draw(st.one_of(st.frozensets(st.integers(0, 6)), st.just(EVERY_DAY)))
    off = draw(st.lists(st.tuples(st.integers(-2, (last - first).days + 1), st.integers(0, 2)), max_size=3))
    days_off = tuple(DayOff(start=first + timedelta(days=a), end=first + timedelta(days=a + n))
                     for a, n in off)
    hours = WorkingHours(start_minute=start, end_minute=end, workdays=workdays)
    zone = draw(st.one_of(st.just(zone), st.sampled_from(ZONES)))
    return Schedule(name=f"m{index}", zone=zone, hours=hours, days_off=days_off)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Schedule], list[Span], int]:
    zone, first = draw(moments())
    last = first + timedelta(days=draw(st.integers(0, 2)))
    size = draw(st.integers(1, 4))
    team = [draw(schedules(zone, first, last, index)) for index in range(size)]
    window = day_window(draw(st.one_of(st.just(zone), st.sampled_from(ZONES))), first, last)
    return team, window, draw(st.integers(1, size))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_the_engine_agrees_with_the_minute_by_minute_oracle(
        case: tuple[list[Schedule], list[Span], int]) -> None:
    team, window, k = case
    result = overlap(team, window, k=k)
    assert list(result.spans) == brute_force(team, window, k)
    for schedule, own in zip(team, result.per_person, strict=True):
        assert list(own) == brute_force([schedule], window, 1)


@settings(max_examples=100, deadline=None)
@given(moments(), st.sets(st.integers(0, 3 * 1440), max_size=6), st.integers(1, 3), st.data())
def test_the_engine_agrees_with_the_oracle_in_any_window(moment: tuple[str, date], cuts: set[int], size: int,
                                                          data: st.DataObject) -> None:
    """Up to three disjoint UTC spans on the minute grid, not aligned to any midnight."""
    zone, first = moment
    base = to_seconds(datetime(first.year, first.month, first.day, tzinfo=UTC))
    edges = sorted(cuts)[: len(cuts) // 2 * 2]
    window = [(base + edges[i] * 60, base + edges[i + 1] * 60) for i in range(0, len(edges), 2)]
    team = [data.draw(schedules(zone, first, first + timedelta(days=3), index)) for index in range(size)]
    k = data.draw(st.integers(1, size))
    result = overlap(team, window, k=k)
    assert list(result.spans) == brute_force(team, window, k)
    for schedule, own in zip(team, result.per_person, strict=True):
        assert list(own) == brute_force([schedule], window, 1)


@settings(max_examples=100, deadline=None)
@given(moments(), st.integers(0, 2))
def test_a_day_window_is_exactly_the_minutes_whose_local_date_is_in_range(moment: tuple[str, date],
                                                                         extra: int) -> None:
    zone, first = moment
    last = first + timedelta(days=extra)
    window = day_window(zone, first, last)
    lo = to_seconds(datetime(first.year, first.month, first.day, tzinfo=UTC)) - 2 * 86_400
    tz = get_zone(zone)
    inside = [(t, t + 60) for t in range(lo, lo + (extra + 5) * 86_400, 60)
              if first <= datetime.fromtimestamp(t, UTC).astimezone(tz).date() <= last]
    expected: list[Span] = []
    for start, end in inside:
        if expected and expected[-1][1] == start:
            expected[-1] = (expected[-1][0], end)
        else:
            expected.append((start, end))
    assert window == expected

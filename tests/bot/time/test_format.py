"""How Rekan writes dates, times, weekdays and durations for a member, in English and Indonesian.

Expected strings are Babel's real output, checked against what an Indonesian reader expects: day names
Senin … Minggu (abbreviated Sen, Sel, Rab, Kam, Jum, Sab, Min), day-first dates, "pukul" and dotted
24-hour times (09.00), "dalam 3 jam" / "3 jam yang lalu".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.time.format import (
    format_date,
    format_duration,
    format_instant,
    format_minutes_of_day,
    format_relative,
    format_time,
    format_weekdays,
)

MONDAY_0200_UTC = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta


# --- format_instant --------------------------------------------------------------------------------------


def test_instant_in_english_shows_weekday_date_time_zone_and_utc() -> None:
    assert (
        format_instant(MONDAY_0200_UTC, "Asia/Jakarta", "en")
        == "Monday, 30 November 2026, 09:00 WIB (02:00 UTC)"
    )


def test_instant_in_indonesian_uses_pukul_and_dotted_times() -> None:
    assert (
        format_instant(MONDAY_0200_UTC, "Asia/Jakarta", "id")
        == "Senin, 30 November 2026 pukul 09.00 WIB (02.00 UTC)"
    )


@pytest.mark.parametrize(
    ("zone", "text"),
    [
        ("Asia/Makassar", "Senin, 30 November 2026 pukul 10.00 WITA (02.00 UTC)"),
        ("Asia/Jayapura", "Senin, 30 November 2026 pukul 11.00 WIT (02.00 UTC)"),
    ],
)
def test_instant_in_central_and_eastern_indonesia(zone: str, text: str) -> None:
    assert format_instant(MONDAY_0200_UTC, zone, "id") == text


@pytest.mark.parametrize(
    ("locale", "text"),
    [("en", "Monday, 30 November 2026, 02:00 UTC"), ("id", "Senin, 30 November 2026 pukul 02.00 UTC")],
)
def test_member_on_utc_gets_no_utc_suffix(locale: str, text: str) -> None:
    assert format_instant(MONDAY_0200_UTC, "UTC", locale) == text


def test_utc_suffix_can_be_left_out() -> None:
    assert (
        format_instant(MONDAY_0200_UTC, "Asia/Jakarta", "en", with_utc=False)
        == "Monday, 30 November 2026, 09:00 WIB"
    )


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "Monday, 30 November 2026, 06:00 WIB (Sun 23:00 UTC)"),
        ("id", "Senin, 30 November 2026 pukul 06.00 WIB (Min 23.00 UTC)"),
    ],
)
def test_utc_on_another_day_names_its_weekday(locale: str, text: str) -> None:
    assert format_instant(datetime(2026, 11, 29, 23, 0, tzinfo=UTC), "Asia/Jakarta", locale) == text


def test_kathmandu_has_no_letters_so_the_offset_is_shown() -> None:
    assert (
        format_instant(MONDAY_0200_UTC, "Asia/Kathmandu", "en")
        == "Monday, 30 November 2026, 07:45 UTC+05:45 (02:00 UTC)"
    )


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2026, 3, 8, 6, 59, tzinfo=UTC), "Sunday, 8 March 2026, 01:59 EST (06:59 UTC)"),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), "Sunday, 8 March 2026, 03:00 EDT (07:00 UTC)"),
    ],
)
def test_new_york_spring_forward_changes_the_abbreviation(instant: datetime, text: str) -> None:
    assert format_instant(instant, "America/New_York", "en") == text


def test_london_summer_time_is_bst() -> None:
    assert (
        format_instant(datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "Europe/London", "en")
        == "Wednesday, 1 July 2026, 09:00 BST (08:00 UTC)"
    )


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2026, 1, 15, 0, 0, tzinfo=UTC), "Thursday, 15 January 2026, 11:00 UTC+11:00 (00:00 UTC)"),
        (datetime(2026, 7, 15, 0, 0, tzinfo=UTC), "Wednesday, 15 July 2026, 10:30 UTC+10:30 (00:00 UTC)"),
    ],
)
def test_lord_howe_half_hour_dst(instant: datetime, text: str) -> None:
    assert format_instant(instant, "Australia/Lord_Howe", "en") == text


def test_sydney_summer_is_aedt() -> None:
    assert (
        format_instant(datetime(2026, 1, 15, 0, 0, tzinfo=UTC), "Australia/Sydney", "id")
        == "Kamis, 15 Januari 2026 pukul 11.00 AEDT (00.00 UTC)"
    )


def test_chatham_quarter_hour_offset() -> None:
    assert (
        format_instant(datetime(2026, 7, 15, 0, 0, tzinfo=UTC), "Pacific/Chatham", "en")
        == "Wednesday, 15 July 2026, 12:45 UTC+12:45 (00:00 UTC)"
    )


def test_regional_locale_codes_are_understood() -> None:
    assert format_instant(MONDAY_0200_UTC, "Asia/Jakarta", "id_ID") == format_instant(
        MONDAY_0200_UTC, "Asia/Jakarta", "id"
    )
    assert format_instant(MONDAY_0200_UTC, "Asia/Jakarta", "en-GB").startswith("Monday, 30 November 2026")


@given(
    instant=st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2100, 12, 30), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(
        ["Asia/Jakarta", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]
    ),
    locale=st.sampled_from(["en", "id"]),
)
def test_any_instant_formats_with_its_local_time(instant: datetime, zone: str, locale: str) -> None:
    text = format_instant(instant, zone, locale)
    assert format_time(instant, zone, locale) in text
    assert text.endswith(" UTC" if zone == "UTC" else " UTC)")


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_instant(datetime(2026, 11, 30, 2, 0), "Asia/Jakarta", "en")


# --- format_time and format_date -------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "text"), [("en", "09:00"), ("id", "09.00")])
def test_time_is_twenty_four_hour_local_time(locale: str, text: str) -> None:
    assert format_time(MONDAY_0200_UTC, "Asia/Jakarta", locale) == text


def test_time_in_kathmandu_keeps_its_quarter_hour() -> None:
    assert format_time(MONDAY_0200_UTC, "Asia/Kathmandu", "id") == "07.45"


@pytest.mark.parametrize(
    ("locale", "text"), [("en", "Monday, 30 November 2026"), ("id", "Senin, 30 November 2026")]
)
def test_date_has_weekday_and_day_first(locale: str, text: str) -> None:
    assert format_date(date(2026, 11, 30), locale) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 30), "Senin, 30 November 2026"),
        (date(2026, 12, 1), "Selasa, 1 Desember 2026"),
        (date(2026, 12, 2), "Rabu, 2 Desember 2026"),
        (date(2026, 12, 3), "Kamis, 3 Desember 2026"),
        (date(2026, 12, 4), "Jumat, 4 Desember 2026"),
        (date(2026, 12, 5), "Sabtu, 5 Desember 2026"),
        (date(2026, 12, 6), "Minggu, 6 Desember 2026"),
        (date(2027, 2, 17), "Rabu, 17 Februari 2027"),
        (date(2027, 8, 17), "Selasa, 17 Agustus 2027"),
    ],
)
def test_indonesian_day_and_month_names(day: date, text: str) -> None:
    assert format_date(day, "id") == text


# --- format_weekdays -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "en", "id_"),
    [
        ({0, 1, 2, 3, 4}, "Mon–Fri", "Sen–Jum"),
        ({6, 0, 1, 2, 3}, "Sun–Thu", "Min–Kam"),
        ({5, 6, 0, 1, 2}, "Sat–Wed", "Sab–Rab"),
        ({0, 2, 4}, "Mon, Wed, Fri", "Sen, Rab, Jum"),
        (set(range(7)), "every day", "setiap hari"),
        ({3}, "Thu", "Kam"),
        ({5, 6}, "Sat, Sun", "Sab, Min"),
        ({0, 1, 2, 4}, "Mon–Wed, Fri", "Sen–Rab, Jum"),
        ({1, 3, 6}, "Tue, Thu, Sun", "Sel, Kam, Min"),
        (set(), "no days", "tidak ada hari"),
    ],
)
def test_weekdays_read_as_ranges_or_lists(days: set[int], en: str, id_: str) -> None:
    assert (format_weekdays(days, "en"), format_weekdays(days, "id")) == (en, id_)


def test_indonesian_abbreviated_day_names_are_the_usual_ones() -> None:
    expected = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
    assert [format_weekdays({day}, "id") for day in range(7)] == expected


def test_weekdays_accept_any_iterable_with_repeats() -> None:
    assert format_weekdays(iter([4, 0, 1, 2, 3, 0]), "en") == "Mon–Fri"


@pytest.mark.parametrize("days", [{7}, {-1}, {0, 9}])
def test_weekday_outside_the_week_is_refused(days: set[int]) -> None:
    with pytest.raises(ValueError, match="weekdays"):
        format_weekdays(days, "en")


@given(days=st.sets(st.integers(min_value=0, max_value=6)), locale=st.sampled_from(["en", "id"]))
def test_every_set_of_weekdays_names_each_chosen_day_or_its_range(days: set[int], locale: str) -> None:
    text = format_weekdays(days, locale)
    assert text
    if 0 < len(days) < 7:
        names = [format_weekdays({day}, locale) for day in range(7)]
        mentioned = {day for day in range(7) if names[day] in text}
        assert mentioned <= days  # never a day that was not chosen
        assert len(text.split(", ")) <= len(days)


# --- format_minutes_of_day -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minute", "en", "id_"),
    [
        (540, "09:00", "09.00"),
        (0, "00:00", "00.00"),
        (585, "09:45", "09.45"),
        (1439, "23:59", "23.59"),
        (1440, "24:00", "24.00"),
    ],
)
def test_minutes_of_day_as_wall_clock_times(minute: int, en: str, id_: str) -> None:
    assert (format_minutes_of_day(minute, "en"), format_minutes_of_day(minute, "id")) == (en, id_)


@pytest.mark.parametrize("minute", [-1, 1441, 10_000])
def test_minute_outside_the_day_is_refused(minute: int) -> None:
    with pytest.raises(ValueError, match="minute"):
        format_minutes_of_day(minute, "en")


# --- format_relative -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "en", "id_"),
    [
        (timedelta(hours=3), "in 3 hours", "dalam 3 jam"),
        (timedelta(hours=-3), "3 hours ago", "3 jam yang lalu"),
        (timedelta(days=2), "in 2 days", "dalam 2 hari"),
        (timedelta(minutes=-5), "5 minutes ago", "5 menit yang lalu"),
        (timedelta(weeks=1), "in 1 week", "dalam 1 minggu"),
    ],
)
def test_relative_durations_read_naturally(delta: timedelta, en: str, id_: str) -> None:
    assert (format_relative(delta, "en"), format_relative(delta, "id")) == (en, id_)


def test_relative_duration_is_rounded_by_babel() -> None:
    assert format_relative(timedelta(minutes=170), "en") == "in 3 hours"


# --- format_duration -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "en", "id_"),
    [
        (timedelta(minutes=90), "1 hour 30 minutes", "1 jam 30 menit"),
        (timedelta(days=1), "1 day", "1 hari"),
        (timedelta(minutes=1500), "1 day 1 hour", "1 hari 1 jam"),
        (timedelta(days=2, minutes=5), "2 days 5 minutes", "2 hari 5 menit"),
        (timedelta(minutes=1), "1 minute", "1 menit"),
        (timedelta(hours=23), "23 hours", "23 jam"),
    ],
)
def test_duration_is_exact_in_days_hours_and_minutes(delta: timedelta, en: str, id_: str) -> None:
    assert (format_duration(delta, "en"), format_duration(delta, "id")) == (en, id_)


@pytest.mark.parametrize(("days", "en"), [(8, "8 days"), (10, "10 days"), (45, "45 days")])
def test_duration_of_many_days_is_not_rounded_to_weeks_or_months(days: int, en: str) -> None:
    """A 10-day lead time or a reminder moved 10 days must not read as '1 week'."""
    assert format_duration(timedelta(days=days), "en") == en


@pytest.mark.parametrize("locale", ["en", "id", "id_ID", "en-US"])
def test_dates_and_times_written_out_read_exactly_as_babels_patterns(locale: str) -> None:
    """format_date and the clock skip Babel's pattern machinery; every day of ten years and every minute of a
    day still read as "EEEE, d MMMM y" and "HH:mm" / "HH.mm" do."""
    from babel import dates as babel_dates

    from bot.time.format import _clock, _language, _style

    language = _language(locale)
    day = date(2020, 1, 1)
    while day < date(2030, 1, 1):
        assert format_date(day, locale) == babel_dates.format_date(day, "EEEE, d MMMM y", locale=language)
        day += timedelta(days=1)
    for minute in range(24 * 60):
        at = time(minute // 60, minute % 60)
        assert _clock(at, locale) == babel_dates.format_time(at, _style(locale).time_pattern, locale=language)

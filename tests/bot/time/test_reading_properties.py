"""Properties of the time reader that must hold for every input (docs TIME.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.time.reading import Reading, Refusal, read_time
from bot.time.zones import get_zone

ZONES = ["Asia/Jakarta", "America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe",
         "Asia/Kathmandu", "Pacific/Chatham", "UTC", "America/St_Johns"]
WORDS = ["tomorrow", "today", "tonight", "at", "on", "in", "next", "this", "every", "other", "week", "month", "day", "days", "hours", "hour", "minutes", "before", "until", "morning", "evening", "noon", "midnight", "eod", "monday", "friday", "sunday", "december", "jan", "5th", "the", "of", "am", "pm", "besok", "lusa", "kemarin", "nanti", "jam", "pukul", "pagi", "siang", "sore", "malam", "lagi", "menit", "hari", "kerja", "setengah", "seminggu", "senin", "jumat", "minggu", "depan", "ini", "tanggal", "desember", "setiap", "tiap", "dan", "sampai", "sebelum", "wib", "wita", "pst", "london", "time", "new", "york", "utc", "9", "12", "0", "31", "29", "2026", "2031", "14.30", "9:75", "10/12", "25/12/2026", "2026-02-30", "-3", "3pm", "13pm", "12am", "business", "last"]

NOWS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC))
PHRASES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(" ".join)


def _check(result: Reading | Refusal, now: datetime) -> None:
    assert isinstance(result, Reading | Refusal)
    if isinstance(result, Reading):
        assert result.at > now
        assert result.at <= now + relativedelta(years=5)
        assert result.next and all(now < at <= now + relativedelta(years=5) for at in result.next)
        assert result.at == result.next[0]
        assert result.at.utcoffset() is not None


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=1000), now=NOWS, zone=st.sampled_from(ZONES))
def test_arbitrary_text_never_raises_and_never_reads_the_past(text: str, now: datetime, zone: str) -> None:
    _check(read_time(text, zone=zone, now=now), now)


@settings(max_examples=600, deadline=None)
@given(text=PHRASES, now=NOWS, zone=st.sampled_from(ZONES), lang=st.sampled_from(["en", "id"]))
def test_phrases_built_from_time_words_stay_in_the_future_and_within_five_years(
    text: str, now: datetime, zone: str, lang: str
) -> None:
    _check(read_time(text, zone=zone, now=now, lang=lang), now)


def _exists(wall: datetime, zone: str) -> bool:
    """True when the wall time is not skipped by a DST change in zone."""
    tz = get_zone(zone)
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


@settings(max_examples=150, deadline=None)
@given(now=NOWS, zone=st.sampled_from(ZONES), hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_recurring_local_times_keep_their_wall_time_across_dst(now: datetime, zone: str, hour: int, minute: int) -> None:
    result = read_time(f"every day at {hour:02d}:{minute:02d}", zone=zone, now=now)
    assert isinstance(result, Reading)
    for at in result.next:
        wall = at.replace(tzinfo=None)
        asked = wall.replace(hour=hour, minute=minute)
        assert (at.hour, at.minute) == (hour, minute) or not _exists(asked, zone)


@settings(max_examples=60, deadline=None)
@given(zone=st.sampled_from(["America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe"]),
       year=st.integers(2026, 2030), minute=st.integers(0, 59))
def test_a_daily_rule_fires_once_on_a_fall_back_day(zone: str, year: int, minute: int) -> None:
    tz = get_zone(zone)
    start = datetime(year, 1, 1, tzinfo=UTC)
    fall = next(start + timedelta(days=d) for d in range(366)
                if (start + timedelta(days=d)).astimezone(tz).utcoffset()
                < (start + timedelta(days=d + 1)).astimezone(tz).utcoffset())  # type: ignore[operator]
    local_fall = (fall + timedelta(days=1)).astimezone(tz).date()
    now = datetime.combine(local_fall - timedelta(days=1), datetime.min.time(), tzinfo=tz).replace(hour=12)
    result = read_time(f"every day at 01:{minute:02d}", zone=zone, now=now)  # 01:xx repeats in all four zones
    assert isinstance(result, Reading)
    dates = [at.date() for at in result.next]
    assert len(set(dates)) == len(dates) == 3
    assert dates == [dates[0] + timedelta(days=i) for i in range(3)]


@settings(max_examples=150, deadline=None)
@given(now=NOWS, zone=st.sampled_from(ZONES), hours=st.integers(1, 500))
def test_hours_are_elapsed_time(now: datetime, zone: str, hours: int) -> None:
    result = read_time(f"in {hours} hours", zone=zone, now=now)
    assert isinstance(result, Reading)
    assert result.at - now == timedelta(hours=hours)


@settings(max_examples=150, deadline=None)
@given(now=NOWS, zone=st.sampled_from(ZONES), days=st.integers(1, 400))
def test_days_keep_the_wall_clock_time(now: datetime, zone: str, days: int) -> None:
    result = read_time(f"{days} hari lagi", zone=zone, now=now)
    assert isinstance(result, Reading)
    start = now.astimezone(get_zone(zone)).replace(tzinfo=None)
    wall = start + timedelta(days=days)
    assert result.at.replace(tzinfo=None) == wall or not _exists(wall, zone)

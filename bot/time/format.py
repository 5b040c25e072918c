"""Dates, times, weekdays and durations written for a member, in English ("en") or Indonesian ("id").

Babel supplies the words (day and month names, "dalam 3 jam"); the patterns are fixed here so that a
reply reads the same everywhere: a weekday, a day-first date, a 24-hour time and the zone. Indonesian
writes times with a dot (09.00) and "pukul" before the time, as Babel's own "id" patterns do.

When the UTC date differs from the local date, the UTC part names its weekday too
("Monday, 30 November 2026, 06:00 WIB (Sun 23:00 UTC)"), so that the day is never misread.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from babel import dates as babel_dates
from babel.units import format_unit

from bot.time.zones import local_now, zone_abbreviation

__all__ = [
    "format_date",
    "format_instant",
    "format_minutes_of_day",
    "format_relative",
    "format_time",
    "format_weekdays",
]

Language = Literal["en", "id"]
DayWidth = Literal["abbreviated", "wide"]

MINUTES_PER_DAY = 24 * 60
_DAYS_PER_WEEK = 7
_MIN_RANGE_LENGTH = 3
_DASH = "–"

_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"})


@dataclass(frozen=True, kw_only=True)
class _Style:
    """The fixed patterns and words of one language."""

    date_pattern: str
    time_pattern: str
    time_separator: str
    before_time: str
    every_day: str
    no_days: str


_STYLES: dict[Language, _Style] = {
    "en": _Style(
        date_pattern="EEEE, d MMMM y",
        time_pattern="HH:mm",
        time_separator=":",
        before_time=", ",
        every_day="every day",
        no_days="no days",
    ),
    "id": _Style(
        date_pattern="EEEE, d MMMM y",
        time_pattern="HH.mm",
        time_separator=".",
        before_time=" pukul ",
        every_day="setiap hari",
        no_days="tidak ada hari",
    ),
}


def _language(locale: str) -> Language:
    """'id', 'id_ID' or 'id-ID' -> 'id'; anything else is English."""
    return "id" if locale.replace("-", "_").split("_", 1)[0].lower() == "id" else "en"


def _style(locale: str) -> _Style:
    """The patterns for a member's locale."""
    return _STYLES[_language(locale)]


def _clock(moment: datetime | time, locale: str) -> str:
    """A 24-hour wall-clock time of a local moment: '09:00' / '09.00' (the time pattern, written out)."""
    return f"{moment.hour:02d}{_style(locale).time_separator}{moment.minute:02d}"


@functools.cache
def _names(language: Language) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Babel's wide day names (0 = Monday) and month names (1 = January) as the date pattern uses them."""
    days = babel_dates.get_day_names("wide", context="format", locale=language)
    months = babel_dates.get_month_names("wide", context="format", locale=language)
    return tuple(str(days[d]) for d in range(_DAYS_PER_WEEK)), ("", *(str(months[m]) for m in range(1, 13)))


def format_date(d: date, locale: str) -> str:
    """'Monday, 30 November 2026' / 'Senin, 30 November 2026' ("EEEE, d MMMM y", written out: Babel's
    pattern machinery took most of a reply's time)."""
    days, months = _names(_language(locale))
    return f"{days[d.weekday()]}, {d.day} {months[d.month]} {d.year}"


def format_time(instant: datetime, zone: str, locale: str) -> str:
    """The wall-clock time of an aware instant in zone: '09:00' / '09.00'."""
    return _clock(local_now(zone, instant), locale)


def _utc_part(instant: datetime, local_date: date, locale: str) -> str:
    """'02:00 UTC', with the UTC weekday in front when the UTC date is not the local date."""
    in_utc = instant.astimezone(UTC)
    text = f"{_clock(in_utc, locale)} UTC"
    if in_utc.date() != local_date:
        text = f"{_day_names(locale, 'abbreviated')[in_utc.weekday()]} {text}"
    return text


def format_instant(instant: datetime, zone: str, locale: str, *, with_utc: bool = True) -> str:
    """'Monday, 30 November 2026, 09:00 WIB (02:00 UTC)'; id: '… 2026 pukul 09.00 WIB (02.00 UTC)'."""
    local = local_now(zone, instant)
    style = _style(locale)
    text = f"{format_date(local.date(), locale)}{style.before_time}{_clock(local, locale)} "
    text += zone_abbreviation(zone, instant)
    if with_utc and zone not in _UTC_ZONES:
        text += f" ({_utc_part(instant, local.date(), locale)})"
    return text


def format_minutes_of_day(minute: int, locale: str) -> str:
    """A minute of the day as a wall-clock time: 540 -> '09:00' / '09.00'; 1440 -> '24:00' / '24.00'."""
    if not 0 <= minute <= MINUTES_PER_DAY:
        raise ValueError(f"a minute of the day is 0..1440, got {minute}")
    if minute == MINUTES_PER_DAY:
        return f"24{_style(locale).time_separator}00"
    return _clock(time(minute // 60, minute % 60), locale)


def _day_names(locale: str, width: DayWidth) -> dict[int, str]:
    """Babel's day names, 0 = Monday."""
    return _day_names_of(_language(locale), width)


@functools.cache
def _day_names_of(language: Language, width: DayWidth) -> dict[int, str]:
    names = babel_dates.get_day_names(width, locale=language)
    return {day: str(names[day]) for day in range(_DAYS_PER_WEEK)}


def _runs(days: frozenset[int]) -> list[list[int]]:
    """Consecutive days as runs, wrapping round the week (Sun, Mon, Tue is one run), Monday-first order."""
    start = next(day for day in range(_DAYS_PER_WEEK) if (day - 1) % _DAYS_PER_WEEK not in days)
    runs: list[list[int]] = []
    for step in range(_DAYS_PER_WEEK):
        day = (start + step) % _DAYS_PER_WEEK
        if day not in days:
            continue
        if runs and (runs[-1][-1] + 1) % _DAYS_PER_WEEK == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return sorted(runs, key=lambda run: run[0])


def format_weekdays(days: Iterable[int], locale: str) -> str:
    """0 = Monday: 'Mon–Fri' / 'Sen–Jum', 'Sun–Thu' / 'Min–Kam', 'Mon, Wed, Fri', 'every day'."""
    chosen = frozenset(days)
    if not chosen <= frozenset(range(_DAYS_PER_WEEK)):
        raise ValueError(f"weekdays are 0 (Monday) .. 6 (Sunday), got {sorted(chosen)}")
    style = _style(locale)
    if not chosen:
        return style.no_days
    if len(chosen) == _DAYS_PER_WEEK:
        return style.every_day
    names = _day_names(locale, "abbreviated")
    parts: list[str] = []
    for run in _runs(chosen):
        if len(run) >= _MIN_RANGE_LENGTH:
            parts.append(f"{names[run[0]]}{_DASH}{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return ", ".join(parts)


def format_relative(delta: timedelta, locale: str) -> str:
    """Babel's rounded duration with direction: 'in 3 hours' / 'dalam 3 jam', '3 jam yang lalu'."""
    return str(babel_dates.format_timedelta(delta, add_direction=True, locale=_language(locale)))


def format_duration(delta: timedelta, locale: str) -> str:
    """An exact duration in days (whole weeks as weeks), hours and minutes: '1 hour 30 minutes'.

    Babel's unit names, never its rounding: a 10-day lead is "10 days", not "1 week".
    """
    language = _language(locale)
    days, left = divmod(int(delta.total_seconds() // 60), MINUTES_PER_DAY)
    parts: list[str] = []
    if days:
        weekly = days % 7 == 0
        parts.append(str(format_unit(days // 7 if weekly else days,
                                     "duration-week" if weekly else "duration-day", locale=language)))
    for size, unit in ((60, "duration-hour"), (1, "duration-minute")):
        count, left = divmod(left, size)
        if count:
            parts.append(str(format_unit(count, unit, locale=language)))
    return " ".join(parts) or str(format_unit(0, "duration-minute", locale=language))

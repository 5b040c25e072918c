"""Reading `/tz hours` and `/tz off` arguments, in English and Bahasa Indonesia.

Every refusal is a `Refusal` carrying a catalog key and the offending text, so the reply can say
exactly what was wrong in the member's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.core.identity import WorkingHours

DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate([
    ("mon", "monday", "sen", "senin"),
    ("tue", "tues", "tuesday", "sel", "selasa"),
    ("wed", "wednesday", "rab", "rabu"),
    ("thu", "thur", "thurs", "thursday", "kam", "kamis"),
    ("fri", "friday", "jum", "jumat", "jum'at"),
    ("sat", "saturday", "sab", "sabtu"),
    ("sun", "sunday", "min", "minggu", "ahad"),
]):
    for _name in _names:
        DAY_NAMES[_name] = _index

DAY_SETS: dict[str, frozenset[int]] = {
    "weekdays": frozenset(range(5)), "hari kerja": frozenset(range(5)),
    "weekends": frozenset({5, 6}), "weekend": frozenset({5, 6}), "akhir pekan": frozenset({5, 6}),
    "every day": frozenset(range(7)), "everyday": frozenset(range(7)), "daily": frozenset(range(7)),
    "setiap hari": frozenset(range(7)), "tiap hari": frozenset(range(7)),
}

_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?"
_SEP = r"(?:-|–|—|to|until|sampai|s/d|hingga)"
_HOURS = re.compile(rf"^\s*(?P<a>{_TIME})\s*{_SEP}\s*(?P<b>{_TIME})\s*(?P<days>.*)$", re.IGNORECASE)
_ONE_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)?$",
                       re.IGNORECASE)
MAX_DAY_OFF_SPAN = 366


@dataclass(frozen=True, kw_only=True)
class Refusal:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _Clock:
    minute: int
    bare: bool
    """A bare hour ("9") with no minutes and no am/pm, which "9-5" reads as office hours."""


def parse_time_of_day(text: str) -> _Clock | Refusal:
    m = _ONE_TIME.match(text.strip())
    if m is None:
        return Refusal(key="profile.hours_bad_time", values={"value": text.strip()})
    hour, minute = int(m["h"]), int(m["m"] or 0)
    ampm = (m["ap"] or "").lower().replace(".", "")
    if minute > 59 or (ampm and not 1 <= hour <= 12) or hour > 24 or (hour == 24 and minute):
        return Refusal(key="profile.hours_bad_time", values={"value": text.strip()})
    if ampm:
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return _Clock(minute=hour * 60 + minute, bare=not ampm and m["m"] is None)


def parse_days(text: str) -> frozenset[int] | Refusal:
    """`Mon-Fri`, `Sun–Thu` (wrapping), `Mon,Wed,Fri`, `weekdays`, `Sen-Jum`, `setiap hari`."""
    cleaned = " ".join(text.lower().replace("–", "-").replace("—", "-").split())
    if cleaned in DAY_SETS:
        return DAY_SETS[cleaned]
    days: set[int] = set()
    for part in re.split(r"[,\s]+|\bdan\b|\band\b", cleaned):
        if not part:
            continue
        ends = [p.strip() for p in part.split("-")]
        if len(ends) > 2 or any(e not in DAY_NAMES for e in ends):
            bad = next((e for e in ends if e not in DAY_NAMES), part)
            return Refusal(key="profile.hours_bad_day", values={"value": _original(text, bad)})
        first = DAY_NAMES[ends[0]]
        last = DAY_NAMES[ends[-1]]
        span = (last - first) % 7
        days.update((first + i) % 7 for i in range(span + 1))
    if not days:
        return Refusal(key="profile.hours_empty", values={})
    return frozenset(days)


def _original(text: str, lowered: str) -> str:
    """The user's own spelling of a token we lower-cased, so the reply quotes what they typed."""
    found = re.search(re.escape(lowered), text, re.IGNORECASE)
    return found.group(0) if found else lowered


def parse_hours(text: str, current_days: frozenset[int] | None = None) -> WorkingHours | Refusal:
    """`09:00-17:00 Mon-Fri`, `9-5` (09:00–17:00), `22:00-06:00` (crosses midnight), `24:00` ends."""
    m = _HOURS.match(text)
    if m is None:
        return Refusal(key="profile.hours_unreadable", values={"value": text.strip()})
    start, end = parse_time_of_day(m["a"]), parse_time_of_day(m["b"])
    for part in (start, end):
        if isinstance(part, Refusal):
            return part
    assert isinstance(start, _Clock) and isinstance(end, _Clock)
    if start.minute == 1440:
        return Refusal(key="profile.hours_bad_time", values={"value": m["a"].strip()})
    end_minute = end.minute
    if start.bare and end.bare and end_minute < start.minute and end_minute + 720 > start.minute:
        end_minute += 720  # "9-5" means nine to five in the afternoon
    if end_minute == start.minute:
        return Refusal(key="profile.hours_empty_shift", values={"value": text.strip()})
    days_text = m["days"].strip()
    days = parse_days(days_text) if days_text else (current_days or frozenset(range(5)))
    if isinstance(days, Refusal):
        return days
    return WorkingHours(start_minute=start.minute, end_minute=end_minute, workdays=days)


@dataclass(frozen=True, kw_only=True)
class DateRange:
    start: date
    end: date


def _parse_date(text: str) -> date | Refusal:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return Refusal(key="profile.off_bad_date", values={"value": text.strip()})


def parse_date_range(text: str, today: date) -> DateRange | Refusal:
    """`2026-12-24..2026-12-26` or one day `2026-12-24`; not over, not backwards, at most a year."""
    cleaned = text.strip()
    if not cleaned:
        return Refusal(key="profile.off_usage", values={})
    parts = re.split(r"\s*(?:\.\.|–|—|\bto\b|\bsampai\b|\s-\s)\s*", cleaned, maxsplit=1)
    start = _parse_date(parts[0])
    end = _parse_date(parts[1]) if len(parts) == 2 else start
    if isinstance(start, Refusal):
        return start
    if isinstance(end, Refusal):
        return end
    if end < start:
        values = {"start": start.isoformat(), "end": end.isoformat()}
        return Refusal(key="profile.off_backwards", values=values)
    if end < today:
        return Refusal(key="profile.off_past", values={"end": end.isoformat()})
    if (end - start) > timedelta(days=MAX_DAY_OFF_SPAN):
        return Refusal(key="profile.off_too_long", values={"days": MAX_DAY_OFF_SPAN})
    return DateRange(start=start, end=end)

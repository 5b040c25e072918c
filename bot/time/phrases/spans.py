"""Durations ('in 3 hours', '30 menit lagi', 'seminggu lagi', '2 hari kerja lagi') and lead times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from bot.time.phrases.resolve import add_days_wall, localise
from bot.time.zones import get_zone

Unit = Literal["minute", "day", "month", "business"]
MAX_COUNT = 100_000_000  # clamps absurd counts; anything beyond five years is refused before arithmetic

_UNITS: dict[str, tuple[Unit, int]] = {
    "minute": ("minute", 1), "minutes": ("minute", 1), "min": ("minute", 1), "mins": ("minute", 1),
    "menit": ("minute", 1), "hour": ("minute", 60), "hours": ("minute", 60), "hr": ("minute", 60),
    "hrs": ("minute", 60), "jam": ("minute", 60), "day": ("day", 1), "days": ("day", 1), "hari": ("day", 1),
    "week": ("day", 7), "weeks": ("day", 7), "minggu": ("day", 7), "month": ("month", 1),
    "months": ("month", 1), "bulan": ("month", 1), "business day": ("business", 1),
    "business days": ("business", 1), "working day": ("business", 1), "working days": ("business", 1),
    "workday": ("business", 1), "workdays": ("business", 1), "hari kerja": ("business", 1),
}  # fmt: skip
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_ONE = {
    "a": 1, "an": 1, "one": 1, "se": 1, "satu": 1, "two": 2, "dua": 2, "three": 3, "tiga": 3, "four": 4,
    "empat": 4, "five": 5, "lima": 5, "six": 6, "enam": 6, "seven": 7, "tujuh": 7, "eight": 8, "delapan": 8,
    "nine": 9, "sembilan": 9, "ten": 10, "sepuluh": 10, "eleven": 11, "sebelas": 11, "twelve": 12,
    "dua belas": 12, "fifteen": 15, "lima belas": 15, "twenty": 20, "dua puluh": 20, "thirty": 30,
    "tiga puluh": 30, "forty-five": 45, "forty five": 45, "empat puluh lima": 45,
}  # fmt: skip
_FUSED = {"semenit": "minute", "sejam": "hour", "sehari": "day", "seminggu": "week", "sebulan": "month"}
_AMOUNT = rf"(-?\d{{1,9}}|half an?|half a|setengah|{'|'.join(sorted(_ONE, key=len, reverse=True))})"
_SPAN = rf"(?:{_AMOUNT} ?({_UNIT_RE})|({'|'.join(_FUSED)}))"
_IN = re.compile(rf"^(?:in|dalam|after) {_SPAN}(?: lagi)?(?: (?:from now|dari sekarang))?$")
_LAGI = re.compile(rf"^{_SPAN} (?:lagi|from now|dari sekarang)$")
_SPAN_ONLY = re.compile(rf"^{_SPAN}$")
_IN_AT = re.compile(rf"^(?:in|dalam) {_SPAN}(?: lagi)? (.+)$|^{_SPAN} lagi (.+)$")
_BEFORE = re.compile(rf"^{_SPAN} (before|sebelum|after|sesudah|setelah) (.+)$")


@dataclass(frozen=True, kw_only=True)
class Span:
    """A length of time: a count of a unit (minutes are elapsed, days keep the wall time)."""

    count: int
    unit: Unit


def _span(match: re.Match[str]) -> Span | None:
    """The span named by the amount/unit groups (1–3) of a match; None when unreadable."""
    amount, unit, fused = match.group(1), match.group(2), match.group(3)
    if fused:
        unit, amount = _FUSED[fused], "1"
    kind, size = _UNITS[unit]
    if amount in ("setengah", "half an", "half a"):
        if kind != "minute" and not (kind == "day" and size == 1):
            return None
        return Span(count=size // 2 if kind == "minute" else 720, unit="minute")
    count = _ONE.get(amount)
    if count is None:
        if amount.lstrip("-").isdigit() and len(amount.lstrip("-")) <= 9:
            count = int(amount)
        else:
            return None
    return Span(count=max(min(count * size, MAX_COUNT), -MAX_COUNT), unit=kind)


def read_span(text: str) -> Span | None:
    """'in 3 hours', '2 jam lagi', 'seminggu lagi': the whole phrase is one duration."""
    match = _IN.match(text) or _LAGI.match(text)
    return _span(match) if match is not None else None


def read_span_at(text: str) -> tuple[Span, str] | None:
    """'in 2 days at 9am', '3 hari lagi jam 9 pagi': a span of days, then a time of day on that day."""
    match = _IN_AT.match(text)
    if match is None:
        return None
    groups = match.groups()
    inner = _SPAN_ONLY.match(
        " ".join(g for g in groups[:3] if g) if groups[3] else " ".join(g for g in groups[4:7] if g)
    )
    span = _span(inner) if inner is not None else None
    if span is None or span.unit == "minute":
        return None
    return span, groups[3] or groups[7]


def read_lead(text: str) -> tuple[Span, int, str] | None:
    """'1 hour before 5pm tomorrow': the span, -1 for before / +1 for after, and the anchor phrase."""
    match = _BEFORE.match(text)
    if match is None:
        return None
    span = _span(match)
    if span is None:
        return None
    sign = -1 if match.group(4) in ("before", "sebelum") else 1
    return span, sign, match.group(5)


def beyond_horizon(span: Span) -> bool:
    """True when the span alone is more than five years, so no arithmetic is needed to refuse it."""
    limits: dict[Unit, int] = {"minute": 5 * 366 * 1440, "day": 5 * 366, "month": 60, "business": 5 * 366}
    return abs(span.count) > limits[span.unit]


def _business(start: datetime, count: int, zone: str, workdays: frozenset[int]) -> datetime:
    """Step over non-working days, keeping the wall time."""
    wall = start.astimezone(get_zone(zone)).replace(tzinfo=None)
    step = 1 if count > 0 else -1
    left = abs(count)
    while left and workdays:
        wall += timedelta(days=step)
        if wall.weekday() in workdays:
            left -= 1
    return localise(wall, zone)


def apply_span(start: datetime, span: Span, sign: int, zone: str, workdays: frozenset[int]) -> datetime:
    """Move start by span: minutes elapsed, days and months on the wall clock, business days skip days off."""
    count = span.count * sign
    if span.unit == "minute":
        return (start.astimezone(UTC) + timedelta(minutes=count)).astimezone(get_zone(zone))
    if span.unit == "day":
        return add_days_wall(start, count, zone)
    if span.unit == "month":
        wall = start.astimezone(get_zone(zone)).replace(tzinfo=None)
        return localise(wall + relativedelta(months=count), zone)
    return _business(start, count, zone, workdays)

"""Days in a phrase: today/besok/lusa, weekdays, 'next week', month names, ISO and numeric dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.time.phrases.vocab import MONTH_RE, MONTHS, WEEKDAY_RE, WEEKDAYS

MIN_YEAR, MAX_YEAR = 1900, 9000


@dataclass(frozen=True, kw_only=True)
class DayResult:
    """Candidate dates (two when ambiguous, with the reason key), or a refusal, and the text left over."""

    rest: str
    dates: tuple[date, ...] = ()
    relative: int | None = None  # days after today for 'today', 'besok', 'lusa' (zone-sensitive words)
    reason: str | None = None
    refusal: str | None = None
    values: dict[str, str] = field(default_factory=dict)


_PAST = re.compile(r"\b(?:yesterday|kemarin|minggu lalu|last week)\b")
_RELATIVE: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:the )?day after tomorrow\b|\bbesok lusa\b|\blusa\b"), 2),
    (re.compile(r"\b(?:tomorrow|besok|tmr|tmrw)\b"), 1),
    (re.compile(r"\b(?:today|hari ini|tonight|nanti)\b"), 0),
)
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?\b")
_SUFFIX = r"(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(
    rf"\b(?:tanggal |tgl |the )?(\d{{1,2}}){_SUFFIX}(?: of)? ({MONTH_RE})\b(?: (\d{{4}}))?"
)
_MONTH_DAY = re.compile(rf"\b({MONTH_RE}) (?:the )?(\d{{1,2}}){_SUFFIX}\b(?: (\d{{4}}))?")
_MONTH_DAY_ONLY = re.compile(rf"\b(?:tanggal|tgl|the) (\d{{1,2}}){_SUFFIX}\b")
_NEXT_WEEK = r"(?:next week|minggu depan)"
_WD_NEXT_WEEK = re.compile(
    rf"\b(?:hari )?({WEEKDAY_RE}) {_NEXT_WEEK}\b|\b{_NEXT_WEEK} (?:on |hari |pada hari )?({WEEKDAY_RE})\b")
_WD_NEXT = re.compile(rf"\b(?:next|coming) ({WEEKDAY_RE})\b|\b({WEEKDAY_RE}) depan\b")
_WD_THIS = re.compile(rf"\bthis ({WEEKDAY_RE})\b|\b({WEEKDAY_RE}) ini\b")
_WD_BARE = re.compile(rf"\b(?:hari )?({WEEKDAY_RE})\b")
_WEEK_ALONE = re.compile(rf"\b{_NEXT_WEEK}\b")
_NOT_WEEKDAY = re.compile(r"\b(?:next|this|coming) ([a-z]+)\b|\b([a-z]+) (?:depan|ini)\b")
_KNOWN_AFTER_NEXT = frozenset(
    [
        "week",
        "month",
        "year",
        "time",
        "minggu",
        "bulan",
        "tahun",
        "hari",
        "jam",
        "morning",
        "afternoon",
        "evening",
        "pagi",
        "siang",
        "sore",
        "malam",
        "night",
    ]
)


def _cut(text: str, match: re.Match[str]) -> str:
    """The text with the match removed."""
    return f"{text[: match.start()]} {text[match.end() :]}".strip()


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (30 February) or is out of the supported years."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _year(text: str | None) -> int | None:
    """A four- or two-digit year ('26' is 2026)."""
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _yearless(month: int, day: int, today: date) -> date | None:
    """A month and day already past this year means next year; 29 February finds the next leap year."""
    for year in range(today.year, today.year + 9):
        found = make_date(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def _dated(month: int, day: int, year: int | None, today: date) -> date | None:
    """A calendar date with or without its year."""
    return make_date(year, month, day) if year is not None else _yearless(month, day, today)


def _invalid(text: str, match: re.Match[str], year: int | None = None) -> DayResult:
    """A date that does not exist, or a year outside the ones Rekan computes with (past or too far)."""
    if year is not None and year > MAX_YEAR:
        return DayResult(rest=text, refusal="time.too_far")
    if year is not None and year < MIN_YEAR:
        return DayResult(rest=text, refusal="time.past")
    return DayResult(rest=text, refusal="time.invalid_date", values={"text": match.group(0)[:60]})


def _found(text: str, match: re.Match[str], day: date) -> DayResult:
    """One date read from the match."""
    return DayResult(rest=_cut(text, match), dates=(day,))


def _named_month(text: str, today: date) -> DayResult | None:
    """'5 Dec', 'tanggal 5 Desember 2026', 'December 5th', 'the 1st of March'."""
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.search(text)
        if match is None:
            continue
        month, day = MONTHS[match.group(month_group)], int(match.group(day_group))
        year = _year(match.group(3))
        found = _dated(month, day, year, today)
        return _invalid(text, match, year) if found is None else _found(text, match, found)
    return None


def _numeric(text: str, today: date, lang: str) -> DayResult | None:
    """ISO dates, and d/m/y or m/d/y: accepted when one reading exists, day-first in Indonesian."""
    match = _ISO.search(text)
    if match is not None:
        found = make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return _invalid(text, match, int(match.group(1))) if found is None else _found(text, match, found)
    match = _NUMERIC.search(text)
    if match is None or (match.group(2) != "/" and match.group(4) is None):
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), _year(match.group(4))
    day_first, month_first = _dated(second, first, year, today), _dated(first, second, year, today)
    readings = tuple(d for d in dict.fromkeys((day_first, month_first)) if d is not None)
    if not readings:
        return _invalid(text, match)
    rest = _cut(text, match)
    if len(readings) == 1 or lang == "id":
        return DayResult(rest=rest, dates=(readings[0],))
    return DayResult(rest=rest, dates=readings, reason="time.ambiguous_date")


def _next_weekday(today: date, weekday: int) -> date:
    """The next such weekday strictly after today."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _next_week_monday(today: date) -> date:
    """Monday of next week (weeks run Monday–Sunday)."""
    return today + timedelta(days=7 - today.weekday())


def _weekday_name(match: re.Match[str]) -> int:
    """The weekday number named by whichever group matched."""
    return WEEKDAYS[next(g for g in match.groups() if g)]


def _weekday(text: str, today: date) -> DayResult | None:
    """'Friday', 'this Friday', 'Jumat ini', 'next Friday', 'Friday next week', 'minggu depan'."""
    match = _WD_NEXT_WEEK.search(text)
    if match is not None:
        day = _next_week_monday(today) + timedelta(days=_weekday_name(match))
        return DayResult(rest=_cut(text, match), dates=(day,))
    match = _WEEK_ALONE.search(text)
    if match is not None:
        return DayResult(rest=_cut(text, match), dates=(_next_week_monday(today),))
    match = _WD_NEXT.search(text)
    if match is not None:
        coming = _next_weekday(today, _weekday_name(match))
        following = _next_week_monday(today) + timedelta(days=_weekday_name(match))
        dates = tuple(dict.fromkeys((coming, following)))
        reason = "time.ambiguous_next_weekday" if len(dates) > 1 else None
        return DayResult(rest=_cut(text, match), dates=dates, reason=reason, values={"text": match.group(0)})
    match = _WD_THIS.search(text)
    if match is not None:
        weekday = _weekday_name(match)
        day = today if today.weekday() == weekday else _next_weekday(today, weekday)
        return DayResult(rest=_cut(text, match), dates=(day,))
    match = _WD_BARE.search(text)
    if match is not None:
        return DayResult(rest=_cut(text, match), dates=(_next_weekday(today, _weekday_name(match)),))
    return None


def _unknown_weekday(text: str) -> DayResult | None:
    """'next Fridya': a word where a weekday was expected."""
    match = _NOT_WEEKDAY.search(text)
    if match is None:
        return None
    word = next(g for g in match.groups() if g)
    if word in _KNOWN_AFTER_NEXT or word in WEEKDAYS or word in MONTHS or word.isdigit():
        return None
    return DayResult(rest=text, refusal="time.unknown_weekday", values={"word": word[:40]})


def _relative(text: str, today: date) -> DayResult | None:
    """'today', 'besok', 'lusa', 'nanti'; 'kemarin' is the past."""
    if _PAST.search(text):
        return DayResult(rest=text, refusal="time.past")
    for pattern, offset in _RELATIVE:
        match = pattern.search(text)
        if match is not None:
            return DayResult(rest=_cut(text, match), dates=(today + timedelta(days=offset),), relative=offset)
    return None


def _with_weekday(found: DayResult | None) -> DayResult | None:
    """'Friday, December 4': a weekday that agrees with the date only confirms it; one that does not asks."""
    if found is None or not found.dates:
        return found
    match = _WD_BARE.search(found.rest)
    if match is None:
        return found
    agreeing = tuple(d for d in found.dates if d.weekday() == _weekday_name(match))
    if len(found.dates) > 1:  # an ambiguous numeric date that the weekday settles, or not
        if len(agreeing) != 1:
            return found
        return DayResult(rest=_cut(found.rest, match), dates=agreeing)
    if not agreeing:
        return DayResult(rest=found.rest, refusal="time.weekday_mismatch",
                         values={"weekday": match.group(0)[:20], "date": found.dates[0].isoformat()})
    return DayResult(rest=_cut(found.rest, match), dates=found.dates)


def read_day(text: str, today: date, lang: str) -> DayResult:
    """Take one day out of text; no day found leaves dates empty."""
    for step in (
        lambda t: _relative(t, today),
        lambda t: _with_weekday(_numeric(t, today, lang)),
        lambda t: _with_weekday(_named_month(t, today)),
        lambda t: _weekday(t, today),
        _unknown_weekday,
        lambda t: _month_day_only(t, today),
    ):
        found = step(text)
        if found is not None:
            return found
    return DayResult(rest=text)


def _month_day_only(text: str, today: date) -> DayResult | None:
    """'tanggal 25', 'the 5th': the next such day of a month."""
    match = _MONTH_DAY_ONLY.search(text)
    if match is None:
        return None
    day = int(match.group(1))
    if not 1 <= day <= 31:
        return _invalid(text, match)
    for months in range(13):
        year, month = divmod(today.month - 1 + months, 12)
        found = make_date(today.year + year, month + 1, day)
        if found is not None and found >= today:
            return DayResult(rest=_cut(text, match), dates=(found,))
    return _invalid(text, match)

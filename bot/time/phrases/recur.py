"""Recurring phrases ('every weekday at 9am', 'setiap Senin dan Kamis jam 10') as RFC 5545 rules.

Occurrences are expanded in local wall time and then placed in the zone, so a rule keeps its wall time
across DST changes, a skipped time moves forward by the gap and a repeated time means the first one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from dateutil import rrule as du

from bot.time.phrases.clock import Clock, read_clock, recurring_hour
from bot.time.phrases.days import read_day
from bot.time.phrases.resolve import horizon, localise, take_zone
from bot.time.phrases.results import Context, Reading, Refusal, not_understood
from bot.time.phrases.vocab import WEEKDAY_RE, WEEKDAYS, leftover_words, phrase_language
from bot.time.zones import get_zone

_EVERY = r"(?:every|each|setiap|tiap|tiap-tiap)"
_START = re.compile(rf"^(?:on )?(?:{_EVERY}|daily|weekly|monthly)\b|\b{_EVERY} (?:month|bulan)\b")
_UNTIL = re.compile(r"^(.*?) (?:until|till|through|sampai|hingga) (.+)$")
_ELAPSED = re.compile(rf"^{_EVERY} (?:(\d{{1,4}}) )?(minutes?|mins?|menit|hours?|jam)$")
_LAST_DAY = re.compile(
    rf"\b(?:{_EVERY} month on the last day|(?:on )?the last day of (?:every|each|the) month"
    rf"|{_EVERY} (?:akhir bulan|tanggal terakhir)|monthly on the last day)\b"
)
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_DAY = re.compile(
    rf"\b(?:(?:on )?the {_ORD} of {_EVERY} month|{_EVERY} month on the {_ORD}|monthly on the {_ORD}"
    rf"|{_EVERY} tanggal {_ORD}|{_EVERY} {_ORD} of the month)\b"
)
_WORKDAYS = re.compile(
    rf"\b(?:{_EVERY} (?:weekday|workday|business day|working day)s?|{_EVERY} hari kerja)\b"
)
_DAILY = re.compile(rf"\b(?:{_EVERY} (other )?day|daily|{_EVERY} (\d{{1,3}}) (?:days|hari)|{_EVERY} hari)\b")
_WEEKDAY_LIST = rf"(?:hari )?({WEEKDAY_RE})((?:(?: |, ?)(?:and |dan |& )?(?:{WEEKDAY_RE}))*)"
_WEEKLY_DAYS = re.compile(rf"\b{_EVERY} (other )?{_WEEKDAY_LIST}\b")
_WEEKS_ON_DAYS = re.compile(
    rf"\b{_EVERY} (?:(other)|(\d{{1,2}})) (?:weeks?|minggu) (?:on |pada )?{_WEEKDAY_LIST}\b")
_EVERY_MINGGU = re.compile(rf"\b{_EVERY} (?:other )?minggu\b")
_WEEKLY = re.compile(rf"\b(?:{_EVERY} (other )?(?:week|minggu)|weekly)\b")
_UNKNOWN_DAY = re.compile(rf"\b{_EVERY} (?:other )?([a-z]+)\b")
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_Freq = Literal[0, 1, 2, 3, 4, 5, 6]
_FREQ: dict[str, _Freq] = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}
_SCAN = 800  # occurrences examined to find the first one after now (monthly 31st: a handful)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A recurrence before its time of day is known."""

    freq: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None


def is_rule(text: str) -> bool:
    """True when the phrase asks for a repeating time."""
    return _START.search(text) is not None


def _cut(text: str, match: re.Match[str]) -> str:
    """The text with the match removed."""
    return f"{text[: match.start()]} {text[match.end() :]}".strip()


def _weekdays(first: str, more: str) -> tuple[int, ...]:
    """Weekday numbers named in 'monday and thursday' form."""
    names = [first, *re.findall(WEEKDAY_RE, more)]
    return tuple(sorted({WEEKDAYS[name] for name in names}))


def _rule(text: str, ctx: Context) -> tuple[Rule, str] | Refusal | None:
    """The repeating part of the phrase, and the text left for the time of day."""
    match = _LAST_DAY.search(text)
    if match is not None:
        return Rule(freq="MONTHLY", month_day=-1), _cut(text, match)
    match = _MONTH_DAY.search(text)
    if match is not None:
        day = int(next(g for g in match.groups() if g))
        if not 1 <= day <= 31:
            return Refusal(reason="time.invalid_date", values={"text": match.group(0)[:60]})
        return Rule(freq="MONTHLY", month_day=day), _cut(text, match)
    match = _WORKDAYS.search(text)
    if match is not None:
        return Rule(freq="WEEKLY", weekdays=tuple(sorted(ctx.workdays))), _cut(text, match)
    match = _WEEKS_ON_DAYS.search(text)
    if match is not None:  # 'every 2 weeks on Monday', 'tiap 2 minggu hari Senin'
        interval = 2 if match.group(1) else int(match.group(2))
        if interval == 0:
            return Refusal(reason="time.zero_duration")
        return Rule(freq="WEEKLY", interval=interval,
                    weekdays=_weekdays(match.group(3), match.group(4))), _cut(text, match)
    if _EVERY_MINGGU.search(text):
        return not_understood(text)  # 'setiap minggu': every week, or every Sunday? ask for 'hari Minggu'
    match = _WEEKLY_DAYS.search(text)
    if match is not None:
        interval = 2 if match.group(1) else 1
        return Rule(
            freq="WEEKLY", interval=interval, weekdays=_weekdays(match.group(2), match.group(3))
        ), _cut(text, match)
    return _simple_rule(text, ctx)


def _simple_rule(text: str, ctx: Context) -> tuple[Rule, str] | Refusal | None:
    """Daily and weekly rules without named days, and a word where a weekday was expected."""
    match = _DAILY.search(text)
    if match is not None:
        interval = 2 if match.group(1) else int(match.group(2) or 1)
        if interval == 0:
            return Refusal(reason="time.zero_duration")
        return Rule(freq="DAILY", interval=interval), _cut(text, match)
    match = _WEEKLY.search(text)
    if match is not None:
        today = ctx.now.astimezone(get_zone(ctx.zone)).weekday()
        return Rule(freq="WEEKLY", interval=2 if match.group(1) else 1, weekdays=(today,)), _cut(text, match)
    match = _UNKNOWN_DAY.search(text)
    if match is not None and match.group(1) not in ("month", "bulan", "year", "tahun"):
        return Refusal(reason="time.unknown_weekday", values={"word": match.group(1)[:40]})
    return None


def _text(rule: Rule, clock: time, until: datetime | None) -> str:
    """The RFC 5545 RRULE value (no DTSTART line)."""
    parts = [f"FREQ={rule.freq}"]
    if rule.interval > 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.weekdays:
        parts.append("BYDAY=" + ",".join(_CODES[d] for d in rule.weekdays))
    if rule.month_day is not None:
        parts.append(f"BYMONTHDAY={rule.month_day}")
    parts += [f"BYHOUR={clock.hour}", f"BYMINUTE={clock.minute}"]
    if until is not None:
        parts.append("UNTIL=" + until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return ";".join(parts)


def _expand(rule: Rule, clock: time, start: datetime, interval: int, until: datetime | None) -> du.rrule:
    """The dateutil rule in naive local wall time."""
    return du.rrule(
        _FREQ[rule.freq],
        dtstart=start,
        interval=interval,
        byweekday=rule.weekdays or None,
        bymonthday=rule.month_day,
        byhour=clock.hour,
        byminute=clock.minute,
        bysecond=0,
        until=until,
    )


def _occurrences(rule: Rule, clock: time, ctx: Context, zone: str, until: datetime | None) -> list[datetime]:
    """Up to three occurrences after now, each placed in the zone; the first anchors the interval."""
    today = ctx.now.astimezone(get_zone(zone)).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    walls = itertools.islice(_expand(rule, clock, today, 1, until), _SCAN)
    first = next((w for w in walls if localise(w, zone) > ctx.now), None)
    if first is None:
        return []
    walls = itertools.islice(_expand(rule, clock, first, rule.interval, until), 3)
    limit = horizon(ctx.now)
    return [at for at in (localise(w, zone) for w in walls) if at <= limit]


def _elapsed(match: re.Match[str], ctx: Context) -> Reading | Refusal:
    """'every 3 hours': elapsed time, first run one interval from now."""
    count = int(match.group(1) or 1)
    if count <= 0:
        return Refusal(reason="time.zero_duration")
    hourly = match.group(2).startswith(("h", "j"))
    step = timedelta(hours=count) if hourly else timedelta(minutes=count)
    zone = get_zone(ctx.zone)
    runs = tuple((ctx.now + step * k).astimezone(zone) for k in (1, 2, 3))
    if runs[0] > horizon(ctx.now):
        return Refusal(reason="time.too_far")
    text = f"FREQ={'HOURLY' if hourly else 'MINUTELY'}" + (f";INTERVAL={count}" if count > 1 else "")
    return Reading(at=runs[0], zone=ctx.zone, rrule=text, next=runs)


def _until(text: str, ctx: Context, zone: str) -> tuple[str, datetime | None] | Refusal:
    """Split off 'until Dec 18' / 'sampai 18 Desember': the end of that day, in local wall time."""
    match = _UNTIL.match(text)
    if match is None:
        return text, None
    today = ctx.now.astimezone(get_zone(zone)).date()
    found = read_day(match.group(2), today, phrase_language(text, ctx.lang))
    if found.refusal is not None:
        return Refusal(reason=found.refusal, values=found.values)
    if len(found.dates) != 1 or leftover_words(found.rest):
        return not_understood(text)
    end: date = found.dates[0]
    return match.group(1), datetime.combine(end, time(23, 59, 59))


def read_rule(text: str, ctx: Context) -> Reading | Refusal:
    """Read a recurring phrase into an RRULE anchored in the speaker's (or the named) zone."""
    elapsed = _ELAPSED.match(text)
    if elapsed is not None:
        return _elapsed(elapsed, ctx)
    named, body = take_zone(text, ctx.now)
    zone = named.zone if named else ctx.zone
    split = _until(body, ctx, zone)
    if isinstance(split, Refusal):
        return split
    body, until = split
    found = _rule(body, ctx)
    if found is None:
        return not_understood(text)
    if isinstance(found, Refusal):
        return found
    rule, rest = found
    if not rule.weekdays and rule.freq == "WEEKLY":
        return not_understood(text)
    return _with_clock(rule, rest, ctx, zone, until)


def _with_clock(rule: Rule, rest: str, ctx: Context, zone: str, until: datetime | None) -> Reading | Refusal:
    """Add the time of day, expand the first occurrences and build the Reading."""
    clock_found = read_clock(rest)
    if clock_found.invalid is not None:
        return Refusal(reason="time.invalid_time", values={"text": clock_found.invalid[:60]})
    if leftover_words(clock_found.rest):
        return not_understood(rest)
    default = Clock(hour=ctx.default_time.hour, minute=ctx.default_time.minute)
    clock = recurring_hour(clock_found.clock or default)
    wall = time(clock.hour, clock.minute)
    runs = _occurrences(rule, wall, ctx, zone, until)
    if not runs:
        return Refusal(reason="time.past")
    until_at = localise(until, zone) if until is not None else None
    notes = ("time.note_short_months",) if rule.month_day is not None and rule.month_day >= 29 else ()
    return Reading(at=runs[0], zone=zone, rrule=_text(rule, wall, until_at), next=tuple(runs), notes=notes)

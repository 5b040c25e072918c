"""One-off times: a day and a clock time (either may be implied), possibly in a zone named in the phrase."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.time.phrases.clock import Clock, ClockResult, read_clock
from bot.time.phrases.days import DayResult, read_day
from bot.time.phrases.resolve import NamedZone, at_wall, horizon, season_note, take_zone
from bot.time.phrases.results import Context, Reading, Refusal, not_understood
from bot.time.phrases.spans import Span, apply_span, beyond_horizon, read_lead, read_span, read_span_at
from bot.time.phrases.vocab import leftover_words, phrase_language
from bot.time.zones import get_zone


def finish(at: datetime, zone: str, ctx: Context, notes: tuple[str, ...] = ()) -> Reading | Refusal:
    """Refuse the past and anything beyond the five-year horizon; otherwise a one-off Reading."""
    if at <= ctx.now:
        return Refusal(reason="time.past")
    if at > horizon(ctx.now):
        return Refusal(reason="time.too_far")
    local = at.astimezone(get_zone(zone))
    return Reading(at=local, zone=zone, next=(local,), notes=notes)


def _utc(at: datetime) -> datetime:
    """Sort key: aware datetimes sharing a zone compare by wall time, so compare in UTC."""
    return at.astimezone(UTC)


def _on_day(day: date, clock: Clock, zone: str) -> list[datetime]:
    """The instants a clock time can mean on a day: one, or two for a bare hour (am and pm)."""
    if clock.next_day:
        day += timedelta(days=1)
    first = at_wall(day, time(clock.hour, clock.minute), zone)
    if not clock.either:
        return [first]
    return [first, at_wall(day, time((clock.hour + 12) % 24, clock.minute), zone)]


def _earliest_future(candidates: list[datetime], now: datetime) -> datetime | None:
    """The earliest candidate after now."""
    future = [c for c in candidates if c > now]
    return min(future, key=_utc) if future else None


def _undated(clock: Clock, today: date, zone: str, now: datetime) -> datetime | None:
    """A time without a day: the earliest future reading today, else tomorrow; midnight is the coming one."""
    if clock.midnight:
        return at_wall(today + timedelta(days=1), time(0), zone)
    candidates = _on_day(today, clock, zone) + _on_day(today + timedelta(days=1), clock, zone)
    return _earliest_future(candidates, now)


def _one_day(day: date, clock: Clock, zone: str, now: datetime) -> datetime:
    """A time on a given day: the earliest future reading, or the last reading when all are past."""
    candidates = _on_day(day, clock, zone)
    return _earliest_future(candidates, now) or max(candidates, key=_utc)


def _choices(days: tuple[date, ...], clock: Clock, zone: str, now: datetime) -> tuple[datetime, ...]:
    """One reading per candidate day, future ones only."""
    found = (_one_day(day, clock, zone, now) for day in days)
    return tuple(sorted((at for at in found if at > now), key=_utc))


def _midnight(day: date, zone: str, ctx: Context) -> Reading | Refusal:
    """'Friday midnight': the start or the end of Friday; ask unless only one is still ahead."""
    options = _choices((day, day + timedelta(days=1)), Clock(hour=0), zone, ctx.now)
    if len(options) == 1:
        return finish(options[0], zone, ctx)
    if not options:
        return Refusal(reason="time.past")
    return Refusal(reason="time.ambiguous_midnight", choices=options)


def _dated(days: DayResult, clock: Clock, zone: str, ctx: Context) -> Reading | Refusal:
    """A phrase with a day: ambiguous days are offered as choices, midnight on a day is asked about."""
    if days.reason == "time.ambiguous_date":
        both = tuple(sorted((_one_day(day, clock, zone, ctx.now) for day in days.dates), key=_utc))
        ahead = tuple(at for at in both if at > ctx.now)  # a past reading is no answer worth offering
        return Refusal(reason=days.reason, choices=ahead) if ahead else Refusal(reason="time.past")
    if len(days.dates) > 1:
        options = _choices(days.dates, clock, zone, ctx.now)
        if len(options) == 1:
            return finish(options[0], zone, ctx)
        if not options:
            return Refusal(reason="time.past")
        return Refusal(reason=days.reason or "time.ambiguous", values=days.values, choices=options)
    if clock.midnight:
        return _midnight(days.dates[0], zone, ctx)
    at = _one_day(days.dates[0], clock, zone, ctx.now)
    return finish(at, zone, ctx) if at else Refusal(reason="time.past")


def _zone_day_clash(days: DayResult, named: NamedZone | None, clock: Clock, ctx: Context) -> Refusal | None:
    """'tomorrow 9am New York time' when tomorrow in New York is not tomorrow here: ask."""
    if named is None or days.relative is None or named.zone == ctx.zone:
        return None
    here = ctx.now.astimezone(get_zone(ctx.zone)).date()
    there = ctx.now.astimezone(get_zone(named.zone)).date()
    if here == there:
        return None
    shift = timedelta(days=days.relative)
    options = _choices(tuple(dict.fromkeys((there + shift, here + shift))), clock, named.zone, ctx.now)
    if not options:
        return Refusal(reason="time.past")
    return Refusal(reason="time.ambiguous_zone_day", choices=options)


def _parts(text: str, zone: str, ctx: Context) -> tuple[ClockResult, DayResult] | Refusal:
    """Split the phrase into its clock time and its day; anything left over means it was not understood."""
    clock = read_clock(text)
    if clock.invalid is not None:
        return Refusal(reason="time.invalid_time", values={"text": clock.invalid[:60]})
    today = ctx.now.astimezone(get_zone(zone)).date()
    days = read_day(clock.rest, today, phrase_language(text, ctx.lang))
    if days.refusal is not None:
        return Refusal(reason=days.refusal, values=days.values)
    left = leftover_words(days.rest)
    if clock.clock is None and days.dates and len(left) == 1 and left[0].isdigit():
        clock, left = read_clock(f"jam {left[0]} {clock.rest}"), []  # 'tomorrow 9': a bare hour after a day
        if clock.invalid is not None:
            return Refusal(reason="time.invalid_time", values={"text": clock.invalid[4:60]})
    if left or (clock.clock is None and not days.dates):
        return not_understood(text)
    if clock.tonight and not days.dates:
        days = DayResult(rest=days.rest, dates=(today,), relative=0)
    return clock, days


def read_point(text: str, ctx: Context) -> Reading | Refusal:
    """A day and/or a clock time, in the speaker's zone or a zone the phrase names."""
    named, rest = take_zone(text, ctx.now)
    zone = named.zone if named else ctx.zone
    parts = _parts(rest, zone, ctx)
    if isinstance(parts, Refusal):
        return parts
    clock_result, days = parts
    clock = clock_result.clock or Clock(hour=ctx.default_time.hour, minute=ctx.default_time.minute)
    clash = _zone_day_clash(days, named, clock, ctx)
    if clash is not None:
        return clash
    if days.dates:
        result = _dated(days, clock, zone, ctx)
    else:
        today = ctx.now.astimezone(get_zone(zone)).date()
        at = _undated(clock, today, zone, ctx.now)
        result = finish(at, zone, ctx) if at else Refusal(reason="time.past")
    if isinstance(result, Reading):
        return Reading(at=result.at, zone=zone, next=result.next, notes=season_note(named, result.at))
    return result


def _days_then_clock(span: Span, clock_text: str, ctx: Context) -> Reading | Refusal:
    """'in 2 days at 9am': the day the span lands on, at the time of day given."""
    if span.count <= 0:
        return Refusal(reason="time.zero_duration" if span.count == 0 else "time.negative_duration")
    if beyond_horizon(span):
        return Refusal(reason="time.too_far")
    day = apply_span(ctx.now, span, 1, ctx.zone, ctx.workdays).date()
    found = read_clock(clock_text)
    if found.invalid is not None:
        return Refusal(reason="time.invalid_time", values={"text": found.invalid[:60]})
    if found.clock is None or leftover_words(found.rest):
        return not_understood(clock_text)
    return read_point(f"{day.isoformat()} {clock_text}", ctx)


def read_one(text: str, ctx: Context) -> Reading | Refusal:
    """A one-off: a duration from now, a lead time before another phrase, or a day and time."""
    span = read_span(text)
    if span is not None:
        if span.count <= 0:
            reason = "time.zero_duration" if span.count == 0 else "time.negative_duration"
            return Refusal(reason=reason)
        if beyond_horizon(span):
            return Refusal(reason="time.too_far")
        return finish(apply_span(ctx.now, span, 1, ctx.zone, ctx.workdays), ctx.zone, ctx)
    later = read_span_at(text)
    if later is not None:
        return _days_then_clock(later[0], later[1], ctx)
    lead = read_lead(text)
    if lead is None:
        return read_point(text, ctx)
    lead_span, sign, anchor_text = lead
    if lead_span.count <= 0:
        return Refusal(reason="time.zero_duration" if lead_span.count == 0 else "time.negative_duration")
    if beyond_horizon(lead_span):
        return Refusal(reason="time.too_far")
    anchor = read_point(anchor_text, ctx)
    if isinstance(anchor, Refusal):
        return anchor
    moved = apply_span(anchor.at, lead_span, sign, anchor.zone, ctx.workdays)
    return finish(moved, anchor.zone, ctx, anchor.notes)

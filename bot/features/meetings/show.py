"""Writing meeting answers for their reader: local times per member, days in the reader's zone."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.content import Emphasis, Paragraph, Text
from bot.core.context import Context, message_paragraph
from bot.features.meetings.overlap import Span, day_window, intersect, merge, to_datetime
from bot.features.meetings.people import Attendee
from bot.time.format import format_date, format_duration, format_time
from bot.time.zones import get_zone, utc_offset_label

SHOWN_NAMES = 12


def speaker_zone(ctx: Context) -> str:
    return ctx.member.tz or "UTC"


def local_today(ctx: Context) -> date:
    return ctx.now.astimezone(get_zone(speaker_zone(ctx))).date()


def names(people: Sequence[Attendee]) -> str:
    shown = ", ".join(p.name for p in people[:SHOWN_NAMES])
    return shown + (f" +{len(people) - SHOWN_NAMES}" if len(people) > SHOWN_NAMES else "")


def clock_range(span: Span, zone: str, locale: str) -> str:
    """`20:00–22:00`, with the weekday of the end when it falls on another local day."""
    tz = get_zone(zone)
    start, end = to_datetime(span[0]).astimezone(tz), to_datetime(span[1]).astimezone(tz)
    text = f"{format_time(start, zone, locale)}–{format_time(end, zone, locale)}"
    if end.date() != start.date() and not (end - start <= timedelta(days=1) and end.hour == end.minute == 0):
        text += f" (+{(end.date() - start.date()).days})"
    return text


def short_day(day: date, locale: str) -> str:
    return format_date(day, locale)


def length(span: Span, locale: str) -> str:
    return format_duration(timedelta(seconds=span[1] - span[0]), locale)


@dataclass(frozen=True, kw_only=True)
class Segment:
    """A stretch of shared hours in which the same people work."""

    span: Span
    working: tuple[int, ...]


def segments(shared: Sequence[Span], per_person: Sequence[Sequence[Span]]) -> list[Segment]:
    """Split shared hours wherever someone starts or stops, then join neighbours with the same people."""
    edges = sorted({t for spans in per_person for s in spans for t in s})
    found: list[Segment] = []
    for lo, hi in shared:
        cuts = [lo, *(t for t in edges if lo < t < hi), hi]
        for a, b in itertools.pairwise(cuts):
            working = tuple(i for i, spans in enumerate(per_person) if intersect(spans, [(a, b)]) == [(a, b)])
            if found and found[-1].span[1] == a and found[-1].working == working:
                found[-1] = Segment(span=(found[-1].span[0], b), working=working)
            else:
                found.append(Segment(span=(a, b), working=working))
    return found


def segment_line(ctx: Context, segment: Segment, people: Sequence[Attendee], everyone: bool) -> Paragraph:
    """`13:00–15:00 UTC (2 hours): Ayu 20:00–22:00 (UTC+07:00) · Liam 08:00–10:00 (UTC−05:00)`."""
    span, locale = segment.span, ctx.locale
    at = to_datetime(span[0])
    locals_ = " · ".join(
        f"{people[i].name} {clock_range(span, people[i].zone or 'UTC', locale)} "
        f"({utc_offset_label(people[i].zone or 'UTC', at)})"
        for i in segment.working
    )
    head = f"{clock_range(span, 'UTC', locale)} UTC"
    inlines: list[Emphasis | Text] = [Emphasis(text=head), Text(text=f" ({length(span, locale)}): {locals_}")]
    if not everyone:
        inlines.append(Text(text=" " + ctx.t("meetings.working_count", n=len(segment.working),
                                             total=len(people))))
    return Paragraph(inlines=tuple(inlines))


def day_spans(zone: str, day: date) -> Span:
    window = day_window(zone, day, day)
    return window[0][0], window[-1][1]


def by_day(ctx: Context, first: date, last: date, shared: Sequence[Span]) -> list[tuple[date, list[Span]]]:
    """Shared hours cut at the reader's midnights, so each day lists its own."""
    zone = speaker_zone(ctx)
    days: list[tuple[date, list[Span]]] = []
    day = first
    while day <= last:
        days.append((day, intersect(merge(shared), [day_spans(zone, day)])))
        day += timedelta(days=1)
    return days


def day_heading(ctx: Context, day: date, total: int) -> Paragraph:
    if total == 0:
        return message_paragraph("meetings.day_none", ctx.locale, day=short_day(day, ctx.locale))
    return message_paragraph("meetings.day_head", ctx.locale, day=short_day(day, ctx.locale),
                             total=format_duration(timedelta(seconds=total), ctx.locale))

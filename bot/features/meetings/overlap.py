"""Shared working hours as half-open UTC intervals, computed exactly from TIME.md's shift rules.

A member works at instant t when t's local wall time lies in a shift `[start, end)` that began on one of
their workdays that is not a day off. Rather than test every minute, each shift is mapped from wall time
to UTC through the zone's offset *pieces* (the stretches between two clock changes): on a piece with
offset o, wall time w is reached at t = w − o. A skipped wall time has no t (never worked); a repeated
one has two (worked twice). Boundaries land on any minute, so Kathmandu's +05:45 needs no grid.

Times are integer seconds since the Unix epoch inside this module; `Span` is `(start, end)`, half-open.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.core.identity import DayOff, WorkingHours
from bot.time.zones import get_zone

Span = tuple[int, int]
DAY = 86_400
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_STEP = 6 * 3600
"""Clock changes are found by sampling the offset every six hours and bisecting where it differs; no zone
in tzdata changes its clocks twice within six hours."""
_MARGIN = 2 * DAY


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """One person's working pattern: what the engine needs and nothing platform-specific."""

    name: str
    zone: str
    hours: WorkingHours
    days_off: tuple[DayOff, ...] = field(default_factory=tuple)


@functools.lru_cache(maxsize=262_144)
def _offset(zone: str, t: int) -> int:
    """UTC offset in seconds of a zone at instant t (cached on the sampling grid)."""
    return _raw_offset(zone, t)


def _raw_offset(zone: str, t: int) -> int:
    delta = datetime.fromtimestamp(t, get_zone(zone)).utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


@functools.lru_cache(maxsize=65_536)
def _transition(zone: str, before: int, after: int) -> int:
    """The first second in (before, after] whose offset differs from the offset at `before`."""
    offset = _raw_offset(zone, before)
    while after - before > 1:
        middle = (before + after) // 2
        if _raw_offset(zone, middle) == offset:
            before = middle
        else:
            after = middle
    return after


def offset_pieces(zone: str, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """`(start, end, offset)` stretches covering `[lo, hi)`, split at every clock change."""
    return list(_pieces(zone, lo, hi))


@functools.lru_cache(maxsize=4096)
def _pieces(zone: str, lo: int, hi: int) -> tuple[tuple[int, int, int], ...]:
    """Cached: the members of one zone over one window share their pieces."""
    pieces: list[tuple[int, int, int]] = []
    grid = lo - lo % _STEP
    start, current = lo, _offset(zone, grid)
    while grid < hi:
        following = _offset(zone, grid + _STEP)
        if following != current:
            change = _transition(zone, grid, grid + _STEP)
            if change >= hi:
                break
            if change > start:
                pieces.append((start, change, current))
                start = change
            current = following
        grid += _STEP
    pieces.append((start, hi, current))
    return tuple(pieces)


def wall_to_utc(pieces: Sequence[tuple[int, int, int]], wall_lo: int, wall_hi: int) -> list[Span]:
    """Instants whose local wall time (seconds since 1970-01-01 00:00 local) is in `[wall_lo, wall_hi)`."""
    spans: list[Span] = []
    for start, end, offset in pieces:
        lo, hi = max(start, wall_lo - offset), min(end, wall_hi - offset)
        if lo < hi:
            if spans and spans[-1][1] == lo:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))
    return spans


def day_number(day: date) -> int:
    return day.toordinal() - _EPOCH_DAY


def day_window(zone: str, first: date, last: date) -> list[Span]:
    """Whole local days `first`..`last` (inclusive) in a zone, as UTC spans (usually exactly one)."""
    wall_lo, wall_hi = day_number(first) * DAY, (day_number(last) + 1) * DAY
    return wall_to_utc(offset_pieces(zone, wall_lo - _MARGIN, wall_hi + _MARGIN), wall_lo, wall_hi)


def _days_off(days_off: Iterable[DayOff], first: int, last: int) -> set[int]:
    found: set[int] = set()
    for off in days_off:
        found.update(range(max(first, day_number(off.start)), min(last, day_number(off.end)) + 1))
    return found


def working_spans(schedule: Schedule, lo: int, hi: int) -> list[Span]:
    """When one person works within `[lo, hi)`: merged, sorted, clipped."""
    pieces = offset_pieces(schedule.zone, lo - _MARGIN, hi + _MARGIN)
    hours = schedule.hours
    first = (lo + _offset(schedule.zone, lo)) // DAY - 1  # yesterday's shift may run into lo
    last = (hi + _offset(schedule.zone, hi)) // DAY
    off = _days_off(schedule.days_off, first, last)
    length = hours.end_minute * 60 - hours.start_minute * 60 + (DAY if hours.crosses_midnight else 0)
    spans: list[Span] = []
    for day in range(first, last + 1):
        if (day + 3) % 7 not in hours.workdays or day in off:  # 1970-01-01 was a Thursday (weekday 3)
            continue
        wall_lo = day * DAY + hours.start_minute * 60
        for span in wall_to_utc(pieces, wall_lo, wall_lo + length):
            spans.append(span)
    return clip(merge(spans), lo, hi)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Union of spans; touching spans join (they are half-open)."""
    merged: list[Span] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def clip(spans: Iterable[Span], lo: int, hi: int) -> list[Span]:
    return [(max(a, lo), min(b, hi)) for a, b in spans if a < hi and b > lo]


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """Both sorted and merged; the instants in both."""
    found: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            found.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return found


def at_least(per_person: Sequence[Sequence[Span]], k: int) -> list[Span]:
    """Where at least k of the people work; touching shifts do not overlap (ends count before starts)."""
    if k <= 0:
        raise ValueError("k must be at least 1")
    edges: list[tuple[int, int]] = []
    for spans in per_person:
        for lo, hi in spans:
            edges.append((lo, 1))
            edges.append((hi, -1))
    edges.sort()
    found: list[Span] = []
    working, opened = 0, 0
    for t, step in edges:
        before = working
        working += step
        if before < k <= working:
            opened = t
        elif working < k <= before and t > opened:
            found.append((opened, t))
    return merge(found)


def counts(per_person: Sequence[Sequence[Span]]) -> list[tuple[int, int, int]]:
    """`(start, end, how many work)` for every stretch where the number of people working is constant."""
    edges = sorted((t, step) for spans in per_person for lo, hi in spans for t, step in ((lo, 1), (hi, -1)))
    found: list[tuple[int, int, int]] = []
    working = 0
    for index, (t, step) in enumerate(edges):
        working += step
        following = edges[index + 1][0] if index + 1 < len(edges) else t
        if following > t and working > 0:
            found.append((t, following, working))
    return found


@dataclass(frozen=True, kw_only=True)
class Overlap:
    """The shared hours of a group within a window, and each person's own hours there."""

    spans: tuple[Span, ...]
    window: tuple[Span, ...]
    per_person: tuple[tuple[Span, ...], ...]
    k: int

    @property
    def total_seconds(self) -> int:
        return sum(hi - lo for lo, hi in self.spans)


def overlap(schedules: Sequence[Schedule], window: Sequence[Span], *, k: int | None = None) -> Overlap:
    """Shared hours of `schedules` inside `window` (UTC spans), where at least k (default all) work."""
    need = len(schedules) if k is None else k
    if not 1 <= need <= max(len(schedules), 1):
        raise ValueError(f"at least {need} of {len(schedules)} people cannot be met")
    window = merge(window)
    if not window or not schedules:
        return Overlap(spans=(), window=tuple(window), per_person=tuple(() for _ in schedules), k=need)
    lo, hi = window[0][0], window[-1][1]
    per_person = [intersect(working_spans(s, lo, hi), window) for s in schedules]
    return Overlap(spans=tuple(at_least(per_person, need)), window=tuple(window),
                   per_person=tuple(tuple(p) for p in per_person), k=need)


def to_datetime(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def to_seconds(instant: datetime) -> int:
    """Whole seconds since the epoch of an aware instant (naive datetimes are refused, TIME.md)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime")
    return int(instant.timestamp())

"""Ranking meeting start times: most people available, then the kindest worst case, then the kindest total.

Candidates lie on a 15-minute UTC grid, which is also a 15-minute grid in every zone in use today
(Kathmandu's +05:45 and Chatham's +12:45 included). A member is *available* for a slot when they work
through all of it. Their *inconvenience* is how far outside their working hours the slot reaches, in
minutes: 0 inside them, 30 for a call ending half an hour after their day ends, and about 8 hours for
one at 01:00 when they work 09:00–17:00. For a recurring meeting the burden each member already carried
is added first, so the worst-off member is spared next time (fair rotation).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.features.meetings.overlap import DAY, Schedule, Span, offset_pieces, working_spans

GRID = 15 * 60
DST_NOTICE = 3 * DAY
MAX_RESULTS = 5
PER_DAY = 2
"""At most this many suggestions start on one UTC day, so the list offers real alternatives."""
_FAR = 7 * DAY
"""Working hours are looked for this far either side of a slot; beyond that the reach is capped (a member
on a two-week vacation is as far from their working hours as a week)."""


@dataclass(frozen=True, kw_only=True)
class ClockChange:
    """A clock change in a member's zone within three days of a slot (TIME.md: say so)."""

    zone: str
    at: int
    shift: int
    """Seconds the clocks move: +3600 forward, −3600 back."""


@dataclass(frozen=True, kw_only=True)
class Slot:
    start: int
    end: int
    available: tuple[str, ...]
    """Names of the members who work through the whole slot."""
    inconvenience: Mapping[str, int]
    """Minutes outside working hours, by member name (0 for those available)."""
    worst: int
    total: int
    changes: tuple[ClockChange, ...] = ()


@dataclass(frozen=True, kw_only=True)
class _Person:
    name: str
    spans: list[Span]
    starts: list[int]


def _person(schedule: Schedule, lo: int, hi: int) -> _Person:
    spans = [(lo - 2 * _FAR, lo - 2 * _FAR + 1), *working_spans(schedule, lo - _FAR, hi + _FAR),
             (hi + 2 * _FAR, hi + 2 * _FAR + 1)]
    return _Person(name=schedule.name, spans=spans, starts=[s for s, _ in spans])


def reach(person: _Person, start: int, end: int) -> int:
    """Seconds from the member's working hours to the farthest instant of `[start, end)` outside them."""
    index = max(bisect.bisect_right(person.starts, start) - 1, 0)
    worst = 0
    spans = person.spans
    while index < len(spans) - 1 and spans[index][0] < end:
        gap_lo, gap_hi = spans[index][1], spans[index + 1][0]
        lo, hi = max(start, gap_lo), min(end, gap_hi)
        if lo < hi:
            middle = min(max((gap_lo + gap_hi) // 2, lo), hi)
            worst = max(worst, min(middle - gap_lo, gap_hi - middle))
        index += 1
    return worst


def clock_changes(zones: Sequence[str], at: int) -> tuple[ClockChange, ...]:
    """Clock changes in any of the zones from three days before `at` to three days after."""
    found: list[ClockChange] = []
    for zone in dict.fromkeys(zones):
        pieces = offset_pieces(zone, at - DST_NOTICE, at + DST_NOTICE)
        for before, after in itertools.pairwise(pieces):
            found.append(ClockChange(zone=zone, at=after[0], shift=after[2] - before[2]))
    return tuple(sorted(found, key=lambda c: (c.at, c.zone)))


def rank(
    schedules: Sequence[Schedule],
    window: Span,
    minutes: int,
    *,
    at_least: int = 1,
    burden: Mapping[str, int] | None = None,
    limit: int = MAX_RESULTS,
) -> list[Slot]:
    """The best `limit` non-overlapping slots of `minutes` starting within `window`, best first.

    With a `burden` (a recurring meeting) fairness comes first: the slot whose worst carried-plus-new
    inconvenience is smallest wins even over one with more people in working hours, so the same person
    does not take the early or late call every week.
    """
    lo, hi = window
    people = [_person(s, lo, hi + minutes * 60) for s in schedules]
    carried = burden or {}
    scored: list[tuple[tuple[int, int, int, int], int, dict[str, int]]] = []
    for start in range(-(-lo // GRID) * GRID, hi, GRID):
        end = start + minutes * 60
        cost = {p.name: reach(p, start, end) // 60 for p in people}
        available = sum(1 for c in cost.values() if c == 0)
        if available < at_least:
            continue
        worst = max((carried.get(name, 0) + c for name, c in cost.items()), default=0)
        key = (worst, -available) if burden is not None else (-available, worst)
        scored.append(((*key, sum(cost.values()), start), start, cost))
    scored.sort(key=lambda item: item[0])
    return _pick(scored, minutes, limit, [s.zone for s in schedules])


def _pick(scored: Sequence[tuple[tuple[int, int, int, int], int, dict[str, int]]], minutes: int, limit: int,
          zones: Sequence[str]) -> list[Slot]:
    chosen: list[Slot] = []
    per_day: dict[int, int] = {}
    for _, start, cost in scored:
        end = start + minutes * 60
        if any(start < c.end and c.start < end for c in chosen) or per_day.get(start // DAY, 0) >= PER_DAY:
            continue
        per_day[start // DAY] = per_day.get(start // DAY, 0) + 1
        chosen.append(Slot(start=start, end=end, available=tuple(n for n, c in cost.items() if c == 0),
                           inconvenience=cost, worst=max(cost.values(), default=0), total=sum(cost.values()),
                           changes=clock_changes(zones, start)))
        if len(chosen) == limit:
            break
    return chosen


def cost_at(schedules: Sequence[Schedule], start: int, minutes: int) -> dict[str, int]:
    """Each member's inconvenience, in minutes, for a meeting at `start` (what a pick adds to the tally)."""
    end = start + minutes * 60
    return {s.name: reach(_person(s, start, end), start, end) // 60 for s in schedules}

"""Meeting overlap: the exact engine against the minute-by-minute oracle, on a 200-person, 40-zone team.

Run: `.venv/bin/python -m bench.overlap [--days 30] [--start 2026-03-01] [--k 60] [--repeats 7] [--quick]`.
`--quick` is a smoke test in a few seconds: 2 days from Sunday 2026-03-08 (still across the US clock change).
Prints one JSON object on stdout (progress goes to stderr). The team is built from a fixed seed, so every
run and every machine sees the same 200 schedules; the window is whole UTC days (30 from 2026-03-01 by
default, which holds the US change on 8 March and the EU change on 29 March).

Figures, for k = all 200 and for k = `--k` (a K-of-N whose answer is not empty):

- `engine_first_call_ms`: the very first `overlap()` call in the process (k = all): the engine's caches
  are empty and the 40 zone files are not loaded yet. One sample, so it carries the machine's jitter.
- `engine_ms.cold`: the median of `--repeats` calls, each right after clearing `_offset`, `_pieces` and
  `_transition` (the zone objects stay loaded, as in a running bot): the cost of a window
  the engine has not seen. `cold_max` is the slowest of them.
- `engine_ms.warm`: the median of `--repeats` calls with the caches filled.
- `brute_ms`: one run of `reference.brute_force` on the same team, window and k (200 people × 43,200
  minutes × `work_state`), in the same process. Its spans must equal the engine's exactly, or the bench
  exits with an error.
- `speedup`: `brute_ms ÷ engine_ms.cold`, the ratio to compare across machines.
- `intervals`, `total_minutes`: what the engine found. `peak_working`: most people working at once.

Targets (the issue, for the full 30 days): speedup ≥ 100 and `engine_ms.cold` ≤ 50 for each k
(`targets.met`); `targets.first_call_met` says whether the single first call stayed within 50 ms too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.core.identity import DayOff, WorkingHours
from bot.features.meetings import overlap as engine
from bot.features.meetings.overlap import Schedule, Span, counts, day_window, overlap
from bot.features.meetings.reference import brute_force

SEED = 20260301
MEMBERS = 200
START = date(2026, 3, 1)
DAYS = 30
QUICK_START = date(2026, 3, 8)
QUICK_DAYS = 2
K = 60
TARGET_SPEEDUP = 100.0
TARGET_MS = 50.0

MON_FRI = frozenset(range(5))
SUN_THU = frozenset({6, 0, 1, 2, 3})
SAT_WED = frozenset({5, 6, 0, 1, 2})
SUN_FRI = frozenset({6, 0, 1, 2, 3, 4})

ZONES: dict[str, frozenset[int]] = {
    # The awkward ones: odd offsets, the date line, half-hour DST, Sun–Thu and Sat–Wed weeks.
    "Asia/Kathmandu": SUN_FRI,  # +05:45
    "Asia/Kolkata": MON_FRI,  # +05:30
    "Pacific/Chatham": MON_FRI,  # +13:45, +12:45 from April
    "Australia/Lord_Howe": MON_FRI,  # +11, half-hour DST (+10:30 from April)
    "Asia/Tehran": SAT_WED,  # +03:30
    "America/St_Johns": MON_FRI,  # -03:30 / -02:30, changes with the US on 8 March
    "Pacific/Kiritimati": MON_FRI,  # +14
    "Pacific/Honolulu": MON_FRI,  # -10
    "Asia/Riyadh": SUN_THU,
    "Asia/Dubai": MON_FRI,
    "Europe/London": MON_FRI,
    "Europe/Berlin": MON_FRI,
    "America/New_York": MON_FRI,
    "America/Los_Angeles": MON_FRI,
    "Asia/Jakarta": MON_FRI,
    "Australia/Sydney": MON_FRI,
    "Australia/Adelaide": MON_FRI,  # +10:30
    "Australia/Eucla": MON_FRI,  # +08:45
    "Asia/Yangon": MON_FRI,  # +06:30
    "Asia/Kabul": SAT_WED,  # +04:30
    "Pacific/Marquesas": MON_FRI,  # -09:30
    "Asia/Colombo": MON_FRI,  # +05:30
    "Europe/Dublin": MON_FRI,  # negative DST in tzdata
    "Atlantic/Azores": MON_FRI,  # -01 / +00, changes with the EU
    "America/Halifax": MON_FRI,
    "America/Chicago": MON_FRI,
    "America/Denver": MON_FRI,
    "America/Phoenix": MON_FRI,  # no DST
    "America/Sao_Paulo": MON_FRI,
    "America/Santiago": MON_FRI,
    "Africa/Cairo": SUN_THU,
    "Africa/Lagos": MON_FRI,
    "Africa/Nairobi": MON_FRI,
    "Europe/Istanbul": MON_FRI,
    "Asia/Karachi": MON_FRI,
    "Asia/Dhaka": SUN_THU,
    "Asia/Shanghai": MON_FRI,
    "Asia/Tokyo": MON_FRI,
    "Pacific/Auckland": MON_FRI,
    "Pacific/Tongatapu": MON_FRI,  # +13
}

_SHIFTS: tuple[tuple[str, int, int, int], ...] = (
    # (kind, weight, earliest start minute, latest start minute); office shifts last 7.5–9 h.
    ("office", 60, 7 * 60, 10 * 60),
    ("early", 8, 5 * 60, 7 * 60),
    ("late", 8, 12 * 60, 15 * 60),
    ("to midnight", 8, 16 * 60, 16 * 60),  # 16:00–24:00
    ("overnight", 10, 20 * 60, 23 * 60),  # crosses midnight, belongs to the day it starts
    ("from midnight", 3, 0, 0),  # 00:00–08:00
    ("in the gap", 3, 2 * 60, 2 * 60 + 30),  # starts in the skipped hour where clocks go forward
)


def _hours(rng: random.Random, week: frozenset[int]) -> WorkingHours:
    kind = rng.choices([s[0] for s in _SHIFTS], weights=[s[1] for s in _SHIFTS])[0]
    _, _, lo, hi = next(s for s in _SHIFTS if s[0] == kind)
    start = rng.randrange(lo, hi + 1, 15)
    if kind == "to midnight":
        end = 24 * 60
    elif kind == "overnight":
        end = (start + rng.choice((8, 9, 10)) * 60) % (24 * 60)
    else:
        end = min(start + rng.choice((450, 480, 510, 540)), 24 * 60)
    roll = rng.random()
    if roll < 0.08:
        workdays = frozenset(rng.sample(sorted(week), 3))  # part-time
    elif roll < 0.16:
        workdays = week | {rng.choice(sorted(set(range(7)) - week))}  # six days
    elif roll < 0.20:
        workdays = frozenset(range(7))
    else:
        workdays = week
    return WorkingHours(start_minute=start, end_minute=end, workdays=workdays)


def _days_off(rng: random.Random, first: date, days: int) -> tuple[DayOff, ...]:
    if rng.random() >= 0.15:
        return ()
    out: list[DayOff] = []
    for _ in range(rng.choice((1, 1, 2))):
        begin = first + timedelta(days=rng.randrange(-2, days))
        out.append(DayOff(start=begin, end=begin + timedelta(days=rng.randrange(0, 5))))
    return tuple(out)


def team(first: date = START, days: int = DAYS) -> list[Schedule]:
    """200 members, 5 in each of the 40 zones, from a fixed seed (days off fall inside the window)."""
    rng = random.Random(SEED)
    zones = [list(ZONES)[n % len(ZONES)] for n in range(MEMBERS)]
    return [Schedule(name=f"m{n:03d}", zone=zone, hours=_hours(rng, ZONES[zone]),
                     days_off=_days_off(rng, first, days))
            for n, zone in enumerate(zones)]


@dataclass(frozen=True, kw_only=True)
class Run:
    k: int
    cold_ms: float
    cold_max_ms: float
    warm_ms: float
    spans: tuple[Span, ...]

    @property
    def total_minutes(self) -> int:
        return sum(hi - lo for lo, hi in self.spans) // 60  # minute-aligned: checked against the oracle


def _timed_overlap(schedules: Sequence[Schedule], window: Sequence[Span],
                   k: int) -> tuple[float, tuple[Span, ...]]:
    started = time.perf_counter()
    found = overlap(schedules, window, k=k)
    return (time.perf_counter() - started) * 1e3, found.spans


def _clear_caches() -> None:
    engine._offset.cache_clear()
    engine._transition.cache_clear()
    engine._pieces.cache_clear()


def bench_engine(schedules: Sequence[Schedule], window: Sequence[Span], k: int, repeats: int) -> Run:
    cold: list[tuple[float, tuple[Span, ...]]] = []
    for _ in range(repeats):
        _clear_caches()
        cold.append(_timed_overlap(schedules, window, k))
    warm = [_timed_overlap(schedules, window, k) for _ in range(repeats)]
    spans = cold[0][1]
    if any(s != spans for _, s in cold + warm):
        raise SystemExit(f"k={k}: the engine answered differently from one call to the next")
    return Run(k=k, cold_ms=statistics.median(t for t, _ in cold), cold_max_ms=max(t for t, _ in cold),
               warm_ms=statistics.median(t for t, _ in warm), spans=spans)


def bench_brute(schedules: Sequence[Schedule], window: Sequence[Span], k: int) -> tuple[float, list[Span]]:
    started = time.perf_counter()
    found = brute_force(schedules, window, k)
    return (time.perf_counter() - started) * 1e3, found


def _first_difference(a: Sequence[Span], b: Sequence[Span]) -> str:
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"span {index}: engine {x}, brute force {y}"
    return f"engine has {len(a)} spans, brute force {len(b)}"


def _cpu() -> str:
    with contextlib.suppress(OSError):  # no /proc here: the fallback below answers
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--start", type=date.fromisoformat, default=None, help="first UTC day (2026-03-01)")
    parser.add_argument("--days", type=int, default=None, help="UTC days in the window (30)")
    parser.add_argument("--k", type=int, default=K, help=f"the K of the K-of-N run ({K})")
    parser.add_argument("--repeats", type=int, default=7, help="cold and warm calls per k (medians reported)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DAYS} days from {QUICK_START}")
    args = parser.parse_args(argv)
    first = args.start or (QUICK_START if args.quick else START)
    days = args.days or (QUICK_DAYS if args.quick else DAYS)
    schedules = team(first, days)
    window = day_window("UTC", first, first + timedelta(days=days - 1))
    ks = (len(schedules), args.k)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    _clear_caches()
    first_ms, _ = _timed_overlap(schedules, window, ks[0])  # the first call in the process: nothing loaded
    runs = [bench_engine(schedules, window, k, args.repeats) for k in ks]
    peak = max((n for _, _, n in counts(overlap(schedules, window, k=1).per_person)), default=0)
    figures: list[dict[str, object]] = []
    for run in runs:
        log(f"k={run.k}: engine {run.cold_ms:.1f} ms cold, {run.warm_ms:.1f} ms warm; brute force...")
        brute_ms, expected = bench_brute(schedules, window, run.k)
        if list(run.spans) != expected:
            raise SystemExit(f"k={run.k}: the engine and the brute force disagree: "
                             f"{_first_difference(run.spans, expected)}")
        log(f"k={run.k}: brute force {brute_ms / 1e3:.1f} s, identical spans")
        speedup = brute_ms / run.cold_ms
        figures.append({
            "k": run.k,
            "engine_ms": {"cold": round(run.cold_ms, 2), "cold_max": round(run.cold_max_ms, 2),
                          "warm": round(run.warm_ms, 2)},
            "brute_ms": round(brute_ms, 1),
            "speedup": round(speedup, 1),
            "warm_speedup": round(brute_ms / run.warm_ms, 1),
            "intervals": len(run.spans),
            "total_minutes": run.total_minutes,
            "identical": True,
            "met": speedup >= TARGET_SPEEDUP and run.cold_ms <= TARGET_MS,
        })
    if not runs[-1].spans:
        raise SystemExit(f"k={args.k}: no interval where {args.k} people work; pick a k of at most {peak}")
    result: dict[str, object] = {
        "bench": "overlap",
        "members": len(schedules),
        "zones": len({s.zone for s in schedules}),
        "days": days,
        "window": [first.isoformat(), (first + timedelta(days=days)).isoformat()],
        "seed": SEED,
        "k": list(ks),
        "peak_working": peak,
        "engine_first_call_ms": round(first_ms, 2),
        "runs": figures,
        "targets": {
            "speedup_at_least": TARGET_SPEEDUP,
            "engine_ms_at_most": TARGET_MS,
            "full_window": days == DAYS,
            "met": all(f["met"] for f in figures),
            "first_call_met": first_ms <= TARGET_MS,
        },
        "machine": {"cpu": _cpu(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

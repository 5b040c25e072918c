"""Time-phrase reading speed: Rekan's reader against plain dateparser on the same corpus, same process.

Run: `.venv/bin/pip install -e '.[bench]'` once, then `.venv/bin/python -m bench.parse`. Prints the
median and p99 microseconds per phrase for each, and the ratio (how many times faster Rekan is).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.time.reading import read_time

NOW = datetime.fromisoformat("2026-11-28T10:00:00+07:00")
ZONE = "Asia/Jakarta"
CORPUS: tuple[tuple[str, str], ...] = (
    ("tomorrow at 9am", "en"), ("in 3 hours", "en"), ("next Monday 10:00", "en"), ("Friday 17:00", "en"),
    ("December 5 at 2pm", "en"), ("2026-12-24 08:30", "en"), ("in 30 minutes", "en"), ("at 3pm", "en"),
    ("this Friday at noon", "en"), ("tomorrow evening", "en"), ("in 2 days", "en"), ("at 7", "en"),
    ("25 Dec 9am", "en"), ("Monday", "en"), ("end of day", "en"), ("in 90 minutes", "en"),
    ("every weekday at 9am", "en"), ("every Monday at 10", "en"), ("9am New York time", "en"),
    ("besok jam 9 pagi", "id"), ("2 jam lagi", "id"), ("lusa jam 14.00", "id"), ("Senin jam 10", "id"),
    ("30 menit lagi", "id"), ("tanggal 5 Desember jam 9", "id"), ("Jumat ini jam 4 sore", "id"),
    ("besok malam jam 8", "id"), ("setiap hari kerja jam 9 pagi", "id"), ("jam 10 WITA", "id"),
    ("setengah jam lagi", "id"), ("minggu depan", "id"), ("tiap tanggal 25", "id"),
)
ROUNDS = 200


def _timings(read: Callable[[str, str], object], corpus: Sequence[tuple[str, str]]) -> list[float]:
    out: list[float] = []
    for _ in range(ROUNDS):
        for text, lang in corpus:
            start = time.perf_counter_ns()
            read(text, lang)
            out.append((time.perf_counter_ns() - start) / 1000)
    return out


def _p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def _rekan(text: str, lang: str) -> object:
    return read_time(text, zone=ZONE, now=NOW, lang=lang)


def main() -> None:
    ours = _timings(_rekan, CORPUS)
    print(f"corpus: {len(CORPUS)} phrases x {ROUNDS} rounds")
    print(f"rekan      median {statistics.median(ours):8.1f} µs   p99 {_p99(ours):8.1f} µs")
    try:
        import dateparser
    except ImportError:
        print("dateparser is not installed: pip install -e '.[bench]' for the comparison")
        return
    settings = {"RELATIVE_BASE": NOW.replace(tzinfo=None), "TIMEZONE": ZONE,
                "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future"}

    def plain(text: str, lang: str) -> object:
        return dateparser.parse(text, languages=[lang], settings=settings)

    plain("warm up", "en")
    theirs = _timings(plain, CORPUS)
    print(f"dateparser median {statistics.median(theirs):8.1f} µs   p99 {_p99(theirs):8.1f} µs")
    print(f"ratio: rekan is {statistics.median(theirs) / statistics.median(ours):.1f}x faster at the median")


if __name__ == "__main__":
    main()

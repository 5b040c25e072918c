"""Event-loop health for the benches: the longest stall of the asyncio loop, and where it was spent.

`LoopWatch` runs a task that sleeps in short ticks and records how late each wake-up is: a wake-up
that comes 80 ms late means some callback held the loop for about 80 ms (one long synchronous step, or
many ready callbacks in a row), and every command, ack and send waiting on the loop waited that long.
A watcher thread looks at the loop thread's stack whenever the loop has not ticked for `sample_over`
seconds, so a report can say which code held it (the innermost frames of this project, counted per
sample). The watcher thread only wakes every few milliseconds and takes the GIL for microseconds.

    async with LoopWatch() as watch:
        ... the work ...
    watch.summary()            # {"max_stall_ms": …, "stalls_over_ms": {…}, "culprits": […], …}
    watch.max_between(t0, t1)  # the longest stall that began in a window (time.monotonic() seconds)

`peak_rss_mb()` is the process's peak resident set (VmHWM, else ru_maxrss), for the same reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import resource
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FrameType, TracebackType
from typing import Any

ROOT = str(Path(__file__).resolve().parent.parent)
THRESHOLDS_MS = (10, 50, 100, 250, 1000)


@dataclass(frozen=True)
class Stall:
    """A late wake-up: when the tick was due (monotonic seconds) and how late it came."""

    at: float
    seconds: float


def _ours(code: CodeType) -> str | None:
    """`path:function` for code of this project (not the venv, not this module), else None."""
    name = code.co_filename
    if not name.startswith(ROOT) or "/.venv/" in name or name.endswith("loopwatch.py"):
        return None
    return f"{os.path.relpath(name, ROOT)}:{code.co_name}"


def _await_chain(task: asyncio.Task[Any] | None) -> list[str]:
    """The project frames of a task's await chain, innermost first (SQLAlchemy's greenlets cut the
    synchronous stack short of the coroutine that awaited, so this names who was waiting)."""
    found: list[str] = []
    awaited: Any = task.get_coro() if task is not None else None
    for _ in range(64):
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
        if frame is None:
            break
        where = _ours(frame.f_code)
        if where is not None:
            found.append(where)
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
    return found[::-1]


def _stack(frame: FrameType | None, suspended: FrameType | None, task: asyncio.Task[Any] | None,
           depth: int) -> str:
    """The innermost frame whatever it is, then the innermost frames of this project that led to it.

    SQLAlchemy's asyncio layer runs its synchronous work (compiling, building rows) in a greenlet whose
    stack ends at the greenlet; `suspended` is where the loop's own greenlet waits for it, which leads
    back to the code that awaited the database.
    """
    leaf = f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}" if frame is not None else "?"
    ours: list[str] = []
    for start in (frame, suspended):
        while start is not None and len(ours) < depth:
            where = _ours(start.f_code)
            if where is not None and where not in ours:
                ours.append(where)
            start = start.f_back
    for where in _await_chain(task):
        if len(ours) >= depth:
            break
        if where not in ours:
            ours.append(where)
    return " < ".join([leaf, *ours])


class LoopWatch:
    """Measures the running loop's stalls while it is entered (or between `start` and `stop`)."""

    def __init__(self, *, tick: float = 0.005, keep_over: float = 0.005, sample_over: float | None = 0.05,
                 sample_every: float = 0.01, depth: int = 4) -> None:
        self.tick, self.keep_over = tick, keep_over
        self.sample_over, self.sample_every, self.depth = sample_over, sample_every, depth
        self.stalls: list[Stall] = []
        self.ticks = 0
        self.max_stall = 0.0
        self.started_at = 0.0
        self.stopped_at = 0.0
        self.samples: Counter[str] = Counter()
        self._episodes: dict[float, Counter[str]] = {}
        self._beat = 0.0
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._loop_thread = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._greenlet: Any = None

    async def __aenter__(self) -> LoopWatch:
        self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    def start(self) -> None:
        self.started_at = self._beat = time.monotonic()
        self._loop_thread = threading.get_ident()
        self._loop = asyncio.get_running_loop()
        try:  # SQLAlchemy's asyncio support brings greenlet
            self._greenlet = importlib.import_module("greenlet").getcurrent()
        except ImportError:
            self._greenlet = None
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loopwatch")
        if self.sample_over is not None:
            self._thread = threading.Thread(target=self._watch, name="loopwatch", daemon=True)
            self._thread.start()

    async def stop(self) -> None:
        self.stopped_at = time.monotonic()
        self._done.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    async def _run(self) -> None:
        due = time.monotonic() + self.tick
        while True:
            await asyncio.sleep(max(due - time.monotonic(), 0.0))
            now = time.monotonic()
            self._beat = now
            late = now - due
            self.ticks += 1
            if late > self.max_stall:
                self.max_stall = late
            if late >= self.keep_over:
                self.stalls.append(Stall(at=due, seconds=late))
            due = now + self.tick

    def _watch(self) -> None:
        assert self.sample_over is not None
        while not self._done.wait(self.sample_every):
            if time.monotonic() - self._beat < self.sample_over + self.tick:
                continue
            frame = sys._current_frames().get(self._loop_thread)
            task = _current_tasks().get(self._loop) if self._loop is not None else None
            suspended = getattr(self._greenlet, "gr_frame", None)
            stack = _stack(frame, suspended, task, self.depth)
            self.samples[stack] += 1
            self._episodes.setdefault(self._beat, Counter())[stack] += 1

    # --- reading the results ------------------------------------------------------------------

    def max_between(self, start: float, end: float) -> float:
        """The longest stall whose tick fell due in [start, end] (monotonic seconds); 0 if none was kept."""
        return max((s.seconds for s in self.stalls if start <= s.at <= end), default=0.0)

    def longest(self, count: int = 5) -> list[dict[str, Any]]:
        """The longest stalls: when (seconds after start), how long, and the stack most samples saw then."""
        out: list[dict[str, Any]] = []
        for stall in sorted(self.stalls, key=lambda s: s.seconds, reverse=True)[:count]:
            beat = stall.at - self.tick
            episode = min(self._episodes, key=lambda b: abs(b - beat), default=None)
            seen = self._episodes[episode] if episode is not None and abs(episode - beat) < 0.002 else None
            out.append({"at_s": round(stall.at - self.started_at, 2), "ms": round(stall.seconds * 1e3, 1),
                        "stack": seen.most_common(1)[0][0] if seen else None})
        return out

    def count_over(self, seconds: float) -> int:
        return sum(1 for s in self.stalls if s.seconds > seconds)

    def summary(self, *, culprits: int = 12) -> dict[str, Any]:
        """JSON-ready: the longest stall, how many passed each threshold, and the code seen holding the loop.

        `culprits` lists stack summaries (innermost project frame first) with how many samples, each
        `sample_every` apart, found the loop stuck there; samples × sample_every ≈ time held.
        """
        elapsed = (self.stopped_at or time.monotonic()) - self.started_at
        return {
            "seconds_watched": round(elapsed, 2),
            "tick_ms": round(self.tick * 1e3, 1),
            "max_stall_ms": round(self.max_stall * 1e3, 1),
            "stalls_over_ms": {str(t): self.count_over(t / 1e3) for t in THRESHOLDS_MS},
            "longest": self.longest(),
            "culprits": [{"stack": stack, "samples": n, "approx_ms": round(n * self.sample_every * 1e3)}
                         for stack, n in self.samples.most_common(culprits)],
        }


def _current_tasks() -> dict[asyncio.AbstractEventLoop, asyncio.Task[Any]]:
    """asyncio's own map of each loop's running task (read from the watcher thread: a sample may miss)."""
    tasks: dict[asyncio.AbstractEventLoop, asyncio.Task[Any]] = getattr(asyncio.tasks, "_current_tasks", {})
    return tasks


def peak_rss_mb() -> float:
    """The process's peak resident set size in MiB (VmHWM from /proc, else getrusage's ru_maxrss)."""
    with contextlib.suppress(OSError):  # no /proc here: the fallback below answers
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 / (1024 if sys.platform == "darwin" else 1)


def rss_mb() -> float:
    """The current resident set size in MiB (VmRSS), 0 where /proc is not available."""
    with contextlib.suppress(OSError):  # no /proc here: the fallback below answers
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

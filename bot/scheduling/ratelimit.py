"""The outbound send queue: stays inside platform rate limits and rides out 429s and 5xx by itself.

Token buckets per destination and per workspace pace the sends; a 429's Retry-After pauses that
destination (or the workspace, or everything, as the error's scope says) for every caller, not just
the one that was refused. Permanent failures pass straight through: retrying them only adds noise.
`WindowPacer` spaces calls under a limit that spans every destination (a platform's global one).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.core.actions import Action, SendResult
from bot.core.identity import ConversationRef
from bot.scheduling.sender import ActionSender, TransientSendError

MAX_BUCKETS = 4096
K = TypeVar("K")


@dataclass(kw_only=True)
class _Bucket:
    """A token bucket that hands out reservations: tokens may go negative, which is the wait."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def reserve(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self, now: float) -> bool:
        return self.tokens + (now - self.stamp) * self.rate >= self.capacity


class SendQueue:
    """An ActionSender in front of another, pacing sends and retrying transient failures."""

    def __init__(self, sender: ActionSender, *, per_destination_rate: float = 1.0,
                 workspace_rate: float | None = None, burst: int = 1,
                 clock_fn: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep, max_retries: int = 5,
                 backoff_base: float = 1.0, backoff_cap: float = 60.0,
                 jitter: Callable[[], float] = random.random,
                 on_transient: Callable[[str, bool], None] | None = None) -> None:
        if per_destination_rate <= 0 or (workspace_rate is not None and workspace_rate <= 0) or burst < 1:
            raise ValueError("rates must be positive and burst at least 1")
        self._sender = sender
        self._dest_rate, self._ws_rate, self._burst = per_destination_rate, workspace_rate, burst
        self._now, self._sleep = clock_fn, sleep
        self._max_retries = max_retries
        self._base, self._cap, self._jitter = backoff_base, backoff_cap, jitter
        self._dest_buckets: dict[ConversationRef, _Bucket] = {}
        self._ws_buckets: dict[tuple[str, str], _Bucket] = {}
        self._blocked: dict[object, float] = {}
        self._on_transient = on_transient
        """Told (platform, rate limited) at each transient failure: the retries and 429s metrics."""

    async def perform(self, action: Action) -> SendResult:
        """Send once a token is free; on a transient failure wait as told (or back off) and try again."""
        dest = action.to
        attempt = 0
        while True:
            await self._acquire(dest)
            try:
                return await self._sender.perform(action)
            except TransientSendError as exc:
                if attempt >= self._max_retries:
                    raise
                await self._after_transient(dest, exc, attempt)
                attempt += 1

    def backoff(self, attempt: int) -> float:
        """Exponential with jitter between half and all of the step, so retries do not stampede."""
        step = min(self._cap, self._base * 2.0**attempt)
        return step * (0.5 + 0.5 * self._jitter())

    async def _after_transient(self, dest: ConversationRef, exc: TransientSendError, attempt: int) -> None:
        if self._on_transient is not None:
            self._on_transient(dest.platform, exc.retry_after is not None)
        if exc.retry_after is None:
            await self._sleep(self.backoff(attempt))
            return
        now = self._now()
        until = now + max(exc.retry_after, 0.0)
        if len(self._blocked) >= MAX_BUCKETS:
            self._blocked = {k: t for k, t in self._blocked.items() if t > now}
        key = self._scope_key(dest, exc)
        self._blocked[key] = max(self._blocked.get(key, 0.0), until)

    @staticmethod
    def _scope_key(dest: ConversationRef, exc: TransientSendError) -> object:
        if exc.scope == "global":
            return "global"
        if exc.scope == "workspace":
            return (dest.platform, dest.workspace_id)
        return dest

    def _blocked_for(self, dest: ConversationRef) -> float:
        keys = ("global", (dest.platform, dest.workspace_id), dest)
        return max(self._blocked.get(k, 0.0) for k in keys) - self._now()

    async def _acquire(self, dest: ConversationRef) -> None:
        """Wait out any pause, then for a token; a pause that began meanwhile voids the token."""
        while True:
            while (blocked := self._blocked_for(dest)) > 0:
                await self._sleep(blocked)
            now = self._now()
            wait = self._bucket(self._dest_buckets, dest, self._dest_rate, now).reserve(now)
            if self._ws_rate is not None:
                ws = (dest.platform, dest.workspace_id)
                wait = max(wait, self._bucket(self._ws_buckets, ws, self._ws_rate, now).reserve(now))
            if wait > 0:
                await self._sleep(wait)
            if self._blocked_for(dest) <= 0:
                return

    def _bucket(self, buckets: dict[K, _Bucket], key: K, rate: float, now: float) -> _Bucket:
        bucket = buckets.get(key)
        if bucket is None:
            if len(buckets) >= MAX_BUCKETS:
                for stale in [k for k, b in buckets.items() if b.idle(now)]:
                    del buckets[stale]
            bucket = buckets[key] = _Bucket(rate=rate, capacity=float(self._burst),
                                            tokens=float(self._burst), stamp=now)
        return bucket


class WindowPacer:
    """At most `limit` calls in any `window` seconds, and never two closer than `min_gap`, first come first
    served: for a limit that spans every destination (Discord's global 50 requests a second).

    Counted over a rolling window of the calls' real start times, so a caller that woke late does not
    delay everyone after it. The gap (by default three quarters of an even spacing) keeps a second's calls
    from leaving in one burst: the platform counts arrivals, and a burst that meets the end of its window
    a few milliseconds early would be refused there.
    """

    def __init__(self, limit: int, window: float = 1.0, *, min_gap: float | None = None,
                 clock_fn: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be at least 1 and window positive")
        self._window = window
        self._gap = 0.75 * window / limit if min_gap is None else min_gap
        self._now, self._sleep = clock_fn, sleep
        self._started: deque[float] = deque(maxlen=limit)
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return once a call may start; the caller must then start it."""
        async with self._lock:  # FIFO: nobody overtakes a caller that is already waiting
            delay = self._ready_at() - self._now()
            if delay > 0:
                await self._sleep(delay)
            self._started.append(self._now())

    def _ready_at(self) -> float:
        """When the next call may start: its window has room and the last call is `min_gap` behind."""
        if not self._started:
            return self._now()
        ready = self._started[-1] + self._gap
        if len(self._started) == self._started.maxlen:
            ready = max(ready, self._started[0] + self._window)
        return ready

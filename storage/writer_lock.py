"""One SQLite writer at a time per process, queued on the event loop instead of on SQLite's busy timeout.

SQLite has one write lock per file. Writers of one process that meet it wait in SQLite's busy handler
(sleeping and retrying), so 16 writers at once spent seconds retrying. Here they take turns first: a
writer that finds the turn free takes it at once (a SQLite write in-line never yields while it holds
it), one that finds it taken waits on a future that the holder's release resolves.

The turn is re-entrant along a task and the tasks it starts (a context variable): a write nested in a
write goes on to SQLite's own lock, as it did before there was a turn to take.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import deque
from collections.abc import AsyncIterator
from contextvars import ContextVar

log = logging.getLogger("rekan.storage")

_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, WriterTurn]] = (
    weakref.WeakKeyDictionary())
_holding: ContextVar[frozenset[str]] = ContextVar("rekan_writer_turns", default=frozenset())


class WriterTurn:
    """A lock that a newcomer may take whenever it is free, even with others waiting.

    A strict queue (asyncio.Lock) hands the lock to the next waiter, who needs a turn of the event loop
    to take it; meanwhile every newcomer queues too, and the writers convoy one loop turn apart. Barging
    keeps the common case (free) free of waits; a woken waiter that lost the race waits again first.
    """

    def __init__(self) -> None:
        self._held = False
        self._waiters: deque[asyncio.Future[bool]] = deque()

    @property
    def held(self) -> bool:
        return self._held

    async def acquire(self, patience: float) -> bool:
        """True once held; False after `patience` seconds without."""
        if not self._held:
            self._held = True
            return True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        first = False
        while True:
            waiter: asyncio.Future[bool] = loop.create_future()
            if first:
                self._waiters.appendleft(waiter)
            else:
                self._waiters.append(waiter)
            timer = loop.call_at(deadline, _settle, waiter, False)
            try:
                woken = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.result():
                    self._wake()  # woken, then cancelled: the wake-up goes to the next in line
                raise
            finally:
                timer.cancel()
            if not self._held:
                self._held = True
                return True
            if not woken:
                return False
            first = True  # a newcomer took it between the wake-up and now

    def release(self) -> None:
        self._held = False
        self._wake()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return


def _settle(waiter: asyncio.Future[bool], value: bool) -> None:
    if not waiter.done():
        waiter.set_result(value)


def turn_for(key: str) -> WriterTurn:
    """The turn of one SQLite file on the running loop, shared by every `Database` of it in this process."""
    turns = _turns.setdefault(asyncio.get_running_loop(), {})
    found = turns.get(key)
    if found is None:
        found = turns[key] = WriterTurn()
    return found


@contextlib.asynccontextmanager
async def writer_turn(key: str, patience: float) -> AsyncIterator[None]:
    """Hold the file's turn for the block (at once if this task already holds it).

    After `patience` seconds of waiting the writer goes on without it: held that long, the turn is held by
    something that waits for this writer, and SQLite's own lock then decides, as it did before.
    """
    if key in _holding.get():
        yield
        return
    turn = turn_for(key)
    if not await turn.acquire(patience):
        log.warning("a SQLite write waited %.0f s for this process's writer turn", patience)
        yield
        return
    token = _holding.set(_holding.get() | {key})
    try:
        yield
    finally:
        _holding.reset(token)
        turn.release()

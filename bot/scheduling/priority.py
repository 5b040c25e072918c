"""Sending before planning: while a dispatcher sends, a planner pass waits between its pages.

A burst due now is late by whatever else holds the event loop; the planner's work is for the next day
and can wait a moment. So a planner pass, between pages, waits (a bounded time) for the dispatchers of
this process to finish what they are sending. Only between pages, outside any transaction: a wait
inside a page's write transaction would hold the lock the dispatcher needs to claim (on SQLite, the
one writer), and each would wait for the other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

MAX_WAIT_S = 0.5
"""Longest wait at one yield point: a long rate-limited send must not hold planning back for its whole
length (the dispatcher is then mostly waiting for the platform, not using the loop)."""


class SendingGate:
    """Busy while any dispatcher using it is in a pass."""

    def __init__(self) -> None:
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @contextlib.contextmanager
    def sending(self) -> Iterator[None]:
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if not self._busy:
                self._idle.set()

    async def wait_idle(self, limit: float = MAX_WAIT_S) -> None:
        if not self._busy:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), limit)


PLANNING_GATE: ContextVar[SendingGate | None] = ContextVar("rekan_planning_gate", default=None)
"""Set by the planner for its pass: the gate its yield points between pages wait on."""


async def yield_to_sends() -> None:
    """A yield point outside any transaction: give the loop to sends under way (or just a turn)."""
    gate = PLANNING_GATE.get()
    if gate is None:
        await asyncio.sleep(0)
    else:
        await gate.wait_idle()

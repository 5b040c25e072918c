"""Group commit for sent marks: sends finished while one mark transaction runs are marked in the next.

One transaction per send caps a dispatcher at a few hundred sends a second (each commit waits for the
disk); marking whatever has piled up since the last commit keeps a mark's delay to about one commit
while a burst goes out at thousands a second. The cost is bounded and counted: at most `limit` sends
can be accepted by the platform and not yet marked, which is what a kill at that moment may send twice
(on Slack; Discord drops the copy by its nonce).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from storage.repositories import deliveries as repo
from storage.repositories.deliveries import SentMark
from storage.session import Database

log = logging.getLogger(__name__)

MARK_LIMIT = 256
"""Sends accepted but not yet marked, at most: a new send waits for a commit beyond it."""
RETRY_FIRST_S = 0.25
RETRY_MAX_S = 5.0


class MarkWriter:
    """Collects `SentMark`s and writes them in one transaction each time the previous one commits."""

    def __init__(self, db: Database, worker_id: str, *, limit: int = MARK_LIMIT,
                 retry_for: timedelta = timedelta(seconds=30)) -> None:
        if limit < 1:
            raise ValueError("limit must be positive")
        self._db, self._worker_id, self._limit, self._retry_for = db, worker_id, limit, retry_for
        self._pending: list[SentMark] = []
        self._task: asyncio.Task[None] | None = None
        self._error: BaseException | None = None
        self._writing: list[SentMark] = []
        self.sent = 0
        self.late = 0
        self.lost = 0

    @property
    def unmarked(self) -> int:
        """Accepted sends whose mark has not committed yet (pending or being written)."""
        return len(self._pending) + len(self._writing)

    @property
    def unmarked_ids(self) -> set[int]:
        """Their ids: their leases are renewed like those of sends under way."""
        return {m.delivery_id for m in self._pending} | {m.delivery_id for m in self._writing}

    async def add(self, mark: SentMark) -> None:
        """Queue a mark; waits while `limit` are outstanding; raises if the last write failed."""
        self._raise_failure()
        while self.unmarked >= self._limit and self._task is not None:
            await asyncio.shield(self._task)
            self._raise_failure()
        self._pending.append(mark)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"marks-{self._worker_id}")

    async def drain(self) -> None:
        """Wait until every queued mark is written; raises the write's error if one failed."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    async def _run(self) -> None:
        while self._pending and self._error is None:
            marks, self._pending = self._pending, []
            self._writing = marks
            try:
                held = await self._write(marks)
            except Exception as exc:  # the database stayed away: these stay claimed and are released
                log.warning("worker %s could not mark %d sends: %s", self._worker_id, len(marks),
                            type(exc).__name__)
                self._error = exc
                self._pending.clear()
                return
            finally:
                self._writing = []
            self._count(marks, held)

    async def _write(self, marks: list[SentMark]) -> set[int]:
        """Write, trying again while the database is briefly away (a restart, a failover).

        The sends are done: a mark that lands late is right, one given up is a copy sent again later.
        """
        deadline = time.monotonic() + self._retry_for.total_seconds()
        wait = RETRY_FIRST_S
        while True:
            try:
                async with self._db.session() as s:
                    return await repo.mark_sent_many(s, marks, worker_id=self._worker_id)
            except Exception as exc:
                if time.monotonic() + wait > deadline:
                    raise
                log.warning("worker %s could not mark %d sends (%s); trying again in %.2f s",
                            self._worker_id, len(marks), type(exc).__name__, wait)
                await asyncio.sleep(wait)  # a backoff, not synchronisation
                wait = min(wait * 2, RETRY_MAX_S)

    def _count(self, marks: list[SentMark], held: set[int]) -> None:
        for m in marks:
            if m.delivery_id in held:
                self.sent += 1
                self.late += m.late
            else:
                self.lost += 1
                log.warning("delivery %s was sent but another worker had taken over its claim",
                            m.delivery_id)

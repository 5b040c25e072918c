"""Sends what is due from the outbox: claim under a lease, send outside any transaction, mark guarded.

A send happens at least once and, unless a worker dies between a platform's "ok" and our mark, exactly
once: the claim, the lease and the `claimed_by` guard keep two workers (or a restarted one) apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.core.actions import Action, SendResult
from bot.core.serialize import ActionDecodeError, action_from_dict
from bot.logs import event_scope
from bot.scheduling.lateness import Lateness, Policies
from bot.scheduling.marks import MARK_LIMIT, MarkWriter
from bot.scheduling.priority import SendingGate
from bot.scheduling.reporting import MissedItem, report_missed
from bot.scheduling.sender import (
    BAD_PAYLOAD,
    DELIVERY_KEY,
    TOO_MANY_ATTEMPTS,
    ActionSender,
    PermanentSendError,
    TransientSendError,
)
from storage.repositories import deliveries as repo
from storage.repositories.deliveries import DeliveryRecord, SentMark
from storage.session import Database

log = logging.getLogger(__name__)

class DispatchObserver(Protocol):
    """Told what happened to each delivery (the metrics): `outcome` is retried, expired or failed."""

    def sent(self, kind: str, late: bool, lateness: timedelta) -> None: ...

    def outcome(self, kind: str, outcome: str, n: int = 1) -> None: ...


Composer = Callable[[DeliveryRecord, Action], Awaitable[Action | None]]
"""Builds a delivery's action at send time from current state (a standup report), given the stored one;
None sends nothing."""

MAX_ATTEMPTS = 8
REASON_CHARS = 200
WORKER_ID_MAX = 64


@dataclass(frozen=True, kw_only=True)
class DispatchStats:
    """What one `run_due` did; `lost` counts claims another worker took over before we marked them."""

    claimed: int = 0
    sent: int = 0
    late: int = 0
    expired: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0
    summaries: int = 0


@dataclass(kw_only=True)
class _Tally:
    claimed: int = 0
    sent: int = 0
    late: int = 0
    expired: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0
    summaries: int = 0

    def freeze(self) -> DispatchStats:
        return DispatchStats(**asdict(self))


@dataclass(frozen=True, kw_only=True)
class Backoff:
    """Waits between transient failures when the platform named none: doubling, capped, at least `minimum`."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=30)
    minimum: timedelta = timedelta(seconds=1)

    def delay(self, attempts: int, retry_after: float | None) -> timedelta:
        if retry_after is not None:
            wait = timedelta(seconds=max(retry_after, 0.0))
        else:
            wait = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        return max(wait, self.minimum)


@dataclass(kw_only=True)
class _Batch:
    """One claim's rows: the lease we hold on them and which rows have not been started yet."""

    lease_until: datetime
    queue: deque[DeliveryRecord]
    unstarted: set[int]
    marks: MarkWriter
    active: set[int] = field(default_factory=set)
    failures: list[MissedItem] = field(default_factory=list)


class Dispatcher:
    """Claims due deliveries and sends them through an ActionSender."""

    def __init__(self, db: Database, clock: Clock, sender: ActionSender, policies: Policies, *,
                 worker_id: str, lease: timedelta = timedelta(seconds=60), batch_size: int = 200,
                 concurrency: int = 1, mark_limit: int = MARK_LIMIT, mark_retry: timedelta | None = None,
                 max_attempts: int = MAX_ATTEMPTS, backoff: Backoff | None = None,
                 platforms: Callable[[], Collection[str]] | None = None,
                 composers: Mapping[str, Composer] | None = None,
                 observer: DispatchObserver | None = None, gate: SendingGate | None = None) -> None:
        if min(batch_size, concurrency, mark_limit, max_attempts) < 1 or lease <= timedelta(0):
            raise ValueError("lease, batch_size, concurrency, mark_limit and max_attempts must be positive")
        if not 0 < len(worker_id) <= WORKER_ID_MAX:
            raise ValueError(f"worker_id must be 1..{WORKER_ID_MAX} characters")
        self._db, self._clock, self._sender, self._policies = db, clock, sender, policies
        self.worker_id = worker_id
        self._lease, self._batch_size, self._concurrency = lease, batch_size, concurrency
        self._mark_limit = mark_limit
        # Marks are retried for half a lease: they land before anyone may take the rows over.
        self._mark_retry = mark_retry if mark_retry is not None else lease / 2
        self._max_attempts = max_attempts
        self._backoff = backoff or Backoff()
        self._platforms = platforms  # read at every claim: adapters attach after construction
        self.composers: dict[str, Composer] = dict(composers or {})
        self._observer = observer
        self.gate = gate or SendingGate()
        """Busy while a pass sends: the planner of this process waits at its yield points meanwhile."""
        self._lock = asyncio.Lock()
        self._stopping = False
        self._abandoned = False
        self.claims = 0
        """Claim transactions committed so far: tells the scheduler a pass that reached the database."""

    async def run_due(self) -> DispatchStats:
        """Claim and send batch after batch until nothing is due (or a stop was requested)."""
        tally = _Tally()
        async with self._lock:
            if self._abandoned:
                # The last pass died (the database went away mid-batch): its claims are ours and nothing
                # of ours is in flight, so give them back now rather than wait out our own lease.
                await self.release_claims()
                self._abandoned = False
            # One mark writer for the pass: a batch's marks are written while the next batch is claimed.
            marks = MarkWriter(self._db, self.worker_id, limit=self._mark_limit, retry_for=self._mark_retry)
            try:
                with self.gate.sending():
                    await self._batches(tally, marks)
                    await marks.drain()
            except BaseException:
                self._abandoned = True
                raise
            finally:
                tally.sent += marks.sent
                tally.late += marks.late
                tally.lost += marks.lost
        return tally.freeze()

    async def _batches(self, tally: _Tally, marks: MarkWriter) -> None:
        """Claim and send until nothing is due; while a quick batch is sent, the next one is claimed.

        Claiming ahead hides the claim's round trip in a burst. A batch that took longer than a quarter
        of the lease (a slow or rate-limited platform) is not claimed ahead of, so rows are not held
        idle under our lease while another replica could send them.
        """
        claimed = await self._claim(tally, marks) if not self._stopping else None
        quick = False
        while claimed is not None and not self._stopping:
            ahead = asyncio.create_task(self._claim(tally, marks)) if quick else None
            started = self._clock.now()
            try:
                await self._send_batch(claimed, tally)
            except BaseException:
                if ahead is not None:  # its claims, if any, are released with ours (we are abandoned)
                    ahead.cancel()
                    with contextlib.suppress(BaseException):
                        await ahead
                raise
            quick = self._clock.now() - started < self._lease / 4
            if ahead is not None:
                claimed = await ahead
            elif self._stopping:
                claimed = None
            else:
                # A slow batch's leases may have lapsed: its marks must land before we claim again, or
                # we would take back (and send twice) rows the platform already accepted.
                await marks.drain()
                claimed = await self._claim(tally, marks)

    async def next_due_at(self) -> datetime | None:
        """The next instant something becomes claimable, for the scheduler's precise wake-up."""
        async with self._db.read() as s:
            return await repo.next_due_at(s)

    async def release_claims(self) -> int:
        """Give this worker's unstarted claims back at shutdown, so nobody waits out the lease."""
        async with self._db.session() as s:
            released = await repo.release_claims(s, worker_id=self.worker_id)
        if released:
            log.info("worker %s released %d claimed deliveries", self.worker_id, released)
        return released

    def request_stop(self) -> None:
        """Finish the send in progress, start no other; `release_claims` then returns the rest."""
        self._stopping = True

    async def _claim(self, tally: _Tally, marks: MarkWriter) -> _Batch | None:
        now = self._clock.now()
        lease_until = now + self._lease
        async with self._db.session() as s:
            records = await repo.claim_due(s, worker_id=self.worker_id, now=now, lease_until=lease_until,
                                           limit=self._batch_size,
                                           platforms=self._platforms() if self._platforms else None)
            self.claims += 1
            if not records:
                return None
            expired = [r for r in records
                       if self._policies.classify(r.kind, r.due_at, now) is Lateness.EXPIRED]
            if expired:
                await repo.mark_expired(s, [r.id for r in expired], worker_id=self.worker_id)
                tally.summaries += await report_missed(s, [MissedItem.of(r) for r in expired], now=now)
        for r in expired:
            log.info("delivery %s (%s) due %s expired unsent", r.id, r.kind, r.due_at.isoformat())
            if self._observer is not None:
                self._observer.outcome(r.kind, "expired")
        tally.claimed += len(records)
        tally.expired += len(expired)
        gone = {r.id for r in expired}
        queue = deque(r for r in records if r.id not in gone)
        return _Batch(lease_until=lease_until, queue=queue, unstarted={r.id for r in queue},
                      marks=marks)

    async def _send_batch(self, batch: _Batch, tally: _Tally) -> None:
        queue = batch.queue

        async def work() -> None:
            while queue and not self._stopping:
                await self._process(queue.popleft(), batch, tally)

        heartbeat = asyncio.create_task(self._heartbeat(batch))
        try:
            if self._concurrency == 1 or len(queue) <= 1:
                await work()
            else:
                async with asyncio.TaskGroup() as group:
                    for _ in range(min(self._concurrency, len(queue))):
                        group.create_task(work())
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            await self._flush_failures(batch.failures, tally)

    async def _heartbeat(self, batch: _Batch) -> None:
        """Keep the lease alive while a send waits (a rate limit, a slow platform): a live worker keeps it."""
        interval = self._lease.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self._renew(batch, set())
            except Exception:
                log.warning("worker %s could not renew its lease; it may be taken over", self.worker_id,
                            exc_info=True)

    async def _renew(self, batch: _Batch, extra: set[int]) -> set[int]:
        ids = batch.unstarted | batch.active | batch.marks.unmarked_ids | extra
        if not ids:
            return set()
        lease_until = self._clock.now() + self._lease
        async with self._db.session() as s:
            held = await repo.renew_leases(s, ids, worker_id=self.worker_id, lease_until=lease_until)
        batch.lease_until = lease_until
        batch.unstarted &= held
        return held

    async def _hold(self, batch: _Batch, record: DeliveryRecord) -> bool:
        """True while our claim on `record` stands; renews the batch's lease once half of it is gone."""
        if self._clock.now() + self._lease / 2 < batch.lease_until:
            return True
        return record.id in await self._renew(batch, {record.id})

    async def _process(self, record: DeliveryRecord, batch: _Batch, tally: _Tally) -> None:
        held = await self._hold(batch, record)
        batch.unstarted.discard(record.id)
        if not held:
            log.info("delivery %s was taken over by another worker before sending", record.id)
            tally.lost += 1
            return
        batch.active.add(record.id)
        try:
            await self._attempt(record, batch, tally)
        finally:
            batch.active.discard(record.id)

    async def _attempt(self, record: DeliveryRecord, batch: _Batch, tally: _Tally) -> None:
        try:
            action = action_from_dict(record.payload)
        except ActionDecodeError as exc:
            log.error("delivery %s (%s) has an unreadable payload: %s", record.id, record.kind, exc)
            batch.failures.append(MissedItem.of(record, BAD_PAYLOAD))
            return
        composer = self.composers.get(record.kind)
        if composer is not None:
            # Written now, from the database as it is at send time (a report of the answers so far);
            # the stored payload only says where it goes. None: nothing to say, recorded as sent.
            try:
                composed = await composer(record, action)
            except TransientSendError as exc:  # not ready yet (a reply waiting for its report)
                await self._retry(record, exc.retry_after, exc.reason, batch, tally)
                return
            except Exception as exc:
                log.exception("delivery %s (%s): composing it failed; retrying later", record.id, record.kind)
                await self._retry(record, None, type(exc).__name__, batch, tally)
                return
            if composed is None:
                await self._mark_sent(record, SendResult(message_id=None), False, batch)
                return
            action = composed
        late = self._policies.classify(record.kind, record.due_at, self._clock.now()) is not Lateness.ON_TIME
        try:
            result = await self._perform(record, action)
        except PermanentSendError as exc:
            log.warning("delivery %s (%s) failed permanently: %s", record.id, record.kind, exc.code)
            batch.failures.append(MissedItem.of(record, exc.code))
        except TransientSendError as exc:
            await self._retry(record, exc.retry_after, exc.reason, batch, tally)
        except Exception as exc:
            # Never log the exception text: it may quote the payload. The type and our id suffice.
            log.warning("delivery %s (%s): sender raised %s; retrying later", record.id, record.kind,
                        type(exc).__name__)
            await self._retry(record, None, type(exc).__name__, batch, tally)
        else:
            await self._mark_sent(record, result, late, batch)

    async def _perform(self, record: DeliveryRecord, action: Action) -> SendResult:
        """Send with the delivery's stable key in DELIVERY_KEY, for platforms that deduplicate by it."""
        token = DELIVERY_KEY.set(f"{record.id}:{record.kind}:{record.source_id}:{record.occurrence}")
        try:
            with event_scope(f"delivery:{record.id}"):  # what the send logs carries the delivery's id
                return await self._sender.perform(action)
        finally:
            DELIVERY_KEY.reset(token)

    async def _mark_sent(self, record: DeliveryRecord, result: SendResult, late: bool, batch: _Batch) -> None:
        now = self._clock.now()
        if self._observer is not None:
            self._observer.sent(record.kind, late, now - record.due_at)
        await batch.marks.add(SentMark(delivery_id=record.id, sent_at=now, message_id=result.message_id,
                                       late=late))

    async def _retry(self, record: DeliveryRecord, retry_after: float | None, reason: str,
                     batch: _Batch, tally: _Tally) -> None:
        if record.attempts >= self._max_attempts:
            log.warning("delivery %s (%s) gave up after %d attempts: %s", record.id, record.kind,
                        record.attempts, reason)
            batch.failures.append(MissedItem.of(record, TOO_MANY_ATTEMPTS))
            return
        now = self._clock.now()
        next_at = now + self._backoff.delay(record.attempts, retry_after)
        async with self._db.session() as s:
            ok = await repo.mark_retry(s, record.id, worker_id=self.worker_id, next_attempt_at=next_at,
                                       error=reason[:REASON_CHARS])
        tally.retried += ok
        tally.lost += not ok
        if ok and self._observer is not None:
            self._observer.outcome(record.kind, "retried")

    async def _flush_failures(self, failures: list[MissedItem], tally: _Tally) -> None:
        """Mark permanent failures and tell their owners in one transaction, so no report is lost."""
        if not failures:
            return
        async with self._db.session() as s:
            marked = [f for f in failures
                      if await repo.mark_failed(s, f.delivery_id, worker_id=self.worker_id,
                                                error=f.failure_code or "failed")]
            tally.summaries += await report_missed(s, marked, now=self._clock.now())
        tally.failed += len(marked)
        tally.lost += len(failures) - len(marked)
        for f in marked:
            if self._observer is not None:
                self._observer.outcome(f.kind, "failed")
        failures.clear()

"""Two dispatchers with separate engines share one database: every delivery goes out exactly once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

from bot.clock import ManualClock
from bot.core.actions import Action, SendResult
from bot.scheduling.dispatcher import Dispatcher, DispatchStats
from bot.scheduling.lateness import Policies
from storage.session import Database
from tests.bot.scheduling.helpers import add, find, planned, seed_workspace, text_of

COUNT = 1000


class Recorder:
    """Counts sends per message and per worker; yields once per send like a real network call."""

    def __init__(self) -> None:
        self.by_text: Counter[str] = Counter()
        self.by_worker: Counter[str] = Counter()

    def for_worker(self, worker: str) -> _WorkerSender:
        return _WorkerSender(self, worker)


class _WorkerSender:
    def __init__(self, recorder: Recorder, worker: str) -> None:
        self.recorder, self.worker = recorder, worker

    async def perform(self, action: Action) -> SendResult:
        await asyncio.sleep(0)
        self.recorder.by_text[text_of(action)] += 1
        self.recorder.by_worker[self.worker] += 1
        return SendResult(message_id=self.worker)


async def _drain(dispatcher: Dispatcher) -> list[DispatchStats]:
    runs = []
    while True:
        stats = await dispatcher.run_due()
        runs.append(stats)
        if stats.claimed == 0:
            return runs


async def test_two_dispatchers_send_each_delivery_exactly_once(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    texts = [f"d{i}" for i in range(COUNT)]
    await add(db, [planned(ws, t, clock.now() - timedelta(seconds=i % 50), text=t)
                   for i, t in enumerate(texts)], clock.now())
    recorder = Recorder()
    engines = [Database(db.url), Database(db.url)]
    policies = Policies({}, timedelta(hours=1))
    workers = [Dispatcher(engine, clock, recorder.for_worker(name), policies, worker_id=name, batch_size=50)
               for engine, name in zip(engines, ("alpha", "beta"), strict=True)]
    started = time.monotonic()
    try:
        runs = await asyncio.gather(*(_drain(w) for w in workers))
    finally:
        for engine in engines:
            await engine.dispose()
    elapsed = time.monotonic() - started
    assert recorder.by_text == Counter(texts)  # each of the 1,000 exactly once
    assert sum(recorder.by_worker.values()) == COUNT
    assert min(recorder.by_worker.values()) > 0, recorder.by_worker  # both took part
    assert sum(s.lost for r in runs for s in r) == 0
    rows = await find(db)
    assert len(rows) == COUNT and {r.status for r in rows} == {"sent"}
    assert Counter(r.message_id for r in rows) == recorder.by_worker
    print(f"\n{db.dialect}: {COUNT} deliveries by two dispatchers in {elapsed:.2f}s, "
          f"split {dict(recorder.by_worker)}")

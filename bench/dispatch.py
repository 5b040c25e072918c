"""Outbox dispatch throughput: N due deliveries drained by one dispatcher (the baseline) and by two.

Run: `.venv/bin/python -m bench.dispatch [--count 2000] [--postgres URL]`. Prints seconds and
deliveries per second for each run, and every figure as a ratio to the one-dispatcher baseline on the
same database in the same process, so machines of different speed can be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.pg import drop_postgres, fresh_postgres
from bot.clock import ManualClock
from bot.core.actions import Action, Send, SendResult
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import WorkspaceRow
from storage.session import Database

START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


class NullSender:
    """Counts sends and yields once per send, as a network call would."""

    def __init__(self) -> None:
        self.count = 0

    async def perform(self, action: Action) -> SendResult:
        await asyncio.sleep(0)
        self.count += 1
        return SendResult(message_id=str(self.count))


@dataclass(frozen=True, kw_only=True)
class Figure:
    label: str
    seconds: float
    count: int

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


async def _seed(db: Database, count: int) -> None:
    await db.upgrade()
    async with db.session() as s:
        ws = WorkspaceRow(platform="shell", external_id=uuid.uuid4().hex[:12], name="Bench",
                          default_locale="en", created_at=START)
        s.add(ws)
        await s.flush()
        to = ConversationRef.dm(AccountRef(platform="shell", workspace_id=ws.external_id, user_id="U1"))
        items = [PlannedDelivery(workspace_pk=ws.id, kind="reminder", source_id=f"s{i}", occurrence="o",
                                 due_at=START - timedelta(seconds=i % 50),
                                 action=Send(to=to, content=Content.text(f"message {i}")))
                 for i in range(count)]
        await enqueue(s, items, now=START)


async def _drain(dispatcher: Dispatcher) -> None:
    while (await dispatcher.run_due()).claimed:
        pass


async def _run(url: str, count: int, workers: int, batch: int) -> Figure:
    seeder = Database(url)
    try:
        await _seed(seeder, count)
    finally:
        await seeder.dispose()
    clock = ManualClock(START)
    sender = NullSender()
    engines = [Database(url) for _ in range(workers)]
    dispatchers = [Dispatcher(e, clock, sender, Policies(default=timedelta(hours=1)), worker_id=f"w{i}",
                              batch_size=batch) for i, e in enumerate(engines)]
    started = time.perf_counter()
    try:
        await asyncio.gather(*(_drain(d) for d in dispatchers))
    finally:
        for e in engines:
            await e.dispose()
    elapsed = time.perf_counter() - started
    if sender.count != count:
        raise SystemExit(f"sent {sender.count} of {count}: the outbox lost or doubled deliveries")
    return Figure(label=f"{workers} dispatcher(s), batch {batch}", seconds=elapsed, count=count)


async def _suite(make_url_for_run: Sequence[str], count: int) -> list[Figure]:
    plans = [(1, 200), (2, 200), (2, 50)]
    return [await _run(url, count, workers, batch)
            for url, (workers, batch) in zip(make_url_for_run, plans, strict=True)]


def _print(dialect: str, figures: list[Figure]) -> None:
    base = figures[0]
    print(f"\n{dialect}: {base.count} due deliveries")
    for f in figures:
        print(f"  {f.label:<28} {f.seconds:7.3f} s  {f.rate:8.0f}/s  x{base.seconds / f.seconds:5.2f} speed")


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("REKAN_TEST_POSTGRES_URL"))
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        urls = [f"sqlite+aiosqlite:///{Path(tmp) / f'bench{i}.db'}" for i in range(3)]
        _print("sqlite", await _suite(urls, args.count))
    if args.postgres:
        made = [await fresh_postgres(args.postgres) for _ in range(3)]
        try:
            _print("postgresql", await _suite([u for u, _ in made], args.count))
        finally:
            for _, name in made:
                await drop_postgres(args.postgres, name)


if __name__ == "__main__":
    asyncio.run(main())

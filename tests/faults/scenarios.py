"""The fault scenarios, sized by their arguments: the tests run them small, bench/soak.py full size.

Each returns a plain dict of what it measured (JSON-ready); the tests assert on it. Nothing here waits
a fixed time for something to happen: every wait polls a condition, with a bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bot.app import Outbound, build_router
from bot.clock import SystemClock
from bot.core.actions import Action, Send, SendResult
from bot.core.capabilities import SHELL
from bot.core.content import Content
from bot.core.context import Services
from bot.core.events import CommandInvoked
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.dispatcher import Backoff, Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.planner import Planner
from bot.scheduling.service import SchedulerService
from storage.models import DeliveryRow, WorkspaceRow
from storage.repositories import deliveries as repo
from storage.session import Database
from tests.faults.cluster import TempCluster
from tests.faults.platforms import (
    DONE,
    Burst,
    Platforms,
    all_done,
    connect_senders,
    per_platform,
    platform_of,
    rows,
    running_platforms,
    seed_burst,
    tally,
    unrecorded_posts,
)
from tests.faults.proxy import REFUSALS, Fault, FaultPlan

ROOT = Path(__file__).resolve().parents[2]
POLL = 0.01


async def wait_for(check: Callable[[], Awaitable[bool]], *, within: float, what: str) -> float:
    """Poll `check` until true; returns the seconds it took, or raises saying what never happened."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within:.0f}s: {what}")
        await asyncio.sleep(POLL)
    return time.monotonic() - started


# ----- worker processes


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    status: Path
    stderr: Path
    worker_id: str = ""
    """The dispatcher's worker id (claimed_by), read from the status file once started."""

    @property
    def name(self) -> str:
        """Its prefix on the proxies (its pid)."""
        return str(self.proc.pid)


class Workers:
    """Starts tests/faults/worker.py processes and kills each by its own handle (never by name)."""

    def __init__(self, url: str, platforms: Platforms, workdir: Path, *, lease: int,
                 planner_interval: int = 1, request_timeout: float = 5.0) -> None:
        self.url, self.platforms, self.workdir = url, platforms, workdir
        self.options = ["--lease", str(lease), "--planner-interval", str(planner_interval),
                        "--timeout", str(request_timeout)]
        self.started: list[Worker] = []

    def start(self, *, held: bool = False) -> Worker:
        """A new replica; `held` ones get ready but start Rekan only at `go` (a restart without start-up)."""
        n = len(self.started) + 1
        status, stderr = self.workdir / f"worker-{n}.status", self.workdir / f"worker-{n}.stderr"
        with stderr.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.worker", self.url, self.platforms.slack_proxy.base_url,
                 self.platforms.discord_proxy.base_url, str(status), *self.options,
                 *(["--go-on-stdin"] if held else [])],
                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE if held else None,
                stdout=subprocess.DEVNULL, stderr=err)
        worker = Worker(proc, status, stderr)
        self.started.append(worker)
        return worker

    def go(self, worker: Worker) -> None:
        assert worker.proc.stdin is not None
        worker.proc.stdin.write(b"go\n")
        worker.proc.stdin.close()

    def check_alive(self, worker: Worker) -> None:
        if worker.proc.poll() is not None:
            raise AssertionError(f"worker {worker.name} exited {worker.proc.returncode}:\n"
                                 + worker.stderr.read_text(errors="replace")[-4000:])

    async def wait_started(self, worker: Worker, within: float = 60.0) -> None:
        async def started() -> bool:
            self.check_alive(worker)
            lines = worker.status.read_text().splitlines() if worker.status.exists() else []
            for line in lines:
                if line.startswith("started "):
                    worker.worker_id = line.split(" ", 2)[2]
                    return True
            return False
        await wait_for(started, within=within, what=f"worker {worker.name} to start")

    async def kill(self, worker: Worker) -> None:
        worker.proc.kill()  # SIGKILL: no finally blocks, no release of claims, no goodbye
        await asyncio.to_thread(worker.proc.wait, 10)

    def close(self) -> None:
        for worker in self.started:
            if worker.proc.poll() is None:
                worker.proc.kill()
                worker.proc.wait(10)
            if worker.proc.stdin is not None and not worker.proc.stdin.closed:
                worker.proc.stdin.close()


async def _claimed_by(db: Database, worker_id: str) -> dict[int, datetime | None]:
    async with db.read() as s:
        found = await s.execute(select(DeliveryRow.id, DeliveryRow.lease_until)
                                .where(DeliveryRow.claimed_by == worker_id, DeliveryRow.status == repo.CLAIMED))
        return {int(i): lease for i, lease in found.all()}


async def _still_held(db: Database, ids: Sequence[int], worker_id: str) -> int:
    if not ids:
        return 0
    async with db.read() as s:
        held = await s.scalar(select(func.count()).select_from(DeliveryRow).where(
            DeliveryRow.id.in_(list(ids)), DeliveryRow.claimed_by == worker_id,
            DeliveryRow.status == repo.CLAIMED))
        return int(held or 0)


def _summary(platforms: Platforms, burst: Burst, found: dict[str, repo.DeliveryRecord]) -> dict[str, Any]:
    counted = tally(platforms, burst, found)
    return {"deliveries": len(burst.keys), **counted.as_dict(),
            "statuses": dict(Counter(r.status for r in found.values()))}


# ----- SIGKILL during a burst, restarting each time


async def sigkill_burst(url: str, workdir: Path, *, count: int = 2000, kills: int = 5, lease: int = 2,
                        seed: int | None = None, within: float = 600.0) -> dict[str, Any]:
    """One Rekan at a time sends a burst; it is SIGKILLed `kills` times at random points and restarted."""
    seed = random.randrange(1_000_000) if seed is None else seed
    rng = random.Random(seed)
    db = Database(url)
    await db.upgrade()
    started = time.monotonic()
    try:
        async with running_platforms() as platforms:
            burst = await seed_burst(db, count, SystemClock().now())
            workers = Workers(url, platforms, workdir, lease=lease)
            try:
                # One random point in each of `kills` equal stretches of the burst's first 90%.
                stretch = count * 9 // 10 // kills
                points = [k * stretch + rng.randrange(1, max(stretch, 2)) for k in range(kills)]
                killed: list[tuple[Worker, int, int]] = []
                # The next replica is always ready and waiting, so it starts the moment its predecessor dies.
                standby = workers.start(held=True)
                for point in points:
                    worker, standby = standby, workers.start(held=True)
                    workers.go(worker)
                    await workers.wait_started(worker)
                    floor = platforms.posted_count() + 1  # each victim gets to send something

                    async def reached(worker: Worker = worker, target: int = max(point, floor)) -> bool:
                        workers.check_alive(worker)
                        return platforms.posted_count() >= target
                    await wait_for(reached, within=within, what=f"{point} posts before kill {len(killed) + 1}")
                    await workers.kill(worker)
                    stranded = await _claimed_by(db, worker.worker_id)
                    killed.append((worker, platforms.posted_count(), len(stranded)))
                last = standby
                workers.go(last)
                await workers.wait_started(last)

                async def finished() -> bool:
                    workers.check_alive(last)
                    return await all_done(db)
                await wait_for(finished, within=within, what="every delivery sent after the last kill")
                await wait_for(_idle(platforms, last.name), within=30, what="the last worker idle")
                await workers.kill(last)
            finally:
                workers.close()
            await platforms.settle()
            found = await rows(db)
            ledger = platforms.ledger()
            per_kill: list[dict[str, Any]] = []
            for worker, posts, stranded_count in killed:
                # Posted by the victim but not marked by it: the sends in flight at the kill (exact,
                # from the proxies' ledgers and the rows' final claimer, not from a race against the kill).
                in_flight = [e for e in ledger if e.worker == worker.name and e.posted is not None
                             and e.key is not None and found[e.key].claimed_by != worker.worker_id]
                per_kill.append({"posts_before_kill": posts, "claims_stranded": stranded_count,
                                 "in_flight": per_platform(in_flight)})
            extra = unrecorded_posts(ledger, found)
            return {"scenario": "sigkill", "seed": seed, "database": db.dialect, "lease_s": lease,
                    **_summary(platforms, burst, found), "kills": per_kill,
                    "in_flight_total": {p: sum(k["in_flight"][p] for k in per_kill) for p in ("slack", "discord")},
                    "unrecorded_posts": per_platform(extra),
                    "discord_nonce_dedupes": platforms.discord.deduplicated,
                    "seconds": round(time.monotonic() - started, 2)}
    finally:
        await db.dispose()


def _idle(platforms: Platforms, worker: str) -> Callable[[], Awaitable[bool]]:
    """A check: the proxies hold no request of this worker (nothing of it is still reaching a platform)."""
    async def idle() -> bool:
        return platforms.active(worker) == 0
    return idle


# ----- three replicas on one PostgreSQL, one killed mid-burst


async def replicas_burst(url: str, workdir: Path, *, count: int = 2000, replicas: int = 3, lease: int = 3,
                         seed: int | None = None, within: float = 600.0) -> dict[str, Any]:
    seed = random.randrange(1_000_000) if seed is None else seed
    rng = random.Random(seed)
    db = Database(url)
    await db.upgrade()
    started = time.monotonic()
    try:
        async with running_platforms() as platforms:
            burst = await seed_burst(db, count, SystemClock().now())
            workers = Workers(url, platforms, workdir, lease=lease)
            try:
                group = [workers.start() for _ in range(replicas)]
                for w in group:
                    await workers.wait_started(w)
                point = rng.randint(count // 5, count // 2)

                async def busy() -> bool:
                    for w in group:
                        workers.check_alive(w)
                    everyone = all(platforms.slack_proxy.posted(w.name) or platforms.discord_proxy.posted(w.name)
                                   for w in group)
                    return everyone and platforms.posted_count() >= point
                await wait_for(busy, within=within, what=f"all {replicas} replicas sending and {point} posts")
                holding = [w for w in group if await _claimed_by(db, w.worker_id)]
                victim = rng.choice(holding or group)
                await workers.kill(victim)
                killed_at = time.monotonic()
                killed_wall = datetime.now(UTC)
                stranded = await _claimed_by(db, victim.worker_id)
                leases = [lease_until for lease_until in stranded.values() if lease_until is not None]
                lease_left = max(((t - killed_wall).total_seconds() for t in leases), default=0.0)
                survivors = [w for w in group if w is not victim]

                async def taken_over() -> bool:
                    for w in survivors:
                        workers.check_alive(w)
                    return await _still_held(db, list(stranded), victim.worker_id) == 0
                await wait_for(taken_over, within=within, what="the victim's claims taken over")
                takeover = time.monotonic() - killed_at

                async def finished() -> bool:
                    for w in survivors:
                        workers.check_alive(w)
                    return await all_done(db)
                await wait_for(finished, within=within, what="every delivery sent")
                for w in survivors:
                    await wait_for(_idle(platforms, w.name), within=30, what="survivors idle")
                    await workers.kill(w)
            finally:
                workers.close()
            await platforms.settle()
            found = await rows(db)
            ledger = platforms.ledger()
            in_flight = [e for e in ledger if e.worker == victim.name and e.posted is not None
                         and e.key is not None and found[e.key].claimed_by != victim.worker_id]
            posters: dict[str, set[str]] = {}
            for e in ledger:
                if e.posted is not None and e.key is not None:
                    posters.setdefault(e.key, set()).add(e.worker)
            # Two live replicas posting the same delivery would be a broken claim, whatever the platform.
            live_twice = sum(1 for names in posters.values() if len(names - {victim.name}) > 1)
            split = Counter(r.claimed_by for r in found.values())
            return {"scenario": "replicas", "seed": seed, "database": db.dialect, "replicas": replicas,
                    "lease_s": lease, **_summary(platforms, burst, found),
                    "victim_claims_stranded": len(stranded), "victim_lease_left_s": round(lease_left, 3),
                    "takeover_s": round(takeover, 3), "in_flight_at_kill": per_platform(in_flight),
                    "posted_by_two_live_replicas": live_twice,
                    "sent_by_replica": sorted(split.values(), reverse=True),
                    "unrecorded_posts": per_platform(unrecorded_posts(ledger, found)),
                    "discord_nonce_dedupes": platforms.discord.deduplicated,
                    "seconds": round(time.monotonic() - started, 2)}
    finally:
        await db.dispose()


# ----- the database restarted mid-burst


async def db_restart_burst(workdir: Path, *, count: int = 2000, restarts: int = 1, lease: int = 2,
                           planner_interval: int = 1, seed: int | None = None,
                           within: float = 600.0) -> dict[str, Any]:
    """A throwaway PostgreSQL cluster is crashed (`pg_ctl stop -m immediate`) and started again while one
    Rekan sends a burst; Rekan must reconnect by itself and finish."""
    seed = random.randrange(1_000_000) if seed is None else seed
    rng = random.Random(seed)
    cluster = await asyncio.to_thread(TempCluster)
    started = time.monotonic()
    try:
        await asyncio.to_thread(cluster.start)
        db = Database(cluster.url)
        await db.upgrade()
        try:
            async with running_platforms() as platforms:
                burst = await seed_burst(db, count, SystemClock().now())
                workers = Workers(cluster.url, platforms, workdir, lease=lease, planner_interval=planner_interval)
                outages: list[dict[str, Any]] = []
                try:
                    worker = workers.start()
                    await workers.wait_started(worker)
                    points = sorted(rng.sample(range(count // 10, count * 8 // 10), restarts))
                    for point in points:
                        async def reached(target: int = point) -> bool:
                            workers.check_alive(worker)
                            return platforms.posted_count() >= target
                        await wait_for(reached, within=within, what=f"{point} posts before the restart")
                        posts_before = platforms.posted_count()
                        down = await asyncio.to_thread(cluster.stop, "immediate")
                        up = await asyncio.to_thread(cluster.start)
                        up_wall, up_at = datetime.now(UTC), time.monotonic()

                        async def marked_again(since: datetime = up_wall) -> bool:
                            workers.check_alive(worker)
                            try:
                                async with db.read() as s:
                                    n = await s.scalar(select(func.count()).select_from(DeliveryRow).where(
                                        DeliveryRow.sent_at > since))
                            except Exception:
                                return False
                            return bool(n)
                        await wait_for(marked_again, within=within, what="a delivery marked sent after the restart")
                        outages.append({"posts_before": posts_before, "stop_s": round(down, 3),
                                        "start_s": round(up, 3),
                                        "reconnect_s": round(time.monotonic() - up_at, 3)})

                    async def finished() -> bool:
                        workers.check_alive(worker)
                        try:
                            return await all_done(db)
                        except Exception:
                            return False
                    await wait_for(finished, within=within, what="every delivery sent after the restarts")
                    await wait_for(_idle(platforms, worker.name), within=30, what="the worker idle")
                    await workers.kill(worker)
                finally:
                    workers.close()
                await platforms.settle()
                found = await rows(db)
                ledger = platforms.ledger()
                return {"scenario": "db_restart", "seed": seed, "database": "postgresql (throwaway cluster)",
                        "lease_s": lease, "planner_interval_s": planner_interval,
                        **_summary(platforms, burst, found), "restarts": outages,
                        "unrecorded_posts": per_platform(unrecorded_posts(ledger, found)),
                        "discord_nonce_dedupes": platforms.discord.deduplicated,
                        "seconds": round(time.monotonic() - started, 2)}
        finally:
            await db.dispose()
    finally:
        await asyncio.to_thread(cluster.close)


# ----- platforms failing a share of the calls


async def flaky_burst(url: str, *, count: int = 2000, rate: float = 0.2, faults: Sequence[Fault] = REFUSALS,
                      counts: Sequence[int] | None = None, seed: int = 9, request_timeout: float = 2.0,
                      within: float = 600.0) -> dict[str, Any]:
    """One in-process Rekan dispatcher (its scheduler service, the real senders behind SendQueue) sends a
    burst while both platforms fail `rate` of the sends with `faults`."""
    slack_plan = FaultPlan(rate, faults, seed, counts)
    discord_plan = FaultPlan(rate, faults, seed + 1, counts)
    db = Database(url)
    await db.upgrade()
    started = time.monotonic()
    try:
        async with running_platforms(slack_plan, discord_plan) as platforms:
            clock = SystemClock()
            burst = await seed_burst(db, count, clock.now())
            senders = await connect_senders(platforms.slack_proxy.url_for("w1"),
                                            platforms.discord_proxy.url_for("w1"),
                                            request_timeout=request_timeout)
            outbound = Outbound()
            outbound.register("slack", senders.slack)
            outbound.register("discord", senders.discord)
            dispatcher = Dispatcher(db, clock, outbound, Policies({}, timedelta(hours=1)), worker_id="w1",
                                    lease=timedelta(seconds=30), platforms=lambda: outbound.platforms,
                                    backoff=Backoff(base=timedelta(seconds=0.2), cap=timedelta(seconds=2),
                                                    minimum=timedelta(seconds=0.05)))
            service = SchedulerService(dispatcher, Planner(db, clock, []), clock,
                                       planner_interval=timedelta(seconds=1))
            service.start()
            try:
                await wait_for(lambda: all_done(db), within=within, what="every delivery done")
            finally:
                await service.shutdown()
                await senders.close()
            await platforms.settle()
            found = await rows(db)
            ledger = platforms.ledger()
            extra = unrecorded_posts(ledger, found)
            faulted = [e for e in ledger if e.fault is not None]
            return {"scenario": "flaky_platforms", "seed": seed, "database": db.dialect, "fault_rate": rate,
                    "faults": sorted(f.value for f in faults), **_summary(platforms, burst, found),
                    "sends": per_platform(ledger),
                    "faults_injected": {p: dict(Counter(str(e.fault) for e in faulted
                                                        if e.key and platform_of(e.key) == p))
                                        for p in ("slack", "discord")},
                    "posted_then_failed": per_platform([e for e in faulted if e.posted is not None]),
                    "unrecorded_posts": per_platform(extra),
                    "unrecorded_posts_without_fault": len([e for e in extra if e.fault is None]),
                    "discord_nonce_dedupes": platforms.discord.deduplicated,
                    "seconds": round(time.monotonic() - started, 2)}
    finally:
        await db.dispose()


# ----- SQLite with many concurrent writers


class NullSender:
    """Stands in for a platform: one event-loop yield a send."""

    def __init__(self) -> None:
        self.sent = 0

    async def perform(self, action: Action) -> SendResult:
        await asyncio.sleep(0)
        self.sent += 1
        return SendResult(message_id=str(self.sent))


class LockWatch(logging.Handler):
    """Counts "database is locked" wherever it surfaces: a DBAPI error on any engine, or a log record."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.engine_errors: list[str] = []
        self.logged: list[str] = []
        self.failed_events = 0
        """Events the router answered with its "something went wrong" (it logs each one)."""

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info)
                                      if record.exc_info else "")
        if "database is locked" in text or "database is busy" in text:
            self.logged.append(text[-300:])
        if "failed: error id" in text:
            self.failed_events += 1

    def watch(self, db: Database) -> None:
        def on_error(context: Any) -> None:
            self.engine_errors.append(f"{type(context.original_exception).__name__}: {context.original_exception}")
        event.listen(db.engine.sync_engine, "handle_error", on_error)

    @property
    def locked(self) -> int:
        return sum("locked" in e or "busy" in e for e in self.engine_errors) + len(self.logged)


@contextlib.contextmanager
def _watching(watch: LockWatch) -> Iterator[None]:
    root = logging.getLogger()
    root.addHandler(watch)
    try:
        yield
    finally:
        root.removeHandler(watch)


async def _seed_shell_burst(db: Database, count: int, now: datetime) -> None:
    """`count` reminders due now in the shell workspace the members' commands also write to."""
    async with db.session() as s:
        ws = WorkspaceRow(platform="shell", external_id="T1", name="Team", default_locale="en", created_at=now)
        s.add(ws)
        await s.flush()
        to = ConversationRef.dm(AccountRef(platform="shell", workspace_id="T1", user_id="u00"))
        await enqueue(s, [PlannedDelivery(workspace_pk=ws.id, kind="reminder", source_id=f"r{i}", occurrence="o",
                                          due_at=now, action=Send(to=to, content=Content.text(f"r{i}")))
                          for i in range(count)], now=now)


COMMANDS = ("/tz set Asia/Jakarta", '/deadline add "Laporan {n}" in 3 hours remind 1h', "/tz set Europe/Berlin",
            "/deadline list")


async def sqlite_writers(path: Path, *, writers: int = 20, rounds: int = 10, deliveries: int = 500,
                         shared_engine: bool = False, within: float = 600.0) -> dict[str, Any]:
    """`writers` members type commands at once while a dispatcher sends a burst: each through an engine of
    its own (its own SQLite connection, as separate processes would have), or with `shared_engine` all
    through one, as inside one Rekan process (its connection pool)."""
    url = f"sqlite+aiosqlite:///{path}"
    setup = Database(url)
    await setup.upgrade()
    clock = SystemClock()
    await _seed_shell_burst(setup, deliveries, clock.now())
    await setup.dispose()
    watch = LockWatch()
    shared = Database(url) if shared_engine else None
    engines = [shared or Database(url) for _ in range(writers + 1)]
    for db in {id(e): e for e in engines}.values():
        watch.watch(db)
    latencies: list[float] = []

    async def member(n: int, db: Database) -> None:
        router = build_router(Services(db=db, clock=clock))
        actor = AccountRef(platform="shell", workspace_id="T1", user_id=f"u{n:02d}")
        for r in range(rounds):
            for c, line in enumerate(COMMANDS):
                name, _, rest = line[1:].partition(" ")
                command = CommandInvoked(name=name, text=rest.format(n=f"{n}.{r}"), platform="shell",
                                         event_id=f"w{n}-{r}-{c}", actor=actor,
                                         conversation=ConversationRef.dm(actor), at=clock.now(),
                                         actor_name=actor.user_id)
                t0 = time.monotonic()
                await router.handle(command, SHELL)
                latencies.append(time.monotonic() - t0)

    sender = NullSender()
    dispatcher = Dispatcher(engines[-1], clock, sender, Policies({}, timedelta(hours=1)), worker_id="dispatch")

    async def dispatch() -> None:
        async def drained() -> bool:
            await dispatcher.run_due()
            async with engines[-1].read() as s:
                left = await s.scalar(select(func.count()).select_from(DeliveryRow).where(
                    DeliveryRow.kind == "reminder", DeliveryRow.status.not_in(DONE)))
            return not left
        await wait_for(drained, within=within, what="the burst dispatched")

    started = time.monotonic()
    try:
        with _watching(watch):
            await asyncio.gather(dispatch(), *(member(n, db) for n, db in enumerate(engines[:-1])))
    finally:
        for db in {id(e): e for e in engines}.values():
            await db.dispose()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"scenario": "sqlite_writers", "writers": writers, "plus_dispatcher": 1, "rounds": rounds,
            "engines": 1 if shared_engine else writers + 1,
            "commands": len(latencies), "failed_commands": watch.failed_events, "deliveries_sent": sender.sent,
            "deliveries": deliveries, "database_is_locked": watch.locked,
            "other_db_errors": [e for e in watch.engine_errors if "locked" not in e and "busy" not in e][:5],
            "command_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "command_p99_ms": round(latencies[min(len(latencies) * 99 // 100, len(latencies) - 1)] * 1000, 1),
            "command_max_ms": round(latencies[-1] * 1000, 1), "seconds": round(elapsed, 2)}

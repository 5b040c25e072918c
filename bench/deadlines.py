"""Deadline planning and storage: quiet-hours planning, `/deadline add` for a crowd, and the planner pass.

Run: `.venv/bin/python -m bench.deadlines [--postgres URL]`. Three figures, each against a baseline
measured in the same process, so machines of different speed can be compared by the ratios:

1. `plan_item` for one deadline with 1,000 assignees and 3 lead times (3,000 sends), in memory:
   µs per planned send with quiet hours (assignees in five zones, 09:00-17:00 Mon-Fri) against `urgent`
   (no shifting, the baseline).
2. `/deadline add` through the router for 1,000 assignees against 10 (the baseline): the command stores
   the deadline and its assignees, enqueues an assignment notice each and plans what falls within 26 h.
3. One planner pass over 1,000 open deadlines with 5 assignees each: the first pass (it inserts) and a
   second over the same window (nothing new: the idempotent re-plan that runs every minute), as a
   ratio to the first.

2 and 3 run on SQLite (a temp file) and, with `--postgres`, on PostgreSQL in a throwaway database.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.pg import drop_postgres, fresh_postgres, postgres_version
from bot.app import build_router
from bot.clock import ManualClock
from bot.core.actions import Send
from bot.core.capabilities import SHELL
from bot.core.context import Services
from bot.core.events import CommandInvoked
from bot.core.identity import AccountRef, ConversationRef, Member, WorkingHours, WorkspaceRef
from bot.core.render_text import render_plain
from bot.features.deadlines.plan import People, plan_item
from bot.features.deadlines.source import DeadlineSource
from bot.scheduling.planner import Planner
from storage.models import Base, DeadlineAssigneeRow, DeadlineRow, DeliveryRow, MemberRow
from storage.repositories import deadlines as deadlines_repo
from storage.repositories import members as members_repo
from storage.repositories.deadlines import DEADLINE, DeadlineRecord, NewDeadline
from storage.session import Database

START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
"""Monday 09:00 in Jakarta, 07:30 in Kolkata, 03:00 in Berlin, 02:00 in London, Sunday 21:00 in New York."""
WORKSPACE = "T1"
CREATOR = "ayu"
ZONES = ("Asia/Jakarta", "Asia/Kolkata", "Europe/Berlin", "Europe/London", "America/New_York")
HOURS = WorkingHours(start_minute=9 * 60, end_minute=17 * 60, workdays=frozenset(range(5)))
LEADS = (24 * 60, 60, 0)
CROWD = 1000
SMALL = 10
PLANNED_DEADLINES = 1000
PER_DEADLINE = 5


def _median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def _user(n: int) -> str:
    return f"u{n:04d}"


def _zone_of(n: int) -> str:
    return ZONES[n % len(ZONES)]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    return (f"machine: {model}, {os.cpu_count()} cpus, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


# --- 1. planning in memory ------------------------------------------------------------------------


def _people(count: int) -> People:
    members = {
        _user(n): Member(id=n + 1, workspace_pk=1,
                         account=AccountRef(platform="shell", workspace_id=WORKSPACE, user_id=_user(n)),
                         display_name=_user(n).title(), tz=_zone_of(n), hours=HOURS, locale="en")
        for n in range(count)
    }
    return People(members=members, default_locale="en")


def _record(assignees: tuple[str, ...], *, urgent: bool) -> DeadlineRecord:
    due = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # Thursday: every lead falls after START
    return DeadlineRecord(id=1, workspace_pk=1, platform="shell", workspace_external_id=WORKSPACE,
                          kind=DEADLINE, title="All hands", creator=CREATOR, assignees=assignees,
                          channel_id=None, due_at=due, zone="Asia/Jakarta", rrule=None, anchor_local=None,
                          leads=LEADS, urgent=urgent, status="open", planned_from=START, created_at=START)


@dataclass(frozen=True, kw_only=True)
class PlanFigure:
    label: str
    sends: int
    seconds: float

    @property
    def us_per_send(self) -> float:
        return self.seconds / self.sends * 1e6


def bench_plan(repeats: int) -> list[PlanFigure]:
    people = _people(CROWD)
    assignees = tuple(people.members)
    end = datetime(2026, 12, 3, 10, 1, tzinfo=UTC)  # past the last lead, before any overdue follow-up
    out: list[PlanFigure] = []
    for label, urgent in (("urgent (no quiet hours)", True), ("quiet hours, 5 zones", False)):
        record = _record(assignees, urgent=urgent)
        [slot.planned() for slot in plan_item(record, people, START, end)]  # warm the zone and message caches
        samples: list[float] = []
        sends = 0
        for _ in range(repeats):
            started = time.perf_counter()
            sends = len([slot.planned() for slot in plan_item(record, people, START, end)])  # messages too
            samples.append(time.perf_counter() - started)
        # Quiet hours may move two leads of one member to the same moment, which then sends once.
        if sends > CROWD * len(LEADS) or (urgent and sends != CROWD * len(LEADS)):
            raise SystemExit(f"{label}: planned {sends} sends, expected {CROWD * len(LEADS)}")
        out.append(PlanFigure(label=label, sends=sends, seconds=_median(samples)))
    return out


# --- seeding ----------------------------------------------------------------------------------------


async def _seed(db: Database, members: int) -> int:
    """The workspace, its admin `ayu` in Jakarta and `members` teammates spread over the five zones."""
    await db.upgrade()
    async with db.session() as s:
        ws = await members_repo.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id=WORKSPACE),
                                                 now=START)
        creator = await members_repo.ensure_member(s, ws.id, CREATOR, now=START, display_name="Ayu",
                                                   is_admin=True)
        creator.tz, creator.tz_source, creator.locale = "Asia/Jakarta", "user", "en"
        creator.work_start_minute, creator.work_end_minute, creator.workdays = 9 * 60, 17 * 60, "01234"
        s.add_all(MemberRow(workspace_id=ws.id, user_id=_user(n), display_name=_user(n).title(),
                            tz=_zone_of(n), tz_source="user", locale="en", work_start_minute=9 * 60,
                            work_end_minute=17 * 60, workdays="01234", is_admin=False, is_manager=False,
                            created_at=START, updated_at=START)
                  for n in range(members))
        return ws.id


async def _count(db: Database, model: type[Base]) -> int:
    async with db.read() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


# --- 2. the command ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CommandFigure:
    assignees: int
    seconds: float
    enqueued: int


_events = itertools.count(1)


async def _command(db: Database, clock: ManualClock, line: str) -> str:
    router = build_router(Services(db=db, clock=clock))
    actor = AccountRef(platform="shell", workspace_id=WORKSPACE, user_id=CREATOR)
    name, _, rest = line[1:].partition(" ")
    event = CommandInvoked(name=name, text=rest, platform="shell", event_id=f"bench{next(_events)}",
                           actor=actor, conversation=ConversationRef.dm(actor), at=clock.now(),
                           actor_name="Ayu")
    actions = await router.handle(event, SHELL)
    return "\n".join(render_plain(a.content) for a in actions if isinstance(a, Send))


async def _add(db: Database, clock: ManualClock, count: int) -> tuple[float, int]:
    """One `/deadline add` for the first `count` teammates: seconds, and the deliveries it enqueued."""
    mentions = " ".join(f"<@{_user(n)}>" for n in range(count))
    line = f'/deadline add "All hands" Tue 15:00 for {mentions} remind 1d,1h,0'
    deadlines, deliveries = await _count(db, DeadlineRow), await _count(db, DeliveryRow)
    started = time.perf_counter()
    reply = await _command(db, clock, line)
    elapsed = time.perf_counter() - started
    if await _count(db, DeadlineRow) != deadlines + 1:
        raise SystemExit(f"/deadline add for {count} stored nothing:\n{reply}")
    return elapsed, await _count(db, DeliveryRow) - deliveries


async def bench_command(url: str, repeats: int) -> list[CommandFigure]:
    db = Database(url)
    try:
        await _seed(db, CROWD)
        clock = ManualClock(START)
        await _add(db, clock, SMALL)  # warm-up: catalogs, zones, the reader, statement caches
        out: list[CommandFigure] = []
        for count in (SMALL, CROWD):
            runs = [await _add(db, clock, count) for _ in range(repeats)]
            out.append(CommandFigure(assignees=count, seconds=_median([r[0] for r in runs]),
                                     enqueued=runs[-1][1]))
        return out
    finally:
        await db.dispose()


# --- 3. the planner pass ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PassFigure:
    label: str
    seconds: float
    added: int


async def _seed_deadlines(db: Database) -> None:
    """1,000 open deadlines due from Monday 10:00 UTC over three days, each for one teammate per zone."""
    ws_pk = await _seed(db, PER_DEADLINE * 10)
    async with db.session() as s:
        for i in range(PLANNED_DEADLINES):
            due = START + timedelta(hours=8) + timedelta(minutes=(i * 3 * 24 * 60) // PLANNED_DEADLINES)
            team = tuple(_user((i * PER_DEADLINE + k) % (PER_DEADLINE * 10)) for k in range(PER_DEADLINE))
            await deadlines_repo.insert(s, NewDeadline(
                workspace_pk=ws_pk, kind=DEADLINE, title=f"Deliverable {i}", creator=CREATOR, assignees=team,
                channel_id=None, due_at=due, zone="Asia/Jakarta", rrule=None, anchor_local=None, leads=LEADS,
                urgent=False), now=START)


async def _timed(run: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    started = time.perf_counter()
    added = await run()
    return time.perf_counter() - started, added


async def bench_planner(url: str, repeats: int) -> list[PassFigure]:
    db = Database(url)
    try:
        await _seed_deadlines(db)
        if await _count(db, DeadlineAssigneeRow) != PLANNED_DEADLINES * PER_DEADLINE:
            raise SystemExit("seeding the deadlines went wrong")
        planner = Planner(db, ManualClock(START), [DeadlineSource()])
        first, added = await _timed(planner.run)
        again = [await _timed(planner.run) for _ in range(repeats)]
        if any(n for _, n in again):
            raise SystemExit(f"the re-plan added {[n for _, n in again]} rows: planning is not idempotent")
        return [PassFigure(label="first pass (inserts)", seconds=first, added=added),
                PassFigure(label="re-plan, same window", seconds=_median([t for t, _ in again]), added=0)]
    finally:
        await db.dispose()


# --- output -----------------------------------------------------------------------------------------


def _print_plan(figures: list[PlanFigure]) -> None:
    base = figures[0]
    print(f"\nplan_item: 1 deadline, {CROWD} assignees, {len(LEADS)} leads (median of repeats)")
    for f in figures:
        print(f"  {f.label:<26} {f.sends:5d} sends  {f.seconds * 1e3:8.1f} ms  {f.us_per_send:7.1f} µs/send"
              f"  x{f.seconds / base.seconds:5.2f}")


def _print_command(dialect: str, figures: list[CommandFigure]) -> None:
    base = figures[0]
    print(f"\n{dialect}: /deadline add through the router (median of repeats)")
    for f in figures:
        print(f"  {f.assignees:5d} assignees  {f.seconds:7.3f} s  {f.enqueued:5d} deliveries enqueued"
              f"  {f.seconds / f.assignees * 1e3:6.2f} ms/assignee  x{f.seconds / base.seconds:6.1f}")


def _print_planner(dialect: str, figures: list[PassFigure]) -> None:
    base = figures[0]
    print(f"\n{dialect}: planner pass, {PLANNED_DEADLINES} open deadlines x {PER_DEADLINE} assignees")
    for f in figures:
        ratio = f.seconds / base.seconds
        print(f"  {f.label:<24} {f.seconds:7.3f} s  {f.added:5d} rows added  x{ratio:5.2f}")


async def _database_suite(dialect: str, make: Callable[[], Awaitable[str]], repeats: int) -> None:
    _print_command(dialect, await bench_command(await make(), repeats))
    _print_planner(dialect, await bench_planner(await make(), repeats))


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("REKAN_TEST_POSTGRES_URL"))
    parser.add_argument("--repeats", type=int, default=5, help="repetitions of each cheap figure")
    args = parser.parse_args(argv)
    print(machine())
    _print_plan(bench_plan(args.repeats))
    with tempfile.TemporaryDirectory() as tmp:
        files = (f"sqlite+aiosqlite:///{Path(tmp) / f'bench{i}.db'}" for i in itertools.count())

        async def next_file() -> str:
            return next(files)

        await _database_suite("sqlite", next_file, args.repeats)
    if args.postgres:
        print(f"\nPostgreSQL {await postgres_version(args.postgres)}")
        made: list[str] = []

        async def next_database() -> str:
            url, name = await fresh_postgres(args.postgres)
            made.append(name)
            return url

        try:
            await _database_suite("postgresql", next_database, args.repeats)
        finally:
            for name in made:
                await drop_postgres(args.postgres, name)


if __name__ == "__main__":
    asyncio.run(main())

"""Fan-out at the rate limit: 10,000 standup prompts due in one minute, sent through the real sending path
to a fake Slack and a fake Discord that enforce the platforms' rate limits with 429s.

Run: `.venv/bin/python -m bench.fanout [--count 10000] [--rate 50 [--rate 100]] [--postgres URL]
[--platform slack|discord|both] [--quick]`. `--quick` is a smoke run of a few seconds (100 prompts, Slack
at 100/s). Prints one JSON object on stdout; progress goes to stderr. Each run gets a fresh database: a
SQLite file in a temp directory, and with `--postgres` also a throwaway PostgreSQL database.

Knobs for finding out why a target is missed: `--latency MS` delays every answer of the fakes (a round
trip to the real API takes tens to hundreds of milliseconds; 127.0.0.1 well under one); `--concurrency C`
builds the dispatcher with C sends at once (Rekan builds it with 1); `--pacing shipped` uses the Slack
adapter's own SendQueue; `--pace-factor F` paces Slack at F × R (over 1 overruns the budget, to see the
429 handling); `--burst B` gives the SendQueue's buckets a burst of B (the adapter's: 1).

What is real: the outbox (`enqueue`), Rekan's `Dispatcher` (built by `Rekan` from its settings, or with
`--concurrency` sends at once), the core's `SendQueue`, the adapters' `SlackSender` / `DiscordSender`, and
slack_sdk's `AsyncWebClient` / discord.py's `HTTPClient` (its own bucket limiter and 429 handling), over
HTTP on 127.0.0.1 to the fakes of the adapters' tests. The prompts are enqueued directly (kind
`standup_prompt`, one DM to each of N members, all due now), so every DM is its own channel and the
workspace (Slack) or global (Discord) budget is what binds. Each prompt carries a unique marker.

- Slack: the fake enforces `--rate` R posts a second per workspace (bursts up to one second's worth) and
  1 a second per channel, answering 429 with Retry-After (whole seconds) beyond either. The SendQueue is
  the adapter's (1 a second per channel) with the workspace rate set to R (`--pacing bench`, the default),
  or the adapter's own `SendQueue` as shipped (`--pacing shipped`, workspace rate `WORKSPACE_RATE`).
- Discord: the fake enforces the global 50 requests a second (fixed 1 s windows) and 5 messages per 5 s
  per channel, with Discord's 429s and X-RateLimit-* headers; the sender is the adapter's own, as shipped.
  DMs need their channel opened first (POST /users/@me/channels, cached in memory by the sender), so two
  runs: `cold` (the first prompts after a start: two requests a prompt) and then `warm` (the next day's
  prompts through the same sender, one request each).

Figures per run:

- `requests`: HTTP requests the fake answered while the run lasted; `rate_limited`: how many were 429s;
  `rate_limited_share`: their share.
- `elapsed_s`: from the first claim until every prompt is marked sent (or `--timeout`);
  `ideal_s`: N / R, the least time the budget allows (the baseline); `efficiency`: ideal ÷ elapsed.
  `request_ideal_s`: the requests that had to succeed ÷ R (Discord's cold run needs two per prompt).
- `lost`: prompts the fake never accepted; `duplicated`: extra copies it accepted; `misrouted`: a marker
  seen in another member's DM. `statuses`: the outbox rows' final states.
- `cpu_ms_per_prompt`: this process's CPU time per prompt while it ran, the fake's included (it serves
  from the same event loop); `load_average_1m` before and after: the machine's 1-minute load average, since
  a busy machine shows as lost efficiency.

Targets (issue 9): efficiency ≥ 0.95, 429s ≤ 1% of requests, 0 lost, 0 duplicated, for each run
(`met`, and `targets.met` for all of them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.discord.app import DiscordAdapter
from adapters.slack import app as slack_app
from adapters.slack.app import SlackAdapter
from adapters.slack.sender import SlackSender
from bot.app import Rekan
from bot.config import Settings, load_settings
from bot.core.actions import Send
from bot.core.content import Content, Emphasis, Paragraph, Text
from bot.core.context import message_paragraph
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.ratelimit import SendQueue
from bot.time.format import format_date
from storage.models import DeliveryRow, WorkspaceRow
from storage.session import Database
from tests.fakes.discord import GUILD_ID, FakeDiscord, dm_channel_id, guild
from tests.fakes.discord_api import Request
from tests.fakes.slack import FakeSlack

COUNT = 10_000
QUICK_COUNT = 100
SLACK_RATE = 50.0
QUICK_SLACK_RATE = 100.0
DISCORD_GLOBAL = 50
TEAM = "T0FANOUT"
SLACK_TOKEN = "xoxb-1111-2222-fanout"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DISCORD_TOKEN = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.fake.discord-token-for-bench"
KIND = "standup_prompt"
SOURCE = "bench-fanout"
DAY = date(2026, 11, 30)
MARKER = re.compile(r"\\?\[fanout (\d{4}-\d{2}-\d{2}) #(\d+)\\?\]")  # Discord escapes the brackets
DISCORD_USER_BASE = 1_200_000_000_000_000_000
TARGET_EFFICIENCY = 0.95
TARGET_429_SHARE = 0.01

log = logging.getLogger("bench.fanout")


# --- the fakes, with an optional answer delay ---------------------------------------------------------


class Received:
    """What a fake accepted: marker → destinations, with the time of the first and last acceptance."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int], list[str]] = {}
        self.first: float | None = None
        self.last: float | None = None

    def add(self, text: str, destination: str) -> None:
        found = MARKER.search(text)
        if found is None:
            return
        now = time.perf_counter()
        self.first = now if self.first is None else self.first
        self.last = now
        self.seen.setdefault((found[1], int(found[2])), []).append(destination)


class LaggedSlack(FakeSlack):
    """The fake Slack, answering each Web API call `latency` seconds late (half before, half after)."""

    def __init__(self, latency: float, **kw: Any) -> None:
        super().__init__(**kw)
        self.latency = latency
        self.received = Received()

    async def handle_api(self, request: web.Request) -> web.Response:
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        response = await super().handle_api(request)
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        return response

    def _post_message(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        reply = super()._post_message(p, token)
        if reply["ok"]:
            self.received.add(str(p.get("text") or p), str(p.get("channel")))
        return reply


class LaggedDiscord(FakeDiscord):
    """The fake Discord, answering each REST call `latency` seconds late (half before, half after)."""

    def __init__(self, latency: float, **kw: Any) -> None:
        super().__init__(**kw)
        self.latency = latency
        self.received = Received()

    async def handle_rest(self, request: web.Request) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        response = await super().handle_rest(request)
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        return response

    async def _create_message(self, r: Request) -> web.Response:
        response = await super()._create_message(r)
        if response.status == 200 and isinstance(r.json, dict):
            self.received.add(str(r.json.get("content") or ""), r.params["channel_id"])
        return response


# --- the prompts --------------------------------------------------------------------------------------


def prompt(day: date, n: int) -> Content:
    """A standup prompt as the composer writes it, with the bench's marker in its last line."""
    head = message_paragraph("standups.prompt", "en", name=Emphasis(text="Daily"), day=format_date(day, "en"))
    hint = message_paragraph("standups.prompt_hint", "en", name="Daily")
    question = Paragraph(inlines=(Text(text="(1/3) What did you do yesterday?"),))
    marker = Paragraph(inlines=(Text(text=f"[fanout {day.isoformat()} #{n}]"),))
    return Content(blocks=(head, question, hint, marker))


def slack_user(n: int) -> str:
    return f"U{n:08d}"


def discord_user(n: int) -> str:
    return str(DISCORD_USER_BASE + n)


async def seed_workspace(db: Database, platform_name: str, external_id: str) -> int:
    await db.upgrade()
    async with db.session() as s:
        ws = WorkspaceRow(platform=platform_name, external_id=external_id, name="Fan-out",
                          default_locale="en", created_at=datetime.now(UTC))
        s.add(ws)
        await s.flush()
        return ws.id


async def enqueue_prompts(db: Database, ws_pk: int, platform_name: str, workspace: str, users: Sequence[str],
                          day: date) -> None:
    """One prompt per member, all due now (the `standup_prompt` kind, its payload stored, not composed)."""
    now = datetime.now(UTC)
    def to(user: str) -> ConversationRef:
        return ConversationRef.dm(AccountRef(platform=platform_name, workspace_id=workspace, user_id=user))

    items = [PlannedDelivery(workspace_pk=ws_pk, kind=KIND, source_id=SOURCE, occurrence=f"{day}|{user}",
                             due_at=now - timedelta(seconds=n % 60 / 100), owner_user_id=users[0],
                             action=Send(to=to(user), content=prompt(day, n)))
             for n, user in enumerate(users)]
    async with db.session() as s:
        added = await enqueue(s, items, now=now)
    if added != len(users):
        raise SystemExit(f"enqueued {added} of {len(users)} prompts")


async def statuses(db: Database) -> dict[str, int]:
    async with db.read() as s:
        rows = (await s.execute(select(DeliveryRow.status, func.count()).where(DeliveryRow.kind == KIND)
                                .group_by(DeliveryRow.status))).all()
    return {str(status): int(n) for status, n in rows}


async def open_rows(db: Database) -> int:
    counted = await statuses(db)
    return counted.get("pending", 0) + counted.get("claimed", 0)


def dispatcher_for(rekan: Rekan, settings: Settings, concurrency: int) -> Dispatcher:
    """Rekan's own dispatcher; with `concurrency` > 1, the same one built with that many sends at once."""
    if concurrency == 1:
        return rekan.dispatcher
    sched = settings.scheduling
    policies = Policies(mapping={k: timedelta(minutes=v) for k, v in sched.grace_minutes.items()},
                        default=sched.grace_for("default"))
    return Dispatcher(rekan.db, rekan.clock, rekan.outbound, policies, worker_id="bench-fanout",
                      lease=timedelta(seconds=sched.lease_seconds), batch_size=sched.dispatch_batch_size,
                      concurrency=concurrency, platforms=lambda: rekan.outbound.platforms)


async def drain(run: Run, dispatcher: Dispatcher, db: Database, limit_s: float) -> None:
    """Dispatch until every prompt is sent or failed (retries that come due later included), as the
    scheduler service would; sets the run's elapsed and CPU time, the load, and whether `limit_s` cut it
    short."""
    started, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]

    def done(timed_out: bool) -> None:
        run.elapsed_s, run.timed_out = time.perf_counter() - started, timed_out
        run.cpu_s, run.load = time.process_time() - cpu, (load, os.getloadavg()[0])

    deadline = started + limit_s
    while True:
        await dispatcher.run_due()
        if not await open_rows(db):
            return done(False)
        if time.perf_counter() >= deadline:
            return done(True)
        due = await dispatcher.next_due_at()
        wait = (due - datetime.now(UTC)).total_seconds() if due else 0.5
        await asyncio.sleep(min(max(wait, 0.01), max(deadline - time.perf_counter(), 0.01)))


# --- one run ------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Run:
    platform: str
    database: str
    label: str
    count: int
    rate: float
    pacing: dict[str, Any]
    concurrency: int
    latency_ms: float
    requests: int = 0
    rate_limited: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    fake_span_s: float = 0.0
    timed_out: bool = False
    lost: int = 0
    duplicated: int = 0
    misrouted: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    needed_requests: int = 0
    cpu_s: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)

    @property
    def ideal_s(self) -> float:
        return self.count / self.rate

    def figures(self) -> dict[str, Any]:
        share = self.rate_limited / self.requests if self.requests else 0.0
        efficiency = self.ideal_s / self.elapsed_s if self.elapsed_s else 0.0
        met = {"efficiency": efficiency >= TARGET_EFFICIENCY, "rate_limited_share": share <= TARGET_429_SHARE,
               "lost": self.lost == 0, "duplicated": self.duplicated == 0}
        return {
            "platform": self.platform, "database": self.database, "run": self.label, "count": self.count,
            "rate_per_s": self.rate, "pacing": self.pacing, "concurrency": self.concurrency,
            "latency_ms": self.latency_ms,
            "requests": self.requests, "rate_limited": self.rate_limited,
            "rate_limited_share": round(share, 5), "requests_by_route": self.by_kind,
            "elapsed_s": round(self.elapsed_s, 2), "ideal_s": round(self.ideal_s, 2),
            "efficiency": round(efficiency, 4),
            "request_ideal_s": round(self.needed_requests / self.rate, 2),
            "first_to_last_accepted_s": round(self.fake_span_s, 2),
            "cpu_ms_per_prompt": round(self.cpu_s / self.count * 1e3, 2),
            "load_average_1m": {"before": round(self.load[0], 2), "after": round(self.load[1], 2)},
            "timed_out": self.timed_out, "lost": self.lost, "duplicated": self.duplicated,
            "misrouted": self.misrouted, "statuses": self.statuses, "met": met, "all_met": all(met.values()),
        }


def score(run: Run, received: Received, day: date, expected: dict[int, str]) -> None:
    """Lost, duplicated and misrouted prompts of `day`, from the markers the fake accepted."""
    for n, destination in expected.items():
        got = received.seen.get((day.isoformat(), n), [])
        run.lost += not got
        run.duplicated += max(len(got) - 1, 0)
        run.misrouted += sum(1 for d in got if d != destination)
    if received.first is not None and received.last is not None:
        run.fake_span_s = received.last - received.first


def limit_for(count: int, rate: float, floor_rate: float, explicit: float | None) -> float:
    """Long enough for the slowest pacing the run may have (`floor_rate`), with a minute to spare."""
    return explicit if explicit is not None else count / min(rate, floor_rate) * 1.5 + 60


async def run_slack(url: str, database: str, count: int, rate: float, *, pacing: str, concurrency: int,
                    latency: float, limit_s: float | None, pace_factor: float, burst: int) -> Run:
    fake = LaggedSlack(latency, team_id=TEAM)
    async with fake:
        fake.enforce_budget(rate)
        settings = load_settings(None, env={"SLACK_BOT_TOKEN": SLACK_TOKEN, "REKAN_DATABASE_URL": url,
                                            "SLACK_SIGNING_SECRET": SIGNING_SECRET})
        rekan = Rekan(settings, database_url=url)
        adapter = SlackAdapter(rekan, settings, api_url=fake.api_url)
        shipped = slack_app.WORKSPACE_RATE
        paced_at = rate * pace_factor if pacing == "bench" else shipped
        if pacing == "bench":
            # The adapter's own construction (1 a second per channel), with the workspace budget set to R.
            queue = SendQueue(SlackSender(adapter.client_for), per_destination_rate=1.0,
                              workspace_rate=paced_at, burst=burst)
            rekan.outbound.register("slack", queue)
            paced = {"source": "bench", "workspace_rate": paced_at, "per_destination_rate": 1.0,
                     "burst": burst, "adapter_ships_workspace_rate": shipped}
        else:
            paced = {"source": "adapter", "workspace_rate": shipped, "per_destination_rate": 1.0, "burst": 1}
        try:
            ws_pk = await seed_workspace(rekan.db, "slack", TEAM)
            users = [slack_user(n) for n in range(count)]
            await enqueue_prompts(rekan.db, ws_pk, "slack", TEAM, users, DAY)
            run = Run(platform="slack", database=database, label=f"R={rate:g}", count=count, rate=rate,
                      pacing=paced, concurrency=concurrency, latency_ms=latency * 1e3, needed_requests=count)
            before = len(fake.calls)
            log.info("slack %s: %d prompts at R=%g (%s pacing)...", database, count, rate, pacing)
            dispatcher = dispatcher_for(rekan, settings, concurrency)
            limit = limit_for(count, rate, paced_at, limit_s)
            await drain(run, dispatcher, rekan.db, limit)
            calls = fake.calls[before:]
            run.requests, run.rate_limited = len(calls), sum(1 for c in calls if c.failed == "ratelimited")
            run.by_kind = dict(Counter(c.method for c in calls))
            score(run, fake.received, DAY, {n: u for n, u in enumerate(users)})
            run.statuses = await statuses(rekan.db)
            return run
        finally:
            await rekan.db.dispose()


def discord_route(method: str, path: str) -> str:
    return f"{method} " + re.sub(r"\d{5,}", "{id}", path)


async def run_discord(url: str, database: str, count: int, *, concurrency: int, latency: float,
                      limit_s: float | None, days: Sequence[str]) -> list[Run]:
    rate = float(DISCORD_GLOBAL)
    fake = LaggedDiscord(latency, guilds=[guild()])
    async with fake:
        fake.enforce_rate_limits(global_limit=DISCORD_GLOBAL)
        settings = load_settings(None, env={"DISCORD_BOT_TOKEN": DISCORD_TOKEN, "REKAN_DATABASE_URL": url})
        rekan = Rekan(settings, database_url=url)
        adapter = DiscordAdapter(rekan, settings, client_options={"guild_ready_timeout": 0.05})
        paced: dict[str, Any] = {"source": "adapter", "per_destination_rate": 5.0, "burst": 5,
                                 "workspace_rate": None, "global": "discord.py (reacts to 429s only)"}
        await adapter.client.login(DISCORD_TOKEN)
        runs: list[Run] = []
        try:
            ws_pk = await seed_workspace(rekan.db, "discord", str(GUILD_ID))
            users = [discord_user(n) for n in range(count)]
            for offset, label in enumerate(days):
                day = DAY + timedelta(days=offset)
                await enqueue_prompts(rekan.db, ws_pk, "discord", str(GUILD_ID), users, day)
                cold = label == "cold"
                run = Run(platform="discord", database=database, label=label, count=count, rate=rate,
                          pacing=paced, concurrency=concurrency, latency_ms=latency * 1e3,
                          needed_requests=count * (2 if cold else 1))
                before = len(fake.calls)
                fake.received.first = fake.received.last = None
                log.info("discord %s: %d prompts, %s DM channels...", database, count, label)
                await drain(run, dispatcher_for(rekan, settings, concurrency), rekan.db,
                            limit_for(run.needed_requests, rate, rate, limit_s))
                calls = fake.calls[before:]
                run.requests, run.rate_limited = len(calls), sum(1 for c in calls if c.status == 429)
                run.by_kind = dict(Counter(discord_route(c.method, c.path) for c in calls))
                run.by_kind["429 global"] = sum(1 for c in calls if c.failed == "rate_limited_global")
                score(run, fake.received, day, {n: str(dm_channel_id(int(u))) for n, u in enumerate(users)})
                day_rows = await statuses(rekan.db)
                run.statuses = {k: v - sum(r.statuses.get(k, 0) for r in runs) for k, v in day_rows.items()}
                runs.append(run)
            return runs
        finally:
            await adapter.client.close()
            await rekan.db.dispose()


# --- databases and output -----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_postgres(admin_url: str) -> AsyncIterator[str]:
    """A throwaway database, so the bench never touches real data."""
    name = f"rekan_bench_{uuid.uuid4().hex[:8]}"
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


async def postgres_version(admin_url: str) -> str:
    engine = create_async_engine(admin_url)
    async with engine.connect() as conn:
        version = str((await conn.execute(text("SHOW server_version"))).scalar_one())
    await engine.dispose()
    return version


def machine() -> dict[str, Any]:
    model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory = round(kib / 2**20, 1)
    return {"cpu": model, "cpus": os.cpu_count(), "memory_gib": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}


async def suite(args: argparse.Namespace, url: str, database: str) -> list[Run]:
    runs: list[Run] = []
    kw: dict[str, Any] = {"concurrency": args.concurrency, "latency": args.latency / 1e3,
                          "limit_s": args.timeout}
    if args.platform in {"slack", "both"}:
        for rate in args.rate:
            async with url_for(url, database) as fresh:
                runs.append(await run_slack(fresh, database, args.count, rate, pacing=args.pacing,
                                            pace_factor=args.pace_factor, burst=args.burst, **kw))
                log.info("%s", json.dumps(runs[-1].figures()))
    if args.platform in {"discord", "both"}:
        async with url_for(url, database) as fresh:
            runs += await run_discord(fresh, database, args.count, days=args.discord_days, **kw)
            for run in runs[-len(args.discord_days):]:
                log.info("%s", json.dumps(run.figures()))
    return runs


@contextlib.asynccontextmanager
async def url_for(base: str, database: str) -> AsyncIterator[str]:
    """A fresh database per run: a new SQLite file in the temp directory, or a throwaway PostgreSQL one."""
    if database == "sqlite":
        yield f"sqlite+aiosqlite:///{Path(base) / f'fanout-{uuid.uuid4().hex[:8]}.db'}"
    else:
        async with fresh_postgres(base) as url:
            yield url


async def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=None,
                        help=f"prompts per run ({COUNT}; quick {QUICK_COUNT})")
    parser.add_argument("--rate", type=float, action="append", default=None,
                        help=f"Slack's workspace budget R, posts/s; repeat for several runs ({SLACK_RATE:g})")
    parser.add_argument("--platform", choices=("slack", "discord", "both"), default="both")
    parser.add_argument("--postgres", default=os.environ.get("REKAN_TEST_POSTGRES_URL"),
                        help="also run on PostgreSQL, in a throwaway database made through this URL")
    parser.add_argument("--latency", type=float, default=0.0, help="ms the fakes wait before answering")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="the dispatcher's sends at once (1: Rekan's dispatcher as built)")
    parser.add_argument("--pacing", choices=("bench", "shipped"), default="bench",
                        help="Slack's SendQueue at R (bench) or the adapter's own (shipped)")
    parser.add_argument("--pace-factor", type=float, default=1.0,
                        help="bench pacing: Slack's SendQueue at this multiple of R (over 1 overruns it)")
    parser.add_argument("--burst", type=int, default=1,
                        help="bench pacing: the SendQueue's burst (the adapter's: 1)")
    parser.add_argument("--discord-days", default="cold,warm",
                        help="Discord runs: cold (DM channels not opened yet), then warm (opened by it)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds a run may take (default: ample)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_COUNT} prompts, Slack at {QUICK_SLACK_RATE:g}/s")
    args = parser.parse_args(argv)
    args.count = args.count or (QUICK_COUNT if args.quick else COUNT)
    args.rate = args.rate or [QUICK_SLACK_RATE if args.quick else SLACK_RATE]
    args.discord_days = [d.strip() for d in args.discord_days.split(",") if d.strip()]
    if args.discord_days not in (["cold"], ["cold", "warm"]) or args.count < 1 or args.concurrency < 1:
        parser.error("--discord-days is cold or cold,warm; --count and --concurrency must be positive")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    for noisy in ("discord", "slack_sdk", "slack_bolt", "bot", "adapters", "aiohttp", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    started = time.perf_counter()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        runs += await suite(args, tmp, "sqlite")
    postgres = None
    if args.postgres:
        postgres = await postgres_version(args.postgres)
        runs += await suite(args, args.postgres, "postgresql")
    figures = [r.figures() for r in runs]
    result: dict[str, Any] = {
        "bench": "fanout",
        "count": args.count,
        "quick": args.quick,
        "runs": figures,
        "targets": {"efficiency_at_least": TARGET_EFFICIENCY, "rate_limited_share_at_most": TARGET_429_SHARE,
                    "lost": 0, "duplicated": 0, "met": all(f["all_met"] for f in figures)},
        "machine": {**machine(), "postgresql": postgres},
        "runtime_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    asyncio.run(main())

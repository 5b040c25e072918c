"""Fan-out at the rate limit: 10,000 standup prompts due in one minute, sent through the real sending path
to a fake Slack and a fake Discord that enforce the platforms' rate limits with 429s.

Run: `.venv/bin/python -m bench.fanout [--count 10000] [--rate 50 [--rate 100]] [--postgres URL]
[--platform slack|discord|both] [--quick]`. `--quick` is a smoke run of a few seconds (100 prompts, Slack
at 100/s). Prints one JSON object on stdout; progress goes to stderr. Each run gets a fresh database: a
SQLite file in a temp directory, and with `--postgres` also a throwaway PostgreSQL database.

Everything is built as `Rekan` builds it now: the dispatcher with `scheduling.dispatch_concurrency` sends at
once (default 8), the Slack adapter's SendQueue with `slack.workspace_rate` set to R, the Discord adapter
with its global pacer (`discord.global_rate`, 49 a second) and its DM channel ids kept in storage.

Knobs for finding out why a target is missed: `--latency MS` delays every answer of the fakes (a round
trip to the real API takes tens to hundreds of milliseconds; 127.0.0.1 well under one); `--concurrency C`
builds the dispatcher with C sends at once instead of the setting's default; `--pacing shipped` leaves
`slack.workspace_rate` at its default instead of R; `--pace-factor F` sets it to F × R (over 1 overruns the
budget, to see the 429 handling); `--burst B` replaces the Slack adapter's SendQueue by one whose buckets
have a burst of B (the adapter's: 1); `--global-rate N` paces Discord at N requests a second (0: no pacer,
discord.py alone).

What is real: the outbox (`enqueue`), Rekan's `Dispatcher` (built by `Rekan` from its settings), the core's
`SendQueue`, the adapters' `SlackSender` / `DiscordSender` (with its stored DM channel ids), and slack_sdk's
`AsyncWebClient` (with the adapter's shared aiohttp session) / discord.py's `HTTPClient` (its own bucket
limiter and 429 handling, behind the adapter's pacer), over HTTP on 127.0.0.1 to the fakes of the adapters'
tests. The prompts are enqueued directly (kind `standup_prompt`, one DM to each of N members, all due now),
so every DM is its own channel and the workspace (Slack) or global (Discord) budget is what binds. Each
prompt carries a unique marker.

- Slack: the fake enforces `--rate` R posts a second per workspace (bursts up to one second's worth) and
  1 a second per channel, answering 429 with Retry-After (whole seconds) beyond either. The adapter is
  built from settings with `slack.workspace_rate` = R (`--pacing bench`, the default) or left at its
  default (`--pacing shipped`).
- Discord: the fake enforces the global 50 requests a second (fixed 1 s windows) and 5 messages per 5 s
  per channel, with Discord's 429s and X-RateLimit-* headers; the adapter is built as shipped. DMs need
  their channel opened first (POST /users/@me/channels), which the sender keeps in memory and in the
  database, so three runs, each the next day's prompts: `cold` (the first run ever: nothing stored, two
  requests a prompt), `restart` (a new Rekan process on the same database: ids from storage) and `warm`
  (the same process again: ids from memory).

Figures per run:

- `requests`: HTTP requests the fake answered while the run lasted; `rate_limited`: how many were 429s;
  `rate_limited_share`: their share.
- `elapsed_s`: from the first claim until every prompt is marked sent (or `--timeout`);
  `ideal_s`: N / R, the least time the budget allows (the baseline); `efficiency`: ideal ÷ elapsed.
  `request_ideal_s`: the requests that had to succeed ÷ R (Discord's cold run needs two per prompt);
  `request_efficiency`: request_ideal ÷ elapsed. The cold run's efficiency target is judged on
  `request_efficiency` (`efficiency_basis`): the first DM ever to a member cannot cost less than two requests.
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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from adapters.discord.app import DiscordAdapter
from adapters.slack.app import SlackAdapter
from adapters.slack.sender import SlackSender
from bench.pg import postgres_version, throwaway_postgres
from bot.app import Rekan
from bot.config import DEFAULT_DISCORD_GLOBAL_RATE, DEFAULT_SLACK_WORKSPACE_RATE, Settings, load_settings
from bot.core.actions import Send
from bot.core.content import Content, Emphasis, Paragraph, Text
from bot.core.context import message_paragraph
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.ratelimit import SendQueue
from bot.time.format import format_date
from storage.models import DeliveryRow, DmChannelRow, WorkspaceRow
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
RESTART_S = 1.0
"""Between the Discord processes: a real restart takes longer than the global limit's one-second window,
which the new process's pacer cannot know the old one had used."""
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


def with_pacing(settings: Settings, *, concurrency: int | None, workspace_rate: float | None = None,
                global_rate: int | None = None) -> Settings:
    """The settings as an operator would write them: sends at once, Slack's workspace rate, Discord's pace."""
    sched, slack, discord = settings.scheduling, settings.slack, settings.discord
    if concurrency is not None:
        sched = replace(sched, dispatch_concurrency=concurrency)
    if workspace_rate is not None:
        slack = replace(slack, workspace_rate=workspace_rate)
    if global_rate is not None:
        discord = replace(discord, global_rate=global_rate)
    return replace(settings, scheduling=sched, slack=slack, discord=discord)


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
    stored_dm_channels: int | None = None

    @property
    def ideal_s(self) -> float:
        return self.count / self.rate

    @property
    def efficiency_basis(self) -> str:
        """The first run ever must open every DM channel: judged against the requests it has to make."""
        return "requests" if self.platform == "discord" and self.label == "cold" else "prompts"

    def figures(self) -> dict[str, Any]:
        share = self.rate_limited / self.requests if self.requests else 0.0
        efficiency = self.ideal_s / self.elapsed_s if self.elapsed_s else 0.0
        request_efficiency = self.needed_requests / self.rate / self.elapsed_s if self.elapsed_s else 0.0
        judged = request_efficiency if self.efficiency_basis == "requests" else efficiency
        met = {"efficiency": judged >= TARGET_EFFICIENCY, "rate_limited_share": share <= TARGET_429_SHARE,
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
            "request_efficiency": round(request_efficiency, 4), "efficiency_basis": self.efficiency_basis,
            "stored_dm_channels_before": self.stored_dm_channels,
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


async def run_slack(url: str, database: str, count: int, rate: float, *, pacing: str, concurrency: int | None,
                    latency: float, limit_s: float | None, pace_factor: float, burst: int,
                    global_rate: int | None) -> Run:
    fake = LaggedSlack(latency, team_id=TEAM)
    async with fake:
        fake.enforce_budget(rate)
        paced_at = rate * pace_factor if pacing == "bench" else DEFAULT_SLACK_WORKSPACE_RATE
        env = {"SLACK_BOT_TOKEN": SLACK_TOKEN, "REKAN_DATABASE_URL": url,
               "SLACK_SIGNING_SECRET": SIGNING_SECRET}
        settings = with_pacing(load_settings(None, env=env), concurrency=concurrency, workspace_rate=paced_at)
        rekan = Rekan(settings, database_url=url)
        adapter = SlackAdapter(rekan, settings, api_url=fake.api_url)  # its own SendQueue, at paced_at
        await adapter.open_http()  # as start() does; the bench needs no event server
        paced = {"source": "settings", "workspace_rate": paced_at, "per_destination_rate": 1.0, "burst": 1,
                 "default_workspace_rate": DEFAULT_SLACK_WORKSPACE_RATE}
        if burst != 1:  # a what-if: the adapter's construction with a larger burst
            queue = SendQueue(SlackSender(adapter.client_for), per_destination_rate=1.0,
                              workspace_rate=paced_at, burst=burst)
            rekan.outbound.register("slack", queue)
            paced.update(source="bench", burst=burst)
        try:
            ws_pk = await seed_workspace(rekan.db, "slack", TEAM)
            users = [slack_user(n) for n in range(count)]
            await enqueue_prompts(rekan.db, ws_pk, "slack", TEAM, users, DAY)
            run = Run(platform="slack", database=database, label=f"R={rate:g}", count=count, rate=rate,
                      pacing=paced, concurrency=settings.scheduling.dispatch_concurrency,
                      latency_ms=latency * 1e3, needed_requests=count)
            before = len(fake.calls)
            log.info("slack %s: %d prompts at R=%g (workspace rate %g)...", database, count, rate, paced_at)
            await drain(run, rekan.dispatcher, rekan.db, limit_for(count, rate, paced_at, limit_s))
            calls = fake.calls[before:]
            run.requests, run.rate_limited = len(calls), sum(1 for c in calls if c.failed == "ratelimited")
            run.by_kind = dict(Counter(c.method for c in calls))
            score(run, fake.received, DAY, {n: u for n, u in enumerate(users)})
            run.statuses = await statuses(rekan.db)
            return run
        finally:
            await adapter.stop()
            await rekan.db.dispose()


def discord_route(method: str, path: str) -> str:
    return f"{method} " + re.sub(r"\d{5,}", "{id}", path)


async def stored_dm_channels(db: Database) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(DmChannelRow)) or 0)


@dataclass(kw_only=True)
class DiscordProcess:
    """One Rekan process serving Discord: its core, its adapter (and so its sender's memory)."""

    rekan: Rekan
    adapter: DiscordAdapter

    @classmethod
    async def start(cls, url: str, settings: Settings) -> DiscordProcess:
        rekan = Rekan(settings, database_url=url)
        adapter = DiscordAdapter(rekan, settings, client_options={"guild_ready_timeout": 0.05})
        await adapter.client.login(DISCORD_TOKEN)
        return cls(rekan=rekan, adapter=adapter)

    async def stop(self) -> None:
        await self.adapter.client.close()
        await self.rekan.db.dispose()


@dataclass(kw_only=True)
class DiscordBench:
    """What every Discord day shares: the fake, the members, and how the runs are labelled."""

    fake: LaggedDiscord
    database: str
    users: Sequence[str]
    concurrency: int
    latency: float
    limit_s: float | None
    paced: dict[str, Any]
    runs: list[Run] = field(default_factory=list)


async def run_discord(url: str, database: str, count: int, *, concurrency: int | None, latency: float,
                      limit_s: float | None, days: Sequence[str], global_rate: int | None) -> list[Run]:
    fake = LaggedDiscord(latency, guilds=[guild()])
    async with fake:
        fake.enforce_rate_limits(global_limit=DISCORD_GLOBAL)
        pacer = DEFAULT_DISCORD_GLOBAL_RATE if global_rate is None else global_rate
        env = {"DISCORD_BOT_TOKEN": DISCORD_TOKEN, "REKAN_DATABASE_URL": url}
        settings = with_pacing(load_settings(None, env=env), concurrency=concurrency,
                               global_rate=pacer or 1_000_000)
        paced: dict[str, Any] = {"source": "settings", "per_destination_rate": 5.0, "burst": 5,
                                 "workspace_rate": None, "global_pacer_per_s": pacer or None,
                                 "dm_channels": "memory, then storage"}
        bench = DiscordBench(fake=fake, database=database, users=[discord_user(n) for n in range(count)],
                             concurrency=settings.scheduling.dispatch_concurrency, latency=latency,
                             limit_s=limit_s, paced=paced)
        process = await DiscordProcess.start(url, settings)
        try:
            await seed_workspace(process.rekan.db, "discord", str(GUILD_ID))
            for offset, label in enumerate(days):
                if label == "restart":  # a new process on the same database: nothing of the last in memory
                    await process.stop()
                    await asyncio.sleep(RESTART_S)
                    process = await DiscordProcess.start(url, settings)
                bench.runs.append(await discord_day(bench, process, DAY + timedelta(days=offset), label))
            return bench.runs
        finally:
            await process.stop()


async def discord_day(bench: DiscordBench, process: DiscordProcess, day: date, label: str) -> Run:
    """One day's prompts to every member, through `process`."""
    rate, db, fake = float(DISCORD_GLOBAL), process.rekan.db, bench.fake
    await enqueue_prompts(db, await workspace_pk(db), "discord", str(GUILD_ID), bench.users, day)
    run = Run(platform="discord", database=bench.database, label=label, count=len(bench.users), rate=rate,
              pacing=bench.paced, concurrency=bench.concurrency, latency_ms=bench.latency * 1e3,
              needed_requests=len(bench.users) * (2 if label == "cold" else 1),
              stored_dm_channels=await stored_dm_channels(db))
    before = len(fake.calls)
    fake.received.first = fake.received.last = None
    log.info("discord %s: %d prompts, %s (%d DM channels stored)...", bench.database, run.count, label,
             run.stored_dm_channels or 0)
    await drain(run, process.rekan.dispatcher, db, limit_for(run.needed_requests, rate, rate, bench.limit_s))
    calls = fake.calls[before:]
    run.requests, run.rate_limited = len(calls), sum(1 for c in calls if c.status == 429)
    run.by_kind = dict(Counter(discord_route(c.method, c.path) for c in calls))
    run.by_kind["429 global"] = sum(1 for c in calls if c.failed == "rate_limited_global")
    score(run, fake.received, day, {n: str(dm_channel_id(int(u))) for n, u in enumerate(bench.users)})
    day_rows = await statuses(db)
    run.statuses = {k: v - sum(r.statuses.get(k, 0) for r in bench.runs) for k, v in day_rows.items()}
    return run


async def workspace_pk(db: Database) -> int:
    async with db.read() as s:
        found = await s.scalar(select(WorkspaceRow.id).where(WorkspaceRow.platform == "discord"))
    assert found is not None
    return int(found)


# --- databases and output -----------------------------------------------------------------------------


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
                          "limit_s": args.timeout, "global_rate": args.global_rate}
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
        async with throwaway_postgres(base) as url:
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
    parser.add_argument("--concurrency", type=int, default=None,
                        help="the dispatcher's sends at once (default: scheduling.dispatch_concurrency's)")
    parser.add_argument("--pacing", choices=("bench", "shipped"), default="bench",
                        help="slack.workspace_rate set to R (bench) or left at its default (shipped)")
    parser.add_argument("--pace-factor", type=float, default=1.0,
                        help="bench pacing: slack.workspace_rate at this multiple of R (over 1 overruns it)")
    parser.add_argument("--burst", type=int, default=1,
                        help="Slack's SendQueue with this burst instead of the adapter's (1)")
    parser.add_argument("--global-rate", type=int, default=None,
                        help=f"discord.global_rate (default {DEFAULT_DISCORD_GLOBAL_RATE}; 0: no pacer)")
    parser.add_argument("--discord-days", default="cold,restart,warm",
                        help="Discord runs: cold (first ever, nothing stored), restart (a new process: DM "
                             "channels from storage), warm (the same process: from memory)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds a run may take (default: ample)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_COUNT} prompts, Slack at {QUICK_SLACK_RATE:g}/s")
    args = parser.parse_args(argv)
    args.count = args.count or (QUICK_COUNT if args.quick else COUNT)
    args.rate = args.rate or [QUICK_SLACK_RATE if args.quick else SLACK_RATE]
    args.discord_days = [d.strip() for d in args.discord_days.split(",") if d.strip()]
    known = ["cold", "restart", "warm"]
    if args.discord_days != known[:len(args.discord_days)] or not args.discord_days or args.count < 1 \
            or (args.concurrency is not None and args.concurrency < 1):
        parser.error("--discord-days is cold, cold,restart or cold,restart,warm; --count and --concurrency "
                     "must be positive")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    for noisy in ("discord", "slack_sdk", "slack_bolt", "bot", "adapters", "aiohttp", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    started = time.perf_counter()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
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
        "machine": {**machine(), "postgresql": postgres, "load_average_at_start": load_at_start,
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "runtime_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    asyncio.run(main())

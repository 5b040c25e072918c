"""Fault soak: the fault tests of tests/faults at full size, with every figure printed as one JSON document.

Run from a clone (it uses the fake platforms in tests/fakes):

    .venv/bin/python -m bench.soak                                # everything, PostgreSQL from the env
    .venv/bin/python -m bench.soak --only sigkill,replicas --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test

Scenarios (see docs/reliability.md for what each proves):

* sigkill       2,000 deliveries, SIGKILL at five random points, restarting each time (SQLite, and
                PostgreSQL when a server is given);
* replicas      three replicas on one PostgreSQL, one SIGKILLed mid-burst (2,000 deliveries);
* db_restart    a throwaway PostgreSQL cluster crashed and restarted three times mid-burst (2,000);
* flaky         both platforms failing 20% of the sends: refusals (2,000 deliveries) and answers lost
                after posting (1,000);
* sqlite        SQLite with 20 writers typing commands plus a dispatcher.

PostgreSQL scenarios run in throwaway databases (created and dropped here) or a throwaway cluster;
nothing existing is touched. Progress goes to stderr, the JSON to stdout. Exit status 1 when a
scenario lost a delivery or duplicated one where no duplicate is allowed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from bench.pg import postgres_version, throwaway_postgres
from tests.faults.cluster import unavailable_reason
from tests.faults.proxy import LOST_ANSWERS, REFUSALS
from tests.faults.scenarios import (
    db_restart_burst,
    flaky_burst,
    replicas_burst,
    sigkill_burst,
    sqlite_writers,
)

SCENARIOS = ("sigkill", "replicas", "db_restart", "flaky", "sqlite")
REFUSAL_COUNTS = (2, 2, 1, 2)


def _say(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = ""
    with contextlib.suppress(OSError, StopIteration, ValueError):  # no /proc here: the fallback below answers
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    return {"cpu": model, "cpus": os.cpu_count(), "memory": memory, "machine": platform.machine(),
            "system": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version}


Run = Callable[[str], Awaitable[dict[str, Any]]]


async def _in_fresh_postgres(admin_url: str, run: Run) -> dict[str, Any]:
    async with throwaway_postgres(admin_url) as url:
        return await run(url)


def verdict(result: dict[str, Any]) -> list[str]:
    """What a result breaks of the targets (empty: it met them)."""
    broken = []
    if any(result.get("lost", {}).values()) or result.get("rows_not_sent"):
        broken.append("lost deliveries")
    dup = result.get("duplicates", {})
    if dup.get("discord"):
        broken.append("Discord duplicates")
    scenario = result["scenario"]
    if scenario == "sigkill" and dup.get("slack", 0) > result["in_flight_total"]["slack"]:
        broken.append("Slack duplicates beyond the sends in flight at the kills")
    if scenario == "replicas" and (result["posted_by_two_live_replicas"]
                                   or dup.get("slack", 0) > result["in_flight_at_kill"]["slack"]):
        broken.append("a delivery sent twice by the replicas")
    if scenario == "flaky_platforms" and "429" in result["faults"] and dup.get("slack"):
        broken.append("Slack duplicates from refused calls")
    if scenario == "flaky_platforms" and result["unrecorded_posts_without_fault"]:
        broken.append("Slack duplicates not caused by a lost answer")
    if scenario == "sqlite_writers" and (result["database_is_locked"] or result["failed_commands"]):
        broken.append("database is locked")
    return broken


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help=f"comma-separated, of: {', '.join(SCENARIOS)}")
    parser.add_argument("--postgres", default=os.environ.get("REKAN_TEST_POSTGRES_URL"),
                        help="a server to make throwaway databases on (default: $REKAN_TEST_POSTGRES_URL)")
    parser.add_argument("--count", type=int, default=2000, help="deliveries per burst")
    parser.add_argument("--lease", type=int, default=5,
                        help="lease seconds (5 is the settings' floor; production default 60)")
    parser.add_argument("--planner-interval", type=int, default=5,
                        help="planner interval seconds for db_restart (5 is the floor; default 60)")
    parser.add_argument("--seed", type=int, default=None)
    return parser


async def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    report: dict[str, Any] = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                              "count": args.count, "lease_s": args.lease, "results": [], "skipped": []}
    if args.postgres:
        report["machine"]["postgresql"] = await postgres_version(args.postgres)
    count, lease, seed, pg = args.count, args.lease, args.seed, args.postgres
    with tempfile.TemporaryDirectory(prefix="rekan-soak-") as tmp:

        def workdir(name: str) -> Path:
            path = Path(tmp) / f"{name}-{uuid.uuid4().hex[:6]}"
            path.mkdir()
            return path

        def sqlite(d: Path, name: str = "rekan.db") -> str:
            return f"sqlite+aiosqlite:///{d / name}"

        async def record(name: str, run: Awaitable[dict[str, Any]]) -> None:
            _say(f"{name} ...")
            result = await run
            result["broken"] = verdict(result)
            report["results"].append(result)
            _say(f"{name}: {result['seconds']} s, lost {result.get('lost')}, "
                 f"duplicates {result.get('duplicates')}, broken {result['broken'] or 'nothing'}")

        if "sigkill" in wanted:
            d = workdir("sigkill-sqlite")
            await record("sigkill on SQLite", sigkill_burst(sqlite(d), d, count=count, kills=5, lease=lease,
                                                            seed=seed))
            if pg:
                d = workdir("sigkill-postgres")
                await record("sigkill on PostgreSQL", _in_fresh_postgres(
                    pg, lambda url: sigkill_burst(url, d, count=count, kills=5, lease=lease, seed=seed)))
            else:
                report["skipped"].append("sigkill on PostgreSQL: no --postgres")
        if "replicas" in wanted:
            if pg:
                d = workdir("replicas")
                await record("three replicas on PostgreSQL", _in_fresh_postgres(
                    pg, lambda url: replicas_burst(url, d, count=count, replicas=3, lease=lease, seed=seed)))
            else:
                report["skipped"].append("replicas: no --postgres")
        if "db_restart" in wanted:
            reason = unavailable_reason()
            if reason is None:
                await record("database restarts", db_restart_burst(
                    workdir("db-restart"), count=count, restarts=3, lease=lease,
                    planner_interval=args.planner_interval, seed=seed))
            else:
                report["skipped"].append(f"db_restart: {reason}")
        if "flaky" in wanted:
            d = workdir("flaky")
            await record("platforms refusing 20%", flaky_burst(
                sqlite(d, "refused.db"), count=count, rate=0.2, faults=REFUSALS, counts=REFUSAL_COUNTS,
                seed=seed or 9))
            await record("platforms losing 20% of answers", flaky_burst(
                sqlite(d, "lost.db"), count=max(count // 2, 1), rate=0.2, faults=LOST_ANSWERS,
                seed=(seed or 9) + 2))
        if "sqlite" in wanted:
            for shared in (False, True):
                d = workdir("sqlite")
                engines = "one engine" if shared else "21 engines"
                await record(f"SQLite, 20 writers and a dispatcher, {engines}", sqlite_writers(
                    d / "rekan.db", writers=20, rounds=10, deliveries=count, shared_engine=shared))
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    print(json.dumps(report, indent=2))
    return 1 if any(r["broken"] for r in report["results"]) else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

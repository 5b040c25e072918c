"""One Rekan replica in its own process, sending to the fake Slack and Discord through the fault proxies.

    python -m tests.faults.worker DB_URL SLACK_PROXY DISCORD_PROXY STATUS_FILE
        [--lease SECONDS] [--planner-interval SECONDS] [--batch N] [--timeout SECONDS] [--go-on-stdin]

It is Rekan's composition root (bot.app.Rekan: its dispatcher, planner and scheduler service, with a
real clock), minus the platforms' event intake: the outbound senders are the real Slack and Discord
senders behind the core's SendQueue, pointed at `{proxy}/{pid}`, so the proxies' ledgers say which
process sent what. It appends "started PID WORKER_ID" to STATUS_FILE once sending can begin, then runs
until killed (SIGKILL in the tests: no cleanup of any kind). With --go-on-stdin it gets ready (imports,
senders) and then waits for a line on stdin before starting Rekan: a restart without the start-up time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import replace

from bot.app import Rekan
from bot.config import SchedulingSettings, load_settings
from tests.faults.platforms import connect_senders


def append(path: str, line: str) -> None:
    """One O_APPEND write and an fsync: a kill lands before or after a whole line."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("slack")
    parser.add_argument("discord")
    parser.add_argument("status")
    parser.add_argument("--lease", type=int, default=2)
    parser.add_argument("--planner-interval", type=int, default=1)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--go-on-stdin", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_settings(path=None, env={"REKAN_DATABASE_URL": args.url})
    # The settings file's floor is 5 s; tests go below it to keep CI short.
    settings = replace(settings, scheduling=SchedulingSettings(
        planner_interval_seconds=args.planner_interval, lease_seconds=args.lease,
        dispatch_batch_size=args.batch))
    rekan = Rekan(settings, database_url=args.url)
    pid = str(os.getpid())
    senders = await connect_senders(f"{args.slack}/{pid}", f"{args.discord}/{pid}", request_timeout=args.timeout)
    rekan.outbound.register("slack", senders.slack)
    rekan.outbound.register("discord", senders.discord)
    if args.go_on_stdin:
        await asyncio.to_thread(sys.stdin.readline)
    await rekan.start()
    append(args.status, f"started {pid} {rekan.dispatcher.worker_id}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())

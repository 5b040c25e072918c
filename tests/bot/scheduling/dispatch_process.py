"""A dispatcher in its own process, for the SIGKILL tests: run until killed.

    python dispatch_process.py DB_URL SENDS_FILE STATUS_FILE [--hang-before-send] [--lease SECONDS]
                               [--plan-deadlines] [--ahead SECONDS]

With --plan-deadlines the process also runs the planner over the deadline source before each pass
(a whole Rekan's scheduling, minus the platforms); --ahead runs its clock that many seconds fast, so
reminders hours away are due now.

Each send appends one JSON line {"text", "pid"} to SENDS_FILE with a single O_APPEND write and an
fsync, so a kill lands either before or after a whole line. After each dispatch pass the process
appends "cycle N done ..." to STATUS_FILE. With --hang-before-send the sender blocks forever before
sending anything, after writing "hanging" to STATUS_FILE: a worker that claimed and then froze.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import datetime, timedelta

from bot.clock import SystemClock
from bot.core.actions import Action, AskChoice, SendResult
from bot.core.content import Paragraph, Text
from bot.core.render_text import render_plain
from bot.features.deadlines.source import DeadlineSource
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.planner import Planner
from storage.session import Database


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


class AheadClock:
    """The system clock, `ahead` fast."""

    def __init__(self, ahead: timedelta) -> None:
        self.ahead = ahead

    def now(self) -> datetime:
        return SystemClock().now() + self.ahead


def _text(action: Action) -> str:
    if isinstance(action, AskChoice):
        return render_plain(action.prompt)
    content = getattr(action, "content", None)
    block = content.blocks[0] if content is not None else None
    inline = block.inlines[0] if isinstance(block, Paragraph) else None
    return inline.text if isinstance(inline, Text) else repr(action)


class FileSender:
    """Records each send durably; or hangs before sending, like a worker frozen mid-dispatch."""

    def __init__(self, sends: str, status: str, *, hang: bool) -> None:
        self.sends, self.status, self.hang = sends, status, hang

    async def perform(self, action: Action) -> SendResult:
        if self.hang:
            _append(self.status, "hanging")
            await asyncio.Event().wait()
        _append(self.sends, json.dumps({"text": _text(action), "pid": os.getpid(),
                                        "to": action.to.conversation_id}))
        return SendResult(message_id=str(os.getpid()))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("sends")
    parser.add_argument("status")
    parser.add_argument("--hang-before-send", action="store_true")
    parser.add_argument("--lease", type=float, default=2.0)
    parser.add_argument("--plan-deadlines", action="store_true")
    parser.add_argument("--ahead", type=float, default=0.0)
    args = parser.parse_args()
    db = Database(args.url)
    clock = AheadClock(timedelta(seconds=args.ahead))
    sender = FileSender(args.sends, args.status, hang=args.hang_before_send)
    dispatcher = Dispatcher(db, clock, sender, Policies({}, timedelta(hours=1)),
                            worker_id=f"proc-{os.getpid()}", lease=timedelta(seconds=args.lease))
    planner = Planner(db, clock, [DeadlineSource()]) if args.plan_deadlines else None
    _append(args.status, f"started {os.getpid()}")
    cycle = 0
    while True:
        if planner is not None:
            await planner.run()
        stats = await dispatcher.run_due()
        cycle += 1
        _append(args.status, f"cycle {cycle} done claimed={stats.claimed} sent={stats.sent} lost={stats.lost}")
        await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main())

"""A dispatcher in its own process, for the SIGKILL tests: run until killed.

    python dispatch_process.py DB_URL SENDS_FILE STATUS_FILE [--hang-before-send] [--lease SECONDS]

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
from datetime import timedelta

from bot.clock import SystemClock
from bot.core.actions import Action, SendResult
from bot.core.content import Paragraph, Text
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from storage.session import Database


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _text(action: Action) -> str:
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
        _append(self.sends, json.dumps({"text": _text(action), "pid": os.getpid()}))
        return SendResult(message_id=str(os.getpid()))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("sends")
    parser.add_argument("status")
    parser.add_argument("--hang-before-send", action="store_true")
    parser.add_argument("--lease", type=float, default=2.0)
    args = parser.parse_args()
    db = Database(args.url)
    sender = FileSender(args.sends, args.status, hang=args.hang_before_send)
    dispatcher = Dispatcher(db, SystemClock(), sender, Policies({}, timedelta(hours=1)),
                            worker_id=f"proc-{os.getpid()}", lease=timedelta(seconds=args.lease))
    _append(args.status, f"started {os.getpid()}")
    cycle = 0
    while True:
        stats = await dispatcher.run_due()
        cycle += 1
        _append(args.status, f"cycle {cycle} done claimed={stats.claimed} sent={stats.sent} lost={stats.lost}")
        await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main())

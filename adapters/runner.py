"""`rekan run` with platform credentials: one Rekan core, every configured adapter, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from adapters.base import Adapter
from bot.app import Rekan
from bot.config import Settings

log = logging.getLogger("rekan.run")


async def serve(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """Adapters register their senders before the scheduler starts, so nothing due waits for them."""
    rekan = Rekan(settings)
    adapters: list[Adapter] = []
    if settings.slack.enabled:
        from adapters.slack.app import SlackAdapter  # local: only a Slack deployment loads slack_bolt

        adapters.append(SlackAdapter(rekan, settings))
    if settings.discord.enabled:
        from adapters.discord.app import DiscordAdapter  # local: only a Discord deployment loads discord.py

        adapters.append(DiscordAdapter(rekan, settings))
    stop = stop or _stop_on_signals()
    await rekan.start()
    started = []
    try:
        for adapter in adapters:
            await adapter.start()
            started.append(adapter)
        log.info("Rekan is running on %s", ", ".join(a.platform for a in adapters))
        await stop.wait()
    finally:
        for adapter in reversed(started):
            await adapter.stop()
        await rekan.stop()
    return 0


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows event loops have no add_signal_handler; there Ctrl+C still stops the process.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop

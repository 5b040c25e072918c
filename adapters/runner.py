"""`rekan run` with platform credentials: one Rekan core, every configured adapter, until a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from adapters.base import Adapter
from bot.app import Rekan
from bot.config import Settings
from bot.ops.http import OpsServer

log = logging.getLogger("rekan.run")


async def serve(settings: Settings, *, stop: asyncio.Event | None = None,
                on_ready: Callable[[int | None], object] | None = None) -> int:
    """Adapters register their senders before the scheduler starts, so nothing due waits for them.

    On SIGTERM or SIGINT the shutdown is graceful: the adapters stop taking events, the sends under way
    finish (within `scheduling.shutdown_timeout_seconds`) and the rest is given back to the outbox, then
    the connections close and the process exits 0.
    """
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
    started: list[Adapter] = []
    ops: OpsServer | None = None
    try:
        for adapter in adapters:
            await adapter.start()
            started.append(adapter)
        if not any(getattr(a, "port", None) for a in started):  # no adapter serves HTTP: the probes alone
            ops = OpsServer(rekan.probes(), settings.http.host, settings.http.port)
            await ops.start()
        log.info("Rekan is running on %s", ", ".join(a.platform for a in adapters) or "no platform")
        if on_ready is not None:  # told the probes' own port (None when an adapter serves them)
            on_ready(ops.port if ops is not None else None)
        await stop.wait()
        log.info("stopping: no new events; finishing the sends under way")
    finally:
        for adapter in reversed(started):
            await _stop_events(adapter)
        await rekan.drain()
        for adapter in reversed(started):
            await adapter.stop()
        if ops is not None:
            await ops.stop()
        await rekan.stop()
    return 0


async def _stop_events(adapter: Adapter) -> None:
    """Adapters that can stop taking events before their senders close do so first."""
    stop_events = getattr(adapter, "stop_events", None)
    if stop_events is not None:
        try:
            await stop_events()
        except Exception:  # shutting down anyway: the adapter's own stop closes what is left
            log.warning("%s: stopping events failed", adapter.platform, exc_info=True)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows event loops have no add_signal_handler; there Ctrl+C still stops the process.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop

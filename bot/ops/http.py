"""`/healthz`, `/readyz` and `/metrics`: what a load balancer, an orchestrator and Prometheus ask.

`/healthz` answers from the event loop itself, so a wedged loop fails it. `/readyz` says whether this
replica can do its work: the database answers, its schema is at the head migration, and every
configured adapter is connected. Both are on the Slack HTTP adapter's port, or on a server of their own
(`http.port`) when nothing else listens, the shell included when `REKAN_HTTP_PORT` is set.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from bot.ops.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 2.0
"""A check that has not answered by then fails: a probe must answer before the orchestrator gives up."""

Check = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, kw_only=True)
class Probes:
    """What the routes ask: named readiness checks, and the metrics page (refreshed, then rendered)."""

    checks: Mapping[str, Check]
    metrics: Callable[[], Awaitable[bytes]]


async def _run(check: Check) -> bool:
    try:
        return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except Exception as exc:  # a failing check is an answer (not ready), never a 500
        log.warning("readiness check failed: %s", type(exc).__name__)
        return False


def add_routes(app: web.Application, probes: Probes) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        names = list(probes.checks)
        results = await asyncio.gather(*(_run(probes.checks[n]) for n in names))
        body = dict(zip(names, results, strict=True))
        ready = all(results)
        return web.Response(status=200 if ready else 503, content_type="application/json",
                            text=json.dumps({"ready": ready, "checks": body}))

    async def metrics(_request: web.Request) -> web.Response:
        body = await probes.metrics()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


class OpsServer:
    """The probes on a port of their own, for deployments where no adapter serves HTTP."""

    def __init__(self, probes: Probes, host: str, port: int) -> None:
        self._probes, self._host, self._port = probes, host, port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application()
        add_routes(app, self._probes)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self._port  # port 0: the one given
        log.info("health and metrics on http://%s:%s", self._host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

"""The probes an orchestrator and Prometheus ask, on a port of their own (port 0: a free one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.ops.http import OpsServer, Probes


def probes(**checks: bool | Exception | None) -> Probes:
    def make(answer: bool | Exception | None):  # type: ignore[no-untyped-def]
        async def check() -> bool:
            if answer is None:
                await asyncio.Event().wait()  # never answers: the probe's own timeout decides
            if isinstance(answer, Exception):
                raise answer
            return bool(answer)
        return check

    async def metrics() -> bytes:
        return b"rekan_up 1\n"

    return Probes(checks={name: make(answer) for name, answer in checks.items()}, metrics=metrics)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def serve(p: Probes) -> OpsServer:
    server = OpsServer(p, "127.0.0.1", 0)
    await server.start()
    return server


async def test_healthz_answers_from_the_loop(http: aiohttp.ClientSession) -> None:
    server = await serve(probes())
    try:
        async with http.get(f"http://127.0.0.1:{server.port}/healthz") as r:
            assert (r.status, await r.text()) == (200, "ok")
    finally:
        await server.stop()


async def test_readyz_is_200_only_when_every_check_passes(http: aiohttp.ClientSession) -> None:
    server = await serve(probes(database=True, migrations=True, slack=True))
    try:
        async with http.get(f"http://127.0.0.1:{server.port}/readyz") as r:
            assert r.status == 200
            assert await r.json() == {"ready": True, "checks": {"database": True, "migrations": True,
                                                                "slack": True}}
    finally:
        await server.stop()


async def test_a_failing_or_raising_check_makes_readyz_503_and_names_it(http: aiohttp.ClientSession) -> None:
    server = await serve(probes(database=ConnectionRefusedError(), migrations=True, discord=False))
    try:
        async with http.get(f"http://127.0.0.1:{server.port}/readyz") as r:
            assert r.status == 503
            assert (await r.json())["checks"] == {"database": False, "migrations": True, "discord": False}
    finally:
        await server.stop()


async def test_metrics_are_served_in_prometheus_text_format(http: aiohttp.ClientSession) -> None:
    server = await serve(probes())
    try:
        async with http.get(f"http://127.0.0.1:{server.port}/metrics") as r:
            assert r.status == 200
            assert r.headers["Content-Type"].startswith("text/plain")
            assert await r.text() == "rekan_up 1\n"
    finally:
        await server.stop()

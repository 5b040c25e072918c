"""An HTTP proxy in front of a fake platform: fails a share of the sends on purpose, and keeps a ledger.

Rekan's real clients (slack_sdk, discord.py) talk to the proxy as if it were the platform; the proxy
forwards to the fake (tests/fakes) and answers with the fake's answer, or with a fault. It listens on
127.0.0.1 on a port the OS picks, under `/{worker}/...`, so each process gets its own prefix and the
ledger says who sent what. The fakes are not touched: every fault is made here.

Two families of faults, because they differ in what a platform has done:

* refusals — 429, 500, a stall until the client times out, a connection reset — happen before the
  platform acts: nothing was posted, so a retry is the only copy;
* lost answers — the platform posted the message, then the answer became a 500, a stall or a reset —
  leave the client unable to tell whether it was posted. Only an idempotency key can save a retry from
  posting it twice (Discord's message nonce; Slack has none).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import random
import re
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

from tests.fakes import discord_api, slack_api

HOP_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection", "keep-alive",
                         "content-encoding"})


class Fault(enum.StrEnum):
    RATE_LIMITED = "429"
    SERVER_ERROR = "500"
    TIMEOUT = "timeout"
    RESET = "reset"
    LOST_500 = "posted_then_500"
    LOST_TIMEOUT = "posted_then_timeout"
    LOST_RESET = "posted_then_reset"

    @property
    def after_posting(self) -> bool:
        return self.name.startswith("LOST_")


REFUSALS: tuple[Fault, ...] = (Fault.RATE_LIMITED, Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.RESET)
LOST_ANSWERS: tuple[Fault, ...] = (Fault.LOST_500, Fault.LOST_TIMEOUT, Fault.LOST_RESET)


class Dialect(Protocol):
    """What the proxy needs to know of a platform: which calls are sends and how to read them."""

    name: str

    def is_send(self, method: str, path: str) -> bool: ...

    def key(self, body: bytes, content_type: str) -> str | None: ...

    def message_id(self, status: int, body: bytes) -> str | None: ...

    def rate_limited(self) -> web.Response: ...

    def server_error(self) -> web.Response: ...


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


class SlackDialect:
    """chat.postMessage is the send; a message is named `channel:ts`, as Rekan's Slack sender names it."""

    name = "slack"

    def is_send(self, method: str, path: str) -> bool:
        return path.endswith("/chat.postMessage")

    def key(self, body: bytes, content_type: str) -> str | None:
        if content_type == "application/json":
            data = _json(body)
            return str(data.get("text")) if isinstance(data, dict) else None
        values = parse_qs(body.decode(errors="replace")).get("text")
        return values[0] if values else None

    def message_id(self, status: int, body: bytes) -> str | None:
        data = _json(body)
        if status != 200 or not isinstance(data, dict) or not data.get("ok"):
            return None
        return f"{data['channel']}:{data['ts']}"

    def rate_limited(self) -> web.Response:
        return slack_api.rate_limited(1).response()  # Slack's Retry-After is whole seconds, at least 1

    def server_error(self) -> web.Response:
        return slack_api.server_error(500).response()


DISCORD_SEND = re.compile(r"/api/v\d+/channels/\d+/messages")


class DiscordDialect:
    """POST /channels/{id}/messages is the send; a message is named `channel_id:id`."""

    name = "discord"

    def is_send(self, method: str, path: str) -> bool:
        return method == "POST" and DISCORD_SEND.fullmatch(path) is not None

    def key(self, body: bytes, content_type: str) -> str | None:
        data = _json(body)
        return str(data.get("content")) if isinstance(data, dict) else None

    def message_id(self, status: int, body: bytes) -> str | None:
        data = _json(body)
        if status != 200 or not isinstance(data, dict) or "id" not in data:
            return None
        return f"{data['channel_id']}:{data['id']}"

    def rate_limited(self) -> web.Response:
        return discord_api.rate_limited(0.05).response()

    def server_error(self) -> web.Response:
        return discord_api.server_error(500).response()


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """One send that reached the proxy: who sent it, what the platform did, what the client was told."""

    worker: str
    key: str | None
    fault: Fault | None
    posted: str | None
    """The platform's id of the message it holds for this request (None: nothing was posted)."""
    at: float
    """time.monotonic() when the platform answered (or the fault was decided)."""


@dataclass
class FaultPlan:
    """Fails `rate` of the sends (a seeded random draw per send); the kind comes from a deck holding
    `counts[i]` of `faults[i]`, shuffled and dealt in turn, so every kind recurs in a short run."""

    rate: float
    faults: Sequence[Fault]
    seed: int
    counts: Sequence[int] | None = None
    _rng: random.Random = field(init=False)
    _deck: list[Fault] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def pick(self) -> Fault | None:
        if not self.faults or self._rng.random() >= self.rate:
            return None
        if not self._deck:
            counts = self.counts or [1] * len(self.faults)
            self._deck = [f for f, n in zip(self.faults, counts, strict=True) for _ in range(n)]
            self._rng.shuffle(self._deck)
        return self._deck.pop()


class FaultProxy:
    """The proxy for one platform; `url_for(worker)` is the base URL that worker's client should use."""

    def __init__(self, upstream: Callable[[], str], dialect: Dialect, plan: FaultPlan | None = None) -> None:
        self._upstream, self.dialect, self.plan = upstream, dialect, plan
        self.ledger: list[Exchange] = []
        self.active: Counter[str] = Counter()
        """Requests of each worker being forwarded to the platform right now."""
        self.faults: Counter[Fault] = Counter()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = asyncio.Event()
        self._pending: set[asyncio.Task[tuple[int, dict[str, str], bytes]]] = set()
        self._base = ""

    @property
    def base_url(self) -> str:
        if not self._base:
            raise RuntimeError("FaultProxy is not started")
        return self._base

    def url_for(self, worker: str) -> str:
        return f"{self.base_url}/{worker}"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{worker}/{tail:.*}", self._handle)
        # A client that gives up (a timeout) or dies (SIGKILL) cancels the handler: a stall ends there.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self._base = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession(auto_decompress=False)

    async def stop(self) -> None:
        self._closing.set()
        await self.settle()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> FaultProxy:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ----- reading the ledger

    def sends(self, worker: str | None = None) -> list[Exchange]:
        return [e for e in self.ledger if worker is None or e.worker == worker]

    def posted(self, worker: str | None = None) -> list[Exchange]:
        """Exchanges after which the platform holds a message (whatever the client was told)."""
        return [e for e in self.sends(worker) if e.posted is not None]

    # ----- plumbing

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        worker, path = request.match_info["worker"], "/" + request.match_info["tail"]
        body = await request.read()
        send = self.dialect.is_send(request.method, path)
        fault = self.plan.pick() if send and self.plan is not None else None
        key = self.dialect.key(body, request.content_type) if send else None
        if fault is not None:
            self.faults[fault] += 1
        if fault is not None and not fault.after_posting:
            self.ledger.append(Exchange(worker=worker, key=key, fault=fault, posted=None, at=time.monotonic()))
            return await self._refuse(request, fault)
        # A client that dies (or gives up) mid-request cancels this handler, but not what the platform
        # does with a request it already has: the forward and its ledger entry run on, shielded.
        task = asyncio.create_task(self._forward(request, worker, path, body, key if send else None, fault))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        status, headers, data = await asyncio.shield(task)
        if fault is Fault.LOST_500:
            return self.dialect.server_error()
        if fault is Fault.LOST_TIMEOUT:
            return await self._stall()
        if fault is Fault.LOST_RESET:
            return self._reset(request)
        return web.Response(status=status, body=data, headers=headers)

    async def settle(self) -> None:
        """Wait for forwards still running (a dead client's last request): the ledger is complete after."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _refuse(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault is Fault.RATE_LIMITED:
            return self.dialect.rate_limited()
        if fault is Fault.SERVER_ERROR:
            return self.dialect.server_error()
        if fault is Fault.TIMEOUT:
            return await self._stall()
        return self._reset(request)

    async def _stall(self) -> web.StreamResponse:
        """Answer nothing until the client gives up (its disconnect cancels this handler) or we stop."""
        await self._closing.wait()
        return web.Response(status=504)

    def _reset(self, request: web.Request) -> web.StreamResponse:
        """Close the connection with a TCP RST (SO_LINGER 0), answering nothing."""
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        raise asyncio.CancelledError  # nothing more to write; aiohttp drops the request quietly

    async def _forward(self, request: web.Request, worker: str, path: str, body: bytes, key: str | None,
                       fault: Fault | None) -> tuple[int, dict[str, str], bytes]:
        """Pass the request on; for a send, record in the ledger what the platform now holds."""
        assert self._session is not None
        self.active[worker] += 1
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
            async with self._session.request(request.method, self._upstream() + path, params=request.query,
                                             data=body, headers=headers, allow_redirects=False) as response:
                data = await response.read()
                out = {k: v for k, v in response.headers.items() if k.lower() not in HOP_HEADERS}
            if key is not None:
                posted = self.dialect.message_id(response.status, data)
                self.ledger.append(Exchange(worker=worker, key=key, fault=fault, posted=posted,
                                            at=time.monotonic()))
            return response.status, out, data
        finally:
            self.active[worker] -= 1

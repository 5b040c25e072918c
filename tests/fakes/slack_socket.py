"""Slack's side of Socket Mode: one-use tickets, the hello greeting, envelopes out and acks back."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

ENVELOPE_TYPES = frozenset({"slash_commands", "events_api", "interactive"})


async def notify(changed: asyncio.Condition) -> None:
    """Wake every waiter so it re-checks what it waits for."""
    async with changed:
        changed.notify_all()


class SocketModeHub:
    """The websocket end of apps.connections.open; the newest open connection gets the envelopes."""

    def __init__(self, app_id: str, changed: asyncio.Condition) -> None:
        self.app_id = app_id
        self.connections = 0
        """Connections accepted so far, reconnections included."""
        self.received: list[dict[str, Any]] = []
        """Every JSON message the client sent (acks, mostly)."""
        self.open: list[web.WebSocketResponse] = []
        self._tickets: set[str] = set()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = changed

    def issue_url(self, ws_base: str) -> str:
        """A one-use websocket URL, as apps.connections.open hands out."""
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return f"{ws_base}/socket?ticket={ticket}&app_id={self.app_id}"

    def _hello(self) -> dict[str, Any]:
        """The first message Slack sends on every new connection."""
        return {"type": "hello", "num_connections": len(self.open),
                "debug_info": {"host": "applink-fake-1", "build_number": 1, "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id}}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET /socket: check the ticket, greet, then collect what the client sends until it leaves."""
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid_ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(timeout=2.0)
        await ws.prepare(request)
        self.open.append(ws)
        self.connections += 1
        await ws.send_json(self._hello())
        await notify(self._changed)
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._on_text(message.data)
        finally:
            self.open.remove(ws)
            await notify(self._changed)
        return ws

    def _on_text(self, data: str) -> None:
        """Keep the message; resolve the waiting envelope when it is an ack."""
        message = json.loads(data)
        self.received.append(message)
        waiter = self._acks.get(message.get("envelope_id", ""))
        if waiter is not None and not waiter.done():
            waiter.set_result(message)

    async def wait_connected(self, within: float, total: int = 1) -> None:
        """Wait until `total` connections were accepted in all and one is open."""
        try:
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(lambda: self.connections >= total and bool(self.open))
        except TimeoutError:
            raise AssertionError(f"FakeSlack: no Socket Mode connection #{total} within {within}s "
                                 f"({self.connections} accepted, {len(self.open)} open)") from None

    async def send_envelope(self, type_: str, payload: dict[str, Any], within: float, retry_attempt: int = 0,
                            retry_reason: str = "") -> dict[str, Any]:
        """Send one envelope on the newest connection and return the client's ack."""
        assert type_ in ENVELOPE_TYPES, f"unknown envelope type {type_!r}"
        await self.wait_connected(within)
        envelope_id = str(uuid.uuid4())
        waiter = self._acks[envelope_id] = asyncio.get_running_loop().create_future()
        envelope = {"envelope_id": envelope_id, "type": type_, "payload": payload,
                    "accepts_response_payload": type_ != "events_api"}
        if type_ == "events_api":  # only events are retried, and say so
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        await self.open[-1].send_json(envelope)
        try:
            return await asyncio.wait_for(waiter, within)
        except TimeoutError:
            raise AssertionError(f"FakeSlack: no ack for {type_} envelope {envelope_id} within {within}s; "
                                 f"client sent {self.received}") from None
        finally:
            del self._acks[envelope_id]

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the newest connection to reconnect, as Slack does every few hours."""
        await self.open[-1].send_json({"type": "disconnect", "reason": reason,
                                       "debug_info": {"host": "applink-fake-1"}})

    async def close_all(self) -> None:
        """Close every open connection (going away), as on a server shutdown."""
        for ws in list(self.open):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")

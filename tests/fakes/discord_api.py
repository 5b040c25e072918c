"""The fake Discord REST API (`/api/v10/...`): every call recorded, failures programmable, answers in
Discord's shapes (built from tests.fakes.discord_gateway's objects).

discord.py reads a body as JSON only when `Content-Type` is exactly `application/json` (aiohttp's
`json_response` adds `; charset=utf-8`, which discord.py would hand back as a str), so every answer is
built by `json_reply`. State is lenient where Discord's refusal would only get in a test's way (any channel
id takes messages); where the refusal is the point (unknown interaction, closed DMs) it is Discord's.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from tests.fakes.discord_gateway import (
    APPLICATION_ID,
    OWNER_ID,
    dm_channel_id,
    iso_now,
    message_object,
    notify,
    snowflake,
    user,
)


@dataclass(frozen=True)
class Call:
    """One REST request the fake received; `path` is below /api/v10 (e.g. /channels/1/messages)."""

    method: str
    path: str
    json: Any
    form: dict[str, str] | None
    files: list[tuple[str, bytes]]
    headers: Mapping[str, str]
    query: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    failed: str | None = None
    """The programmed Failure's name, when one answered this call."""


def json_reply(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with `Content-Type: application/json` and nothing after it, as discord.py needs."""
    return web.Response(status=status, body=json.dumps(body).encode(),
                        headers={"Content-Type": "application/json", **(headers or {})})


def error_reply(status: int, code: int, message: str) -> web.Response:
    """Discord's error shape: `{"message": ..., "code": ...}`."""
    return json_reply({"message": message, "code": code}, status)


@dataclass(frozen=True)
class Failure:
    """One programmed failure: the status, body and headers Discord (or its edge) would answer with."""

    name: str
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> web.Response:
        """The aiohttp response for this failure."""
        if isinstance(self.body, str):
            return web.Response(status=self.status, text=self.body, content_type="text/html",
                                headers=self.headers)
        return json_reply(self.body, self.status, self.headers)


def rate_limited(retry_after: float = 0.2, *, global_: bool = False, bucket: str = "fakebucket") -> Failure:
    """HTTP 429 as Discord sends it: body retry_after/global, X-RateLimit-* headers and `Via` (without
    which discord.py takes the 429 for a Cloudflare ban and raises at once)."""
    headers = {"Retry-After": str(math.ceil(retry_after)), "Via": "1.1 google",
               "X-RateLimit-Scope": "global" if global_ else "user"}
    if global_:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update({"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                        "X-RateLimit-Reset-After": f"{retry_after:.3f}", "X-RateLimit-Bucket": bucket})
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_}
    return Failure("rate_limited", 429, body, headers)


def cloudflare_ban() -> Failure:
    """HTTP 429 from Cloudflare's edge: HTML and no `Via`; discord.py raises HTTPException, no retry."""
    return Failure("cloudflare_ban", 429, "<html><body>error code: 1015</body></html>")


def server_error(status: int = 500) -> Failure:
    """HTTP 5xx. discord.py retries 500, 502, 504 and 524 itself (sleeping 1, 3, 5... s); others raise."""
    return Failure(f"http_{status}", status, {"message": f"{status}: Server Error", "code": 0})


def discord_error(status: int, code: int, message: str) -> Failure:
    """A JSON API error, e.g. discord_error(403, 50007, "Cannot send messages to this user")."""
    return Failure(f"discord_{code}", status, {"message": message, "code": code})


@dataclass
class Window:
    """A fixed window, as Discord's limits work: `limit` requests, then nothing until `reset_at`."""

    limit: int
    length: float
    used: int = 0
    reset_at: float = 0.0

    def roll(self, now: float) -> None:
        if now >= self.reset_at:
            self.used, self.reset_at = 0, now + self.length

    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


NONCE_MAX = 25
"""Longest nonce Discord accepts; a longer one is refused with 400 / 50035."""
NONCE_WINDOW = 300.0
"""Seconds a nonce is remembered for `enforce_nonce` ("the past few minutes", Discord says)."""
MESSAGE_ROUTE = re.compile(r"/channels/(?P<channel_id>\d+)/messages")
MESSAGE_BUCKET = "fake-channel-messages"


@dataclass
class RateLimits:
    """Discord's limits, enforced: the bot's global 50 requests a second and, per channel, 5 messages
    per 5 s (Discord's create-message bucket). Every request with the bot token counts toward the global
    limit (interactions and webhooks do not, as on Discord); a request over either gets the 429 Discord
    sends (body `retry_after` and `global`, `Via`, X-RateLimit-* headers) and counts toward nothing.
    Messages under the limit carry the bucket's X-RateLimit-* headers, from which discord.py paces.
    `clock` (monotonic seconds) is injectable for tests; `reset_clock` is the epoch for X-RateLimit-Reset.
    """

    global_limit: int = 50
    global_window: float = 1.0
    channel_limit: int = 5
    channel_window: float = 5.0
    clock: Callable[[], float] = time.monotonic
    reset_clock: Callable[[], float] = time.time
    global_: Window = field(init=False)
    channels: dict[str, Window] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if min(self.global_limit, self.channel_limit) < 1 or min(self.global_window, self.channel_window) <= 0:
            raise ValueError("limits must be at least 1 and windows positive")
        self.global_ = Window(self.global_limit, self.global_window)

    def admit(self, method: str, path: str) -> tuple[Failure | None, dict[str, str]]:
        """(the 429 to answer with, or None; the X-RateLimit-* headers for an answer under the limit)."""
        now = self.clock()
        self.global_.roll(now)
        match = MESSAGE_ROUTE.fullmatch(path) if method == "POST" else None
        bucket = self.channels.setdefault(match["channel_id"], Window(self.channel_limit, self.channel_window)) \
            if match else None
        if bucket is not None:
            bucket.roll(now)
            if not bucket.remaining():
                return rate_limited(bucket.reset_at - now, bucket=MESSAGE_BUCKET), {}
        if not self.global_.remaining():
            return replace(rate_limited(self.global_.reset_at - now, global_=True), name="rate_limited_global"), {}
        self.global_.used += 1
        if bucket is None:
            return None, {}
        bucket.used += 1
        after = bucket.reset_at - now
        return None, {"X-RateLimit-Limit": str(bucket.limit), "X-RateLimit-Remaining": str(bucket.remaining()),
                      "X-RateLimit-Reset": f"{self.reset_clock() + after:.3f}",
                      "X-RateLimit-Reset-After": f"{after:.3f}", "X-RateLimit-Bucket": MESSAGE_BUCKET}


@dataclass
class _Rule:
    """Failures for requests whose method and path match: queued ones first, then the predicate's."""

    method: str
    pattern: re.Pattern[str]
    queued: deque[Failure] = field(default_factory=deque)
    predicate: Callable[[int], Failure | None] | None = None
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.method in {"*", method} and self.pattern.fullmatch(path) is not None


@dataclass
class Request:
    """What a route handler gets: the route's captured ids, the parsed body and the query."""

    method: str
    path: str
    params: dict[str, str]
    json: Any
    form: dict[str, str] | None
    files: list[tuple[str, bytes]]
    query: Mapping[str, str]


Handler = Callable[[Request], Awaitable[web.Response]]


class RestRecorder:
    """Routing, recording, programmed failures and waiting; the routes themselves live in `DiscordRest`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.accepted_tokens: set[str] | None = None
        """Bot tokens the fake accepts (REST and IDENTIFY); None accepts any non-empty token."""
        self.limits: RateLimits | None = None
        """Discord's rate limits, enforced with 429s (see `enforce_rate_limits`); None lets everything through."""
        self._rules: list[_Rule] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._changed = asyncio.Condition()

    def route(self, method: str, template: str, handler: Handler) -> None:
        """Serve `template` (e.g. /channels/{channel_id}/messages) with `handler`."""
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(pattern), handler))

    def token_ok(self, token: str | None) -> bool:
        return bool(token) and (self.accepted_tokens is None or token in self.accepted_tokens)

    # ----- test-facing

    def calls_to(self, method: str, path_regex: str) -> list[Call]:
        """Recorded calls whose method matches (or "*") and whose path fully matches `path_regex`."""
        pattern = re.compile(path_regex)
        return [c for c in self.calls if method in {"*", c.method} and pattern.fullmatch(c.path)]

    async def wait_for(self, method: str, path_regex: str, count: int = 1,
                       timeout: float = 10.0) -> list[Call]:  # noqa: ASYNC109
        """Wait until `count` matching calls were answered (failed ones included); return them all."""
        await self._wait(lambda: len(self.calls_to(method, path_regex)) >= count, timeout,
                         lambda: f"{count} call(s) to {method} {path_regex}; calls so far: {self._summary()}")
        return self.calls_to(method, path_regex)

    def fail_next(self, method: str, path_regex: str, *failures: Failure) -> None:
        """Answer the next matching requests with these failures, one per request."""
        self._rules.append(_Rule(method.upper() if method != "*" else method, re.compile(path_regex),
                                 deque(failures)))

    def fail_when(self, method: str, path_regex: str, predicate: Callable[[int], Failure | None]) -> None:
        """Fail the n-th matching request (1-based, counted for this rule) whenever predicate(n) says so."""
        self._rules.append(_Rule(method.upper() if method != "*" else method, re.compile(path_regex),
                                 predicate=predicate))

    def enforce_rate_limits(self, **options: Any) -> RateLimits:
        """Enforce Discord's global limit (50/s) and per-channel message buckets (5 per 5 s) with 429s;
        see RateLimits for the options."""
        self.limits = RateLimits(**options)
        return self.limits

    async def wait_until(self, condition: Callable[[], bool], description: str,
                         timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until `condition()` holds, re-checked after every request and gateway payload."""
        await self._wait(condition, timeout, lambda: description)

    # ----- plumbing

    async def _wait(self, ready: Callable[[], bool], within: float, wanted: Callable[[], str]) -> None:
        """Wait on the change condition until `ready()`, or fail the test saying what was wanted."""
        try:
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            raise AssertionError(f"FakeDiscord: timed out after {within}s waiting for {wanted()}") from None

    def _summary(self) -> str:
        return ", ".join(f"{c.method} {c.path} → {c.status}" for c in self.calls[-20:]) or "none"

    def _failure_for(self, method: str, path: str) -> Failure | None:
        """Every matching rule counts the request; queued failures go first, then predicates."""
        matching = [rule for rule in self._rules if rule.matches(method, path)]
        for rule in matching:
            rule.seen += 1
        queued = next((rule.queued for rule in matching if rule.queued), None)
        if queued:
            return queued.popleft()
        return next((f for rule in matching if rule.predicate and (f := rule.predicate(rule.seen))), None)

    async def handle_rest(self, request: web.Request) -> web.StreamResponse:
        """Every /api/v{n}/... request: parse, fail if programmed, check auth, route, record."""
        path = "/" + request.match_info["path"]
        body, form, files = await _read_body(request)
        method, query = request.method, dict(request.query)
        failure = self._failure_for(method, path)
        limit_headers: dict[str, str] = {}
        if failure is None and self.limits is not None and not _tokenless(path):
            failure, limit_headers = self.limits.admit(method, path)
        if failure is not None:
            response = failure.response()
        elif request.match_info["version"] not in {"9", "10"}:
            response = error_reply(400, 50041, "Invalid API version provided")
        elif not _tokenless(path) and not self.token_ok(
                request.headers.get("Authorization", "").removeprefix("Bot ")):
            response = error_reply(401, 0, "401: Unauthorized")
        else:
            response = await self._route(Request(method, path, {}, body, form, files, query))
            response.headers.update(limit_headers)
        headers = CIMultiDictProxy(CIMultiDict(request.headers))
        self.calls.append(Call(method, path, body, form, files, headers, query, response.status,
                               failure.name if failure else None))
        await notify(self._changed)
        return response

    async def _route(self, request: Request) -> web.Response:
        allowed = False
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            allowed = True
            if method == request.method:
                request.params = match.groupdict()
                return await handler(request)
        if allowed:
            return error_reply(405, 0, "405: Method Not Allowed")
        return error_reply(404, 0, "404: Not Found")


def _tokenless(path: str) -> bool:
    """Routes called without the bot token: interaction callbacks, webhooks (token in the URL), /gateway."""
    return path.startswith(("/interactions/", "/webhooks/")) or path == "/gateway"


async def _read_body(request: web.Request) -> tuple[Any, dict[str, str] | None, list[tuple[str, bytes]]]:
    """(json, form, files): a JSON body, or multipart's payload_json, other fields and files[n]."""
    if request.content_type.startswith("multipart/"):
        form: dict[str, str] = {}
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            data = await part.read()  # type: ignore[union-attr]
            if part.filename:  # type: ignore[union-attr]
                files.append((part.filename, bytes(data)))  # type: ignore[union-attr]
            else:
                form[part.name or ""] = bytes(data).decode()  # type: ignore[union-attr]
        return (json.loads(form["payload_json"]) if "payload_json" in form else None), form, files
    raw = await request.read()
    if request.content_type == "application/json" and raw:
        return json.loads(raw), None, []
    return (raw.decode() or None), None, []


class DiscordRest(RestRecorder):
    """The routes Rekan's bot uses, over in-memory state the tests can read and seed."""

    def __init__(self, *, application_id: int = APPLICATION_ID, bot_name: str = "Rekan",
                 owner_id: int = OWNER_ID, shards: int = 1) -> None:
        super().__init__()
        self.application_id = application_id
        self.bot_user = user(application_id, bot_name.lower(), bot=True, global_name=bot_name)
        self.owner = user(owner_id, "owner")
        self.shards = shards
        """What GET /gateway/bot recommends."""
        self.users: dict[int, dict[str, Any]] = {application_id: self.bot_user, owner_id: self.owner}
        self.guilds: dict[int, dict[str, Any]] = {}
        self.dm_channels: dict[int, dict[str, Any]] = {}
        """The bot's DM channel with each user id, made on first POST /users/@me/channels."""
        self._dm_users: dict[int, int] = {}
        """DM channel id → user id, so a message to a DM finds its channel without a scan."""
        self.members_intent = True
        """Whether the app has the Server Members privileged intent (listing members needs it)."""
        self.dms_closed: set[int] = set()
        """User ids whose DMs refuse the bot (403, code 50007)."""
        self.messages: dict[int, dict[str, Any]] = {}
        self.honour_nonce = True
        """Create Message with `enforce_nonce` and a nonce this channel saw in the last `nonce_window` seconds
        returns that message and creates none, as Discord does; False posts every request."""
        self.nonce_window = NONCE_WINDOW
        self.nonce_clock: Callable[[], float] = time.monotonic
        self.by_nonce: dict[tuple[int, str], tuple[float, int]] = {}
        """(channel id, nonce) → (when, message id) of the message it created."""
        self.deduplicated = 0
        """Create Message requests answered with the message their nonce had already created."""
        self.reactions: list[tuple[int, int, str]] = []
        """(channel_id, message_id, emoji) the bot added."""
        self.commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        for method, template, handler in [
            ("GET", "/users/@me", self._me), ("GET", "/oauth2/applications/@me", self._app_info),
            ("GET", "/gateway", self._gateway), ("GET", "/gateway/bot", self._gateway_bot),
            ("GET", "/users/{user_id}", self._get_user), ("POST", "/users/@me/channels", self._open_dm),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("POST", "/channels/{channel_id}/typing", self._no_content),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", self._react),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
             self._no_content),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("GET", "/guilds/{guild_id}/members", self._list_members),
            ("GET", "/guilds/{guild_id}/roles", self._list_roles),
            ("GET", "/applications/{app_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/commands", self._put_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
        ]:
            self.route(method, template, handler)

    # ----- state helpers

    def add_user(self, data: dict[str, Any]) -> dict[str, Any]:
        """Make a user (see `user()`) known to GET /users/{id}."""
        self.users[int(data["id"])] = data
        return data

    def dm_channel(self, user_id: int) -> dict[str, Any]:
        """The bot's DM channel with `user_id` (stable for the fake's lifetime)."""
        if user_id not in self.dm_channels:
            recipient = self.users.get(user_id) or user(user_id)
            self.dm_channels[user_id] = {"id": str(dm_channel_id(user_id)), "type": 1, "flags": 0,
                                         "last_message_id": None, "recipients": [recipient]}
            self._dm_users[dm_channel_id(user_id)] = user_id
        return self.dm_channels[user_id]

    def channel(self, channel_id: int) -> tuple[dict[str, Any], int | None] | None:
        """(channel object, guild id or None) for a guild channel or DM channel the fake knows."""
        for guild_id, guild in self.guilds.items():
            for channel in guild.get("channels", []):
                if int(channel["id"]) == channel_id:
                    return {**channel, "guild_id": str(guild_id)}, guild_id
        found = self.dm_channels.get(self._dm_users.get(channel_id, -1))
        if found is None or int(found["id"]) != channel_id:
            found = next((c for c in self.dm_channels.values() if int(c["id"]) == channel_id), None)
        return (found, None) if found else None

    def messages_in(self, channel_id: int) -> list[dict[str, Any]]:
        """Messages the bot has in `channel_id`, oldest first."""
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]

    def _bot_message(self, channel_id: int, payload: dict[str, Any], files: list[tuple[str, bytes]],
                     **fields: Any) -> dict[str, Any]:
        """Store and return the message the bot posts with this payload."""
        found = self.channel(channel_id)
        message = message_object(payload.get("content") or "", channel_id=channel_id, author=self.bot_user,
                                 guild_id=found[1] if found else None, embeds=payload.get("embeds") or [],
                                 components=payload.get("components") or [], flags=payload.get("flags") or 0,
                                 attachments=_attachments(channel_id, files), **fields)
        self.messages[int(message["id"])] = message
        return message

    def _edit(self, message_id: int, channel_id: int, payload: dict[str, Any],
              files: list[tuple[str, bytes]]) -> dict[str, Any]:
        """Apply an edit (lenient: a message the fake never saw is made on the spot)."""
        message = self.messages.get(message_id) or self._bot_message(channel_id, {}, [], id=str(message_id))
        for key in ("content", "embeds", "components", "flags"):
            if key in payload and payload[key] is not None:
                message[key] = payload[key]
        if files:
            message["attachments"] = _attachments(channel_id, files)
        message["flags"] = int(message.get("flags") or 0) & ~128  # an edit ends a deferred "thinking" state
        message["edited_timestamp"] = iso_now()
        return message

    # ----- identity and gateway

    async def _me(self, r: Request) -> web.Response:
        return json_reply({**self.bot_user, "verified": True, "mfa_enabled": False, "locale": "en-US",
                           "email": None})

    async def _app_info(self, r: Request) -> web.Response:
        return json_reply({
            "id": str(self.application_id), "name": self.bot_user["global_name"], "icon": None,
            "description": "", "bot_public": True, "bot_require_code_grant": False, "owner": self.owner,
            "verify_key": "0" * 64, "team": None, "flags": 0, "summary": "", "bot": self.bot_user,
            "interactions_endpoint_url": None, "install_params": {"scopes": ["bot", "applications.commands"],
                                                                  "permissions": "0"},
        })

    def gateway_url(self) -> str:
        raise NotImplementedError("the REST half has no gateway; FakeDiscord overrides this with its port")

    async def _gateway(self, r: Request) -> web.Response:
        return json_reply({"url": self.gateway_url()})

    async def _gateway_bot(self, r: Request) -> web.Response:
        return json_reply({"url": self.gateway_url(), "shards": self.shards, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}})

    # ----- users, channels, members

    async def _get_user(self, r: Request) -> web.Response:
        found = self.users.get(int(r.params["user_id"]))
        return json_reply(found) if found else error_reply(404, 10013, "Unknown User")

    async def _open_dm(self, r: Request) -> web.Response:
        return json_reply(self.dm_channel(int(r.json["recipient_id"])))

    async def _get_channel(self, r: Request) -> web.Response:
        found = self.channel(int(r.params["channel_id"]))
        return json_reply(found[0]) if found else error_reply(404, 10003, "Unknown Channel")

    async def _get_member(self, r: Request) -> web.Response:
        guild = self.guilds.get(int(r.params["guild_id"]))
        if guild is None:
            return error_reply(404, 10004, "Unknown Guild")
        member = next((m for m in guild.get("members", []) if m["user"]["id"] == r.params["user_id"]), None)
        return json_reply(member) if member else error_reply(404, 10007, "Unknown Member")

    async def _list_roles(self, r: Request) -> web.Response:
        guild = self.guilds.get(int(r.params["guild_id"]))
        return json_reply(guild["roles"]) if guild else error_reply(404, 10004, "Unknown Guild")

    async def _list_members(self, r: Request) -> web.Response:
        """List Guild Members: ordered by user id, `limit` (1–1000) after `after`; needs the members intent."""
        if not self.members_intent:
            return error_reply(403, 50001, "Missing Access")
        guild = self.guilds.get(int(r.params["guild_id"]))
        if guild is None:
            return error_reply(404, 10004, "Unknown Guild")
        limit = min(max(int(r.query.get("limit", "1")), 1), 1000)
        after = int(r.query.get("after", "0"))
        members = sorted((m for m in guild.get("members", []) if int(m["user"]["id"]) > after),
                         key=lambda m: int(m["user"]["id"]))
        return json_reply(members[:limit])

    # ----- messages

    def _dm_refused(self, channel_id: int) -> bool:
        return any(int(self.dm_channels[uid]["id"]) == channel_id
                   for uid in self.dms_closed if uid in self.dm_channels)

    async def _create_message(self, r: Request) -> web.Response:
        channel_id = int(r.params["channel_id"])
        if self._dm_refused(channel_id):
            return error_reply(403, 50007, "Cannot send messages to this user")
        payload = r.json if isinstance(r.json, dict) else {}
        nonce = payload.get("nonce")
        if nonce is not None and len(str(nonce)) > NONCE_MAX:
            return error_reply(400, 50035, "Invalid Form Body (nonce: must be 25 or fewer in length)")
        if not any(payload.get(k) for k in ("content", "embeds", "components", "sticker_ids", "poll")) \
                and not r.files:
            return error_reply(400, 50006, "Cannot send an empty message")
        key = (channel_id, str(nonce)) if nonce is not None and payload.get("enforce_nonce") else None
        earlier = self._nonce_message(key)
        if earlier is not None:
            self.deduplicated += 1
            return json_reply(earlier)
        message = self._bot_message(channel_id, payload, r.files)
        if key is not None and self.honour_nonce:
            self.by_nonce[key] = (self.nonce_clock(), int(message["id"]))
        return json_reply(message)

    def _nonce_message(self, key: tuple[int, str] | None) -> dict[str, Any] | None:
        """Discord: "If another message was created by the same author with the same nonce, that message
        will be returned and no new message will be created" (checked for the past few minutes)."""
        seen = self.by_nonce.get(key) if key is not None and self.honour_nonce else None
        if seen is None or self.nonce_clock() - seen[0] >= self.nonce_window:
            return None
        return self.messages.get(seen[1])

    def _known_message(self, r: Request) -> dict[str, Any] | None:
        found = self.messages.get(int(r.params["message_id"]))
        return found if found and found["channel_id"] == r.params["channel_id"] else None

    async def _get_message(self, r: Request) -> web.Response:
        found = self._known_message(r)
        return json_reply(found) if found else error_reply(404, 10008, "Unknown Message")

    async def _edit_message(self, r: Request) -> web.Response:
        message_id, channel_id = int(r.params["message_id"]), int(r.params["channel_id"])
        return json_reply(self._edit(message_id, channel_id, r.json or {}, r.files))

    async def _delete_message(self, r: Request) -> web.Response:
        return web.Response(status=204) if self.messages.pop(int(r.params["message_id"]), None) \
            else error_reply(404, 10008, "Unknown Message")

    async def _react(self, r: Request) -> web.Response:
        self.reactions.append((int(r.params["channel_id"]), int(r.params["message_id"]), r.params["emoji"]))
        return web.Response(status=204)

    async def _no_content(self, r: Request) -> web.Response:
        return web.Response(status=204)

    # ----- application commands

    def _commands_list(self, r: Request) -> list[dict[str, Any]] | None:
        if int(r.params["app_id"]) != self.application_id:
            return None
        if "guild_id" in r.params:
            return self.guild_commands.setdefault(int(r.params["guild_id"]), [])
        return self.commands

    async def _get_commands(self, r: Request) -> web.Response:
        found = self._commands_list(r)
        return json_reply(found) if found is not None else error_reply(403, 50001, "Missing Access")

    async def _put_commands(self, r: Request) -> web.Response:
        stored = self._commands_list(r)
        if stored is None:
            return error_reply(403, 50001, "Missing Access")
        guild_id = int(r.params["guild_id"]) if "guild_id" in r.params else None
        stored[:] = [self._command(spec, guild_id) for spec in r.json or []]
        return json_reply(stored)

    def _command(self, spec: dict[str, Any], guild_id: int | None) -> dict[str, Any]:
        """A command as Discord stores it: same name and type keep their id across overwrites."""
        key = (guild_id, spec["name"], int(spec.get("type", 1)))
        command_id = self._command_ids.setdefault(key, snowflake())
        command = {"type": 1, "description": "", "options": [], "default_member_permissions": None,
                   "nsfw": False, "contexts": None, "integration_types": [0], "name_localizations": None,
                   "description_localizations": None, **spec, "id": str(command_id),
                   "application_id": str(self.application_id), "version": str(snowflake())}
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        return command


def _attachments(channel_id: int, files: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """Attachment objects for uploaded files, with CDN-looking URLs."""
    out = []
    for name, data in files:
        attachment_id = snowflake()
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{name}"
        out.append({"id": str(attachment_id), "filename": name, "size": len(data), "url": url,
                    "proxy_url": url, "content_type": "application/octet-stream"})
    return out

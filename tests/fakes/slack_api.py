"""The fake Slack Web API: every call recorded, failures programmable, answers shaped like Slack's.

State is lenient on purpose (chat.update of a message the fake never saw succeeds); a test that wants
Slack's refusal programs it with `fail_next` / `fail_when`.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import json
import math
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.time.zones import get_zone
from tests.fakes.slack_socket import SocketModeHub, notify

Params = dict[str, Any]
Reply = dict[str, Any]
Handler = Callable[[Params, str | None], Reply]

UPLOAD = "files.upload"
"""The method name the upload URL's POST is recorded (and fails) under."""
RESPONSE_URL = "response_url"
"""The method name `fail_next` / `fail_when` use for posts to response URLs."""
NO_TOKEN_METHODS = frozenset({"api.test", "oauth.v2.access", "oauth.access", UPLOAD, RESPONSE_URL})


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    token: str | None
    failed: str | None = None


@dataclass(frozen=True)
class Failure:
    """One programmed failure: the HTTP status, body and headers Slack would answer with."""

    name: str
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def response(self) -> web.Response:
        """The aiohttp response for this failure."""
        text = self.body if isinstance(self.body, str) else json.dumps(self.body)
        return web.Response(status=self.status, text=text, headers=self.headers, content_type=self.content_type)


def rate_limited(retry_after: int = 1) -> Failure:
    """HTTP 429 with Retry-After, as Slack rate limits every tier."""
    return Failure("ratelimited", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


def server_error(status: int = 500, *, html: bool = False) -> Failure:
    """HTTP 5xx: Slack's JSON error body, or with `html` the HTML page its edge serves."""
    if html:
        page = f"<html><body><h1>{status}</h1>Slack is having trouble.</body></html>"
        return Failure(f"http_{status}", status, page, content_type="text/html")
    code = "service_unavailable" if status == 503 else "internal_error"
    return Failure(f"http_{status}", status, {"ok": False, "error": code})


def slack_error(code: str) -> Failure:
    """HTTP 200 with `{"ok": false, "error": code}`, Slack's usual way to refuse."""
    return Failure(code, 200, {"ok": False, "error": code})


@dataclass
class TokenBucket:
    """`rate` requests a second, up to `burst` at once; a request takes a token only when it is let through."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        """Seconds until a token is free (0 when one is free now)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


@dataclass
class MessageBudget:
    """Slack's posting limits, enforced: a workspace budget and about one message a second per channel.

    A post beyond either gets HTTP 429 with Retry-After in whole seconds (at least 1), as Slack answers;
    refused posts cost nothing. `clock` is injectable for tests.
    """

    workspace_rate: float
    workspace_burst: float | None = None
    """Posts at once before the rate binds; None is one second's worth (Slack grants bursts)."""
    channel_rate: float = 1.0
    channel_burst: float = 1.0
    methods: frozenset[str] = frozenset({"chat.postMessage"})
    clock: Callable[[], float] = time.monotonic
    workspaces: dict[str, TokenBucket] = field(default_factory=dict)
    channels: dict[str, TokenBucket] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.workspace_rate <= 0 or self.channel_rate <= 0:
            raise ValueError("rates must be positive")

    def _bucket(self, buckets: dict[str, TokenBucket], key: str, rate: float, burst: float,
                now: float) -> TokenBucket:
        if key not in buckets:
            buckets[key] = TokenBucket(rate=rate, burst=burst, tokens=burst, stamp=now)
        return buckets[key]

    def admit(self, team: str, channel: str) -> Failure | None:
        """Take a token from both buckets, or the 429 to answer with (taking none)."""
        now = self.clock()
        burst = self.workspace_burst if self.workspace_burst is not None else max(1.0, self.workspace_rate)
        workspace = self._bucket(self.workspaces, team, self.workspace_rate, burst, now)
        per_channel = self._bucket(self.channels, f"{team}/{channel}", self.channel_rate,
                                   max(1.0, self.channel_burst), now)
        wait = max(workspace.wait(now), per_channel.wait(now))
        if wait > 0:
            return rate_limited(max(1, math.ceil(wait)))
        workspace.take()
        per_channel.take()
        return None


def error(code: str) -> Reply:
    """A refusal body."""
    return {"ok": False, "error": code}


def as_json(value: Any) -> Any:
    """Form bodies carry JSON as strings (blocks, view, files); JSON bodies carry it as is."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def _form_value(value: str | bytes | bytearray | FileField) -> Any:
    """A multipart file field becomes its bytes."""
    return value.file.read() if isinstance(value, FileField) else value


async def read_request(request: web.Request) -> tuple[Params, str | None]:
    """Query, form or JSON parameters merged, and the token from the header or the `token` param."""
    params: Params = dict(request.query)
    if request.content_type == "application/json" and request.can_read_body:
        params.update(await request.json())
    elif request.can_read_body:
        params.update({k: _form_value(v) for k, v in (await request.post()).items()})
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme == "Basic":
        client_id, _, secret = base64.b64decode(credentials).decode().partition(":")
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", secret)
    token = params.pop("token", None)
    return params, credentials if scheme == "Bearer" else token


def user_object(user_id: str, name: str, *, tz: str = "UTC", tz_label: str | None = None, team_id: str = "T1",
                real_name: str | None = None, display_name: str | None = None, is_admin: bool = False,
                is_owner: bool = False, is_bot: bool = False, deleted: bool = False) -> dict[str, Any]:
    """A users.info `user` as Slack sends it; pass display_name="" for a user who never set one."""
    now = datetime.now(UTC).astimezone(get_zone(tz))  # tz_label: Slack's is a long name; default to the abbr.
    offset = now.utcoffset()
    real, display = real_name or name.title(), name if display_name is None else display_name
    return {
        "id": user_id, "team_id": team_id, "name": name, "deleted": deleted, "color": "9f69e7",
        "real_name": real, "tz": tz, "tz_label": tz_label or now.tzname() or tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {"real_name": real, "display_name": display, "real_name_normalized": real,
                    "display_name_normalized": display,
                    "team": team_id, "avatar_hash": "ge3b51ca72de", "image_72": "https://a.slack-edge.com/72.png"},
        "is_admin": is_admin, "is_owner": is_owner, "is_primary_owner": False, "is_restricted": False,
        "is_ultra_restricted": False, "is_bot": is_bot, "is_app_user": False, "updated": 1700000000,
    }


class SlackWebApi:
    """Slack's Web API state and method handlers; FakeSlack serves them over HTTP."""

    def __init__(self, *, team_id: str = "T1", team_name: str = "Rekan Test", bot_user_id: str = "UBOT",
                 bot_id: str = "B1", app_id: str = "A1") -> None:
        self.team_id, self.team_name, self.app_id = team_id, team_name, app_id
        self.bot_user_id, self.bot_id = bot_user_id, bot_id
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        """User group (subteam) id → member ids, for usergroups.users.list."""
        self.channels: dict[str, dict[str, Any]] = {}
        """Channel id → {"members": [...], "is_member": bool}; a channel not listed has Rekan in it."""
        self.tokens: dict[str, dict[str, Any]] = {}
        """auth.test identities by token; any other token is the default workspace's bot."""
        self.revoked_tokens: set[str] = set()
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.reactions: set[tuple[str, str, str]] = set()
        self.oauth_response: dict[str, Any] = self._default_oauth()
        self.budget: MessageBudget | None = None
        """Posting limits enforced with 429s (see `enforce_budget`); None lets everything through."""
        self._base_url = ""
        self._changed = asyncio.Condition()
        self._queued: defaultdict[str, deque[Failure]] = defaultdict(deque)
        self._rules: defaultdict[str, list[Callable[[int], Failure | None]]] = defaultdict(list)
        self._counts: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self._ts = itertools.count(1700000000_000100, 100)
        self._dms: dict[str, str] = {}
        self.socket = SocketModeHub(app_id, self._changed)
        self._handlers: dict[str, Handler] = {
            "api.test": lambda p, t: {"ok": True, "args": p},
            "auth.test": self._auth_test, "auth.revoke": self._auth_revoke,
            "chat.postMessage": self._post_message, "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update, "chat.delete": self._delete,
            "views.open": self._views_open, "views.update": self._views_update, "views.push": self._views_open,
            "views.publish": self._views_publish, "users.info": self._users_info,
            "usergroups.users.list": self._usergroup_users,
            "conversations.info": self._conversations_info, "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open, "reactions.add": self._reactions_add,
            "files.getUploadURLExternal": self._upload_url, "files.completeUploadExternal": self._complete_upload,
            "oauth.v2.access": self._oauth_access, "apps.connections.open": self._connections_open,
        }

    # ----- test-facing helpers

    def add_user(self, user_id: str, name: str, **fields: Any) -> dict[str, Any]:
        """Add a users.info user (see `user_object` for the fields) and return it."""
        self.users[user_id] = user_object(user_id, name, team_id=fields.pop("team_id", self.team_id), **fields)
        return self.users[user_id]

    def dm_channel(self, user_id: str) -> str:
        """The D… channel of the bot's DM with this user (stable for the fake's lifetime)."""
        return self._dms.setdefault(user_id, f"D{len(self._dms) + 1:08d}")

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call to `method`, failed ones included."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:  # noqa: ASYNC109
        """Wait until `method` has been called `count` times; return those calls."""
        await self._wait(lambda: len(self.calls_to(method)) >= count, timeout,
                         lambda: f"{count} call(s) to {method}; calls so far: {self._summary()}")
        return self.calls_to(method)

    def fail_next(self, method: str, *failures: Failure) -> None:
        """Queue failures for the next calls to `method`, one consumed per call."""
        self._queued[method].extend(failures)

    def fail_when(self, method: str, predicate: Callable[[int], Failure | None]) -> None:
        """Fail the n-th call (1-based) to `method` whenever `predicate(n)` returns a Failure."""
        self._rules[method].append(predicate)

    def enforce_budget(self, workspace_rate: float, **options: Any) -> MessageBudget:
        """Enforce a posting budget of `workspace_rate` messages a second per workspace, and about one a
        second per channel (see MessageBudget for the options); beyond it, 429 with Retry-After."""
        self.budget = MessageBudget(workspace_rate=workspace_rate, **options)
        return self.budget

    # ----- plumbing

    async def _wait(self, ready: Callable[[], bool], within: float, wanted: Callable[[], str]) -> None:
        """Wait on the change condition until `ready()`, or fail the test with what was wanted."""
        try:
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            raise AssertionError(f"FakeSlack: timed out after {within}s waiting for {wanted()}") from None

    def _summary(self) -> str:
        """The methods called so far, with counts."""
        counts = Counter(c.method for c in self.calls)
        return ", ".join(f"{m}×{n}" for m, n in counts.items()) or "none"

    def _failure_for(self, method: str) -> Failure | None:
        """The programmed failure for this call to `method`, if any."""
        self._counts[method] += 1
        if self._queued[method]:
            return self._queued[method].popleft()
        return next((f for rule in self._rules[method] if (f := rule(self._counts[method]))), None)

    def _auth_failure(self, method: str, token: str | None) -> Failure | None:
        """not_authed, token_revoked, or an app-level token used for a bot method (and vice versa)."""
        if method in NO_TOKEN_METHODS:
            return None
        if not token:
            return slack_error("not_authed")
        if token in self.revoked_tokens:
            return slack_error("token_revoked")
        if (method == "apps.connections.open") != token.startswith("xapp-"):
            return slack_error("not_allowed_token_type")
        return None

    async def record(self, call: Call) -> None:
        """Keep the call and wake waiters."""
        self.calls.append(call)
        await notify(self._changed)

    async def handle_api(self, request: web.Request) -> web.Response:
        """POST/GET /api/{method}."""
        method = request.match_info["method"]
        params, token = await read_request(request)
        failure = self._failure_for(method) or self._auth_failure(method, token) \
            or self._over_budget(method, params, token)
        if failure is not None:
            await self.record(Call(method, params, token, failure.name))
            return failure.response()
        handler = self._handlers.get(method)
        reply = handler(params, token) if handler else error("unknown_method")
        await self.record(Call(method, params, token, None if reply["ok"] else reply["error"]))
        return web.json_response(reply)

    def _over_budget(self, method: str, params: Params, token: str | None) -> Failure | None:
        """The 429 for a post beyond the budget; a post without a channel is left to the method."""
        budget = self.budget
        if budget is None or method not in budget.methods or not params.get("channel"):
            return None
        team = str(self.tokens.get(token or "", {}).get("team_id") or self.team_id)
        return budget.admit(team, self._channel_for(str(params["channel"])))

    def _next_ts(self) -> str:
        """A unique, increasing message ts such as 1700000000.000100."""
        n = next(self._ts)
        return f"{n // 1_000_000}.{n % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        """A Slack-looking id: prefix and digits."""
        return f"{prefix}{next(self._ids):08d}"

    # ----- methods

    def _auth_test(self, p: Params, token: str | None) -> Reply:
        identity = {"url": f"https://{self.team_name.lower().replace(' ', '-')}.slack.com/",
                    "team": self.team_name, "user": "rekan", "team_id": self.team_id,
                    "user_id": self.bot_user_id, "bot_id": self.bot_id, "is_enterprise_install": False}
        return {"ok": True, **identity, **self.tokens.get(token or "", {})}

    def _auth_revoke(self, p: Params, token: str | None) -> Reply:
        if str(p.get("test", "0")) not in {"1", "true", "True"} and token:
            self.revoked_tokens.add(token)
        return {"ok": True, "revoked": True}

    def _channel_for(self, channel: str) -> str:
        """A user id as channel means the bot's DM with that user, as in Slack."""
        return self.dm_channel(channel) if channel[:1] in {"U", "W"} else channel

    def _message(self, p: Params, ts: str) -> dict[str, Any]:
        """The message object Slack echoes back."""
        message = {"user": self.bot_user_id, "type": "message", "ts": ts, "bot_id": self.bot_id,
                   "app_id": self.app_id, "text": p.get("text", ""), "team": self.team_id,
                   "blocks": as_json(p.get("blocks")) or []}
        if p.get("thread_ts"):
            message["thread_ts"] = p["thread_ts"]
        return message

    def _post_message(self, p: Params, token: str | None) -> Reply:
        if not p.get("channel"):
            return error("channel_not_found")
        if not any(p.get(k) for k in ("text", "blocks", "attachments")):
            return error("no_text")
        channel, ts = self._channel_for(str(p["channel"])), self._next_ts()
        self.messages[(channel, ts)] = self._message(p, ts)
        return {"ok": True, "channel": channel, "ts": ts, "message": self.messages[(channel, ts)]}

    def _post_ephemeral(self, p: Params, token: str | None) -> Reply:
        if not p.get("channel") or not p.get("user"):
            return error("channel_not_found" if not p.get("channel") else "user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _update(self, p: Params, token: str | None) -> Reply:
        channel, ts = str(p.get("channel", "")), str(p.get("ts", ""))
        if not channel or not ts:
            return error("message_not_found")
        self.messages[(channel, ts)] = self._message(p, ts)
        return {"ok": True, "channel": channel, "ts": ts, "text": p.get("text", ""),
                "message": self.messages[(channel, ts)]}

    def _delete(self, p: Params, token: str | None) -> Reply:
        channel, ts = str(p.get("channel", "")), str(p.get("ts", ""))
        self.messages.pop((channel, ts), None)
        return {"ok": True, "channel": channel, "ts": ts}

    def _view(self, view_id: str, spec: dict[str, Any]) -> dict[str, Any]:
        """The full view object Slack answers with."""
        return {"id": view_id, "team_id": self.team_id, "type": spec.get("type", "modal"),
                "blocks": spec.get("blocks", []), "private_metadata": spec.get("private_metadata", ""),
                "callback_id": spec.get("callback_id", ""), "state": {"values": {}},
                "hash": f"{next(self._ids)}.{uuid.uuid4().hex[:8]}", "title": spec.get("title"),
                "clear_on_close": spec.get("clear_on_close", False),
                "notify_on_close": spec.get("notify_on_close", False), "close": spec.get("close"),
                "submit": spec.get("submit"), "previous_view_id": None, "root_view_id": view_id,
                "app_id": self.app_id, "external_id": spec.get("external_id", ""),
                "app_installed_team_id": self.team_id, "bot_id": self.bot_id}

    def _views_open(self, p: Params, token: str | None) -> Reply:
        if not p.get("trigger_id"):
            return error("invalid_arguments")
        view_id = self._next_id("V")
        self.views[view_id] = self._view(view_id, as_json(p.get("view")) or {})
        return {"ok": True, "view": self.views[view_id]}

    def _views_update(self, p: Params, token: str | None) -> Reply:
        view_id = p.get("view_id") or next((v["id"] for v in self.views.values()
                                            if p.get("external_id") and v["external_id"] == p["external_id"]), None)
        if not view_id:
            return error("not_found")
        self.views[view_id] = self._view(view_id, as_json(p.get("view")) or {})
        return {"ok": True, "view": self.views[view_id]}

    def _views_publish(self, p: Params, token: str | None) -> Reply:
        user_id = str(p.get("user_id", ""))
        if not user_id:
            return error("invalid_arguments")
        old = self.home_views.get(user_id)
        view_id = old["id"] if old else self._next_id("V")
        self.home_views[user_id] = self._view(view_id, as_json(p.get("view")) or {})
        return {"ok": True, "view": self.home_views[user_id]}

    def _users_info(self, p: Params, token: str | None) -> Reply:
        user = self.users.get(str(p.get("user", "")))
        return {"ok": True, "user": copy.deepcopy(user)} if user else error("user_not_found")

    def _conversations_info(self, p: Params, token: str | None) -> Reply:
        channel = str(p.get("channel", ""))
        known = self.channels.get(channel, {"is_member": True})
        if known.get("missing"):
            return error("channel_not_found")
        return {"ok": True, "channel": {"id": channel, "is_member": bool(known.get("is_member"))}}

    def _conversations_members(self, p: Params, token: str | None) -> Reply:
        """Two members a page, so a test sees Rekan follow the cursor."""
        members = list(self.channels.get(str(p.get("channel", "")), {}).get("members", []))
        start = int(str(p.get("cursor") or "0") or 0)
        page, rest = members[start:start + 2], members[start + 2:]
        meta = {"next_cursor": str(start + 2) if rest else ""}
        return {"ok": True, "members": page, "response_metadata": meta}

    def _usergroup_users(self, p: Params, token: str | None) -> Reply:
        users = self.usergroups.get(str(p.get("usergroup", "")))
        return {"ok": True, "users": list(users)} if users is not None else error("no_such_subteam")

    def _conversations_open(self, p: Params, token: str | None) -> Reply:
        users = [u for u in str(p.get("users") or "").split(",") if u]
        if p.get("channel"):
            return {"ok": True, "channel": {"id": p["channel"]}, "no_op": True, "already_open": True}
        if len(users) != 1:
            return {"ok": True, "channel": {"id": self._next_id("G")}} if users else error("users_list_not_supplied")
        seen = users[0] in self._dms
        reply: Reply = {"ok": True, "channel": {"id": self.dm_channel(users[0])}}
        return {**reply, "no_op": True, "already_open": True} if seen else reply

    def _reactions_add(self, p: Params, token: str | None) -> Reply:
        key = (str(p.get("channel")), str(p.get("timestamp")), str(p.get("name")))
        if key in self.reactions:
            return error("already_reacted")
        self.reactions.add(key)
        return {"ok": True}

    def _upload_url(self, p: Params, token: str | None) -> Reply:
        if not p.get("filename") or not p.get("length"):
            return error("invalid_arguments")
        file_id = self._next_id("F")
        self.files[file_id] = {"id": file_id, "name": p["filename"], "title": p["filename"],
                               "length": int(p["length"]), "data": None, "channels": []}
        return {"ok": True, "upload_url": f"{self._base_url}/upload/v1/{file_id}", "file_id": file_id}

    def _complete_upload(self, p: Params, token: str | None) -> Reply:
        wanted = as_json(p.get("files")) or []
        if any(self.files.get(f.get("id", ""), {}).get("data") is None for f in wanted):
            return error("file_not_found")
        channels = [c for c in [p.get("channel_id"), *str(p.get("channels") or "").split(",")] if c]
        done = []
        for f in wanted:
            stored = self.files[f["id"]]
            stored.update(title=f.get("title") or stored["name"], channels=channels,
                          initial_comment=p.get("initial_comment"), thread_ts=p.get("thread_ts"))
            done.append({"id": stored["id"], "name": stored["name"], "title": stored["title"],
                         "size": len(stored["data"]), "channels": channels})
        return {"ok": True, "files": done}

    async def handle_upload(self, request: web.Request) -> web.Response:
        """POST to an upload URL: store the bytes, answer like files.slack.com."""
        file_id = request.match_info["file_id"]
        failure = self._failure_for(UPLOAD)
        if request.content_type.startswith("multipart/"):
            data = _form_value((await request.post())["file"])
        else:
            data = await request.read()
        await self.record(Call(UPLOAD, {"file_id": file_id, "size": len(data)}, None,
                               failure.name if failure else None))
        if failure is not None:
            return failure.response()
        if file_id not in self.files:
            return web.Response(status=404, text="file_not_found")
        self.files[file_id]["data"] = data
        return web.Response(text=f"OK - {len(data)}")

    def _default_oauth(self) -> dict[str, Any]:
        """A successful oauth.v2.access answer for a bot install."""
        return {"access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "token_type": "bot",
                "scope": "commands,chat:write,im:history,im:write,users:read,reactions:write,files:write",
                "bot_user_id": self.bot_user_id, "app_id": self.app_id,
                "team": {"id": self.team_id, "name": self.team_name}, "enterprise": None,
                "is_enterprise_install": False, "authed_user": {"id": "U1"}}

    def _oauth_access(self, p: Params, token: str | None) -> Reply:
        if not p.get("code") and not p.get("refresh_token"):
            return error("invalid_code")
        reply = copy.deepcopy(self.oauth_response)
        team = reply.get("team") or {}
        self.tokens.setdefault(reply.get("access_token", ""), {
            "team_id": team.get("id"), "team": team.get("name"), "user_id": reply.get("bot_user_id"),
            "bot_id": self.bot_id})
        return {"ok": True, **reply}

    def _connections_open(self, p: Params, token: str | None) -> Reply:
        return {"ok": True, "url": self.socket.issue_url(self._base_url.replace("http://", "ws://", 1))}

"""A fake Discord for the Discord adapter's tests, driven by the real discord.py client.

`FakeDiscord` serves the REST API under `/api/v10` and the gateway websocket at `/gateway` on 127.0.0.1,
with a port the OS picks. discord.py has no base-URL option: it builds every REST URL from the class
attribute `discord.http.Route.BASE` and connects to `DiscordWebSocket.DEFAULT_GATEWAY` (a yarl.URL;
AutoShardedClient without `shard_count` takes `url` from GET /gateway/bot instead). `install()` /
`patched()` point both at the fake and put them back; `async with FakeDiscord()` does it for you.

The builders below make what Discord sends a bot (interactions, MESSAGE_CREATE) in Discord's shapes,
complete enough for discord.py's parsers (it needs, e.g., `attachment_size_limit` on interactions).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypedDict, Unpack

import discord.gateway
import discord.http
import yarl
from aiohttp import web

from tests.fakes.discord_api import (
    Call,
    DiscordRest,
    Failure,
    Request,
    cloudflare_ban,
    discord_error,
    error_reply,
    json_reply,
    rate_limited,
    server_error,
)
from tests.fakes.discord_gateway import (
    APPLICATION_ID,
    CHANNEL_ID,
    GUILD_ID,
    OWNER_ID,
    USER_ID,
    GatewayHub,
    Identify,
    Resume,
    Session,
    dm_channel_id,
    guild,
    member,
    message_create,
    message_object,
    role,
    snowflake,
    text_channel,
    user,
)

__all__ = [
    "APPLICATION_ID", "CHANNEL_ID", "GUILD_ID", "OWNER_ID", "USER_ID", "Call", "Callback", "Failure",
    "FakeDiscord", "Identify", "Resume", "Where", "cloudflare_ban", "discord_error", "dm_channel_id", "guild",
    "interaction_autocomplete", "interaction_command", "interaction_component", "interaction_modal_submit",
    "member", "message_create", "message_object", "rate_limited", "role", "server_error", "snowflake",
    "text_channel", "user",
]


@dataclass(frozen=True)
class Callback:
    """One accepted interaction callback; type 4 message, 5 deferred message, 6 deferred update, 7 update,
    8 autocomplete choices, 9 modal."""

    interaction_id: int
    type: int
    data: dict[str, Any] | None
    token: str


MEMBER_PERMISSIONS = 1_071_698_660_929
APP_PERMISSIONS = 562_949_953_421_311


class FakeDiscord(DiscordRest):
    """Discord's REST API and gateway on a local port; see discord_api / discord_gateway for the parts."""

    def __init__(self, *, application_id: int = APPLICATION_ID, bot_name: str = "Rekan",
                 owner_id: int = OWNER_ID, shards: int = 1, guilds: Sequence[dict[str, Any]] = (),
                 heartbeat_interval: int = 41_250, patch: bool = True) -> None:
        super().__init__(application_id=application_id, bot_name=bot_name, owner_id=owner_id, shards=shards)
        self.gateway = GatewayHub(self, self._changed, lambda: self.ws_url("/resume"))
        self.gateway.heartbeat_interval = heartbeat_interval
        self._patch = patch
        self._saved: tuple[str, yarl.URL] | None = None
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self.interactions: dict[str, dict[str, Any]] = {}
        """Interactions dispatched through the gateway, by token; the callback route knows only these."""
        self.callbacks: list[Callback] = []
        self.originals: dict[str, int] = {}
        """Interaction token → id of its original response message."""
        self.followups: dict[int, str] = {}
        """Follow-up message id → the interaction token it was sent with."""
        for method, template, handler in [
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_webhook_message),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._edit_webhook_message),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self._delete_webhook_message),
        ]:
            self.route(method, template, handler)
        for data in guilds:
            self.add_guild(data)

    # ----- lifecycle

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, once started."""
        if not self._base_url:
            raise RuntimeError("FakeDiscord is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        """What Route.BASE becomes: http://127.0.0.1:PORT/api/v10."""
        return f"{self.base_url}/api/v10"

    def ws_url(self, path: str = "/gateway") -> str:
        return self.base_url.replace("http://", "ws://", 1) + path

    def gateway_url(self) -> str:
        """The gateway URL GET /gateway(/bot) hands out; READY's resume_gateway_url is ws_url('/resume')."""
        return self.ws_url("/gateway")

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a port the OS picks."""
        app = web.Application()
        app.router.add_route("*", r"/api/v{version:\d+}/{path:.*}", self.handle_rest)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Close gateway connections (close clients first, or they will reconnect), then stop listening."""
        if self._runner is not None:
            await self.gateway.close_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        if self._patch:
            self.install()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.uninstall()
        await self.stop()

    def install(self) -> None:
        """Point discord.py's REST base and default gateway at this fake (idempotent)."""
        if self._saved is None:
            self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url())

    def uninstall(self) -> None:
        """Put back what install() replaced."""
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    @contextlib.contextmanager
    def patched(self) -> Iterator[FakeDiscord]:
        """`with fake.patched():` discord.py talks to the fake inside the block (and after it, if the
        fake was installed before)."""
        installed = self._saved is not None
        self.install()
        try:
            yield self
        finally:
            if not installed:
                self.uninstall()

    # ----- state

    def add_guild(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a guild (see `guild()`): sent in GUILD_CREATE on its shard at IDENTIFY, its members known to
        REST. The bot's own member is added if missing, as Discord always includes it. For a guild joined
        while connected, also `await fake.dispatch("GUILD_CREATE", data)`."""
        members = data.setdefault("members", [])
        if not any(m["user"]["id"] == self.bot_user["id"] for m in members):
            members.append(member(self.bot_user))
        data["member_count"] = max(int(data.get("member_count") or 0), len(members))
        for found in members:
            self.users.setdefault(int(found["user"]["id"]), found["user"])
        self.guilds[int(data["id"])] = data
        return data

    # ----- gateway controls

    @property
    def identifies(self) -> list[Identify]:
        return self.gateway.identifies

    @property
    def resumes(self) -> list[Resume]:
        return self.gateway.resumes

    async def ready(self, timeout: float = 10.0, shard_id: int = 0) -> Session:  # noqa: ASYNC109
        """Wait until a client identified on `shard_id` and got READY and its GUILD_CREATEs."""
        await self._wait(lambda: self.gateway.open_session(shard_id) is not None, timeout,
                         lambda: f"a READY gateway session on shard {shard_id}; identifies {self.identifies}")
        session = self.gateway.open_session(shard_id)
        assert session is not None
        return session

    async def dispatch(self, event: str, data: dict[str, Any], shard_id: int | None = None,
                       timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Send a DISPATCH (op 0, next `s`) on the shard's session, the guild's shard by default; return `s`.
        A session between connections keeps it for the RESUME replay. INTERACTION_CREATE registers the
        interaction, so its callback and webhook routes answer."""
        await self._wait(lambda: bool(self.gateway.sessions), timeout,
                         lambda: f"a gateway session to send {event}")
        if shard_id is None:
            count = next(iter(self.gateway.sessions.values())).shard_count
            shard_id = (int(data["guild_id"]) >> 22) % count if data.get("guild_id") else 0
        wanted = shard_id
        await self._wait(lambda: self.gateway.latest_session(wanted) is not None, timeout,
                         lambda: f"a gateway session on shard {wanted} to send {event}")
        session = self.gateway.latest_session(wanted)
        assert session is not None
        if event == "INTERACTION_CREATE":
            self.interactions[data["token"]] = data
        return await self.gateway.send(session, event, data)

    async def request_reconnect(self, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT; discord.py closes and comes back with RESUME on resume_gateway_url."""
        await self.gateway.send_op(shard_id, 7)

    async def invalidate_session(self, shard_id: int = 0, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION. Not resumable: discord.py re-IDENTIFYs (after before_identify_hook,
        which sleeps 5 s unless the client overrides it)."""
        await self.gateway.send_op(shard_id, 9, resumable)

    async def close_gateway(self, shard_id: int = 0, code: int = 4000) -> None:
        """Close the shard's connection with a gateway close code (4000 resumable; 4004, 4014... fatal)."""
        await self.gateway.close(shard_id, code)

    async def identified(self, timeout: float = 10.0, count: int = 1) -> list[Identify]:  # noqa: ASYNC109
        """Wait until `count` IDENTIFYs were accepted (and READY sent); return them all."""
        await self._wait(lambda: len(self.identifies) >= count, timeout,
                         lambda: f"{count} IDENTIFY(s); got {self.identifies}")
        return list(self.identifies)

    async def resumed(self, timeout: float = 10.0, count: int = 1) -> list[Resume]:  # noqa: ASYNC109
        """Wait until `count` RESUMEs were accepted (and RESUMED sent); return them all."""
        await self._wait(lambda: len(self.resumes) >= count, timeout,
                         lambda: f"{count} RESUME(s); got {self.resumes}, identifies {self.identifies}")
        return list(self.resumes)

    async def wait_for_callback(self, count: int = 1,
                                timeout: float = 10.0) -> list[Callback]:  # noqa: ASYNC109
        """Wait until `count` interaction callbacks were accepted; return them all."""
        await self._wait(lambda: len(self.callbacks) >= count, timeout,
                         lambda: f"{count} interaction callback(s); calls so far: {self._summary()}")
        return list(self.callbacks)

    # ----- interaction callbacks and follow-ups (webhooks)

    async def _callback(self, r: Request) -> web.Response:
        interaction = self.interactions.get(r.params["token"])
        if interaction is None or interaction["id"] != r.params["interaction_id"]:
            return error_reply(404, 10062, "Unknown interaction")
        if any(c.token == r.params["token"] for c in self.callbacks):
            return error_reply(400, 40060, "Interaction has already been acknowledged.")
        kind, data = int((r.json or {})["type"]), (r.json or {}).get("data")
        self.callbacks.append(Callback(int(interaction["id"]), kind, data, r.params["token"]))
        message = self._callback_message(interaction, r.params["token"], kind, data or {}, r.files)
        if r.query.get("with_response") not in {"1", "true", "True"}:
            return web.Response(status=204)
        flags = int((message or {}).get("flags") or 0)
        result: dict[str, Any] = {"interaction": {
            "id": interaction["id"], "type": interaction["type"],
            "response_message_loading": bool(flags & 128), "response_message_ephemeral": bool(flags & 64),
        }, "resource": {"type": kind}}
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"]["message"] = message
        return json_reply(result)

    def _callback_message(self, interaction: dict[str, Any], token: str, kind: int, data: dict[str, Any],
                          files: list[tuple[str, bytes]]) -> dict[str, Any] | None:
        """The original response a callback makes (4, 5) or edits (7); None for the others."""
        channel_id = int(interaction["channel"]["id"])
        if kind in {4, 5}:
            flags = int(data.get("flags") or 0) | (128 if kind == 5 else 0)
            actor = (interaction.get("member") or {}).get("user") or interaction.get("user")
            owners = interaction.get("authorizing_integration_owners", {})
            metadata = {"id": interaction["id"], "type": interaction["type"], "user": actor,
                        "authorizing_integration_owners": owners}
            message = self._bot_message(channel_id, {**data, "flags": flags}, files,
                                        type=20 if interaction["type"] == 2 else 0,
                                        webhook_id=str(self.application_id),
                                        application_id=str(self.application_id),
                                        interaction_metadata=metadata)
            self.originals[token] = int(message["id"])
            return message
        if kind == 7 and "message" in interaction:
            self.originals[token] = int(interaction["message"]["id"])
            return self._edit(int(interaction["message"]["id"]), channel_id, data, files)
        return None

    def _interaction_for(self, r: Request) -> dict[str, Any] | None:
        found = self.interactions.get(r.params["token"])
        return found if found is not None and int(r.params["app_id"]) == self.application_id else None

    async def _followup(self, r: Request) -> web.Response:
        interaction = self._interaction_for(r)
        if interaction is None:
            return error_reply(404, 10015, "Unknown Webhook")
        app_id = str(self.application_id)
        message = self._bot_message(int(interaction["channel"]["id"]), r.json or {}, r.files,
                                    webhook_id=app_id, application_id=app_id)
        self.followups[int(message["id"])] = r.params["token"]
        wait = r.query.get("wait", "false").lower() in {"1", "true"}
        return json_reply(message) if wait else web.Response(status=204)

    def _webhook_message(self, r: Request) -> dict[str, Any] | None:
        if self._interaction_for(r) is None:
            return None
        token, wanted = r.params["token"], r.params["message_id"]
        message_id = self.originals.get(token) if wanted == "@original" else int(wanted)
        found = self.messages.get(message_id or 0)
        if found is None or (wanted != "@original" and self.followups.get(int(found["id"])) != token):
            return None
        return found

    async def _get_webhook_message(self, r: Request) -> web.Response:
        found = self._webhook_message(r)
        return json_reply(found) if found else error_reply(404, 10008, "Unknown Message")

    async def _edit_webhook_message(self, r: Request) -> web.Response:
        found = self._webhook_message(r)
        if found is None:
            return error_reply(404, 10008, "Unknown Message")
        return json_reply(self._edit(int(found["id"]), int(found["channel_id"]), r.json or {}, r.files))

    async def _delete_webhook_message(self, r: Request) -> web.Response:
        found = self._webhook_message(r)
        if found is None:
            return error_reply(404, 10008, "Unknown Message")
        del self.messages[int(found["id"])]
        return web.Response(status=204)


# ----- interactions


def _option_type(value: Any) -> int:
    """STRING 3, INTEGER 4, BOOLEAN 5, NUMBER 10."""
    if isinstance(value, bool):
        return 5
    return 4 if isinstance(value, int) else 10 if isinstance(value, float) else 3


def _options(options: Mapping[str, Any] | Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Option objects from {name: value} (type guessed), or raw option dicts as given."""
    if options is None:
        return []
    if isinstance(options, Mapping):
        return [{"name": k, "type": _option_type(v), "value": v} for k, v in options.items()]
    return list(options)


def _command_data(name: str, subcommand: str | None, options: list[dict[str, Any]], command_id: int | None,
                  command_guild_id: int | None) -> dict[str, Any]:
    """data of a chat-input command; `subcommand` may be "group sub"."""
    for i, part in enumerate(reversed((subcommand or "").split())):
        options = [{"type": 1 if i == 0 else 2, "name": part, "options": options}]
    data: dict[str, Any] = {"id": str(command_id or snowflake()), "name": name, "type": 1, "options": options}
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    return data


class Where(TypedDict, total=False):
    """Who interacts where (every key optional): a DM with USER_ID in en-US unless told otherwise."""

    user_id: int
    username: str | None
    guild_id: int | None
    """None: a DM with the bot (`user`, DM channel, context 1); else `member` and `guild` (context 0)."""
    channel_id: int | None
    """Default: #general (CHANNEL_ID) in a guild, the user's DM channel (dm_channel_id) in a DM."""
    locale: str
    guild_locale: str
    permissions: int
    """The member's permissions in the channel (guilds only)."""


def _interaction(kind: int, data: dict[str, Any], message: dict[str, Any] | None = None,
                 **where: Unpack[Where]) -> dict[str, Any]:
    """The parts every interaction shares: member+guild in a guild, user+DM channel otherwise."""
    user_id, guild_id = where.get("user_id", USER_ID), where.get("guild_id")
    actor = user(user_id, where.get("username"))
    payload: dict[str, Any] = {
        "id": str(snowflake()), "application_id": str(APPLICATION_ID), "type": kind, "data": data,
        "token": f"aW50ZXJhY3Rpb246{secrets.token_urlsafe(48)}", "version": 1,
        "locale": where.get("locale", "en-US"), "app_permissions": str(APP_PERMISSIONS), "entitlements": [],
        "entitlement_sku_ids": [], "attachment_size_limit": 10_485_760,
        "authorizing_integration_owners": {"0": str(guild_id or 0)}, "context": 0 if guild_id else 1,
    }
    channel_id = where.get("channel_id") or (CHANNEL_ID if guild_id else dm_channel_id(user_id))
    if guild_id is not None:
        guild_locale = where.get("guild_locale", "en-US")
        payload.update(guild_id=str(guild_id), guild_locale=guild_locale,
                       guild={"id": str(guild_id), "locale": guild_locale, "features": []},
                       member=member(actor, permissions=where.get("permissions", MEMBER_PERMISSIONS)),
                       channel={**text_channel(channel_id), "guild_id": str(guild_id)})
    else:
        payload.update(user=actor, channel={"id": str(channel_id), "type": 1, "last_message_id": None,
                                            "flags": 0, "recipients": [actor]})
    payload["channel_id"] = str(channel_id)
    if message is not None:
        payload["message"] = message
    return payload


def interaction_command(name: str, subcommand: str | None = None,
                        options: Mapping[str, Any] | Sequence[dict[str, Any]] | None = None, *,
                        command_id: int | None = None, command_guild_id: int | None = None,
                        **where: Unpack[Where]) -> dict[str, Any]:
    """An APPLICATION_COMMAND (type 2) interaction: `/name subcommand opt:value` ("group sub" works too).
    `command_guild_id` marks a guild-registered command (data.guild_id), as discord.py's tree looks it up."""
    data = _command_data(name, subcommand, _options(options), command_id, command_guild_id)
    return _interaction(2, data, **where)


def interaction_autocomplete(name: str, subcommand: str | None, option_name: str, partial_value: str,
                             options: Mapping[str, Any] | None = None, *, command_id: int | None = None,
                             command_guild_id: int | None = None, **where: Unpack[Where]) -> dict[str, Any]:
    """An APPLICATION_COMMAND_AUTOCOMPLETE (type 4) interaction: `option_name` is focused, typed so far."""
    focused = {"name": option_name, "type": 3, "value": partial_value, "focused": True}
    data = _command_data(name, subcommand, [*_options(options), focused], command_id, command_guild_id)
    return _interaction(4, data, **where)


def interaction_component(custom_id: str, component_type: int = 2, values: Sequence[str] | None = None, *,
                          message: dict[str, Any] | None = None, **where: Unpack[Where]) -> dict[str, Any]:
    """A MESSAGE_COMPONENT (type 3) interaction: a button (2) click or a string select (3) with `values`,
    on `message` (by default a bot message carrying that component; pass the fake's stored message,
    `fake.messages[id]`, for a view discord.py tracks)."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if component_type != 2:
        data["values"] = list(values or [])
    if message is None:
        element: dict[str, Any] = ({"type": 2, "style": 1, "label": custom_id, "custom_id": custom_id}
                                   if component_type == 2 else
                                   {"type": component_type, "custom_id": custom_id, "options": [
                                       {"label": v, "value": v} for v in values or ["x"]]})
        guild_id = where.get("guild_id")
        channel_id = where.get("channel_id") or (
            CHANNEL_ID if guild_id else dm_channel_id(where.get("user_id", USER_ID)))
        bot = user(APPLICATION_ID, "rekan", bot=True, global_name="Rekan")
        message = message_object("", channel_id=channel_id, author=bot, guild_id=guild_id,
                                 components=[{"type": 1, "components": [element]}])
    return _interaction(3, data, message, **where)


def interaction_modal_submit(custom_id: str, fields: Mapping[str, str] | None = None, *,
                             components: Sequence[dict[str, Any]] | None = None,
                             **where: Unpack[Where]) -> dict[str, Any]:
    """A MODAL_SUBMIT (type 5) interaction: text inputs {custom_id: value}, one action row each, or the
    raw `components`."""
    rows = list(components) if components is not None else [
        {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
        for k, v in (fields or {}).items()]
    return _interaction(5, {"custom_id": custom_id, "components": rows}, **where)

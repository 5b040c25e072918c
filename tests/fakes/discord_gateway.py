"""Discord's objects (users, messages, guilds) and its side of the gateway websocket: HELLO,
IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME.

Messages go out the way the client asked in the URL: `compress=zlib-stream` (what discord.py asks for
without a zstd module: one zlib stream per connection, each message flushed with Z_SYNC_FLUSH),
`compress=zstd-stream` (discord.py with `zstandard` or Python 3.14's `compression.zstd`), or plain text.
Each session keeps the dispatches it sent, so a RESUME replays what the client missed, then RESUMED.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

if TYPE_CHECKING:
    from tests.fakes.discord_api import DiscordRest

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
"""GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT."""
DISCORD_EPOCH_MS = 1_420_070_400_000
APPLICATION_ID = 1180000000000000001
"""The application's id, which is also its bot user's id (as for every app made since 2020)."""
OWNER_ID = 1180000000000000002
GUILD_ID = 1180000000000000100
CHANNEL_ID = 1180000000000000200
"""The default guild's #general."""
USER_ID = 1180000000000000300
"""A human user, the default actor of the payload builders."""
_increment = itertools.count()


async def notify(changed: asyncio.Condition) -> None:
    """Wake every waiter so it re-checks what it waits for."""
    async with changed:
        changed.notify_all()


# ----- Discord objects


def snowflake() -> int:
    """A fresh, unique snowflake for the current time."""
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_increment) & 0x3FFFFF)


def dm_channel_id(user_id: int) -> int:
    """The id of the bot's DM channel with `user_id`: derived, so payload builders and the fake agree."""
    return 1190000000000000000 + user_id % 10**15


def iso_now() -> str:
    """A timestamp as Discord writes them."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def user(user_id: int, username: str | None = None, *, bot: bool = False,
         global_name: str | None = None) -> dict[str, Any]:
    """A user object (no discriminator since the 2023 username change: "0")."""
    name = username or f"user{user_id % 10_000}"
    data: dict[str, Any] = {
        "id": str(user_id), "username": name, "discriminator": "0",
        "global_name": global_name if global_name is not None or bot else name.title(), "avatar": None,
        "public_flags": 0, "flags": 0, "banner": None, "accent_color": None, "avatar_decoration_data": None,
        "collectibles": None, "primary_guild": None,
    }
    if bot:
        data["bot"] = True
    return data


def message_object(content: str = "", *, channel_id: int, author: dict[str, Any], guild_id: int | None = None,
                   message_id: int | None = None, **fields: Any) -> dict[str, Any]:
    """A message object; `fields` (embeds, components, attachments, flags, webhook_id, ...) override."""
    data: dict[str, Any] = {
        "id": str(message_id or snowflake()), "type": 0, "channel_id": str(channel_id), "author": author,
        "content": content, "timestamp": iso_now(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "components": [], "pinned": False, "flags": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    data.update(fields)
    return data


def role(role_id: int, name: str = "@everyone", *, permissions: int = 1_071_698_660_929,
         position: int = 0) -> dict[str, Any]:
    """A role; the @everyone role's id is the guild's."""
    return {"id": str(role_id), "name": name, "permissions": str(permissions), "position": position,
            "color": 0, "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False, "icon": None, "unicode_emoji": None, "managed": False, "mentionable": False,
            "flags": 0}


def text_channel(channel_id: int = CHANNEL_ID, name: str = "general", *, position: int = 0,
                 topic: str | None = None) -> dict[str, Any]:
    """A guild text channel, as GUILD_CREATE lists it (GET /channels adds guild_id)."""
    return {"id": str(channel_id), "type": 0, "name": name, "position": position, "permission_overwrites": [],
            "parent_id": None, "topic": topic, "nsfw": False, "rate_limit_per_user": 0,
            "last_message_id": None, "flags": 0}


def member(user_data: dict[str, Any] | int, *, nick: str | None = None, roles: Sequence[int] = (),
           permissions: int | None = None) -> dict[str, Any]:
    """A guild member (a user object or id); `permissions` is set in interactions only."""
    data: dict[str, Any] = {
        "user": user_data if isinstance(user_data, dict) else user(user_data), "nick": nick, "avatar": None,
        "banner": None, "roles": [str(r) for r in roles], "joined_at": "2024-01-15T09:30:00.000000+00:00",
        "premium_since": None, "deaf": False, "mute": False, "flags": 0, "pending": False,
        "communication_disabled_until": None, "avatar_decoration_data": None,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild(guild_id: int = GUILD_ID, name: str = "Rekan Test", *, members: Sequence[dict[str, Any]] = (),
          channels: Sequence[dict[str, Any]] | None = None, roles: Sequence[dict[str, Any]] = (),
          owner_id: int | None = None, preferred_locale: str = "en-US") -> dict[str, Any]:
    """A full guild as GUILD_CREATE sends it: @everyone role, a #general channel unless `channels`."""
    everyone = role(guild_id)
    return {
        "id": str(guild_id), "name": name, "icon": None, "splash": None, "discovery_splash": None,
        "banner": None, "owner_id": str(owner_id or (int(members[0]["user"]["id"]) if members else OWNER_ID)),
        "afk_channel_id": None, "afk_timeout": 300, "verification_level": 1,
        "default_message_notifications": 1, "explicit_content_filter": 0, "roles": [everyone, *roles],
        "emojis": [], "stickers": [], "features": [], "mfa_level": 0, "application_id": None,
        "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
        "vanity_url_code": None, "description": None, "premium_tier": 0, "premium_subscription_count": 0,
        "preferred_locale": preferred_locale, "public_updates_channel_id": None, "nsfw_level": 0,
        "premium_progress_bar_enabled": False, "safety_alerts_channel_id": None, "joined_at": iso_now(),
        "large": False, "unavailable": False, "member_count": len(members), "members": list(members),
        "channels": list(channels if channels is not None else (text_channel(),)), "threads": [],
        "presences": [], "voice_states": [], "stage_instances": [], "guild_scheduled_events": [],
        "soundboard_sounds": [], "lazy": True,
    }


# ----- dispatch payloads (interactions are built in tests.fakes.discord)


def message_create(content: str, author_id: int = USER_ID, channel_id: int | None = None,
                   guild_id: int | None = None, *, username: str | None = None,
                   attachments: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """MESSAGE_CREATE's data: someone wrote `content`; a DM (no guild_id, the DM channel) unless guild_id."""
    channel = channel_id or (CHANNEL_ID if guild_id else dm_channel_id(author_id))
    data = message_object(content, channel_id=channel, author=user(author_id, username), guild_id=guild_id,
                          attachments=list(attachments), nonce=str(snowflake()))
    if guild_id is not None:
        data["member"] = {k: v for k, v in member(author_id).items() if k != "user"}
    return data


# ----- records


@dataclass(frozen=True)
class Identify:
    """One IDENTIFY the fake accepted (recorded once READY and the GUILD_CREATEs are sent)."""

    token: str
    intents: int | None
    shard: tuple[int, int] | None
    properties: dict[str, Any]
    raw: dict[str, Any]

    @property
    def shard_id(self) -> int:
        return self.shard[0] if self.shard else 0


@dataclass(frozen=True)
class Resume:
    """One RESUME the fake accepted: the client's last sequence and how many dispatches were replayed."""

    session_id: str
    seq: int | None
    replayed: int


@dataclass
class Connection:
    """One websocket; `encode` is the transport compression its URL asked for (None: plain text frames)."""

    ws: web.WebSocketResponse
    path: str
    query: dict[str, str]
    encode: Callable[[bytes], bytes] | None = None
    session: Session | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, payload: dict[str, Any]) -> None:
        """Send one payload; compressing and writing stay in order under the lock."""
        data = json.dumps(payload).encode()
        async with self.lock:
            if self.ws.closed:
                return
            with contextlib.suppress(ConnectionResetError):  # the client is leaving; a RESUME replays it
                if self.encode is None:
                    await self.ws.send_str(data.decode())
                else:
                    await self.ws.send_bytes(self.encode(data))


@dataclass
class Session:
    """A gateway session: survives its connection, so RESUME can replay `sent` past the client's seq."""

    session_id: str
    shard_id: int
    shard_count: int
    intents: int | None
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None

    def next(self, event: str, data: Any) -> dict[str, Any]:
        """The next DISPATCH payload (its `s` one higher), kept for replays."""
        self.seq += 1
        payload = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        return payload


def _encoder(compress: str | None) -> Callable[[bytes], bytes] | None:
    """The transport compressor for one connection (one shared stream per connection)."""
    if compress is None:
        return None
    if compress == "zlib-stream":
        stream = zlib.compressobj()
        return lambda data: stream.compress(data) + stream.flush(zlib.Z_SYNC_FLUSH)
    if compress == "zstd-stream":  # what discord.py asks for when it can import a zstd decompressor
        with contextlib.suppress(ImportError):
            import zstandard  # type: ignore[import-not-found,unused-ignore]

            zobj = zstandard.ZstdCompressor().compressobj()
            return lambda data: zobj.compress(data) + zobj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        with contextlib.suppress(ImportError):
            from compression.zstd import ZstdCompressor  # type: ignore[import-not-found,unused-ignore]

            zstd, flush_block = ZstdCompressor(), ZstdCompressor.FLUSH_BLOCK
            return lambda data: bytes(zstd.compress(data, mode=flush_block))
    raise ValueError(f"unsupported compress={compress}")


class GatewayHub:
    """Every gateway connection and session; tests drive it through FakeDiscord."""

    def __init__(self, rest: DiscordRest, changed: asyncio.Condition, resume_url: Callable[[], str]) -> None:
        self.rest = rest
        self.heartbeat_interval = 41_250
        """Milliseconds, sent in HELLO; discord.py's heartbeat thread beats this often (and once at once)."""
        self.allowed_intents: int | None = None
        """Privileged intents the app may use (None: all); others close IDENTIFY with 4014."""
        self.connections: list[Connection] = []
        self.identifies: list[Identify] = []
        self.resumes: list[Resume] = []
        self.heartbeats: list[int | None] = []
        """The `d` (last sequence) of each heartbeat received."""
        self.received: list[dict[str, Any]] = []
        """Every payload clients sent, in order."""
        self.sessions: dict[str, Session] = {}
        self._changed = changed
        self._resume_url = resume_url

    def open_session(self, shard_id: int) -> Session | None:
        """The newest session of `shard_id` with a live connection."""
        live = [s for s in self.sessions.values() if s.shard_id == shard_id and s.connection is not None
                and not s.connection.ws.closed]
        return live[-1] if live else None

    def latest_session(self, shard_id: int) -> Session | None:
        found = [s for s in self.sessions.values() if s.shard_id == shard_id]
        return found[-1] if found else None

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """GET /gateway (and /resume): greet with HELLO, then serve the client's payloads until it leaves."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        try:
            conn = Connection(ws, request.path, query, _encoder(query.get("compress")))
        except ValueError as exc:
            await ws.close(code=4002, message=str(exc).encode())
            return ws
        if query.get("encoding", "json") != "json" or query.get("v") not in {"9", "10"}:
            await ws.close(code=4012 if query.get("v") not in {"9", "10"} else 4002, message=b"bad query")
            return ws
        self.connections.append(conn)
        await conn.send({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": self.heartbeat_interval,
                                                                 "_trace": ["[\"gateway-fake-1\"]"]}})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                payload = json.loads(message.data)
                self.received.append(payload)
                await self._on_payload(conn, payload)
        finally:
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            await notify(self._changed)
        return ws

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == 1:
            self.heartbeats.append(payload.get("d"))
            await conn.send({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif conn.session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated.")
        elif op == 8:
            await self._members_chunk(conn.session, data)
        elif op not in {3, 4}:  # presence and voice state updates are only recorded
            await conn.ws.close(code=4001, message=b"Unknown opcode.")
        await notify(self._changed)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        shard = tuple(data["shard"]) if data.get("shard") else None
        intents = data.get("intents")
        refused = None
        if conn.session is not None:
            refused = (4005, b"Already authenticated.")
        elif not self.rest.token_ok(data.get("token")):
            refused = (4004, b"Authentication failed.")
        elif shard is not None and not 0 <= shard[0] < shard[1]:
            refused = (4010, b"Invalid shard.")
        elif self.allowed_intents is not None and (intents or 0) & PRIVILEGED_INTENTS & ~self.allowed_intents:
            refused = (4014, b"Disallowed intent(s).")
        if refused is not None:
            await conn.ws.close(code=refused[0], message=refused[1])
            return
        shard_id, shard_count = (shard[0], shard[1]) if shard else (0, 1)
        session = Session(uuid.uuid4().hex, shard_id, shard_count, intents, connection=conn)
        conn.session = session
        mine = [g for gid, g in self.rest.guilds.items() if (gid >> 22) % shard_count == shard_id]
        ready = {"v": 10, "user": {**self.rest.bot_user, "verified": True, "mfa_enabled": False},
                 "guilds": [{"id": g["id"], "unavailable": True} for g in mine],
                 "session_id": session.session_id, "resume_gateway_url": self._resume_url(),
                 "private_channels": [], "relationships": [], "session_type": "normal",
                 "application": {"id": str(self.rest.application_id), "flags": 0}}
        if shard:
            ready["shard"] = [shard_id, shard_count]
        await conn.send(session.next("READY", ready))
        for found in mine:
            if not (intents or 0) & (1 << 8):  # without GUILD_PRESENCES: only the bot (and voice members)
                bot_only = [m for m in found["members"] if m["user"]["id"] == self.rest.bot_user["id"]]
                found = {**found, "members": bot_only}
            await conn.send(session.next("GUILD_CREATE", found))
        self.sessions[session.session_id] = session
        self.identifies.append(Identify(data["token"], intents, (shard_id, shard_count) if shard else None,
                                        data.get("properties", {}), data))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or not self.rest.token_ok(data.get("token")):
            await conn.send({"op": 9, "s": None, "t": None, "d": False})
            return
        session.connection, conn.session = conn, session
        missed = [p for p in session.sent if p["s"] > (data.get("seq") or 0)]
        for payload in missed:
            await conn.send(payload)
        # discord.py writes a key into RESUMED's d, so it must be an object
        await conn.send(session.next("RESUMED", {"_trace": ["[\"gateway-fake-1\"]"]}))
        self.resumes.append(Resume(session.session_id, data.get("seq"), len(missed)))

    async def _members_chunk(self, session: Session, data: dict[str, Any]) -> None:
        """REQUEST_GUILD_MEMBERS → one GUILD_MEMBERS_CHUNK (user_ids, or a username prefix query)."""
        found = self.rest.guilds.get(int(data["guild_id"]), {"members": []})
        wanted = {str(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [m for m in found["members"] if (m["user"]["id"] in wanted if wanted
                                                   else m["user"]["username"].lower().startswith(query))]
        chunk: dict[str, Any] = {"guild_id": str(data["guild_id"]), "chunk_index": 0, "chunk_count": 1,
                                 "members": members[:data.get("limit") or None]}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        if wanted:
            chunk["not_found"] = sorted(wanted - {m["user"]["id"] for m in members})
        await self.send(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def send(self, session: Session, event: str, data: Any) -> int:
        """Dispatch on a session: sent now if connected, else kept for the RESUME replay."""
        payload = session.next(event, data)
        if session.connection is not None:
            await session.connection.send(payload)
        return int(payload["s"])

    async def send_op(self, shard_id: int, op: int, data: Any = None) -> None:
        """Send a non-dispatch opcode (7 RECONNECT, 9 INVALID_SESSION, 1 HEARTBEAT) to a shard."""
        await self._connection(shard_id).send({"op": op, "s": None, "t": None, "d": data})

    async def close(self, shard_id: int, code: int) -> None:
        """Close a shard's connection from Discord's side with `code` (4000: resumable, 4004: fatal...)."""
        await self._connection(shard_id).ws.close(code=code, message=b"closed by FakeDiscord")

    def _connection(self, shard_id: int) -> Connection:
        session = self.open_session(shard_id)
        assert session is not None and session.connection is not None, f"no connection on shard {shard_id}"
        return session.connection

    async def close_all(self) -> None:
        for conn in self.connections:
            if not conn.ws.closed:
                await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")


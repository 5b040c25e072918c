"""Core actions become Discord REST calls through discord.py's HTTP client (its buckets handle 429s).

Answers to an interaction go through its webhook (valid 15 minutes); anything else, or an answer whose
interaction has expired, is a plain message in the channel or the member's DM.

Every message posted to a channel carries a nonce with `enforce_nonce`: Discord then returns the message it
already made for that nonce instead of posting another. For an outbox delivery the nonce comes from the
delivery's key (DELIVERY_KEY), so a send repeated after a lost answer, a timeout or a killed process is
posted once; otherwise it is fresh per send, which still covers discord.py's own retries of a 5xx.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, Route

from adapters.discord.dm_channels import DmChannels
from adapters.discord.render import DiscordMessage, render_choice, render_content
from adapters.discord.translate_in import DiscordReply
from bot.core.actions import (
    Action,
    AskChoice,
    Edit,
    OpenForm,
    PublishHome,
    React,
    Send,
    SendResult,
    Upload,
    Visibility,
)
from bot.core.identity import AccountRef, ConversationKind, ConversationRef
from bot.scheduling.sender import DELIVERY_KEY, PermanentSendError, TransientSendError

EPHEMERAL = 1 << 6
REQUEST_TIMEOUT = 30.0
"""Seconds one REST request may take. discord.py's own session would wait 300 s on a stalled connection,
and a dispatcher holds its lease (and the sends behind it) that long."""
# Discord JSON error codes that will fail the same way every time.
PERMANENT_CODES = {
    10003: "channel_not_found", 10008: "message_not_found", 10013: "user_not_found",
    50001: "not_in_channel", 50007: "dms_closed", 50013: "missing_permissions", 50035: "bad_payload",
    10015: "interaction_expired",
}
# The core names emoji the Slack way; Discord wants the character itself.
EMOJI = {"white_check_mark": "\u2705", "eyes": "\U0001f440", "tada": "\U0001f389", "x": "\u274c",
         "thumbsup": "\U0001f44d", "+1": "\U0001f44d", "warning": "\u26a0\ufe0f", "hourglass": "\u231b"}


def classify(exc: discord.HTTPException) -> Exception:
    """5xx is worth a retry (discord.py already waited out any 429); known codes are final."""
    if exc.status >= 500 or exc.status == 429:
        return TransientSendError(reason=f"http_{exc.status}")
    return PermanentSendError(PERMANENT_CODES.get(exc.code, f"http_{exc.status}_{exc.code}"))


def message_id(channel_id: str, message: str) -> str:
    return f"{channel_id}:{message}"


def nonce(key: str, index: int) -> str:
    """Message `index` of a send's nonce: 24 characters (Discord allows 25), the same for the same key."""
    return hashlib.blake2b(f"{key}#{index}".encode(), digest_size=12).hexdigest()


def _payload(message: DiscordMessage, *, ephemeral: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"content": message.content, "embeds": message.embeds,
                            "components": message.components, "allowed_mentions": message.allowed_mentions}
    if ephemeral:
        body["flags"] = EPHEMERAL
    return body


class DiscordSender:
    """Performs one action; raises TransientSendError or PermanentSendError on failure."""

    def __init__(self, http: Callable[[], HTTPClient], *, timeout: float = REQUEST_TIMEOUT,
                 dm_channels: DmChannels | None = None) -> None:
        self._http = http
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._dm_channels = dm_channels or DmChannels(None)
        self.followed_up: set[str] = set()
        """Interactions that got a follow-up (the first one replaces the deferred 'thinking…')."""

    async def perform(self, action: Action) -> SendResult:
        try:
            return await self._perform(action)
        except discord.HTTPException as exc:
            raise classify(exc) from exc
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            raise TransientSendError(reason=type(exc).__name__) from exc

    async def _perform(self, action: Action) -> SendResult:
        if isinstance(action, Send):
            messages = render_content(action.content, ping=action.ping)
            return await self._post(action.to, messages, action.reply_handle, action.visibility,
                                    action.thread)
        if isinstance(action, AskChoice):
            choice = render_choice(action)
            return await self._post(action.to, [choice], action.reply_handle, action.visibility)
        if isinstance(action, Edit):
            channel, message = _split(action.message_id)
            body = _payload(render_content(action.content)[0], ephemeral=False)
            await self._http().request(Route("PATCH", "/channels/{channel_id}/messages/{message_id}",
                                             channel_id=channel, message_id=message), json=body,
                                       timeout=self._timeout)
            return SendResult(message_id=action.message_id)
        if isinstance(action, React):
            channel, message = _split(action.message_id)
            emoji = EMOJI.get(action.emoji.strip(":"), action.emoji.strip(":"))
            await self._http().request(Route(
                "PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                channel_id=channel, message_id=message, emoji=emoji), timeout=self._timeout)
            return SendResult(message_id=action.message_id)
        if isinstance(action, Upload):
            return await self._upload(action)
        if isinstance(action, PublishHome):
            return SendResult(message_id=None)  # Discord has no per-member home view
        assert isinstance(action, OpenForm)
        raise PermanentSendError("modal_needs_interaction")  # a modal can only answer a fresh interaction

    async def _post(self, to: ConversationRef, messages: list[DiscordMessage], handle: object,
                    visibility: Visibility, thread: str | None = None) -> SendResult:
        reply = handle if isinstance(handle, DiscordReply) and handle.token else None
        ephemeral = visibility is Visibility.EPHEMERAL
        if reply is not None and (ephemeral or to.kind is ConversationKind.DM):
            try:
                return await self._follow_up(reply, messages, ephemeral=ephemeral)
            except discord.NotFound:
                # The 15-minute interaction token expired. A plain message instead, and a private answer
                # goes to the member's DM: posting it in the channel would show it to everyone.
                if ephemeral:
                    to = ConversationRef.dm(AccountRef(platform=to.platform, workspace_id=to.workspace_id,
                                                       user_id=reply.user_id))
        channel = await self._channel(to)
        first: str | None = None
        key = DELIVERY_KEY.get() or secrets.token_hex(12)
        for index, m in enumerate(messages):
            route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
            body = _payload(m, ephemeral=False)
            body.update(nonce=nonce(key, index), enforce_nonce=True)
            if thread:
                # Discord's nearest thing to a thread here: a reply to that message (in its channel).
                reference = thread.rpartition(":")[2]
                body["message_reference"] = {"message_id": reference, "fail_if_not_exists": False}
            sent = await self._http().request(route, json=body, timeout=self._timeout)
            first = first or message_id(channel, str(sent["id"]))
        return SendResult(message_id=first)

    async def _follow_up(self, reply: DiscordReply, messages: list[DiscordMessage], *,
                         ephemeral: bool) -> SendResult:
        first: str | None = None
        for m in messages:
            route = Route("POST", "/webhooks/{webhook_id}/{webhook_token}", webhook_id=reply.application_id,
                          webhook_token=reply.token)
            sent = await self._http().request(route, json=_payload(m, ephemeral=ephemeral),
                                              params={"wait": "true"}, timeout=self._timeout)
            self.followed_up.add(reply.interaction_id)
            if first is None and isinstance(sent, dict) and sent.get("id"):
                first = message_id(str(sent.get("channel_id") or reply.channel_id), str(sent["id"]))
        return SendResult(message_id=first)

    async def _channel(self, to: ConversationRef) -> str:
        """A DM needs its channel id first; Discord returns the same one every time, so it is kept."""
        if to.kind is ConversationKind.CHANNEL:
            return to.conversation_id
        return await self._dm_channels.channel(to.workspace_id, to.conversation_id, self._open_dm)

    async def _open_dm(self, user: str) -> str:
        route = Route("POST", "/users/@me/channels")
        channel = await self._http().request(route, json={"recipient_id": user}, timeout=self._timeout)
        return str(channel["id"])

    async def _upload(self, action: Upload) -> SendResult:
        channel = await self._channel(action.to)
        body = _payload(render_content(action.comment)[0], ephemeral=False) if action.comment else {}
        body.update(attachments=[{"id": 0, "filename": action.filename}],
                    nonce=nonce(DELIVERY_KEY.get() or secrets.token_hex(12), 0), enforce_nonce=True)
        form: list[dict[str, Any]] = [
            {"name": "payload_json", "value": json.dumps(body)},
            {"name": "files[0]", "value": action.data, "filename": action.filename,
             "content_type": action.mime_type}]
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
        sent = await self._http().request(route, form=form, timeout=self._timeout)
        return SendResult(message_id=message_id(channel, str(sent["id"])))


def _split(value: str) -> tuple[str, str]:
    channel, _, message = value.partition(":")
    if not message:
        raise PermanentSendError("message_not_found")
    return channel, message

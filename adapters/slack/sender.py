"""Core actions become Slack Web API calls (or response_url posts), with failures classified for retry.

Put behind the core's SendQueue, which paces sends per channel and per workspace and retries what
this module calls transient.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.render import SlackMessage, render_choice, render_content, render_home, render_modal
from adapters.slack.translate_in import SlackReply
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
from bot.core.identity import ConversationKind, ConversationRef
from bot.scheduling.sender import PermanentSendError, TransientSendError

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]
SessionFor = Callable[[], aiohttp.ClientSession | None]

# Slack error codes that will fail the same way every time: record, report to the owner, never retry.
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "user_not_found", "not_in_channel", "is_archived", "account_inactive",
    "cannot_dm_bot", "user_disabled", "restricted_action", "message_not_found", "cant_update_message",
    "invalid_auth", "not_authed", "token_revoked", "token_expired", "team_access_not_granted",
    "missing_scope", "invalid_blocks", "msg_too_long", "no_text", "too_many_attachments",
    "expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id", "already_reacted",
    "ekm_access_denied", "org_login_required", "access_denied",
})


def classify(exc: SlackApiError) -> Exception:
    """A 429 carries Slack's own wait; 5xx and unknown codes are worth a retry; the rest is final."""
    response = exc.response
    status = getattr(response, "status_code", 200)
    if status == 429:
        retry = (response.headers or {}).get("Retry-After") or (response.headers or {}).get("retry-after")
        # Slack does not say which limit refused: a method's workspace tier, the workspace's posting budget,
        # or chat.postMessage's one a second per channel. Pausing the workspace covers all three (the
        # channel is in it); pausing only the channel let the other senders run into the budget again.
        return TransientSendError(retry_after=float(retry) if retry else None, reason="ratelimited",
                                  scope="workspace")
    data = getattr(response, "data", None)
    # A 5xx from a proxy may carry a plain-text body, which slack_sdk keeps as a str, not a dict.
    code = str(data.get("error") or f"http_{status}") if isinstance(data, dict) else f"http_{status}"
    if status >= 500 or code in {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}:
        return TransientSendError(reason=code)
    if code in PERMANENT_ERRORS:
        return PermanentSendError(code)
    return PermanentSendError(code) if status == 200 else TransientSendError(reason=code)


def message_id(channel: str, ts: str) -> str:
    """chat.update needs both, so Rekan's message id carries both."""
    return f"{channel}:{ts}"


def split_message_id(value: str) -> tuple[str, str]:
    channel, _, ts = value.partition(":")
    if not ts:
        raise PermanentSendError("message_not_found")
    return channel, ts


class SlackSender:
    """Performs one action; raises TransientSendError or PermanentSendError on failure."""

    def __init__(self, client_for: ClientFor, *, session: SessionFor = lambda: None) -> None:
        self._client_for = client_for
        self._session = session

    async def perform(self, action: Action) -> SendResult:
        try:
            return await self._perform(action)
        except SlackApiError as exc:
            raise classify(exc) from exc
        except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
            raise TransientSendError(reason=type(exc).__name__) from exc

    async def _perform(self, action: Action) -> SendResult:
        client = await self._client_for(action.to.workspace_id)
        if isinstance(action, Send):
            return await self._post(client, action.to, render_content(action.content, ping=action.ping),
                                    action.reply_handle, action.visibility, action.thread)
        if isinstance(action, AskChoice):
            return await self._post(client, action.to, [render_choice(action)], action.reply_handle,
                                    action.visibility, None)
        if isinstance(action, Edit):
            channel, ts = split_message_id(action.message_id)
            first = render_content(action.content)[0]
            await client.chat_update(channel=channel, ts=ts, text=first.text, blocks=first.blocks)
            return SendResult(message_id=action.message_id)
        if isinstance(action, OpenForm):
            return await self._open_form(client, action)
        if isinstance(action, React):
            channel, ts = split_message_id(action.message_id)
            await client.reactions_add(channel=channel, timestamp=ts, name=action.emoji.strip(":"))
            return SendResult(message_id=action.message_id)
        if isinstance(action, PublishHome):
            await client.views_publish(user_id=action.to.conversation_id, view=render_home(action.content))
            return SendResult(message_id=None)
        return await self._upload(client, action)

    async def _post(self, client: AsyncWebClient, to: ConversationRef, messages: list[SlackMessage],
                    handle: object, visibility: Visibility, thread: str | None) -> SendResult:
        reply = handle if isinstance(handle, SlackReply) else None
        if reply is not None and reply.response_url:
            await _respond(reply.response_url, messages, visibility, self._session())
            return SendResult(message_id=None)
        if reply is not None and visibility is Visibility.EPHEMERAL and to.kind is ConversationKind.CHANNEL:
            for m in messages:
                await client.chat_postEphemeral(channel=to.conversation_id, user=reply.user_id, text=m.text,
                                                blocks=m.blocks, thread_ts=thread or reply.thread_ts)
            return SendResult(message_id=None)
        # A DM goes to the user id: Slack posts it in the member's conversation with the app.
        # A thread named by Rekan's message id ("C…:ts", as sends return it) is the ts part.
        thread_ts = (thread.rpartition(":")[2] if thread else None) or (reply.thread_ts if reply else None)
        first: str | None = None
        for m in messages:
            response = await client.chat_postMessage(channel=to.conversation_id, text=m.text, blocks=m.blocks,
                                                     thread_ts=thread_ts, unfurl_links=False)
            first = first or message_id(str(response["channel"]), str(response["ts"]))
        return SendResult(message_id=first)

    async def _open_form(self, client: AsyncWebClient, action: OpenForm) -> SendResult:
        reply = action.reply_handle if isinstance(action.reply_handle, SlackReply) else None
        if reply is None or not reply.trigger_id:
            raise PermanentSendError("expired_trigger_id")  # a modal needs a fresh click or command
        response = await client.views_open(trigger_id=reply.trigger_id, view=render_modal(action))
        view: dict[str, Any] = dict(response.get("view") or {})
        return SendResult(message_id=view.get("id"))

    async def _upload(self, client: AsyncWebClient, action: Upload) -> SendResult:
        channel = action.to.conversation_id
        if action.to.kind is ConversationKind.DM:
            opened = await client.conversations_open(users=channel)  # uploads need the D… id
            channel = str(opened["channel"]["id"])
        comment = render_content(action.comment)[0].text if action.comment else None
        await client.files_upload_v2(channel=channel, content=action.data, filename=action.filename,
                                     title=action.filename, initial_comment=comment)
        return SendResult(message_id=None)


async def _respond(url: str, messages: list[SlackMessage], visibility: Visibility,
                   session: aiohttp.ClientSession | None) -> None:
    """Answer through the interaction's response_url: works in channels Rekan was never invited to."""
    kind = "ephemeral" if visibility is Visibility.EPHEMERAL else "in_channel"
    webhook = AsyncWebhookClient(url, session=session)
    for m in messages:
        response = await webhook.send_dict({"response_type": kind, "text": m.text, "blocks": m.blocks,
                                            "replace_original": False})
        status = response.status_code
        if status == 429 or status >= 500:
            retry = response.headers.get("Retry-After") if response.headers else None
            raise TransientSendError(retry_after=float(retry) if retry else None, reason=f"http_{status}")
        if status >= 400:
            raise PermanentSendError(f"response_url_{status}")

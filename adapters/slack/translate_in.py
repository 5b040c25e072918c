"""Slack payloads (as Bolt hands them over) become core events; Slack's text markup becomes neutral text.

Pure functions: no I/O, so real payload shapes can be tested one by one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.slack.render import CHOICE_BLOCK_PREFIX, form_values
from bot.core.events import (
    ActionTriggered,
    CommandInvoked,
    FormClosed,
    FormSubmitted,
    HomeOpened,
    MemberLeft,
    MessageReceived,
)
from bot.core.identity import AccountRef, ConversationKind, ConversationRef

PLATFORM = "slack"

# Slack's markup in incoming text: user and channel references, specials, links, with optional labels.
_TOKEN = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")
_SPECIALS = {"channel", "here", "everyone"}
# Message subtypes that are a person writing to Rekan; edits, joins and bot posts are not.
_PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}


@dataclass(frozen=True, kw_only=True)
class SlackReply:
    """How to answer an interaction: opaque to the core, read back by the sender."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    thread_ts: str | None = None


def unescape(text: str) -> str:
    """Undo Slack's three escapes; `&amp;` last so `&amp;lt;` stays the literal text `&lt;`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _token(match: re.Match[str]) -> str:
    sigil, target, label = match.group(1), match.group(2), match.group(3)
    if sigil == "@":
        return f"<@{target}>"  # the core's neutral mention; the label is a stale display name
    if sigil == "#":
        return f"<#{target}>"  # the core's neutral channel reference: ids, never names
    if sigil == "!":
        if target in _SPECIALS:
            return f"@{target}"
        if target.startswith("subteam^"):
            return f"<@&{target.removeprefix('subteam^')}>"  # the core's neutral role/group reference
        if target.startswith("date^"):
            return label or ""
        return label or target
    return label or target  # a link: keep what the person typed


def neutral_text(text: str) -> str:
    """Slack markup to plain text with `<@U…>` mentions; everything else becomes what was typed."""
    return unescape(_TOKEN.sub(_token, text))


def conversation_for(team_id: str, user_id: str, channel_id: str | None) -> ConversationRef:
    """A D… channel is the member's DM with Rekan; anything else is a channel (or group DM)."""
    actor = AccountRef(platform=PLATFORM, workspace_id=team_id, user_id=user_id)
    if not channel_id or channel_id.startswith("D"):
        return ConversationRef.dm(actor)
    return ConversationRef(platform=PLATFORM, workspace_id=team_id, kind=ConversationKind.CHANNEL,
                           conversation_id=channel_id)


def _actor(team_id: str, user_id: str) -> AccountRef:
    return AccountRef(platform=PLATFORM, workspace_id=team_id, user_id=user_id)


def _team_of(body: Mapping[str, Any]) -> str:
    """Interactive payloads name the team in `team.id`; a user of an org-wide install in `user.team_id`."""
    team = body.get("team") or {}
    return str(team.get("id") or (body.get("user") or {}).get("team_id") or body.get("team_id") or "")


def command_event(body: Mapping[str, Any], *, at: datetime) -> CommandInvoked:
    team, user, channel = str(body["team_id"]), str(body["user_id"]), body.get("channel_id")
    reply = SlackReply(team_id=team, user_id=user, channel_id=channel, response_url=body.get("response_url"),
                       trigger_id=body.get("trigger_id"))
    return CommandInvoked(
        platform=PLATFORM, event_id=f"command:{body.get('trigger_id') or at.timestamp()}",
        actor=_actor(team, user), conversation=conversation_for(team, user, channel), at=at,
        actor_name=body.get("user_name"), name=str(body["command"]).lstrip("/").lower(),
        text=neutral_text(str(body.get("text") or "")).strip(), reply_handle=reply, raw=body,
    )


def message_event(body: Mapping[str, Any]) -> MessageReceived | None:
    """A person's DM to Rekan; None for bot posts, edits, joins and anything outside a DM."""
    event = body.get("event") or {}
    if (event.get("channel_type") != "im" or event.get("bot_id") or not event.get("user")
            or event.get("subtype") not in _PERSON_SUBTYPES):
        return None
    team = str(body.get("team_id") or event.get("team") or "")
    user, channel = str(event["user"]), str(event.get("channel") or "")
    thread = event.get("thread_ts")
    reply = SlackReply(team_id=team, user_id=user, channel_id=channel, thread_ts=thread)
    return MessageReceived(
        platform=PLATFORM, event_id=str(body.get("event_id") or f"message:{channel}:{event.get('ts')}"),
        actor=_actor(team, user), conversation=ConversationRef.dm(_actor(team, user)),
        at=_event_time(body, event), thread=thread, text=neutral_text(str(event.get("text") or "")),
        reply_handle=reply, raw=body,
    )


def _event_time(body: Mapping[str, Any], event: Mapping[str, Any]) -> datetime:
    stamp = event.get("ts") or body.get("event_time")
    return datetime.fromtimestamp(float(stamp), UTC) if stamp else datetime.now(UTC)


def _picked(action: Mapping[str, Any]) -> str | None:
    if action.get("value") is not None:
        return str(action["value"])
    option = action.get("selected_option") or {}
    return None if option.get("value") is None else str(option["value"])


def action_event(body: Mapping[str, Any], *, at: datetime) -> ActionTriggered | None:
    """A click on one of Rekan's choices; the key lives in the block id, so it survives restarts."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    block_id, value = str(action.get("block_id") or ""), _picked(action)
    if not block_id.startswith(CHOICE_BLOCK_PREFIX) or value is None:
        return None
    team, user = _team_of(body), str(body["user"]["id"])
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    reply = SlackReply(team_id=team, user_id=user, channel_id=channel, response_url=body.get("response_url"),
                       trigger_id=body.get("trigger_id"))
    return ActionTriggered(
        platform=PLATFORM, event_id=f"action:{user}:{action.get('action_ts') or body.get('trigger_id')}",
        actor=_actor(team, user), conversation=conversation_for(team, user, channel), at=at,
        actor_name=body["user"].get("username") or body["user"].get("name"),
        key=block_id.removeprefix(CHOICE_BLOCK_PREFIX), value=value, reply_handle=reply, raw=body,
    )


def _view_reply(body: Mapping[str, Any], team: str, user: str) -> SlackReply:
    urls = body.get("response_urls") or []
    return SlackReply(team_id=team, user_id=user, channel_id=(urls[0].get("channel_id") if urls else None),
                      response_url=(urls[0].get("response_url") if urls else None),
                      trigger_id=body.get("trigger_id"))


def view_submission_event(body: Mapping[str, Any], *, at: datetime) -> FormSubmitted:
    view, team, user = body["view"], _team_of(body), str(body["user"]["id"])
    return FormSubmitted(
        platform=PLATFORM, event_id=f"view:{view.get('id')}:{view.get('hash')}", actor=_actor(team, user),
        conversation=ConversationRef.dm(_actor(team, user)), at=at,
        actor_name=body["user"].get("username") or body["user"].get("name"),
        key=str(view.get("private_metadata") or ""), values=form_values(view),
        reply_handle=_view_reply(body, team, user), raw=body,
    )


def view_closed_event(body: Mapping[str, Any], *, at: datetime) -> FormClosed:
    view, team, user = body["view"], _team_of(body), str(body["user"]["id"])
    return FormClosed(
        platform=PLATFORM, event_id=f"view-closed:{view.get('id')}", actor=_actor(team, user),
        conversation=ConversationRef.dm(_actor(team, user)), at=at,
        key=str(view.get("private_metadata") or ""), reply_handle=_view_reply(body, team, user), raw=body,
    )


def member_left_event(body: Mapping[str, Any], at: datetime) -> MemberLeft | None:
    """`user_change` with `deleted: true` is how Slack says an account was deactivated (it left)."""
    event = body.get("event") or {}
    user = event.get("user") or {}
    if not user.get("deleted") or not user.get("id") or user.get("is_bot"):
        return None
    team = str(body.get("team_id") or user.get("team_id") or "")
    actor = _actor(team, str(user["id"]))
    return MemberLeft(platform=PLATFORM, event_id=str(body.get("event_id") or f"left:{user['id']}"),
                      actor=actor, conversation=ConversationRef.dm(actor), at=at,
                      actor_name=(user.get("profile") or {}).get("display_name") or user.get("name"))


def home_opened_event(team_id: str, user_id: str, *, at: datetime, event_id: str | None) -> HomeOpened:
    actor = _actor(team_id, user_id)
    return HomeOpened(platform=PLATFORM, event_id=event_id or f"home:{user_id}:{at.timestamp()}", actor=actor,
                      conversation=ConversationRef.dm(actor), at=at)

"""Discord interactions and DMs become core events; pure functions over the API's JSON shapes.

The adapter reduces a discord.py `Interaction` to `InteractionFacts` (a few ids and the raw `data`), so
these functions can be tested with the payloads Discord documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.events import (
    ActionTriggered,
    CommandInvoked,
    FormSubmitted,
    MessageReceived,
    OptionValue,
)
from bot.core.identity import UNSCOPED, AccountRef, ConversationKind, ConversationRef

PLATFORM = "discord"

COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
_SUB_COMMAND, _SUB_COMMAND_GROUP, _USER, _CHANNEL = 1, 2, 6, 7
_ADMINISTRATOR, _MANAGE_GUILD = 1 << 3, 1 << 5
# `<@!id>` is the old nickname form of a user mention; the core reads only `<@id>`.
_NICK_MENTION = re.compile(r"<@!(\d+)>")


@dataclass(frozen=True, kw_only=True)
class InteractionFacts:
    """What Rekan needs of an interaction; `data` is Discord's raw `data` object."""

    id: str
    token: str
    application_id: str
    kind: int
    data: Mapping[str, Any]
    user_id: str
    user_name: str | None
    guild_id: str | None
    channel_id: str | None
    permissions: int | None = None
    locale: str | None = None


@dataclass(frozen=True, kw_only=True)
class DiscordReply:
    """How to answer: through the interaction (15 minutes), else by plain message in the channel."""

    interaction_id: str
    token: str
    application_id: str
    channel_id: str | None
    user_id: str


def facts_from_payload(payload: Mapping[str, Any]) -> InteractionFacts:
    """From an INTERACTION_CREATE payload: guild interactions carry `member.user`, DMs carry `user`."""
    member = payload.get("member") or {}
    user = member.get("user") or payload.get("user") or {}
    perms = member.get("permissions")
    return InteractionFacts(
        id=str(payload["id"]), token=str(payload["token"]), application_id=str(payload["application_id"]),
        kind=int(payload["type"]), data=payload.get("data") or {}, user_id=str(user["id"]),
        user_name=user.get("global_name") or user.get("username"),
        guild_id=str(payload["guild_id"]) if payload.get("guild_id") else None,
        channel_id=str(payload.get("channel_id") or (payload.get("channel") or {}).get("id") or "") or None,
        permissions=int(perms) if perms is not None else None, locale=payload.get("locale"),
    )


def neutral_text(text: str) -> str:
    return _NICK_MENTION.sub(r"<@\1>", text)


def _where(facts: InteractionFacts) -> tuple[AccountRef, ConversationRef]:
    """A guild is the workspace; a DM has none, and the core places it in the member's latest one."""
    actor = AccountRef(platform=PLATFORM, workspace_id=facts.guild_id or UNSCOPED, user_id=facts.user_id)
    if facts.guild_id is None or not facts.channel_id:
        return actor, ConversationRef.dm(actor)
    return actor, ConversationRef(platform=PLATFORM, workspace_id=facts.guild_id,
                                  kind=ConversationKind.CHANNEL, conversation_id=facts.channel_id)


def _admin(facts: InteractionFacts) -> bool | None:
    """Guild admins (Administrator or Manage Server) are Rekan admins; a DM says nothing about rights."""
    if facts.permissions is None or facts.guild_id is None:
        return None
    return bool(facts.permissions & (_ADMINISTRATOR | _MANAGE_GUILD))


def _reply(facts: InteractionFacts) -> DiscordReply:
    return DiscordReply(interaction_id=facts.id, token=facts.token, application_id=facts.application_id,
                        channel_id=facts.channel_id, user_id=facts.user_id)


def _base(facts: InteractionFacts, at: datetime, prefix: str) -> dict[str, Any]:
    actor, conversation = _where(facts)
    return {"platform": PLATFORM, "event_id": f"{prefix}:{facts.id}", "actor": actor,
            "conversation": conversation, "at": at, "actor_name": facts.user_name,
            "actor_is_admin": _admin(facts), "reply_handle": _reply(facts)}


def _option_value(option: Mapping[str, Any]) -> OptionValue:
    value = option.get("value")
    if option.get("type") == _USER:
        return f"<@{value}>"  # the core finds members in options the way it finds them in text
    if option.get("type") == _CHANNEL:
        return f"<#{value}>"  # and channels as `<#id>`, the form Discord itself writes in text
    if isinstance(value, str):
        return neutral_text(value)
    return value if isinstance(value, bool | int | float) else str(value)


def command_path(data: Mapping[str, Any]) -> tuple[str, str | None, Sequence[Mapping[str, Any]]]:
    """(command, subcommand, that subcommand's options) from an application command's `data`."""
    options: Sequence[Mapping[str, Any]] = data.get("options") or []
    sub: str | None = None
    while options and options[0].get("type") in (_SUB_COMMAND, _SUB_COMMAND_GROUP):
        sub = str(options[0]["name"])
        options = options[0].get("options") or []
    return str(data["name"]), sub, options


def command_event(facts: InteractionFacts, *, at: datetime) -> CommandInvoked:
    name, sub, options = command_path(facts.data)
    values = {str(o["name"]): _option_value(o) for o in options if "value" in o}
    return CommandInvoked(**_base(facts, at, "interaction"), name=name.lower(), subcommand=sub,
                          options=values)


def focused_option(facts: InteractionFacts) -> tuple[str, str, str | None, str] | None:
    """(command, option, subcommand, typed text) for an autocomplete request."""
    name, sub, options = command_path(facts.data)
    for option in options:
        if option.get("focused"):
            return name, str(option["name"]), sub, str(option.get("value") or "")
    return None


def component_event(facts: InteractionFacts, key: str, value: str, *, at: datetime) -> ActionTriggered:
    return ActionTriggered(**_base(facts, at, "interaction"), key=key, value=value)


def form_event(facts: InteractionFacts, key: str, values: Mapping[str, str], *,
               at: datetime) -> FormSubmitted:
    return FormSubmitted(**_base(facts, at, "interaction"), key=key, values=dict(values))


def dm_event(message: Mapping[str, Any], *, at: datetime) -> MessageReceived | None:
    """A person's DM to Rekan (MESSAGE_CREATE without a guild); None for bots, system and guild posts."""
    author = message.get("author") or {}
    ordinary = message.get("type", 0) in (0, 19)  # a default message or a reply; not pins, joins, calls
    if message.get("guild_id") or author.get("bot") or author.get("system") or not ordinary:
        return None
    actor = AccountRef(platform=PLATFORM, workspace_id=UNSCOPED, user_id=str(author["id"]))
    reply = DiscordReply(interaction_id="", token="", application_id="",
                         channel_id=str(message["channel_id"]), user_id=actor.user_id)
    return MessageReceived(
        platform=PLATFORM, event_id=f"message:{message['id']}", actor=actor,
        conversation=ConversationRef.dm(actor), at=at,
        actor_name=author.get("global_name") or author.get("username"),
        text=neutral_text(str(message.get("content") or "")), reply_handle=reply,
    )

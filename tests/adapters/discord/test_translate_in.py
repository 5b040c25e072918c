"""Discord interactions and DMs, as the gateway delivers them, become the core's neutral events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.discord.translate_in import (
    DiscordReply,
    command_event,
    dm_event,
    facts_from_payload,
    focused_option,
)
from bot.core.identity import UNSCOPED, ConversationKind

AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
GUILD, CHANNEL, USER, APP = "900000000000000001", "900000000000000002", "900000000000000003", "900000000000000004"


def interaction(data: dict[str, Any], *, guild: bool = True, permissions: str = "0", kind: int = 2) -> dict[str, Any]:
    user = {"id": USER, "username": "ayu", "global_name": "Ayu", "discriminator": "0", "avatar": None}
    base: dict[str, Any] = {"id": "910000000000000001", "application_id": APP, "type": kind, "data": data,
                            "channel_id": CHANNEL, "token": "aW50ZXJhY3Rpb24", "version": 1, "locale": "id",
                            "app_permissions": "0", "entitlements": []}
    if guild:
        base.update(guild_id=GUILD, member={"user": user, "roles": [], "permissions": permissions,
                                            "joined_at": "2026-01-01T00:00:00+00:00"})
    else:
        base["user"] = user
    return base


def tz(sub: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"id": "920000000000000001", "name": "tz", "type": 1,
            "options": [{"type": 1, "name": sub, "options": list(options)}]}


def test_a_subcommand_with_a_text_option_in_a_guild_channel() -> None:
    event = command_event(facts_from_payload(interaction(tz("set", {"type": 3, "name": "zone",
                                                                    "value": "Asia/Jakarta"}))), at=AT)
    assert (event.name, event.subcommand, dict(event.options or {})) == ("tz", "set", {"zone": "Asia/Jakarta"})
    assert (event.actor.workspace_id, event.actor.user_id, event.actor_name) == (GUILD, USER, "Ayu")
    assert event.conversation.kind is ConversationKind.CHANNEL and event.conversation.conversation_id == CHANNEL
    assert event.reply_handle == DiscordReply(interaction_id="910000000000000001", token="aW50ZXJhY3Rpb24",
                                              application_id=APP, channel_id=CHANNEL, user_id=USER)


def test_a_user_option_is_a_neutral_mention() -> None:
    event = command_event(facts_from_payload(interaction(tz("show", {"type": 6, "name": "member",
                                                                     "value": "930000000000000009"}))), at=AT)
    assert event.options == {"member": "<@930000000000000009>"}


def test_guild_admins_and_server_managers_are_admins_and_others_are_not() -> None:
    admin = command_event(facts_from_payload(interaction(tz("show"), permissions=str(1 << 3))), at=AT)
    manager = command_event(facts_from_payload(interaction(tz("show"), permissions=str(1 << 5))), at=AT)
    member = command_event(facts_from_payload(interaction(tz("show"), permissions=str(1 << 11))), at=AT)
    assert (admin.actor_is_admin, manager.actor_is_admin, member.actor_is_admin) == (True, True, False)


def test_a_command_in_a_dm_has_no_workspace_yet() -> None:
    event = command_event(facts_from_payload(interaction(tz("show"), guild=False)), at=AT)
    assert event.actor.workspace_id == UNSCOPED and event.conversation.kind is ConversationKind.DM
    assert event.actor_is_admin is None


def test_the_focused_option_of_an_autocomplete() -> None:
    facts = facts_from_payload(interaction(tz("set", {"type": 3, "name": "zone", "value": "jak", "focused": True}),
                                           kind=4))
    assert focused_option(facts) == ("tz", "zone", "set", "jak")


def test_a_dm_is_a_message_and_bot_posts_and_guild_posts_are_not() -> None:
    message = {"id": "940000000000000001", "channel_id": "950000000000000001", "type": 0,
               "content": "Yesterday: shipped <@!930000000000000009>'s fix",
               "author": {"id": USER, "username": "ayu", "global_name": "Ayu"}}
    event = dm_event(message, at=AT)
    assert event is not None and event.text == "Yesterday: shipped <@930000000000000009>'s fix"
    assert event.actor.workspace_id == UNSCOPED and event.event_id == "message:940000000000000001"
    assert dm_event({**message, "author": {"id": "1", "bot": True}}, at=AT) is None
    assert dm_event({**message, "guild_id": GUILD}, at=AT) is None
    assert dm_event({**message, "type": 7}, at=AT) is None

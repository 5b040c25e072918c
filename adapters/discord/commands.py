"""Discord application commands from the core's specs, and the URL that adds Rekan to a server.

One CHAT_INPUT command per CommandSpec, each subcommand a SUB_COMMAND option with its own options. The
English catalog gives every description and the Indonesian one its `description_localizations`. Discord
(API v10) refuses what breaks its rules, so they are checked here with a reason: names of 1 to 32
lowercase letters, digits, `-` or `_`; descriptions of 1 to 100 characters; at most 25 options per level,
required ones first; 4,000 characters of names and descriptions per command.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from adapters.discord.markdown import ELLIPSIS, is_snowflake
from bot.core.commands import CommandRegistry, CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.i18n import translate

CHAT_INPUT = 1
SUB_COMMAND = 1
OPTION_TYPES: Mapping[OptionType, int] = MappingProxyType({
    OptionType.TEXT: 3,     # STRING
    OptionType.INTEGER: 4,  # INTEGER
    OptionType.BOOLEAN: 5,  # BOOLEAN
    OptionType.MEMBER: 6,   # USER: Discord sends the id and resolves the member
    OptionType.CHANNEL: 7,  # CHANNEL
})
_AUTOCOMPLETE_TYPES = frozenset({OptionType.TEXT, OptionType.INTEGER})
"""Discord offers autocomplete on STRING, INTEGER and NUMBER options only."""

# Interaction context types: where a command can be used.
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
# Application integration types: how the app is installed.
GUILD_INSTALL, USER_INSTALL = 0, 1

CONTEXTS: tuple[int, ...] = (GUILD, BOT_DM)
"""In servers and in a member's DM with Rekan. Not PRIVATE_CHANNEL (other DMs and group DMs): that needs
a user install, and Rekan's answers there would reach people who never added it. `contexts` replaces the
deprecated `dm_permission`."""
INTEGRATION_TYPES: tuple[int, ...] = (GUILD_INSTALL,)
"""Rekan is added to a server, whose members, zones and roles it keeps; it is not a user-installed app."""

DISCORD_LOCALES: Mapping[str, str] = MappingProxyType({"id": "id"})
"""Rekan's catalogs beyond English, and Discord's code for each (Bahasa Indonesia is `id` in both)."""

MAX_NAME = 32
MAX_DESCRIPTION = 100
MAX_OPTIONS = 25
MAX_COMMANDS = 100
MAX_COMMAND_TEXT = 4_000
"""Names and descriptions of a command and all its options; for a localized field the longest counts."""

AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
SCOPES = ("bot", "applications.commands")


@dataclass(frozen=True, kw_only=True)
class Permission:
    """One permission Rekan's role asks for, with the reason shown to whoever adds it."""

    name: str
    bit: int
    reason: str


REQUESTED: tuple[Permission, ...] = (
    Permission(name="View Channels", bit=1 << 10,
               reason="see the channels it is asked to post in (standups, reminders, replies)"),
    Permission(name="Send Messages", bit=1 << 11,
               reason="post replies, reminders and standup summaries in those channels"),
    Permission(name="Send Messages in Threads", bit=1 << 38,
               reason="answer in a thread when a command or a standup lives there"),
    Permission(name="Embed Links", bit=1 << 14,
               reason="show cards (a member's zone and hours, summaries) as embeds; without it they vanish"),
    Permission(name="Attach Files", bit=1 << 15,
               reason="upload exports and reports"),
    Permission(name="Read Message History", bit=1 << 16,
               reason="react to a message, which Discord allows only where the history can be read"),
    Permission(name="Add Reactions", bit=1 << 6,
               reason="acknowledge a message with an emoji, e.g. when a standup answer is recorded"),
    Permission(name="Use Application Commands", bit=1 << 31,
               reason="Rekan is used through slash commands (/tz, /rekan)"),
)
# Deliberately absent: Administrator (1 << 3) and Mention Everyone (1 << 17), and anything that manages
# (roles, channels, messages, members): Rekan never pings a crowd and never changes the server.

PERMISSIONS = sum(p.bit for p in REQUESTED)
PERMISSION_REASONS: Mapping[str, str] = MappingProxyType({p.name: p.reason for p in REQUESTED})


def command_payloads(registry: CommandRegistry) -> list[dict[str, Any]]:
    """The body of PUT /applications/{id}/commands (or a guild's): every command, checked."""
    payloads = [command_payload(spec) for spec in registry.all()]
    if len(payloads) > MAX_COMMANDS:
        raise ValueError(f"{len(payloads)} commands: Discord allows at most {MAX_COMMANDS} chat commands")
    _check_unique(p["name"] for p in payloads)
    return payloads


def command_payload(spec: CommandSpec) -> dict[str, Any]:
    """One CHAT_INPUT command; subcommands carry the options (Discord allows no options beside them).

    No `default_member_permissions`: one command mixes member and admin subcommands, and Rekan's own
    roles (a manager is granted in Rekan) decide who may run what.
    """
    subcommands = [_subcommand(sub) for sub in spec.subcommands]
    _check_options(spec.name, subcommands)
    payload: dict[str, Any] = {
        "type": CHAT_INPUT,
        "name": command_name(spec.name),
        **_descriptions(spec.help_key),
        "options": subcommands,
        "contexts": list(CONTEXTS),
        "integration_types": list(INTEGRATION_TYPES),
    }
    size = _text_size(payload)
    if size > MAX_COMMAND_TEXT:
        raise ValueError(f"/{spec.name} has {size} characters of names and descriptions; "
                         f"Discord allows {MAX_COMMAND_TEXT}")
    return payload


def command_name(raw: str) -> str:
    """The name lowercased (Discord wants lowercase where a letter has one) and checked."""
    name = raw.lower()
    valid = all(ch in "-_" or unicodedata.category(ch)[0] in "LN" for ch in name)
    if not valid or not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"{raw!r} is not a valid Discord command or option name: "
                         f"1 to {MAX_NAME} letters, digits, '-' or '_'")
    return name


def _subcommand(sub: SubcommandSpec) -> dict[str, Any]:
    # Discord lists required options first and refuses any other order; declared order is kept otherwise.
    ordered = sorted(sub.options, key=lambda o: not o.required)
    options = [_option(o) for o in ordered]
    _check_options(sub.name, options)
    return {"type": SUB_COMMAND, "name": command_name(sub.name), **_descriptions(sub.help_key),
            "options": options}


def _option(spec: OptionSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": OPTION_TYPES[spec.type], "name": command_name(spec.name),
                             **_descriptions(spec.help_key), "required": spec.required}
    if spec.autocomplete:
        if spec.type not in _AUTOCOMPLETE_TYPES:
            raise ValueError(f"option {spec.name!r}: Discord cannot autocomplete a {spec.type.value} option")
        entry["autocomplete"] = True  # the adapter answers with suggestions from spec.autocomplete's source
    return entry


def _descriptions(help_key: str) -> dict[str, Any]:
    """The English description and its translations, each cut to Discord's 100 characters."""
    return {
        "description": _description(translate(help_key, "en"), help_key),
        "description_localizations": {
            discord: _description(translate(help_key, locale), help_key)
            for locale, discord in DISCORD_LOCALES.items()
        },
    }


def _description(text: str, help_key: str) -> str:
    """One line of at most 100 characters, cut with … rather than refused: help text may grow."""
    line = " ".join(text.split())
    if not line:
        raise ValueError(f"{help_key}: Discord needs a description of 1 to {MAX_DESCRIPTION} characters")
    return line if len(line) <= MAX_DESCRIPTION else line[:MAX_DESCRIPTION - 1].rstrip() + ELLIPSIS


def _check_options(owner: str, options: Sequence[Mapping[str, Any]]) -> None:
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"{owner!r} has {len(options)} options; Discord allows {MAX_OPTIONS}")
    _check_unique(o["name"] for o in options)


def _check_unique(names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{name!r} is declared twice at one level; Discord needs unique names")
        seen.add(name)


def _text_size(entry: Mapping[str, Any]) -> int:
    """Characters Discord counts: each name and the longest of each description's localizations."""
    localized = entry.get("description_localizations", {}).values()
    own = len(entry["name"]) + max([len(entry["description"]), *(len(t) for t in localized)])
    return own + sum(_text_size(o) for o in entry.get("options", ()))


def invite_url(application_id: str, *, guild_id: str | None = None) -> str:
    """The OAuth2 URL that adds Rekan with its commands and exactly PERMISSIONS; a guild id preselects one."""
    if not is_snowflake(application_id):
        raise ValueError(f"application id {application_id!r} is not a Discord id (17 to 20 digits)")
    query = {"client_id": application_id, "scope": " ".join(SCOPES), "permissions": str(PERMISSIONS)}
    if guild_id is not None:
        if not is_snowflake(guild_id):
            raise ValueError(f"guild id {guild_id!r} is not a Discord id (17 to 20 digits)")
        query |= {"guild_id": guild_id, "disable_guild_select": "true"}
    return f"{AUTHORIZE_URL}?{urlencode(query)}"

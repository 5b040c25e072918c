"""The Slack app manifest, generated from the command registry: paste it into api.slack.com/apps.

`rekan manifest slack --url https://your.host` describes an app that Slack calls over HTTP at
`{url}/slack/events`; `--socket` describes a Socket Mode app with no request URLs at all. Field names
and limits follow Slack's app manifest schema (github.com/slackapi/manifest-schema, version 1).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from bot.core.commands import CommandRegistry, CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.i18n import translate

# Bot token scopes: only what the Slack adapter calls. Each line says why Rekan needs it.
BOT_SCOPES: tuple[str, ...] = (
    "commands",        # the slash commands below (/tz, /rekan, ...)
    "chat:write",      # replies, DMs and channel posts (chat.postMessage, chat.postEphemeral, chat.update)
    "im:history",      # receive members' DMs to Rekan (the message.im event), e.g. standup answers
    "im:write",        # open a member's DM with Rekan (conversations.open), needed before a file upload
    "users:read",      # users.info: display name, time zone, and admin/owner flags for Rekan's roles
    "usergroups:read", # usergroups.users.list: who is in @devs when a deadline is set for a group
    "channels:read",   # conversations.info/members: may Rekan post in #team; who is in it
    "groups:read",     # the same for private channels Rekan was invited to
    "reactions:write",  # acknowledge a message with an emoji (reactions.add)
    "files:write",     # upload exports and reports (files.getUploadURLExternal/completeUploadExternal)
)
# Deliberately absent: chat:write.public (Rekan posts only where it was invited; replies to commands go
# through response_url, which works anywhere), users:read.email (Rekan never needs addresses),
# channels:history/groups:history (Rekan reads DMs to itself, not channel traffic).

# Bot events Rekan subscribes to. None of them needs a scope beyond the ones above.
BOT_EVENTS: tuple[str, ...] = (
    "message.im",        # a member writes to Rekan in its Messages tab (needs im:history)
    "app_home_opened",   # a member opens the Home tab: publish their zone and hours
    "app_uninstalled",   # forget the workspace's installation tokens
    "tokens_revoked",    # forget revoked bot or user tokens
    "user_change",       # a deactivated account has left: take it off deadlines (needs users:read)
)

EVENTS_PATH = "/slack/events"
"""Where Bolt's HTTP server takes slash commands, interactivity and events (see adapters/slack/app.py)."""
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"

BOT_DISPLAY_NAME = "rekan"
DESCRIPTION = "Time zones, working hours and async standups for distributed teams."
BACKGROUND_COLOR = "#1f5f6b"

# Limits from Slack's manifest schema v1, and the stricter ones Rekan keeps to.
APP_NAME_MAX = 35
APP_DESCRIPTION_MAX = 140
COMMAND_NAME_MAX = 32  # including the leading slash
SLASH_COMMANDS_MAX = 50
COMMAND_DESCRIPTION_MAX = 100
"""The schema allows 2000, but Slack's autocomplete shows one short line: keep it to 100."""
USAGE_HINT_MAX = 100
"""The schema allows 1000, but the hint is shown on one line in the composer: keep it to 100."""

SHOULD_ESCAPE = True
"""Slack then sends `@ayu` as `<@U0AYU|ayu>`: `/tz @ayu` and `/rekan managers add @ayu` need the user id.
With escaping off Slack sends the plain text `@ayu`, which names no one reliably."""

_COMMAND_NAME = re.compile(r"^/[a-z0-9][a-z0-9_\-]*$")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_EXPECTED_URL = "expected https://your.host (http:// only for localhost or 127.0.0.1)"


# --- the manifest ----------------------------------------------------------------------------------


def base_url(url: str) -> str:
    """The public base URL, checked and without a trailing slash; ValueError names what is wrong."""
    value = url.strip()
    try:
        parts = urlsplit(value)
        _ = parts.port  # parsing the port is the check: "https://host:abc" raises here
    except ValueError as exc:
        raise ValueError(f"Slack URL {url!r} is not a URL ({exc}); {_EXPECTED_URL}") from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if not scheme or not parts.netloc:
        reason = "has no scheme" if "://" not in value else "has no host"
        raise ValueError(f"Slack URL {url!r} {reason}; {_EXPECTED_URL}")
    if scheme not in ("https", "http"):
        raise ValueError(f"Slack URL {url!r} uses {scheme}://; {_EXPECTED_URL}")
    if not host:
        raise ValueError(f"Slack URL {url!r} has no host; {_EXPECTED_URL}")
    if scheme == "http" and host not in _LOCAL_HOSTS:
        raise ValueError(f"Slack URL {url!r} is plain http:// on a public host; {_EXPECTED_URL}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"Slack URL {url!r} contains credentials; {_EXPECTED_URL}")
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ValueError(f"Slack URL {url!r} has a query or fragment; {_EXPECTED_URL}")
    return value.rstrip("/")


def _clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word boundary with an ellipsis when too long."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _option_hint(option: OptionSpec) -> str:
    name = f"@{option.name}" if option.type is OptionType.MEMBER else option.name
    return f"<{name}>" if option.required else f"[{name}]"


def _subcommand_hint(sub: SubcommandSpec) -> str:
    return " ".join([sub.name, *(_option_hint(o) for o in sub.options)])


def usage_hint(spec: CommandSpec) -> str:
    """`show [@member] | set <zone> | …`; only the names when that is too long; clipped as a last resort."""
    full = " | ".join(_subcommand_hint(s) for s in spec.subcommands)
    if len(full) <= USAGE_HINT_MAX:
        return full
    for separator in (" | ", "|"):  # a command with many subcommands still names every one
        names = separator.join(s.name for s in spec.subcommands)
        if len(names) <= USAGE_HINT_MAX:
            return names
    return _clip(names, USAGE_HINT_MAX)


def command_description(spec: CommandSpec) -> str:
    """The English help text of the command, as Slack shows it in the composer's autocomplete."""
    return _clip(translate(spec.help_key, "en"), COMMAND_DESCRIPTION_MAX)


def _slash_command(spec: CommandSpec, url: str | None) -> dict[str, Any]:
    command = f"/{spec.name}"
    if len(command) > COMMAND_NAME_MAX or not _COMMAND_NAME.match(command):
        raise ValueError(f"command {command!r} is not a valid Slack slash command name "
                         f"(lowercase, no spaces, at most {COMMAND_NAME_MAX} characters)")
    entry: dict[str, Any] = {"command": command}
    if url is not None:
        entry["url"] = url + EVENTS_PATH
    entry["description"] = command_description(spec)
    hint = usage_hint(spec)
    if hint:
        entry["usage_hint"] = hint
    entry["should_escape"] = SHOULD_ESCAPE
    return entry


def build_manifest(registry: CommandRegistry, *, url: str | None, name: str = "Rekan") -> dict[str, Any]:
    """The app manifest as a dict: HTTP request URLs under `url`, or Socket Mode when `url` is None."""
    if not name.strip() or len(name) > APP_NAME_MAX:
        raise ValueError(f"app name {name!r} must be 1 to {APP_NAME_MAX} characters")
    base = None if url is None else base_url(url)
    specs = registry.all()
    if len(specs) > SLASH_COMMANDS_MAX:
        raise ValueError(f"{len(specs)} commands: a Slack app may declare at most {SLASH_COMMANDS_MAX}")

    features: dict[str, Any] = {
        "app_home": {
            "home_tab_enabled": True,
            "messages_tab_enabled": True,
            "messages_tab_read_only_enabled": False,  # members answer Rekan in its Messages tab
        },
        "bot_user": {"display_name": BOT_DISPLAY_NAME, "always_online": True},
    }
    if specs:  # the schema wants at least one entry when the key is present
        features["slash_commands"] = [_slash_command(spec, base) for spec in specs]

    oauth: dict[str, Any] = {}
    if base is not None:
        oauth["redirect_urls"] = [base + OAUTH_REDIRECT_PATH]
    oauth["scopes"] = {"bot": list(BOT_SCOPES)}

    events: dict[str, Any] = {}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if base is not None:
        events["request_url"] = base + EVENTS_PATH
        interactivity["request_url"] = base + EVENTS_PATH
    events["bot_events"] = list(BOT_EVENTS)

    return {
        "display_information": {
            "name": name,
            "description": _clip(DESCRIPTION, APP_DESCRIPTION_MAX),
            "background_color": BACKGROUND_COLOR,
        },
        "features": features,
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": base is None,
            "token_rotation_enabled": False,
        },
    }


def slack_manifest(registry: CommandRegistry, *, url: str | None) -> str:
    """The manifest as YAML, ready to paste into "Create New App → From an app manifest"."""
    return manifest_yaml(build_manifest(registry, url=url))


# --- a small YAML emitter ---------------------------------------------------------------------------
# Block style, keys in insertion order, every string double-quoted. JSON string escapes are YAML
# double-quoted escapes too, so the output is valid YAML without a YAML library.

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_RESERVED_KEYS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})


def _yaml_char(ch: str) -> str:
    """Characters outside YAML's printable set (and its extra line breaks) as escapes."""
    code = ord(ch)
    printable = (code in (0x09, 0x0A, 0x0D) or 0x20 <= code <= 0x7E
                 or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
                 or (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or 0x10000 <= code <= 0x10FFFF)
    if printable:
        return ch
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _yaml_string(value: str) -> str:
    return "".join(_yaml_char(ch) for ch in json.dumps(value, ensure_ascii=False))


def _yaml_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"YAML keys must be strings, not {type(key).__name__}")
    if _PLAIN_KEY.match(key) and key.lower() not in _RESERVED_KEYS:
        return key
    return _yaml_string(key)


def _yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _yaml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _is_block(value: object) -> bool:
    """A non-empty mapping or list: written on lines of its own."""
    return isinstance(value, Mapping | list | tuple) and len(value) > 0


def _inline(value: object) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    return _yaml_scalar(value)


def _yaml_lines(value: Mapping[str, Any] | Sequence[Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if _is_block(item):
                lines.append(f"{pad}{_yaml_key(key)}:")
                lines.extend(_yaml_lines(item, indent + 2))
            else:
                lines.append(f"{pad}{_yaml_key(key)}: {_inline(item)}")
        return lines
    for item in value:
        if _is_block(item):
            nested = _yaml_lines(item, indent + 2)
            nested[0] = f"{pad}- {nested[0][indent + 2:]}"  # the first line of the item follows the dash
            lines.extend(nested)
        else:
            lines.append(f"{pad}- {_inline(item)}")
    return lines


def manifest_yaml(manifest: Mapping[str, Any]) -> str:
    """Block-style YAML for nested dicts, lists, strings, booleans and integers; ends with a newline."""
    return "".join(line + "\n" for line in _yaml_lines(manifest, 0)) if manifest else "{}\n"

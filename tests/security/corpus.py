"""One mention-injection corpus for every echo path and every adapter, and the checks that say "0 pings".

`CORPUS` is text as the core receives it (adapters have already turned Slack's `<!channel>` into `@channel`
and `<@U…|name>` into `<@U…>`, but a member can still type any of these literally: Discord sends what was
typed, and Slack escapes a typed `<`, which `SLACK_WIRE` covers). Every action Rekan answers with is
rendered by the real Slack renderer and the real Discord renderer, and `leaks` lists whatever in the
output could ping, link or mention someone the action did not name in `Send.ping`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.core.actions import Action, AskChoice, Edit, OpenForm, PublishHome, Send, Upload
from bot.core.capabilities import DISCORD, SLACK, Capabilities

ZWSP = "\u200b"
LONG = 5_000
"""Characters of the long entries: past Slack's 3,000 per section and Discord's 2,000 per message."""

# (label, text): the label names the trick in a failure message.
CORPUS: list[tuple[str, str]] = [
    ("everyone", "@everyone"),
    ("here", "@here"),
    ("channel word", "@channel ship it"),
    ("caps", "@EVERYONE and @Here"),
    ("slack channel", "<!channel> ship it"),
    ("slack here label", "<!here|here>"),
    ("slack everyone", "<!everyone>"),
    ("slack subteam", "<!subteam^S123>"),
    ("slack subteam label", "<!subteam^S123|@devs>"),
    ("slack user", "<@U123>"),
    ("slack user label", "<@U0LIAM|liam>"),
    ("slack channel link", "<#C0RANDOM|random>"),
    ("slack date", "<!date^1700000000^{date}|tomorrow>"),
    ("discord role", "<@&123456789012345678>"),
    ("discord short role", "<@&123>"),
    ("discord user", "<@123456789012345678>"),
    ("discord nick", "<@!123456789012345678>"),
    ("discord channel", "<#123456789012345678>"),
    ("discord command", "</deadline add:123456789012345678>"),
    ("discord timestamp", "<t:1700000000:R>"),
    ("discord emoji", "<a:party:123456789012345678>"),
    ("zwsp inside", "@\u200beveryone"),
    ("zwsp twice", "@\u200b\u200bhere"),
    ("zwsp before", "\u200b@everyone"),
    ("zwsp in token", "<\u200b@U123>"),
    ("word joiner", "@\u2060everyone"),
    ("bom", "@\ufeffhere"),
    ("soft hyphen", "@\u00adeveryone"),
    ("rtl override", "\u202e@everyone\u202c"),
    ("full-width at", "\uff20everyone \uff20here"),
    ("full-width brackets", "\uff1c!channel\uff1e \uff1c@U123\uff1e"),
    ("masked link", "[click](https://evil.example)"),
    ("masked link ping", "[@everyone](https://evil.example/@everyone)"),
    ("slack link label", "<https://evil.example|@here>"),
    ("slack link", "<https://evil.example|click me>"),
    ("javascript link", "[x](javascript:alert(1))"),
    ("bold", "**@everyone**"),
    ("code", "`@everyone` ```<!here>```"),
    ("spoiler", "||@here||"),
    ("backslash", "\\@everyone \\<!channel> \\<@123456789012345678>"),
    ("quote", "done\n> @everyone quoted\n>>> <!channel>"),
    ("heading", "# @everyone\n-# @here"),
    ("list", "- @here\n1. <!channel>"),
    ("crlf", "a\r\n@everyone\r<!here>"),
    ("entities", "&lt;!channel&gt; &amp;lt;!here&amp;gt; &lt;@U0LIAM&gt;"),
    ("split everyone", "@every\u200bone @ here @ everyone"),
    ("mixed", "<!channel> @everyone <@&123456789012345678> <@U123> <!subteam^S123|@devs> @here"),
    ("long everyone", "@everyone " * (LONG // 10)),
    ("long channel", "<!channel>" * (LONG // 10)),
    ("long then ping", "x" * LONG + " @here <!channel>"),
]

TEXTS = [text for _, text in CORPUS]
SHORT = [(label, text) for label, text in CORPUS if len(text) <= 120]
"""Entries short enough for fields with a length limit (a deadline title, a standup name)."""

# As Slack delivers typed text: a typed `<` arrives as `&lt;`, a real mention as a token.
SLACK_WIRE = [
    "<!channel> ship it", "<!here>", "<!everyone>", "<!here|here>", "<@U0LIAM>", "<@U0LIAM|liam>",
    "<#C0RANDOM|random>", "<!subteam^S0DEVS|@devs>", "<!subteam^S123>", "&lt;!channel&gt;",
    "&amp;lt;!here&amp;gt;", "&lt;@U0LIAM&gt;", "<https://evil.example|click me>", "@channel", "@here",
    "@everyone", "<@&123>",
]

# --- what may appear -----------------------------------------------------------------------------

_NOT_SHOWN = frozenset({"custom_id", "block_id", "action_id", "private_metadata", "callback_id", "value",
                        "initial_value", "url"})
"""Keys whose strings are never shown or parsed as markup: ids, choice values, input box contents."""

_SLACK_TOKEN = re.compile(r"<([!@#])([^<>]*)>")
_DISCORD_OPEN = re.compile(r"<(?![\s\u200b])")
_DISCORD_OURS = re.compile(r"<(?:@([0-9]{17,20})|t:-?[0-9]+:[FDtR]|https?://[^\s<>]+)>")
_EVERYONE = re.compile(r"@(?:everyone|here)", re.IGNORECASE)


def shown_strings(obj: Any, key: str | None = None) -> list[str]:
    """Every string of a payload a reader could see (ids, values and input contents left out)."""
    if isinstance(obj, dict):
        return [s for k, v in obj.items() if k not in _NOT_SHOWN for s in shown_strings(v, k)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in shown_strings(v, key)]
    return [obj] if isinstance(obj, str) else []


def slack_leaks(payload: Any, ping: Iterable[str] = ()) -> list[str]:
    """Slack control sequences that could notify or link: `<!…>` but Rekan's own dates, `<@…>` unless
    pinged on purpose, `<#…>`; and any mrkdwn object without `verbatim`, which would auto-link `@here`."""
    allowed = set(ping)
    found: list[str] = []
    for text in shown_strings(payload):
        for m in _SLACK_TOKEN.finditer(text):
            sigil, inner = m.group(1), m.group(2)
            if sigil == "!" and inner.startswith("date^"):
                continue
            if sigil == "@" and inner in allowed:
                continue
            found.append(m.group(0))
    found += [f"unverbatim mrkdwn: {o['text'][:60]!r}" for o in _unverbatim(payload)]
    return found


def _unverbatim(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict):
        own = [payload] if payload.get("type") == "mrkdwn" and payload.get("verbatim") is not True else []
        return own + [o for v in payload.values() for o in _unverbatim(v)]
    if isinstance(payload, list):
        return [o for v in payload for o in _unverbatim(v)]
    return []


def discord_leaks(message: dict[str, Any], ping: Iterable[str] = ()) -> list[str]:
    """Live Discord mentions in a message body, and `allowed_mentions` that would let any ping through.

    Live means: `@everyone`/`@here` with nothing between (Discord needs the exact word), or a `<` that
    opens a token (a zero-width space after it keeps it dead) other than a pinged `<@id>`, a timestamp or
    an autolink Rekan built.
    """
    allowed = set(ping)
    found: list[str] = []
    for text in shown_strings({k: v for k, v in message.items() if k != "allowed_mentions"}):
        found += [m.group(0) for m in _EVERYONE.finditer(text)]
        for m in _DISCORD_OPEN.finditer(text):
            ours = _DISCORD_OURS.match(text, m.start())
            if ours is None or (ours.group(1) is not None and ours.group(1) not in allowed):
                found.append(text[m.start():m.start() + 40])
    mentions = message.get("allowed_mentions")
    if mentions is not None:
        if mentions.get("parse") != [] or mentions.get("roles") or mentions.get("replied_user"):
            found.append(f"allowed_mentions {mentions}")
        found += [f"allowed user {u}" for u in mentions.get("users") or [] if u not in allowed]
    return found


# --- rendering every action as the senders do -------------------------------------------------------


def slack_payloads(action: Action) -> list[tuple[Any, tuple[str, ...]]]:
    """(payload, pinged ids) for what the Slack sender would send for this action."""
    if isinstance(action, Send):
        return [({"text": m.text, "blocks": m.blocks}, action.ping)
                for m in slack_render.render_content(action.content, ping=action.ping)]
    if isinstance(action, AskChoice):
        m = slack_render.render_choice(action)
        return [({"text": m.text, "blocks": m.blocks}, ())]
    if isinstance(action, Edit):
        m = slack_render.render_content(action.content)[0]
        return [({"text": m.text, "blocks": m.blocks}, ())]
    if isinstance(action, OpenForm):
        return [(slack_render.render_modal(action), ())]
    if isinstance(action, PublishHome):
        return [(slack_render.render_home(action.content), ())]
    if isinstance(action, Upload):
        comment = slack_render.render_content(action.comment)[0].text if action.comment else ""
        return [({"initial_comment": comment, "filename": action.filename}, ())]
    return []


def discord_payloads(action: Action) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """(message body, pinged ids) for what the Discord sender would send for this action."""

    def body(m: discord_render.DiscordMessage) -> dict[str, Any]:
        return {"content": m.content, "embeds": m.embeds, "components": m.components,
                "allowed_mentions": m.allowed_mentions}

    if isinstance(action, Send):
        return [(body(m), action.ping) for m in discord_render.render_content(action.content, ping=action.ping)]
    if isinstance(action, AskChoice):
        return [(body(discord_render.render_choice(action)), ())]
    if isinstance(action, Edit | Upload):
        content = action.content if isinstance(action, Edit) else action.comment
        return [] if content is None else [(body(discord_render.render_content(content)[0]), ())]
    if isinstance(action, OpenForm):
        modal = discord_render.render_modal(action)
        out: list[tuple[dict[str, Any], tuple[str, ...]]] = [(modal, ())]
        if action.errors:
            out.append(({"content": discord_render.modal_error_message(action)}, ()))
        return out
    return []


def leaks(actions: Sequence[Action], where: str = "", caps: Capabilities | None = None) -> list[str]:
    """Every possible ping in the actions as both platforms would show them, labelled by platform.

    A form is shaped for the platform it was made for (Discord's modals hold five fields), so with `caps`
    it is rendered for that platform only.
    """
    found: list[str] = []
    for action in actions:
        form = isinstance(action, OpenForm) and caps is not None
        if not form or caps is SLACK:
            for payload, ping in slack_payloads(action):
                found += [f"{where} slack {type(action).__name__}: {x!r}" for x in slack_leaks(payload, ping)]
        if not form or caps is DISCORD:
            for message, ping in discord_payloads(action):
                found += [f"{where} discord {type(action).__name__}: {x!r}" for x in discord_leaks(message, ping)]
    return found

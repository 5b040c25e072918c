"""Core content and choices as Discord API v10 message JSON: pure functions, no I/O.

Discord's limits are kept here rather than left to the API to refuse: 2,000 characters of content, 10
embeds per message and 6,000 characters of embed text across them, 256 per title, 4,096 per description,
25 fields (name 256, value 1,024) and 2,048 per footer. Text is cut at line, then word boundaries, never
inside an escape or a token; a card becomes an embed, attached to the message its text ends in.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from adapters.discord.components import (
    CHOICE_BUTTON_PREFIX,
    CHOICE_SELECT_PREFIX,
    FORM_PREFIX,
    choice_rows,
    form_values,
    modal_error_message,
    parse_choice,
    parse_form,
    render_modal,
)
from adapters.discord.markdown import (
    ELLIPSIS,
    MAX_CONTENT,
    ZWSP,
    atoms,
    defuse,
    escape,
    is_snowflake,
    one_line,
    plain,
    render_paragraph,
    split,
    split_atoms,
    truncate,
)
from bot.core.actions import AskChoice
from bot.core.content import BulletList, Card, CodeBlock, Content, Field, Paragraph

__all__ = [
    "CHOICE_BUTTON_PREFIX",
    "CHOICE_SELECT_PREFIX",
    "EMPTY_TEXT",
    "FORM_PREFIX",
    "MAX_CONTENT",
    "DiscordMessage",
    "allowed_mentions",
    "escape",
    "form_values",
    "modal_error_message",
    "parse_choice",
    "parse_form",
    "render_choice",
    "render_content",
    "render_modal",
]

MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6_000
"""Across every embed of one message: titles, descriptions, field names and values, footers."""
MAX_TITLE = 256
MAX_DESCRIPTION = 4_096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1_024
MAX_FOOTER = 2_048
MAX_ALLOWED_USERS = 100
EMBED_COLOR = 0x1F5F6B
"""Rekan's teal, as on its Slack app."""

EMPTY_TEXT = ELLIPSIS
"""What empty content shows: Discord refuses a message with no content, embed or file."""

# Discord refuses an empty field name or value; a zero-width space is its customary blank.
_BLANK = ZWSP
_FENCE = "```"
# A run of backticks inside a code block would close it early; a zero-width space splits every pair.
_BACKTICK_PAIR = re.compile(r"`(?=`)")
_PINGED = re.compile(r"<@([0-9]{17,20})>")


@dataclass(frozen=True, kw_only=True)
class DiscordMessage:
    """One message body: POST /channels/{id}/messages, a webhook follow-up, or an interaction reply."""

    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    allowed_mentions: dict[str, Any]


def allowed_mentions(ping: Collection[str]) -> dict[str, Any]:
    """Only the listed users may be pinged: never roles, @everyone/@here, or a replied-to author."""
    users = list(dict.fromkeys(u for u in ping if is_snowflake(u)))[:MAX_ALLOWED_USERS]
    return {"parse": [], "users": users, "roles": [], "replied_user": False}


def render_content(content: Content, *, ping: Collection[str] = ()) -> list[DiscordMessage]:
    """As many messages as Discord's limits need; text after a card starts a new one, to keep the order."""
    drafts: list[_Draft] = []
    run: list[str] = []  # atoms of the text since the last card
    for block in content.blocks:
        if isinstance(block, Card):
            _add_text(drafts, run)
            run = []
            for embed in card_embeds(block, ping):
                _add_embed(drafts, embed)
            continue
        parts = block_atoms(block, ping)
        if parts:
            run += ["\n", *parts] if run else parts
    _add_text(drafts, run)
    if not drafts:
        return [_message(EMPTY_TEXT, [], ping)]
    return [_message(d.content, d.embeds, ping) for d in drafts]


def render_choice(action: AskChoice, *, ping: Collection[str] = ()) -> DiscordMessage:
    """The prompt with buttons or selects under it; a prompt too long for one message is cut with …."""
    rows = choice_rows(action)  # refuses an impossible choice before anything is rendered
    first, *rest = render_content(action.prompt, ping=ping)
    if rest:
        text = first.content.rstrip()
        cut = truncate(text, MAX_CONTENT - 2)
        first = _message(f"{text}\n{ELLIPSIS}" if cut == text else cut, first.embeds, ping)
    return replace(first, components=rows)


# --- text ----------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class _Draft:
    """A message being assembled."""

    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    embed_size: int = 0


def _message(content: str, embeds: list[dict[str, Any]], ping: Collection[str]) -> DiscordMessage:
    """A finished message; allowed_mentions lists only the pinged users its content mentions."""
    mentioned = [user for user in _PINGED.findall(content) if user in ping]
    return DiscordMessage(content=content, embeds=embeds, components=[],
                          allowed_mentions=allowed_mentions(mentioned))


def _add_text(drafts: list[_Draft], run: list[str]) -> None:
    """One message per piece of at most 2,000 characters."""
    drafts += [_Draft(content=piece) for piece in split_atoms(run, MAX_CONTENT)]


def block_atoms(block: Paragraph | BulletList | CodeBlock, ping: Collection[str]) -> list[str]:
    """A text block as atoms to cut between; a fenced code piece is one atom, so a fence never splits."""
    if isinstance(block, CodeBlock):
        return _code_atoms(block.text)
    text = render_paragraph(block, ping) if isinstance(block, Paragraph) else _bullets(block, ping)
    return atoms(text) if text.strip() else []


def _bullets(block: BulletList, ping: Collection[str]) -> str:
    """Discord's own list syntax: `- item` or `1. item`; the item's text is escaped, so it adds no marker."""
    return "\n".join(
        f"{f'{n}.' if block.numbered else '-'} {render_paragraph(item, ping)}"
        for n, item in enumerate(block.items, start=1)
    )


def _code_atoms(text: str) -> list[str]:
    """Fenced pieces, each fitting a message with its own fences, separated by line breaks."""
    body = _BACKTICK_PAIR.sub("`" + ZWSP, defuse(text))
    room = MAX_CONTENT - 1 - len(f"{_FENCE}\n\n{_FENCE}")
    out: list[str] = []
    for piece in split(body, room, markdown=False):
        out += [*(["\n"] if out else []), f"{_FENCE}\n{piece.removesuffix(chr(10))}\n{_FENCE}"]
    return out


# --- cards ---------------------------------------------------------------------------------------


def _add_embed(drafts: list[_Draft], embed: dict[str, Any]) -> None:
    """Onto the last message while it has room (10 embeds, 6,000 characters), else onto a new one."""
    size = embed_size(embed)
    last = drafts[-1] if drafts else None
    if last is None or len(last.embeds) >= MAX_EMBEDS or last.embed_size + size > MAX_EMBED_TOTAL:
        last = _Draft()
        drafts.append(last)
    last.embeds.append(embed)
    last.embed_size += size


def embed_size(embed: dict[str, Any]) -> int:
    """The characters Discord counts against the 6,000 of a message."""
    fields = embed.get("fields", ())
    return (len(embed.get("title", "")) + len(embed.get("description", ""))
            + sum(len(f["name"]) + len(f["value"]) for f in fields)
            + len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", "")))


def card_embeds(card: Card, ping: Collection[str]) -> list[dict[str, Any]]:
    """Usually one embed; a card past one embed's limits continues in more (a body of any length, fields
    past 25). Only a title, field or footer longer than its own slot is cut, with ….

    Discord shows the description above the fields, so a card's body comes before its fields.
    """
    builder = _Embeds()
    title = truncate(escape(one_line(card.title)), MAX_TITLE).strip()
    if title:
        builder.put("title", title)
    body = "\n".join(text for text in (render_paragraph(p, ping) for p in card.body) if text.strip())
    for piece in split(body, MAX_DESCRIPTION):
        builder.put("description", piece)
    for item in card.fields:
        builder.add_field(*_field(item, ping))
    footer = plain(card.footer or "", MAX_FOOTER)  # footers show no markdown, so only mentions are defused
    if footer:
        builder.put("footer", footer)
    return builder.finish()


def _field(item: Field, ping: Collection[str]) -> tuple[str, str]:
    name = truncate(escape(one_line(item.label)), MAX_FIELD_NAME).strip() or _BLANK
    value = truncate(render_paragraph(item.value, ping), MAX_FIELD_VALUE).strip() or _BLANK
    return name, value


class _Embeds:
    """Fills embeds in order, starting another when a part is already there or the 6,000 would be passed."""

    def __init__(self) -> None:
        self._done: list[dict[str, Any]] = []
        self._current: dict[str, Any] = {}
        self._size = 0

    def put(self, key: str, text: str) -> None:
        if key in self._current or self._size + len(text) > MAX_EMBED_TOTAL:
            self._next()
        self._current[key] = {"text": text} if key == "footer" else text
        self._size += len(text)

    def add_field(self, name: str, value: str) -> None:
        fields = self._current.get("fields", [])
        full = len(fields) >= MAX_FIELDS or "footer" in self._current
        if full or self._size + len(name) + len(value) > MAX_EMBED_TOTAL:
            self._next()
        self._current.setdefault("fields", []).append({"name": name, "value": value, "inline": False})
        self._size += len(name) + len(value)

    def finish(self) -> list[dict[str, Any]]:
        self._next()
        return self._done

    def _next(self) -> None:
        if self._current:
            self._done.append({**self._current, "color": EMBED_COLOR})
        self._current, self._size = {}, 0

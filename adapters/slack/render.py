"""Core content and actions as Slack Block Kit: pure functions, no I/O.

Slack's limits are handled here, not left to the API to refuse: 3,000 characters per section, 10
fields per section and 2,000 per field, 150 per header, 50 blocks per message, 100 per view.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from adapters.slack.mrkdwn import (
    ELLIPSIS,
    MAX_OPTION_TEXT,
    MAX_OPTIONS,
    check_choice_value,
    escape,
    mrkdwn,
    option,
    plain,
    plainify,
    render_paragraph,
    span,
    split,
    truncate,
)
from adapters.slack.views import FIELD_ACTION, FORM_CALLBACK, form_values, modal_errors, render_modal
from bot.core.actions import AskChoice, Choice
from bot.core.content import BulletList, Card, CodeBlock, Content, Field, Paragraph

__all__ = [
    "CHOICE_ACTION_PATTERN",
    "CHOICE_BLOCK_PREFIX",
    "CHOICE_SELECT_ACTION",
    "EMPTY_TEXT",
    "FIELD_ACTION",
    "FORM_CALLBACK",
    "SlackMessage",
    "escape",
    "form_values",
    "modal_errors",
    "render_choice",
    "render_content",
    "render_home",
    "render_modal",
]

MAX_SECTION_TEXT = 3_000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER_TEXT = 150
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_FALLBACK_TEXT = 3_000
MAX_BLOCK_ID = 255
MAX_BUTTONS = 5

CHOICE_BLOCK_PREFIX = "rekan.choice:"
CHOICE_ACTION_PATTERN = re.compile(r"^rekan\.choice\.")
CHOICE_SELECT_ACTION = "rekan.choice.select"

EMPTY_TEXT = ELLIPSIS
"""What empty content shows: Slack refuses a message, a section or a view with no (or blank) text."""

_BULLET = "\u2022"
_CODE_FENCE = "```"
# A run of backticks inside a code block would close it early; a zero-width space splits every pair.
_BACKTICK_PAIR = re.compile(r"`(?=`)")


@dataclass(frozen=True, kw_only=True)
class SlackMessage:
    """One chat.postMessage: `text` for notifications and screen readers, `blocks` for the message."""

    text: str
    blocks: list[dict[str, Any]]


def render_content(content: Content, *, ping: Collection[str] = ()) -> list[SlackMessage]:
    """One message per 50 blocks (Slack's cap), each with its own notification text."""
    blocks = content_blocks(content, ping=ping) or [_section(EMPTY_TEXT)]
    chunks = [blocks[i:i + MAX_MESSAGE_BLOCKS] for i in range(0, len(blocks), MAX_MESSAGE_BLOCKS)]
    return [SlackMessage(text=fallback_text(chunk), blocks=chunk) for chunk in chunks]


def render_choice(action: AskChoice, *, ping: Collection[str] = ()) -> SlackMessage:
    """The prompt, then buttons (up to 5) or a menu (up to 100); the key rides in the block id."""
    prompt = cap_blocks(content_blocks(action.prompt, ping=ping), MAX_MESSAGE_BLOCKS - 1)
    return SlackMessage(text=fallback_text(prompt), blocks=[*prompt, _choice_block(action)])


def render_home(content: Content) -> dict[str, Any]:
    """An App Home view; past 100 blocks the rest is dropped behind a final … line."""
    blocks = content_blocks(content, ping=()) or [_section(EMPTY_TEXT)]
    return {"type": "home", "blocks": cap_blocks(blocks, MAX_VIEW_BLOCKS)}


def content_blocks(content: Content, *, ping: Collection[str]) -> list[dict[str, Any]]:
    """Every block of the content, already cut to Slack's per-block limits; empty pieces are skipped."""
    out: list[dict[str, Any]] = []
    for block in content.blocks:
        if isinstance(block, Paragraph):
            out += _sections(render_paragraph(block, ping))
        elif isinstance(block, BulletList):
            out += _sections(_bullets(block, ping))
        elif isinstance(block, CodeBlock):
            out += _code_sections(block.text)
        else:
            out += _card(block, ping)
    return out


def cap_blocks(blocks: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """At most `limit` blocks; when some are dropped the last one says so with a … context line."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[:limit - 1], _context(ELLIPSIS)]


def fallback_text(blocks: list[dict[str, Any]]) -> str:
    """The blocks' words as notification text: tokens reduced to what they show, capped, never empty."""
    text = plainify("\n".join(_texts(blocks)))
    return truncate(text, MAX_FALLBACK_TEXT).strip() or EMPTY_TEXT


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The readable strings of section, header and context blocks, in order."""
    out: list[str] = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", ())]
        if block["type"] == "context":
            out += [e["text"] for e in block["elements"]]
    return out


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def _sections(text: str) -> list[dict[str, Any]]:
    """Long text as several sections, cut at line or word boundaries, never inside an entity or token."""
    return [_section(piece) for piece in split(text, MAX_SECTION_TEXT)]


def _bullets(block: BulletList, ping: Collection[str]) -> str:
    """mrkdwn has no list syntax of its own, so markers are written out: `• item` or `1. item`."""
    return "\n".join(
        f"{f'{n}.' if block.numbered else _BULLET} {render_paragraph(item, ping)}"
        for n, item in enumerate(block.items, start=1)
    )


def _code_sections(text: str) -> list[dict[str, Any]]:
    """A fenced block per section; each piece gets its own fences so every section renders as code."""
    body = _BACKTICK_PAIR.sub("`\u200b", escape(text))
    room = MAX_SECTION_TEXT - len(f"{_CODE_FENCE}\n\n{_CODE_FENCE}")
    pieces = (piece.removesuffix("\n") for piece in split(body, room))
    return [_section(f"{_CODE_FENCE}\n{piece}\n{_CODE_FENCE}") for piece in pieces]


def _card(card: Card, ping: Collection[str]) -> list[dict[str, Any]]:
    """Header, fields in sections of 10, body sections, then the footer as a context line."""
    out: list[dict[str, Any]] = []
    if card.title.strip():
        out.append({"type": "header", "text": plain(card.title, MAX_HEADER_TEXT)})
    fields = [text for text in (_field(f, ping) for f in card.fields) if text.strip()]
    out += [
        {"type": "section", "fields": [mrkdwn(t) for t in fields[i:i + MAX_FIELDS]]}
        for i in range(0, len(fields), MAX_FIELDS)
    ]
    for paragraph in card.body:
        out += _sections(render_paragraph(paragraph, ping))
    if card.footer and card.footer.strip():
        out.append(_context(truncate(escape(card.footer), MAX_SECTION_TEXT)))
    return out


def _field(field: Field, ping: Collection[str]) -> str:
    """`*label*` over the value; a field longer than Slack's 2,000 characters is cut with …."""
    label, value = span(field.label, "*").strip(), render_paragraph(field.value, ping)
    text = f"{label}\n{value}" if label else value
    return truncate(text, MAX_FIELD_TEXT)


def _choice_block(action: AskChoice) -> dict[str, Any]:
    """An actions block whose block_id carries the prompt's key, so a click still resolves after a restart."""
    block_id = CHOICE_BLOCK_PREFIX + action.key
    if len(block_id) > MAX_BLOCK_ID:
        raise ValueError(f"choice key too long for a Slack block_id ({len(block_id)} > {MAX_BLOCK_ID})")
    if not 1 <= len(action.choices) <= MAX_OPTIONS:
        raise ValueError(f"a Slack choice needs 1 to {MAX_OPTIONS} options, got {len(action.choices)}")
    for choice in action.choices:
        check_choice_value(choice.value)
    if len(action.choices) <= MAX_BUTTONS:
        elements = [_button(i, c) for i, c in enumerate(action.choices)]
    else:
        elements = [{"type": "static_select", "action_id": CHOICE_SELECT_ACTION,
                     "options": [option(c) for c in action.choices]}]
    return {"type": "actions", "block_id": block_id, "elements": elements}


def _button(index: int, choice: Choice) -> dict[str, Any]:
    """Action ids must be unique within a message, so each button is numbered; the value is the answer."""
    return {"type": "button", "action_id": f"rekan.choice.{index}",
            "text": plain(choice.label, MAX_OPTION_TEXT), "value": choice.value}

"""Slack mrkdwn and text objects: escaping, inline spans and tokens, cutting text at safe places.

User text reaches Slack only through `escape`, so it can never form a `<…>` token (a ping, a channel
link, a disguised link); the only tokens in the output are the ones built here on purpose: pinged
mentions, links to http(s) URLs and date tokens.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from adapters.marks import ELLIPSIS as ELLIPSIS  # re-exported: the renderers cut with it
from adapters.marks import hug, truncate_atoms
from bot.core.actions import Choice
from bot.core.content import Code, Emphasis, Inline, Link, Mention, Paragraph, Text, Timestamp

MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_CHOICE_VALUE = 150
"""Slack caps option values at 150 (button values at 2,000); one cap for both keeps the core's contract
independent of how many choices are offered."""
MAX_TOKEN = 2_000
"""Longest `<…>` token we emit; a link longer than this degrades to its label, so a cut can always fall
between tokens (every limit we cut to is at least this long)."""

# One atom is the smallest piece a cut may not split: an entity, a `<…>` token, or one character.
# User text is escaped, so every `&` starts one of our three entities and every `<` starts our token.
_ATOM = re.compile(r"&(?:amp|lt|gt);|<[^<>\n]*>|.", re.DOTALL)

# A span's own delimiter inside user text would end it early, so it becomes a look-alike character
# (Slack has no backslash escape): ∗ for *, ˍ for _, ˋ for `.
_STAND_INS = {"*": "\u2217", "_": "\u02cd", "`": "\u02cb"}

# Slack's date token formats; the reader's client fills them in, in the reader's own zone.
_DATE_FORMATS = {
    "full": "{date_long_pretty} {time}",
    "date": "{date_long_pretty}",
    "time": "{time}",
    "relative": "{ago}",
}

# Slack user ids are upper-case letters and digits (U…, W…); anything else is never put in `<@…>`.
_USER_ID = re.compile(r"[A-Z0-9]{2,64}")

# Characters that would end or confuse a `<url|label>` token, or break a URL in Slack.
_URL_UNSAFE = re.compile(r"[<>|\s\x00-\x1f\x7f]")

_TOKEN = re.compile(r"<([^<>\n]*)>")


def escape(text: str) -> str:
    """Slack's three control characters as entities, `&` first so a typed `&lt;!here&gt;` stays literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The inverse of `escape`, `&amp;` last, so `&amp;lt;` comes back as the `&lt;` the user typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def one_line(text: str) -> str:
    """Line breaks as spaces, for places a break would end a token or a span."""
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def atoms(text: str) -> list[str]:
    """The pieces of rendered mrkdwn that a cut must keep whole."""
    return _ATOM.findall(text)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in … when shortened, never inside an entity or a token."""
    return truncate_atoms(text, atoms(text), limit)


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut after a line break, else after a space, else between atoms.

    The separator stays at the end of the piece it ends, so joining the pieces gives the text back;
    whitespace-only pieces are dropped because Slack refuses a blank section.
    """
    parts = atoms(text)
    pieces: list[str] = []
    start = 0
    while start < len(parts):
        end = _cut(parts, start, limit)
        pieces.append("".join(parts[start:end]))
        start = end
    return [p for p in pieces if p.strip()]


def _cut(parts: list[str], start: int, limit: int) -> int:
    """Where the piece beginning at `start` ends: the last line break, else the last space, that fits.

    Only breaks after some visible text count, so a piece is never just the whitespace before a long word.
    """
    end, size, after_line, after_word, visible = start, 0, 0, 0, False
    while end < len(parts) and size + len(parts[end]) <= limit:
        atom = parts[end]
        size += len(atom)
        end += 1
        if atom == "\n" and visible:
            after_line = end
        elif atom == " " and visible:
            after_word = end
        visible = visible or not atom.isspace()
    if end == len(parts):
        return end
    # An atom longer than the limit cannot occur (tokens are capped at MAX_TOKEN); take it whole anyway.
    return after_line or after_word or max(end, start + 1)


def plainify(mrkdwn: str) -> str:
    """Notification text: date tokens become their UTC fallback, links their label; pings stay."""
    return _TOKEN.sub(_plain_token, mrkdwn)


def _plain_token(match: re.Match[str]) -> str:
    """One of our own tokens, as a push notification should read it."""
    inner = match.group(1)
    if inner.startswith("@"):
        return match.group(0)
    target, _, label = inner.partition("|")
    return label or target


def render_paragraph(p: Paragraph, ping: Collection[str]) -> str:
    """A paragraph's inlines as one mrkdwn string."""
    return "".join(render_inline(node, ping) for node in p.inlines)


def render_inline(node: Inline, ping: Collection[str]) -> str:
    """One inline as mrkdwn; only a Mention whose id is in `ping` can notify anyone."""
    if isinstance(node, Text):
        return escape(node.text)
    if isinstance(node, Emphasis):
        return span(node.text, "*" if node.strong else "_")
    if isinstance(node, Code):
        return span(node.text, "`")
    if isinstance(node, Link):
        return link(node)
    if isinstance(node, Mention):
        return mention(node, ping)
    return date_token(node)


def span(text: str, mark: str) -> str:
    """`text` between `mark`s, line by line: Slack ends a span at a line break and needs no inner spaces."""
    safe = escape(text).replace(mark, _STAND_INS[mark])
    return "\n".join(hug(line, mark) for line in safe.split("\n"))


def link(node: Link) -> str:
    """`<url|label>` for an http(s) URL; any other scheme (javascript:, slack:, …) shows the label only."""
    label = one_line(escape(node.label))
    url = safe_url(node.url)
    if url is None:
        return label
    token = f"<{url}|{label}>" if label.strip() else f"<{url}>"
    return token if len(token) <= MAX_TOKEN else label


def safe_url(url: str) -> str | None:
    """The URL made safe inside `<…|…>`, or None unless it is absolute http(s).

    `<`, `>`, `|` and whitespace are percent-encoded (they would end the token or the URL); `&` is left
    alone because Slack does not decode entities in a link target, so `&amp;` would change the query.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url)


def mention(node: Mention, ping: Collection[str]) -> str:
    """`<@U…>` only for an id the message means to ping; otherwise the name as text, which cannot ping."""
    user_id = node.account.user_id
    if user_id in ping and _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return "@" + one_line(escape(node.display_name))


def date_token(node: Timestamp) -> str:
    """Slack's `<!date^…>` token: each reader sees the instant in their own zone; the fallback is UTC."""
    instant = _aware(node.instant)
    return f"<!date^{int(instant.timestamp())}^{_DATE_FORMATS[node.style]}|{utc_fallback(instant)}>"


def utc_fallback(instant: datetime) -> str:
    """'2026-11-30 09:00 UTC': what clients that cannot render date tokens show instead."""
    return _aware(instant).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _aware(instant: datetime) -> datetime:
    """The core only builds aware instants; a naive one is read as UTC rather than the host's zone."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object with `verbatim`, so Slack does not auto-link `@here`, `#channel` or bare URLs.

    Our own `<…>` tokens still work under `verbatim`; only Slack's guessing from plain words is off.
    """
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int, *, single_line: bool = True) -> dict[str, Any]:
    """A plain_text object from user text: escaped, cut to `limit`, never empty (Slack refuses that).

    Slack stores text objects entity-encoded and decodes `&amp;`, `&lt;`, `&gt;` for display, so the
    escaping is invisible to readers and keeps a typed `&lt;` literal.
    """
    safe = escape(text)
    if single_line:
        safe = one_line(safe)
    return {"type": "plain_text", "text": truncate(safe, limit).strip() or ELLIPSIS}


def option(choice: Choice) -> dict[str, Any]:
    """A select option: the label cut to Slack's 75 characters, the value kept intact."""
    check_choice_value(choice.value)
    return {"text": plain(choice.label, MAX_OPTION_TEXT), "value": choice.value}


def check_choice_value(value: str) -> None:
    """Values are the core's opaque keys: cutting one would make the answer unrecognisable, so refuse."""
    if not 1 <= len(value) <= MAX_CHOICE_VALUE:
        raise ValueError(f"choice value must be 1 to {MAX_CHOICE_VALUE} characters, got {len(value)}")

"""Discord markdown: escaping user text, inline spans and tokens, cutting text where nothing breaks.

User text reaches Discord only through `escape` (message text and embeds) or `plain` (places Discord shows
without markdown: buttons, select options, modal labels, embed footers), so it can never ping, link a
channel or a command, show a timestamp or hide a link. The only tokens in the output are the ones built
here on purpose: pinged mentions, links to http(s) URLs and timestamps. The adapter also sends
`allowed_mentions` that forbid pings, but escaping holds on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from datetime import UTC
from urllib.parse import quote, urlsplit

from adapters.marks import ELLIPSIS as ELLIPSIS  # re-exported: the renderers cut with it
from adapters.marks import hug, truncate_atoms
from bot.core.content import Code, Emphasis, Inline, Link, Mention, Paragraph, Text, Timestamp, TimestampStyle

ZWSP = "\u200b"
MAX_CONTENT = 2_000
"""Characters of `content` in one message."""
MAX_TOKEN = 1_000
"""Longest link token or inline code line we emit; a longer one degrades to escaped text, so whatever a cut
must keep whole always fits in a message."""

# Characters that are markdown anywhere in a line: the escape itself, bold/italic, underline, strike,
# code, spoiler and masked-link brackets. Discord honours a backslash before any ASCII punctuation.
_SPECIAL = re.compile(r"[\\*_~`|\[\]]")
# Markers that only mean something at the start of a line: headings and subtext (`#`, `-#`), quotes
# (`>`, `>>>`), list items (`-`, `+`, `1.`). Discord's parser reads `\r` as a line break too.
_LINE_START = re.compile(r"(?:^|(?<=[\n\r]))([ \t]*)(?:([#>+\-])|([0-9]+)\.)")
_MARKER = re.compile(r"([ \t]*)(?:([#>+\-])|([0-9]+)\.)")
# A bare URL as Discord autolinks it (up to whitespace or `<`; trailing punctuation is not part of it).
# Markdown is not parsed inside it and a backslash would become part of the link, so a URL is left
# unescaped. Backslashes, brackets and backticks end it here (and are escaped), so every backslash in
# the output is an escape pair, no `[` can start a masked link and every bare backtick is one of our code
# spans. \ufeff is whitespace to Discord, not to Python.
_BARE_URL = re.compile(r"https?://[^\s<\\\[\]`\ufeff]*[^\s<\\\[\]`\ufeff.,:;\"')]")
# `<` opens every live token (<@id>, <@!id>, <@&role>, <#channel>, </cmd:id>, <t:…>, <:emoji:id>); a
# zero-width space after it keeps the text readable and the token dead. A `<` before whitespace can
# never open one; at the end of a text it could, with whatever the next node starts with.
_TOKEN_START = re.compile(r"<(?!\s)")
# @everyone and @here ping without brackets. Discord matches them case-sensitively; we do not. In user
# text one zero-width space more goes in even if some are there already, so `unescape` is exact; on
# rendered text only a live one is touched, so that pass can run over escaped text again.
_TYPED_EVERYONE = re.compile(r"@(?=\u200b*(?:everyone|here))", re.IGNORECASE)
_EVERYONE = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_UNESCAPE = re.compile(r"\\(.)|([<@])\u200b", re.DOTALL)

# One atom is the smallest piece a cut may not split: an escape pair, one of our inline code spans, a
# defused `<`/`@`/backtick with its zero-width space, one of our tokens, or one character. User text has
# no unescaped `[` or backtick, so the code-span and masked-link patterns only match what we built. A code
# span must stay whole: its text is not backslash-escaped, so half of one would be live markdown.
_ATOM = re.compile(
    r"\\."
    rf"|`[^`\n]{{1,{MAX_TOKEN}}}`"
    r"|[<@`]\u200b"
    r"|<(?:@[0-9]{17,20}|t:-?[0-9]+:[FDtR]|https?://[^\s<>]+)>"
    r"|\[(?:\\.|[^\\\]\n])*\]\([^()\s]+\)"
    r"|.",
    re.DOTALL,
)

# Discord's timestamp styles; each reader's client shows the instant in their own zone and language.
_STYLES: dict[TimestampStyle, str] = {"full": "F", "date": "D", "time": "t", "relative": "R"}

# Discord ids (snowflakes) are 17 to 20 digits; anything else is never put in `<@…>` or allowed_mentions.
_SNOWFLAKE = re.compile(r"[0-9]{17,20}")

# Characters that would end a `(url)` target, start a title in it, or hide in it; `@` is encoded so no
# `@everyone` can ride in a URL. Each becomes its UTF-8 percent-encoding.
_URL_UNSAFE = re.compile(r"[\s()<>\\@`\"\x00-\x1f\x7f\u200b-\u200f\u2028\u2029\u2060\ufeff]")

# Inside inline code a backtick would end the span and a backslash does not escape: ˋ stands in.
_GRAVE = "\u02cb"


def is_snowflake(value: str) -> bool:
    return _SNOWFLAKE.fullmatch(value) is not None


def escape(text: str) -> str:
    """User text as Discord markdown that shows what was typed and can never ping, link or format."""
    out: list[str] = []
    pos = 0
    for url in _BARE_URL.finditer(text):
        out.append(_escape_markdown(text[pos:url.start()], line_start=pos == 0))
        out.append(url.group(0))
        pos = url.end()
    # A URL never ends with a line break, so only the text's first segment can start a line.
    out.append(_escape_markdown(text[pos:], line_start=pos == 0))
    return defuse("".join(out))


def _escape_markdown(segment: str, *, line_start: bool) -> str:
    """Backslashes before markdown characters, and before line-start markers at each line's start."""
    escaped = _SPECIAL.sub(r"\\\g<0>", segment)
    return _LINE_START.sub(
        lambda m: m.group(0) if m.start() == 0 and not line_start else _line_marker(m), escaped)


def _line_marker(match: re.Match[str]) -> str:
    """`# x` → `\\# x`, `1. x` → `1\\. x`: the marker shows as typed instead of making a heading or list."""
    lead, mark, number = match.groups()
    return f"{lead}\\{mark}" if mark else f"{lead}{number}\\."


def defuse(text: str) -> str:
    """Mentions, channel and command links, timestamps and @everyone/@here made inert, still readable."""
    return _TYPED_EVERYONE.sub("@" + ZWSP, _TOKEN_START.sub("<" + ZWSP, text))


def defuse_everyone(text: str) -> str:
    """A live @everyone/@here (formed across two nodes) defused; idempotent, and safe on our own output."""
    return _EVERYONE.sub("@" + ZWSP, text)


def unescape(text: str) -> str:
    """What a reader sees of escaped text: the inverse of `escape` (for tests and plain-text logs)."""
    return _UNESCAPE.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)


def one_line(text: str) -> str:
    """Line breaks as spaces, for places a break would end a token or Discord shows one line."""
    return " ".join(text.splitlines())


def plain(text: str, limit: int) -> str:
    """Text for places Discord shows without markdown: one line, defused, cut to `limit`; may be empty."""
    return truncate(defuse(one_line(text)), limit).strip()


def atoms(text: str) -> list[str]:
    """The pieces of rendered Discord text that a cut must keep whole."""
    return _ATOM.findall(text)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in … when shortened, never inside an escape or a token."""
    return truncate_atoms(text, atoms(text), limit)


def split(text: str, limit: int, *, markdown: bool = True) -> list[str]:
    """`split_atoms` over the atoms of `text`."""
    return split_atoms(atoms(text), limit, markdown=markdown)


def split_atoms(parts: Sequence[str], limit: int, *, markdown: bool = True) -> list[str]:
    """Pieces of at most `limit` characters, cut after a line break, else after a space, else between atoms.

    A piece that begins mid-line would make a heading, quote or list of a `#`, `>`, `-` or `1.` that
    followed a space, so with `markdown` its marker gets a backslash (one character is kept spare for it).
    Whitespace-only pieces are dropped: Discord refuses an empty message. Joining and unescaping the
    rest gives the text back.
    """
    room = limit - 1 if markdown else limit
    pieces: list[str] = []
    start = 0
    while start < len(parts):
        end = _cut(parts, start, room)
        piece = "".join(parts[start:end])
        if markdown and start > 0 and parts[start - 1] not in ("\n", "\r"):
            piece = _restart_line(piece)
        pieces.append(piece)
        start = end
    return [p for p in pieces if p.strip()]


def _restart_line(piece: str) -> str:
    """The piece's leading line-start marker escaped; the rest was escaped where it was rendered."""
    match = _MARKER.match(piece)
    return piece if match is None else _line_marker(match) + piece[match.end():]


def _cut(parts: Sequence[str], start: int, limit: int) -> int:
    """Where the piece beginning at `start` ends: the last line break, else the last space, that fits.

    Only breaks after some visible text count, so a piece is never just the whitespace before a long word.
    """
    end, size, after_line, after_word, visible = start, 0, 0, 0, False
    while end < len(parts) and size + len(parts[end]) <= limit:
        atom = parts[end]
        size += len(atom)
        end += 1
        if atom in ("\n", "\r") and visible:
            after_line = end
        elif atom == " " and visible:
            after_word = end
        visible = visible or not atom.isspace()
    if end == len(parts):
        return end
    # Atoms are at most MAX_TOKEN (or a fenced code piece cut to fit); a longer one is taken whole anyway.
    return after_line or after_word or max(end, start + 1)


# --- inlines -------------------------------------------------------------------------------------


def render_paragraph(p: Paragraph, ping: Collection[str]) -> str:
    """A paragraph's inlines as one string; an @everyone formed across two nodes is defused too."""
    return defuse_everyone("".join(render_inline(node, ping) for node in p.inlines))


def render_inline(node: Inline, ping: Collection[str]) -> str:
    """One inline as Discord markdown; only a Mention whose id is in `ping` becomes a `<@id>`."""
    if isinstance(node, Text):
        return escape(node.text)
    if isinstance(node, Emphasis):
        return span(node.text, "**" if node.strong else "*")
    if isinstance(node, Code):
        return code_span(node.text)
    if isinstance(node, Link):
        return link(node)
    if isinstance(node, Mention):
        return mention(node, ping)
    return timestamp(node)


def span(text: str, mark: str) -> str:
    """`text` between `mark`s line by line, so a cut at a line break never leaves a span open."""
    return "\n".join(hug(escape(line), mark) for line in text.split("\n"))


def code_span(text: str) -> str:
    """Inline code line by line; mentions are defused even here, though Discord shows code literally."""
    return "\n".join(_code_line(line) for line in text.split("\n"))


def _code_line(line: str) -> str:
    """One line of inline code; a line too long to be kept whole by a cut is escaped text instead."""
    safe = defuse(line.replace("`", _GRAVE))
    if len(safe.strip()) > MAX_TOKEN:
        return escape(line)
    return hug(safe, "`")


def link(node: Link) -> str:
    """`[label](url)` for an http(s) URL (`<url>` without a label); any other scheme shows the label only."""
    label = escape(one_line(node.label))
    url = safe_url(node.url)
    if url is None:
        return label
    token = f"[{label}]({url})" if label.strip() else f"<{url}>"
    return token if len(token) <= MAX_TOKEN else label


def safe_url(url: str) -> str | None:
    """The URL made safe inside `(…)`, or None unless it is absolute http(s) without a user part.

    `https://bank.example@evil.example` shows one host and opens another, so a URL with a user part is
    refused; characters that would end the target or hide in it are percent-encoded.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host or "@" in parts.netloc:
        return None
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url)


def mention(node: Mention, ping: Collection[str]) -> str:
    """`<@id>` only for a snowflake the message means to ping; otherwise `@name` as text, which cannot."""
    user_id = node.account.user_id
    if user_id in ping and is_snowflake(user_id):
        return f"<@{user_id}>"
    return escape("@" + one_line(node.display_name))


def timestamp(node: Timestamp) -> str:
    """`<t:unix:style>`: each reader sees the instant in their own zone; a naive instant is read as UTC."""
    instant = node.instant if node.instant.tzinfo is not None else node.instant.replace(tzinfo=UTC)
    return f"<t:{math.floor(instant.timestamp())}:{_STYLES[node.style]}>"

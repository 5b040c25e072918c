"""Plain-text rendering of content: the shell's output, and text fallbacks on every platform."""

from __future__ import annotations

from datetime import datetime

from bot.core.content import (
    BulletList,
    Card,
    Code,
    CodeBlock,
    Content,
    Emphasis,
    Inline,
    Link,
    Mention,
    Paragraph,
    Text,
    Timestamp,
)


def _inline(node: Inline, zone: str, locale: str, now: datetime | None) -> str:
    if isinstance(node, Text):
        return node.text
    if isinstance(node, Emphasis):
        return f"*{node.text}*" if node.strong else f"_{node.text}_"
    if isinstance(node, Code):
        return f"`{node.text}`"
    if isinstance(node, Link):
        return f"{node.label} <{node.url}>"
    if isinstance(node, Mention):
        return f"@{node.display_name}"
    return _timestamp(node, zone, locale, now)


def _timestamp(node: Timestamp, zone: str, locale: str, now: datetime | None) -> str:
    from bot.time.format import format_instant, format_relative, format_time

    if node.style == "time":
        return format_time(node.instant, zone, locale)
    if node.style == "relative" and now is not None:
        return format_relative(node.instant - now, locale)
    return format_instant(node.instant, zone, locale)


def render_paragraph(p: Paragraph, zone: str = "UTC", locale: str = "en",
                     now: datetime | None = None) -> str:
    return "".join(_inline(i, zone, locale, now) for i in p.inlines)


def render_plain(content: Content, zone: str = "UTC", locale: str = "en",
                 now: datetime | None = None) -> str:
    """Readable text; timestamps in the reader's zone (UTC when unknown)."""
    parts: list[str] = []
    for block in content.blocks:
        if isinstance(block, Paragraph):
            parts.append(render_paragraph(block, zone, locale, now))
        elif isinstance(block, BulletList):
            parts.append("\n".join(
                f"{f'{n}.' if block.numbered else '•'} {render_paragraph(item, zone, locale, now)}"
                for n, item in enumerate(block.items, start=1)))
        elif isinstance(block, CodeBlock):
            parts.append(block.text)
        elif isinstance(block, Card):
            lines = [f"== {block.title} =="]
            lines += [f"{f.label}: {render_paragraph(f.value, zone, locale, now)}" for f in block.fields]
            lines += [render_paragraph(p, zone, locale, now) for p in block.body]
            if block.footer:
                lines.append(block.footer)
            parts.append("\n".join(lines))
    return "\n".join(parts)

"""A small neutral rich-text model: Block Kit, Discord embeds and plain text are renderings of it.

User text always travels in `Text` nodes, which every renderer escapes, so it can never ping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeAlias

from bot.core.identity import AccountRef


@dataclass(frozen=True, kw_only=True)
class Text:
    text: str


@dataclass(frozen=True, kw_only=True)
class Emphasis:
    text: str
    strong: bool = True


@dataclass(frozen=True, kw_only=True)
class Code:
    text: str


@dataclass(frozen=True, kw_only=True)
class Link:
    url: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Mention:
    """A deliberate ping of one member; display_name is the fallback where pings do not exist."""

    account: AccountRef
    display_name: str


TimestampStyle = Literal["full", "date", "time", "relative"]


@dataclass(frozen=True, kw_only=True)
class Timestamp:
    """An instant each reader should see in their own zone (Slack `<!date^…>`, Discord `<t:…>`)."""

    instant: datetime
    style: TimestampStyle = "full"


Inline: TypeAlias = Text | Emphasis | Code | Link | Mention | Timestamp


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True, kw_only=True)
class BulletList:
    items: tuple[Paragraph, ...]
    numbered: bool = False


@dataclass(frozen=True, kw_only=True)
class CodeBlock:
    text: str


@dataclass(frozen=True, kw_only=True)
class Field:
    label: str
    value: Paragraph


@dataclass(frozen=True, kw_only=True)
class Card:
    title: str
    fields: tuple[Field, ...] = ()
    body: tuple[Paragraph, ...] = ()
    footer: str | None = None


Block: TypeAlias = Paragraph | BulletList | CodeBlock | Card


@dataclass(frozen=True, kw_only=True)
class Content:
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @classmethod
    def text(cls, text: str) -> Content:
        return cls(blocks=(Paragraph(inlines=(Text(text=text),)),))

    @classmethod
    def of(cls, *blocks: Block | Inline | str) -> Content:
        """Build content from blocks; loose inlines and strings become one paragraph each."""
        out: list[Block] = []
        for item in blocks:
            if isinstance(item, str):
                out.append(Paragraph(inlines=(Text(text=item),)))
            elif isinstance(item, Paragraph | BulletList | CodeBlock | Card):
                out.append(item)
            else:
                out.append(Paragraph(inlines=(item,)))
        return cls(blocks=tuple(out))

    def __add__(self, other: Content) -> Content:
        return Content(blocks=self.blocks + other.blocks)


def paragraph(*inlines: Inline | str) -> Paragraph:
    return Paragraph(inlines=tuple(Text(text=i) if isinstance(i, str) else i for i in inlines))


def bullets(items: Iterable[Paragraph | str], *, numbered: bool = False) -> BulletList:
    return BulletList(
        items=tuple(paragraph(i) if isinstance(i, str) else i for i in items), numbered=numbered
    )


# --- serialisation: outbox rows and pending prompts store content as JSON -------------------

_INLINE_TYPES: dict[str, type[Any]] = {
    "text": Text, "emphasis": Emphasis, "code": Code, "link": Link,
    "mention": Mention, "timestamp": Timestamp,
}
_INLINE_NAMES = {v: k for k, v in _INLINE_TYPES.items()}


def _inline_to_dict(node: Inline) -> dict[str, Any]:
    kind = _INLINE_NAMES[type(node)]
    if isinstance(node, Mention):
        acc = node.account
        return {"t": kind, "platform": acc.platform, "workspace_id": acc.workspace_id,
                "user_id": acc.user_id, "display_name": node.display_name}
    if isinstance(node, Timestamp):
        return {"t": kind, "instant": node.instant.isoformat(), "style": node.style}
    return {"t": kind, **{k: getattr(node, k) for k in node.__dataclass_fields__}}


def _inline_from_dict(data: Mapping[str, Any]) -> Inline:
    kind = data["t"]
    if kind == "mention":
        acc = AccountRef(platform=data["platform"], workspace_id=data["workspace_id"],
                         user_id=data["user_id"])
        return Mention(account=acc, display_name=data["display_name"])
    if kind == "timestamp":
        return Timestamp(instant=datetime.fromisoformat(data["instant"]), style=data["style"])
    cls = _INLINE_TYPES[kind]
    node: Inline = cls(**{k: v for k, v in data.items() if k != "t"})
    return node


def _para_to_list(p: Paragraph) -> list[dict[str, Any]]:
    return [_inline_to_dict(i) for i in p.inlines]


def _para_from_list(items: list[dict[str, Any]]) -> Paragraph:
    return Paragraph(inlines=tuple(_inline_from_dict(i) for i in items))


def content_to_dict(content: Content) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for b in content.blocks:
        if isinstance(b, Paragraph):
            out.append({"b": "p", "i": _para_to_list(b)})
        elif isinstance(b, BulletList):
            out.append({"b": "ul", "n": b.numbered, "items": [_para_to_list(p) for p in b.items]})
        elif isinstance(b, CodeBlock):
            out.append({"b": "code", "text": b.text})
        else:
            out.append({"b": "card", "title": b.title, "footer": b.footer,
                        "fields": [{"label": f.label, "value": _para_to_list(f.value)}
                                   for f in b.fields],
                        "body": [_para_to_list(p) for p in b.body]})
    return out


def content_from_dict(data: list[dict[str, Any]]) -> Content:
    blocks: list[Block] = []
    for b in data:
        if b["b"] == "p":
            blocks.append(_para_from_list(b["i"]))
        elif b["b"] == "ul":
            blocks.append(BulletList(items=tuple(_para_from_list(p) for p in b["items"]),
                                     numbered=b["n"]))
        elif b["b"] == "code":
            blocks.append(CodeBlock(text=b["text"]))
        else:
            blocks.append(Card(
                title=b["title"], footer=b["footer"],
                fields=tuple(Field(label=f["label"], value=_para_from_list(f["value"]))
                             for f in b["fields"]),
                body=tuple(_para_from_list(p) for p in b["body"])))
    return Content(blocks=tuple(blocks))

"""Telling owners what was not delivered: one summary DM per owner, in their language, never silence."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import AskChoice, Edit, Send, Upload
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
    paragraph,
)
from bot.core.identity import AccountRef, ConversationRef
from bot.core.serialize import ActionDecodeError, action_from_dict
from bot.i18n import catalog, normalize_locale, translate
from bot.scheduling.lateness import MISSED_SUMMARY
from bot.scheduling.outbox import KEY_MAX, PlannedDelivery, enqueue
from storage.repositories import deliveries as repo

log = logging.getLogger(__name__)

MAX_LISTED = 10
PREVIEW_CHARS = 60


@dataclass(frozen=True, kw_only=True)
class MissedItem:
    """A delivery that will never go out: expired (`failure_code` None) or permanently failed."""

    delivery_id: int
    workspace_pk: int
    kind: str
    owner_user_id: str | None
    due_at: datetime
    payload: Mapping[str, Any]
    failure_code: str | None = None

    @classmethod
    def of(cls, record: repo.DeliveryRecord, failure_code: str | None = None) -> MissedItem:
        return cls(delivery_id=record.id, workspace_pk=record.workspace_pk, kind=record.kind,
                   owner_user_id=record.owner_user_id, due_at=record.due_at, payload=record.payload,
                   failure_code=failure_code)


def _has(key: str, locale: str) -> bool:
    return key in catalog(normalize_locale(locale)) or key in catalog("en")


def _inline_text(node: Inline) -> str:
    if isinstance(node, Text | Emphasis | Code):
        return node.text
    if isinstance(node, Link):
        return node.label
    if isinstance(node, Mention):
        return f"@{node.display_name}"
    return ""


def _paragraphs(content: Content) -> list[Paragraph]:
    out: list[Paragraph] = []
    for block in content.blocks:
        if isinstance(block, Paragraph):
            out.append(block)
        elif isinstance(block, BulletList):
            out.extend(block.items)
        elif isinstance(block, CodeBlock):
            out.append(paragraph(block.text))
        elif isinstance(block, Card):
            out.extend((paragraph(block.title), *block.body))
    return out


def plain_text(content: Content) -> str:
    """Content flattened to one line, for a short preview."""
    words = " ".join("".join(_inline_text(i) for i in p.inlines) for p in _paragraphs(content))
    return " ".join(words.split())


def preview(payload: Mapping[str, Any]) -> str | None:
    """A short reminder of what the message said, so the owner recognises it."""
    try:
        action = action_from_dict(payload)
    except ActionDecodeError:
        return None
    if isinstance(action, Send | Edit):
        text = plain_text(action.content)
    elif isinstance(action, AskChoice):
        text = plain_text(action.prompt)
    elif isinstance(action, Upload):
        text = action.filename
    else:
        return None
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1].rstrip() + "…"


def _kind_label(kind: str, locale: str) -> str:
    key = f"scheduling.kind_{kind}"
    return translate(key, locale) if _has(key, locale) else kind.replace("_", " ").capitalize()


def _reason(code: str, locale: str) -> str:
    key = f"scheduling.reason_{code}"
    return translate(key, locale) if _has(key, locale) else translate("scheduling.reason_other", locale,
                                                                      code=code)


def _item(item: MissedItem, locale: str) -> Paragraph:
    parts: list[Inline] = [Emphasis(text=_kind_label(item.kind, locale)), Text(text=" — "),
                           Timestamp(instant=item.due_at)]
    said = preview(item.payload)
    if said:
        parts.append(Text(text=" — " + translate("scheduling.missed_preview", locale, preview=said)))
    if item.failure_code is not None:
        parts.append(Text(text=f" ({_reason(item.failure_code, locale)})"))
    return Paragraph(inlines=tuple(parts))


def _section(items: Sequence[MissedItem], prefix: str, locale: str) -> Content:
    if not items:
        return Content()
    ordered = sorted(items, key=lambda i: (i.due_at, i.delivery_id))
    head = (translate(f"{prefix}_one", locale) if len(items) == 1
            else translate(f"{prefix}_other", locale, count=len(items)))
    listed = BulletList(items=tuple(_item(i, locale) for i in ordered[:MAX_LISTED]))
    more = len(items) - MAX_LISTED
    tail = Content.of(translate("scheduling.missed_more", locale, count=more)) if more > 0 else Content()
    return Content.of(head, listed) + tail


def summary_content(items: Sequence[MissedItem], locale: str) -> Content:
    """The summary message: skipped-as-expired first, then those the platform refused."""
    expired = [i for i in items if i.failure_code is None]
    failed = [i for i in items if i.failure_code is not None]
    return (_section(expired, "scheduling.missed_expired", locale)
            + _section(failed, "scheduling.missed_failed", locale)
            + Content.of(translate("scheduling.missed_footer", locale)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _summary_keys(workspace_pk: int, owner: str, items: Sequence[MissedItem]) -> tuple[str, str]:
    """(source_id, occurrence): the same missed ids always give the same summary row."""
    source_id = f"{workspace_pk}:{owner}"
    if len(source_id) > KEY_MAX:
        source_id = f"{workspace_pk}:{_digest(owner)[:40]}"
    occurrence = _digest(",".join(str(i) for i in sorted(i.delivery_id for i in items)))
    return source_id, occurrence


def _reportable(items: Sequence[MissedItem]) -> dict[tuple[int, str], list[MissedItem]]:
    groups: dict[tuple[int, str], list[MissedItem]] = defaultdict(list)
    for item in items:
        outcome = item.failure_code or "expired"
        if item.kind == MISSED_SUMMARY:
            log.warning("missed-summary delivery %s was not delivered (%s); not reported again",
                        item.delivery_id, outcome)
        elif item.owner_user_id is None:
            log.warning("delivery %s of kind %s was not delivered (%s) and has no owner to tell",
                        item.delivery_id, item.kind, outcome)
        else:
            groups[(item.workspace_pk, item.owner_user_id)].append(item)
    return groups


async def _planned_summary(session: AsyncSession, workspace_pk: int, owner: str,
                           items: Sequence[MissedItem], now: datetime) -> PlannedDelivery | None:
    contact = await repo.owner_contact(session, workspace_pk, owner)
    if contact is None:
        log.warning("deliveries %s missed, but workspace %s is gone", [i.delivery_id for i in items],
                    workspace_pk)
        return None
    account = AccountRef(platform=contact.platform, workspace_id=contact.workspace_external_id,
                         user_id=owner)
    action = Send(to=ConversationRef.dm(account), content=summary_content(items, contact.locale))
    source_id, occurrence = _summary_keys(workspace_pk, owner, items)
    return PlannedDelivery(workspace_pk=workspace_pk, kind=MISSED_SUMMARY, source_id=source_id,
                           occurrence=occurrence, due_at=now, action=action, owner_user_id=owner)


async def report_missed(session: AsyncSession, items: Sequence[MissedItem], *, now: datetime) -> int:
    """Enqueue one summary per owner in the caller's transaction; returns how many were new."""
    planned = []
    for (workspace_pk, owner), group in _reportable(items).items():
        summary = await _planned_summary(session, workspace_pk, owner, group, now)
        if summary is not None:
            planned.append(summary)
    return await enqueue(session, planned, now=now) if planned else 0

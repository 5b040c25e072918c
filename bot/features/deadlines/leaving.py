"""A member left the workspace: take them off open deadlines and tell each creator, who may reassign."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Action, Send
from bot.core.content import BulletList, Content, Emphasis, Paragraph, Text
from bot.core.context import Context, message_paragraph
from bot.features.deadlines import messages as msg
from bot.features.deadlines.plan import digest_source
from bot.features.deadlines.source import people_for, plan_for
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.planner import HORIZON
from storage.repositories import deadlines as repo
from storage.repositories.deadlines import DeadlineRecord
from storage.session import Database

KIND_LEFT = "deadline_left"


async def member_left(ctx: Context) -> Sequence[Action]:
    """Nothing is said to the member who left; the creators hear it through the outbox."""
    told = await remove_assignee(ctx.db, ctx.workspace.id, ctx.member.account.user_id,
                                 ctx.member.display_name, now=ctx.now)
    if told:
        ctx.services.wake()
    return []


async def remove_assignee(db: Database, workspace_pk: int, user: str, name: str, *, now: datetime) -> int:
    """Remove `user` from every open deadline they were given; returns how many creators are told."""
    async with db.session() as s:
        items = await repo.assigned_to(s, workspace_pk, user)
        by_creator: dict[str, list[DeadlineRecord]] = defaultdict(list)
        for item in items:
            updated = await repo.update(s, workspace_pk, item.id, now=now, replan=False,
                                        assignees=[u for u in item.assignees if u != user])
            await repo.withdraw(s, item.source_id, keep_snoozes=True)
            await repo.withdraw(s, item.source_id, prefix=f"s|{user}|")
            await repo.withdraw(s, digest_source(workspace_pk, item.creator))
            if updated is not None:
                await enqueue(s, await plan_for(s, [updated], now, now + HORIZON), now=now)
                by_creator[item.creator].append(updated)
        return await _tell(s, by_creator, user, name, now)


async def _tell(s: AsyncSession, by_creator: dict[str, list[DeadlineRecord]], user: str, name: str,
                now: datetime) -> int:
    planned: list[PlannedDelivery] = []
    for creator, items in by_creator.items():
        if creator == user:
            continue
        people = await people_for(s, items[0].workspace_pk, items)
        reader = people.reader(creator)
        head = message_paragraph("deadlines.member_left", reader.locale, name=name)
        rows = tuple(Paragraph(inlines=(Text(text=f"#{d.id} "), Emphasis(text=d.title))) for d in items)
        hint = message_paragraph("deadlines.member_left_hint", reader.locale, id=items[0].id)
        content = Content(blocks=(head, BulletList(items=rows), hint))
        action = Send(to=msg.dm(items[0], creator), content=content)
        planned.append(PlannedDelivery(workspace_pk=items[0].workspace_pk, kind=KIND_LEFT,
                                       source_id=f"left:{items[0].workspace_pk}:{user}"[:64],
                                       occurrence=f"{creator}|{now.astimezone(UTC):%Y%m%dT%H%M%S}"[:64],
                                       due_at=now,
                                       action=action, owner_user_id=creator))
    return await enqueue(s, planned, now=now)

"""The planner's view of deadlines: every open item's sends in the coming window, per workspace."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.deadlines.plan import People, Slot, plan_digests, plan_item
from bot.scheduling.outbox import PlannedDelivery
from storage.models import WorkspaceRow
from storage.repositories import deadlines as repo
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import members as members_repo
from storage.repositories.deadlines import DeadlineRecord


async def people_for(session: AsyncSession, workspace_pk: int, items: Sequence[DeadlineRecord],
                     extra: Sequence[str] = ()) -> People:
    """The members the items name (creators, assignees, and `extra`), with zones, hours and days off."""
    ws = await session.get(WorkspaceRow, workspace_pk)
    ids = sorted({u for d in items for u in (d.creator, *d.assignees)} | set(extra))
    rows = await members_repo.members_by_ids(session, workspace_pk, ids)
    members = {r.user_id: members_repo.member_from_row(r, ws) for r in rows} if ws is not None else {}
    return People(members=members, default_locale=ws.default_locale if ws is not None else "en")


async def plan_for(
    session: AsyncSession, items: Sequence[DeadlineRecord], start: datetime, end: datetime
) -> list[PlannedDelivery]:
    """The sends of some items of one workspace (a command's own item: every message is written)."""
    if not items:
        return []
    people = await people_for(session, items[0].workspace_pk, items)
    return [slot.planned() for d in items for slot in plan_item(d, people, start, end)]


async def _missing(session: AsyncSession, slots: Sequence[Slot]) -> list[PlannedDelivery]:
    """Only the slots the outbox does not hold yet get their message written."""
    present = await deliveries_repo.existing_keys(session, sorted({s.source_id for s in slots}))
    return [s.planned() for s in slots if s.key not in present]


YIELD_EVERY = 50


class DeadlineSource:
    """A PlanSource: open deadlines and reminders of every workspace, and creators' overdue digests."""

    name = "deadlines"

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> Sequence[PlannedDelivery]:
        by_workspace: dict[int, list[DeadlineRecord]] = defaultdict(list)
        for item in await repo.open_items(session):
            by_workspace[item.workspace_pk].append(item)
        planned: list[PlannedDelivery] = []
        for items in by_workspace.values():
            people = await people_for(session, items[0].workspace_pk, items)
            slots: list[Slot] = []
            for n, item in enumerate(items, 1):
                slots += plan_item(item, people, start, end)
                if n % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # planning is CPU work: let commands and sends run between items
            slots += plan_digests(items, people, start, end)
            planned += await _missing(session, slots)
        return planned

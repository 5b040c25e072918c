"""The planner's view of deadlines: every open item's sends in the coming window, per workspace."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.deadlines.plan import OVERDUE_AFTER, People, Slot, plan_digests, plan_item
from bot.scheduling.outbox import PlannedDelivery
from bot.scheduling.planner import PlanPage
from storage.models import WorkspaceRow
from storage.repositories import deadlines as repo
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import members as members_repo
from storage.repositories.deadlines import DeadlineRecord

log = logging.getLogger(__name__)


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
    if not slots:
        return []
    present = await deliveries_repo.existing_keys(session, sorted({s.source_id for s in slots}),
                                                  due_from=min(s.due_at for s in slots))
    return [s.planned() for s in slots if s.key not in present]


YIELD_EVERY = 50
PAGE = 500
"""Items planned in one transaction: a pass over 100,000 open items never holds them all at once."""
AHEAD = timedelta(hours=1)
"""How far past the horizon an item is planned, so it is read again about once an hour, not every minute."""
SPREAD_MINUTES = 60
"""Items are re-read at different minutes of the hour (by id), so no single pass takes them all."""


def _planned_until(item: DeadlineRecord, end: datetime) -> datetime:
    return end + AHEAD + timedelta(minutes=item.id % SPREAD_MINUTES)


class DeadlineSource:
    """A PlanSource: open deadlines and reminders of every workspace, and creators' overdue digests.

    Each call plans one page of the items not yet planned up to the horizon's end (newly created or
    changed ones, or ones whose planned stretch is running out), and records how far each now is; the
    last call also plans the overdue digests, which look at every creator's overdue deadlines.
    """

    name = "deadlines"

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> PlanPage:
        items = await repo.needing_plan(session, end, limit=PAGE)
        planned = await self._items(session, items, start, end)
        more = len(items) == PAGE
        if not more:
            planned += await self._digests(session, start, end)
        return PlanPage(deliveries=planned, more=more)

    async def _items(self, session: AsyncSession, items: Sequence[DeadlineRecord], start: datetime,
                     end: datetime) -> list[PlannedDelivery]:
        planned: list[PlannedDelivery] = []
        until: dict[int, datetime] = {}
        for ws_items in _by_workspace(items):
            people = await people_for(session, ws_items[0].workspace_pk, ws_items)
            slots: list[Slot] = []
            for n, item in enumerate(ws_items, 1):
                until[item.id] = _planned_until(item, end)
                try:
                    slots += plan_item(item, people, start, until[item.id])
                except Exception:  # one broken item must not stop the others; it is tried again later
                    log.exception("planning deadline %s failed", item.id)
                if n % YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # CPU work inside the page's transaction: a turn, never a wait
            planned += await _missing(session, slots)
        await repo.mark_planned(session, until)
        return planned

    async def _digests(self, session: AsyncSession, start: datetime, end: datetime) -> list[PlannedDelivery]:
        planned: list[PlannedDelivery] = []
        for ws_items in _by_workspace(await repo.overdue(session, end - OVERDUE_AFTER)):
            people = await people_for(session, ws_items[0].workspace_pk, ws_items)
            planned += await _missing(session, plan_digests(ws_items, people, start, end))
        return planned


def _by_workspace(items: Sequence[DeadlineRecord]) -> list[list[DeadlineRecord]]:
    grouped: dict[int, list[DeadlineRecord]] = defaultdict(list)
    for item in items:
        grouped[item.workspace_pk].append(item)
    return list(grouped.values())

"""One page of the deadlines a member may see, counted and cut in SQL: a list costs the same at 100 open
items as at 100,000 (loading every visible item through the ORM held the event loop for 200 ms).

The order is a list's: by the current run (a repeating item's next one, a one-off's instant), then id. A
one-off's run is its `due_at`, so SQL orders and limits those; repeating items (few) are all read and
placed in Python by the caller's `current_due`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Select, Table, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.identity import WorkspaceRef
from storage.models import DeadlineAssigneeRow, DeadlineRow
from storage.repositories.deadlines import DEADLINE, OPEN, DeadlineRecord

MINE = "mine"
TEAM = "team"
OVERDUE = "overdue"
CHANNEL = "channel"
MODES = (MINE, TEAM, OVERDUE, CHANNEL)

_DEADLINES = cast(Table, DeadlineRow.__table__)
_ASSIGNEES = cast(Table, DeadlineAssigneeRow.__table__)
_D = _DEADLINES.c
_A = _ASSIGNEES.c
_COLUMNS = (_D.id, _D.workspace_id, _D.kind, _D.title, _D.creator_user_id, _D.channel_id, _D.due_at, _D.zone,
            _D.rrule, _D.anchor_local, _D.leads, _D.urgent, _D.status, _D.planned_from, _D.created_at,
            _D.done_at, _D.done_by)
_REPEATING = and_(func.coalesce(_D.rrule, "") != "", func.coalesce(_D.anchor_local, "") != "")
"""What `plan.current_run` reads as repeating (a rule and its anchor); anything else runs at `due_at`."""
_ASSIGNEES_OF = (select(_A.deadline_id, _A.user_id)
                 .where(_A.deadline_id.in_(bindparam("ids", expanding=True))).order_by(_A.id))


@dataclass(frozen=True, kw_only=True)
class Page:
    total: int
    """How many items the list has in all."""
    items: list[DeadlineRecord]
    """The first `limit` of them, in the list's order."""


def _where(everything: bool, mode: str, mine_only: bool) -> list[Any]:
    """`deadlines.visible` (open items) narrowed to a list's filter, its parameters bound at run time."""
    mine = or_(_D.creator_user_id == bindparam("me"),
               exists().where(_A.deadline_id == _D.id, _A.user_id == bindparam("me")))
    shared = (_D.kind == DEADLINE) if everything else and_(_D.kind == DEADLINE, _D.channel_id.is_not(None))
    where: list[Any] = [_D.workspace_id == bindparam("ws"), _D.status == OPEN, or_(mine, shared)]
    if mode == MINE or mine_only:
        where.append(mine)
    if mode == OVERDUE:
        where += [_D.kind == DEADLINE, func.coalesce(_D.rrule, "") == "", _D.due_at <= bindparam("now")]
    elif mode == CHANNEL:
        where.append(_D.channel_id == bindparam("channel"))
    elif mode == TEAM:
        where.append(_D.kind == DEADLINE)
    return where


_statements: dict[tuple[bool, str, bool], tuple[Select[Any], Select[Any]]] = {}


def _statements_for(everything: bool, mode: str, mine_only: bool) -> tuple[Select[Any], Select[Any]]:
    """(the first one-offs with their total, every repeating item): built once per kind of list."""
    key = (everything, mode, mine_only)
    found = _statements.get(key)
    if found is None:
        where = _where(everything, mode, mine_only)
        one_offs: Select[Any] = (select(*_COLUMNS, func.count().over().label("total"))
                                 .where(*where, ~_REPEATING).order_by(_D.due_at, _D.id)
                                 .limit(bindparam("limit")))
        repeating: Select[Any] = select(*_COLUMNS).where(*where, _REPEATING)
        found = _statements[key] = (one_offs, repeating)
    return found


def _record(r: Any, ref: WorkspaceRef, assignees: tuple[str, ...]) -> DeadlineRecord:
    return DeadlineRecord(
        id=r.id, workspace_pk=r.workspace_id, platform=ref.platform, workspace_external_id=ref.workspace_id,
        kind=r.kind, title=r.title, creator=r.creator_user_id, assignees=assignees, channel_id=r.channel_id,
        due_at=r.due_at, zone=r.zone, rrule=r.rrule, anchor_local=r.anchor_local, leads=tuple(r.leads),
        urgent=bool(r.urgent), status=r.status, planned_from=r.planned_from, created_at=r.created_at,
        done_at=r.done_at, done_by=r.done_by)


def page_on(conn: Connection, workspace_pk: int, ref: WorkspaceRef, user_id: str, *, everything: bool,
            mode: str, now: datetime, current_due: Callable[[DeadlineRecord, datetime], datetime],
            limit: int, channel: str | None = None, mine_only: bool = False) -> Page:
    """The first `limit` items of a member's list (`mode`, one of MODES) and how many it has in all.

    `everything`: a manager's view (every deadline of the workspace); `mine_only`: only what the member
    created or was given (the items they may mark done when they are no manager). Plain (a `Connection`)
    to run whole in one hop (`Database.read_with`); `page` does the same inside an `AsyncSession`.
    """
    if mode not in MODES:
        raise ValueError(f"unknown list mode {mode!r}")
    one_offs, repeating = _statements_for(everything, mode, mine_only)
    params = {"ws": workspace_pk, "me": user_id, "now": now, "channel": channel}
    first = conn.execute(one_offs, {**params, "limit": limit}).all()
    rows = [*first, *conn.execute(repeating, params).all()]
    total = (first[0].total if first else 0) + len(rows) - len(first)
    given: defaultdict[int, list[str]] = defaultdict(list)
    if rows:
        for a in conn.execute(_ASSIGNEES_OF, {"ids": [r.id for r in rows]}):
            given[a.deadline_id].append(a.user_id)
    records = [_record(r, ref, tuple(given.get(r.id, ()))) for r in rows]
    records.sort(key=lambda d: (current_due(d, now), d.id))
    return Page(total=total, items=records[:limit])


async def page(session: AsyncSession, workspace_pk: int, ref: WorkspaceRef, user_id: str,
               **query: Any) -> Page:
    """`page_on` inside an `AsyncSession`."""
    conn = await session.connection()
    return await conn.run_sync(lambda c: page_on(c, workspace_pk, ref, user_id, **query))

"""Deadlines and personal reminders, always within one workspace; ids from another workspace are absent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, exists, or_, select
from sqlalchemy import insert as sql_insert
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import DeadlineAssigneeRow, DeadlineRow, DeliveryRow, WorkspaceRow
from storage.repositories import values

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"
DEADLINE = "deadline"
REMINDER = "reminder"
SETTINGS_KEY = "deadlines"
WITHDRAWN = "withdrawn"

_DEADLINES = cast(Table, DeadlineRow.__table__)


@dataclass(frozen=True, kw_only=True)
class DeadlineRecord:
    """A deadline as features see it, detached from any session."""

    id: int
    workspace_pk: int
    platform: str
    workspace_external_id: str
    kind: str
    title: str
    creator: str
    assignees: tuple[str, ...]
    channel_id: str | None
    due_at: datetime
    zone: str
    rrule: str | None
    anchor_local: str | None
    leads: tuple[int, ...]
    urgent: bool
    status: str
    planned_from: datetime
    created_at: datetime
    done_at: datetime | None = None
    done_by: str | None = None

    @property
    def source_id(self) -> str:
        return f"dl:{self.id}"


@dataclass(frozen=True, kw_only=True)
class NewDeadline:
    workspace_pk: int
    kind: str
    title: str
    creator: str
    assignees: tuple[str, ...]
    channel_id: str | None
    due_at: datetime
    zone: str
    rrule: str | None
    anchor_local: str | None
    leads: tuple[int, ...]
    urgent: bool


def _record(row: DeadlineRow, ws: WorkspaceRow) -> DeadlineRecord:
    return DeadlineRecord(
        id=row.id,
        workspace_pk=row.workspace_id,
        platform=ws.platform,
        workspace_external_id=ws.external_id,
        kind=row.kind,
        title=row.title,
        creator=row.creator_user_id,
        assignees=tuple(a.user_id for a in row.assignees),
        channel_id=row.channel_id,
        due_at=row.due_at,
        zone=row.zone,
        rrule=row.rrule,
        anchor_local=row.anchor_local,
        leads=tuple(row.leads),
        urgent=row.urgent,
        status=row.status,
        planned_from=row.planned_from,
        created_at=row.created_at,
        done_at=row.done_at,
        done_by=row.done_by,
    )


def _query() -> Select[DeadlineRow, WorkspaceRow]:
    return (
        select(DeadlineRow, WorkspaceRow)
        .join(WorkspaceRow, WorkspaceRow.id == DeadlineRow.workspace_id)
        .options(selectinload(DeadlineRow.assignees))
    )


async def _records(session: AsyncSession, stmt: Any) -> list[DeadlineRecord]:
    return [_record(row, ws) for row, ws in (await session.execute(stmt)).all()]


_ASSIGNEES = cast(Table, DeadlineAssigneeRow.__table__)
_INSERT = sql_insert(_DEADLINES)
_INSERT_ASSIGNEE = sql_insert(_ASSIGNEES)


async def insert(session: AsyncSession, new: NewDeadline, *, now: datetime) -> DeadlineRecord:
    """Two plain INSERTs, and the record built from what was written (the ORM's unit of work and reading
    the row back cost more than the writes)."""
    conn = await session.connection()
    result = await conn.execute(_INSERT, {
        "workspace_id": new.workspace_pk, "kind": new.kind, "title": new.title,
        "creator_user_id": new.creator, "channel_id": new.channel_id, "due_at": new.due_at, "zone": new.zone,
        "rrule": new.rrule, "anchor_local": new.anchor_local, "leads": list(new.leads), "urgent": new.urgent,
        "status": OPEN, "planned_from": now, "created_at": now, "updated_at": now})
    (deadline_id,) = result.inserted_primary_key or (None,)
    assert deadline_id is not None
    if new.assignees:
        await conn.execute(_INSERT_ASSIGNEE, [{"workspace_id": new.workspace_pk, "deadline_id": deadline_id,
                                               "user_id": u} for u in new.assignees])
    ws = await session.get_one(WorkspaceRow, new.workspace_pk)
    return DeadlineRecord(
        id=deadline_id, workspace_pk=new.workspace_pk, platform=ws.platform,
        workspace_external_id=ws.external_id, kind=new.kind, title=new.title, creator=new.creator,
        assignees=tuple(new.assignees), channel_id=new.channel_id, due_at=new.due_at.astimezone(UTC),
        zone=new.zone, rrule=new.rrule, anchor_local=new.anchor_local, leads=tuple(new.leads),
        urgent=new.urgent, status=OPEN, planned_from=now.astimezone(UTC), created_at=now.astimezone(UTC))


async def get(session: AsyncSession, workspace_pk: int, deadline_id: int) -> DeadlineRecord | None:
    stmt = _query().where(DeadlineRow.workspace_id == workspace_pk, DeadlineRow.id == deadline_id)
    found = await _records(session, stmt)
    return found[0] if found else None


async def update(
    session: AsyncSession,
    workspace_pk: int,
    deadline_id: int,
    *,
    now: datetime,
    replan: bool = True,
    **values: Any,
) -> DeadlineRecord | None:
    """Change columns (and `assignees`); with `replan`, reminders earlier than now are not planned again."""
    stmt = select(DeadlineRow).where(DeadlineRow.workspace_id == workspace_pk, DeadlineRow.id == deadline_id)
    row = (await session.execute(stmt.options(selectinload(DeadlineRow.assignees)))).scalar_one_or_none()
    if row is None:
        return None
    assignees = values.pop("assignees", None)
    for name, value in values.items():
        setattr(row, name, list(value) if name == "leads" else value)
    if assignees is not None:
        keep = {a.user_id: a for a in row.assignees}
        row.assignees = [
            keep.get(u) or DeadlineAssigneeRow(workspace_id=workspace_pk, user_id=u) for u in assignees
        ]
    row.updated_at = now
    row.planned_until = None  # planned again by the next pass, from the row as it is now
    if replan:
        row.planned_from = now
    await session.flush()
    return await get(session, workspace_pk, deadline_id)


async def visible(
    session: AsyncSession,
    workspace_pk: int,
    user_id: str,
    *,
    everything: bool,
    statuses: Sequence[str] = (OPEN,),
) -> list[DeadlineRecord]:
    """What a member may see: their own and assigned items and channel deadlines; managers all deadlines."""
    mine = or_(
        DeadlineRow.creator_user_id == user_id,
        exists().where(
            DeadlineAssigneeRow.deadline_id == DeadlineRow.id, DeadlineAssigneeRow.user_id == user_id
        ),
    )
    shared = (
        DeadlineRow.kind == DEADLINE
        if everything
        else ((DeadlineRow.kind == DEADLINE) & DeadlineRow.channel_id.is_not(None))
    )
    stmt = (
        _query()
        .where(
            DeadlineRow.workspace_id == workspace_pk,
            DeadlineRow.status.in_(list(statuses)),
            or_(mine, shared),
        )
        .order_by(DeadlineRow.due_at, DeadlineRow.id)
    )
    return await _records(session, stmt)


async def assigned_to(session: AsyncSession, workspace_pk: int, user_id: str) -> list[DeadlineRecord]:
    """Open deadlines of one workspace that were given to a member."""
    given = exists().where(DeadlineAssigneeRow.deadline_id == DeadlineRow.id,
                           DeadlineAssigneeRow.user_id == user_id)
    stmt = (_query().where(DeadlineRow.workspace_id == workspace_pk, DeadlineRow.status == OPEN,
                           DeadlineRow.kind == DEADLINE, given).order_by(DeadlineRow.id))
    return await _records(session, stmt)


async def open_items(session: AsyncSession) -> list[DeadlineRecord]:
    """Every open item of every workspace (the readers that span workspaces are the planner's)."""
    stmt = _query().where(DeadlineRow.status == OPEN).order_by(DeadlineRow.id)
    return await _records(session, stmt)


async def needing_plan(session: AsyncSession, end: datetime, *, limit: int) -> list[DeadlineRecord]:
    """A page of open items whose sends due before `end` may not all be in the outbox yet."""
    stale = or_(DeadlineRow.planned_until.is_(None), DeadlineRow.planned_until < end)
    stmt = _query().where(DeadlineRow.status == OPEN, stale).order_by(DeadlineRow.id).limit(limit)
    return await _records(session, stmt)


_PLANNED = (sql_update(_DEADLINES).where(_DEADLINES.c.id == bindparam("b_id"))
            .values(planned_until=bindparam("b_until")))


async def mark_planned(session: AsyncSession, until: Mapping[int, datetime]) -> None:
    """Record how far each item is planned (set explicitly, so the column's clear-on-update stays off)."""
    if until:
        await session.execute(_PLANNED, [{"b_id": i, "b_until": u} for i, u in until.items()])


async def overdue(session: AsyncSession, due_before: datetime) -> list[DeadlineRecord]:
    """Open one-off deadlines due before `due_before`: what creators' daily digests may list."""
    stmt = _query().where(DeadlineRow.status == OPEN, DeadlineRow.kind == DEADLINE,
                          DeadlineRow.rrule.is_(None), DeadlineRow.due_at < due_before)
    return await _records(session, stmt.order_by(DeadlineRow.id))


async def withdraw(session: AsyncSession, source_id: str, *, prefix: str = "", keep_snoozes: bool = False,
                   keep_keys: bool = False, keep_kinds: Sequence[str] = ()) -> int:
    """Take back a source's deliveries not yet claimed (one occurrence's, with `prefix`).

    Deleted, so planning again re-creates what still applies (an edit); with `keep_keys` they are marked
    withdrawn instead, so planning again cannot bring them back (a repeating item's run marked done).
    """
    where = [DeliveryRow.source_id == source_id, DeliveryRow.status == "pending"]
    if prefix:
        where.append(DeliveryRow.occurrence.startswith(prefix, autoescape=True))
    if keep_snoozes:
        where.append(~DeliveryRow.occurrence.startswith("s|"))
    if keep_kinds:
        where.append(DeliveryRow.kind.not_in(list(keep_kinds)))
    if source_id.startswith("dl:") and source_id[3:].isdigit():  # what is taken back is planned again
        await session.execute(sql_update(_DEADLINES).where(_DEADLINES.c.id == int(source_id[3:]))
                              .values(planned_until=None))
    if keep_keys:
        stmt = sql_update(DeliveryRow).where(*where).values(status=WITHDRAWN)
        result = await session.execute(stmt)
    else:
        result = await session.execute(delete(DeliveryRow).where(*where))
    return int(getattr(result, "rowcount", 0) or 0)


async def settings(session: AsyncSession, workspace_pk: int) -> dict[str, Any]:
    return await values.get(session, workspace_pk, SETTINGS_KEY) or {}


async def save_settings(session: AsyncSession, workspace_pk: int, value: dict[str, Any]) -> None:
    await values.put(session, workspace_pk, SETTINGS_KEY, value)

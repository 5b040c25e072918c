"""Deadlines and personal reminders, always within one workspace; ids from another workspace are absent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, exists, or_, select
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


async def insert(session: AsyncSession, new: NewDeadline, *, now: datetime) -> DeadlineRecord:
    row = DeadlineRow(
        workspace_id=new.workspace_pk,
        kind=new.kind,
        title=new.title,
        creator_user_id=new.creator,
        channel_id=new.channel_id,
        due_at=new.due_at,
        zone=new.zone,
        rrule=new.rrule,
        anchor_local=new.anchor_local,
        leads=list(new.leads),
        urgent=new.urgent,
        status=OPEN,
        planned_from=now,
        created_at=now,
        updated_at=now,
    )
    row.assignees = [DeadlineAssigneeRow(workspace_id=new.workspace_pk, user_id=u) for u in new.assignees]
    session.add(row)
    await session.flush()
    found = await get(session, new.workspace_pk, row.id)
    assert found is not None
    return found


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
    """Every open item of every workspace, for the planner (the one reader that spans workspaces)."""
    stmt = _query().where(DeadlineRow.status == OPEN).order_by(DeadlineRow.id)
    return await _records(session, stmt)


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

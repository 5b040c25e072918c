"""Workspaces and members. Every function takes the workspace: there is no unscoped query."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.core.identity import (
    AccountRef,
    DayOff,
    Member,
    Role,
    WorkingHours,
    Workspace,
    WorkspaceRef,
)
from storage.models import DayOffRow, MemberRow, WorkspaceRow
from storage.repositories.conflicts import insert_if_absent

WEEKDAY_CODES = "0123456"
USER_TZ = "user"
"""tz_source of a zone the member chose: nothing seeded from a platform replaces it."""
PLATFORM_TZ = "platform"


def encode_workdays(days: Iterable[int]) -> str:
    return "".join(sorted({WEEKDAY_CODES[d] for d in days}))


@functools.lru_cache(maxsize=128)
def decode_workdays(code: str) -> frozenset[int]:
    """'01234' → Monday to Friday (a team has few patterns: each decoded once)."""
    return frozenset(int(c) for c in code)


def workspace_from_row(row: WorkspaceRow) -> Workspace:
    ref = WorkspaceRef(platform=row.platform, workspace_id=row.external_id)
    return Workspace(id=row.id, ref=ref, name=row.name, default_locale=row.default_locale)


def member_from_row(row: MemberRow, workspace: WorkspaceRow) -> Member:
    hours = None
    if row.work_start_minute is not None and row.work_end_minute is not None:
        hours = WorkingHours(
            start_minute=row.work_start_minute,
            end_minute=row.work_end_minute,
            workdays=decode_workdays(row.workdays or ""),
        )
    role = Role.ADMIN if row.is_admin else Role.MANAGER if row.is_manager else Role.MEMBER
    account = AccountRef(platform=workspace.platform, workspace_id=workspace.external_id,
                         user_id=row.user_id)
    return Member(
        id=row.id, workspace_pk=row.workspace_id, account=account,
        display_name=row.display_name or row.user_id, tz=row.tz, tz_source=row.tz_source,
        hours=hours, locale=row.locale, country=row.country, role=role,
        days_off=tuple(DayOff(start=d.start_date, end=d.end_date) for d in row.days_off),
    )


async def get_workspace(session: AsyncSession, ref: WorkspaceRef) -> WorkspaceRow | None:
    stmt = select(WorkspaceRow).where(
        WorkspaceRow.platform == ref.platform, WorkspaceRow.external_id == ref.workspace_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def ensure_workspace(
    session: AsyncSession, ref: WorkspaceRef, *, now: datetime, name: str = "", locale: str = "en"
) -> WorkspaceRow:
    row = await get_workspace(session, ref)
    if row is None:
        values = {"platform": ref.platform, "external_id": ref.workspace_id, "name": name,
                  "default_locale": locale, "created_at": now}
        await insert_if_absent(session, WorkspaceRow, values, ("platform", "external_id"))
        row = await get_workspace(session, ref)
        assert row is not None  # inserted here, or by a concurrent first contact
    return row


async def latest_workspace_of(session: AsyncSession, platform: str, user_id: str) -> WorkspaceRow | None:
    """Where a person was last active on a platform: a DM outside any workspace belongs there."""
    stmt = (select(WorkspaceRow).join(MemberRow, MemberRow.workspace_id == WorkspaceRow.id)
            .where(WorkspaceRow.platform == platform, MemberRow.user_id == user_id)
            .order_by(MemberRow.updated_at.desc(), MemberRow.id.desc()).limit(1))
    row: WorkspaceRow | None = (await session.execute(stmt)).scalar_one_or_none()
    return row


async def set_workspace_locale(session: AsyncSession, workspace_pk: int, locale: str) -> None:
    row = await session.get_one(WorkspaceRow, workspace_pk)
    row.default_locale = locale


def _member_query(workspace_pk: int):  # type: ignore[no-untyped-def]
    return (
        select(MemberRow)
        .where(MemberRow.workspace_id == workspace_pk)
        .options(selectinload(MemberRow.days_off))
    )


async def get_member(session: AsyncSession, workspace_pk: int, user_id: str) -> MemberRow | None:
    stmt = _member_query(workspace_pk).where(MemberRow.user_id == user_id)
    row: MemberRow | None = (await session.execute(stmt)).scalar_one_or_none()
    return row


async def find_members_by_name(session: AsyncSession, workspace_pk: int, name: str) -> list[MemberRow]:
    """Display-name search, for people typing a name; never used as an identity key."""
    stmt = _member_query(workspace_pk).where(func.lower(MemberRow.display_name) == name.lower())
    return list((await session.execute(stmt)).scalars())


async def list_members(session: AsyncSession, workspace_pk: int) -> list[MemberRow]:
    stmt = _member_query(workspace_pk).order_by(MemberRow.display_name, MemberRow.user_id)
    return list((await session.execute(stmt)).scalars())


async def count_members(session: AsyncSession, workspace_pk: int) -> int:
    stmt = select(func.count()).select_from(MemberRow).where(MemberRow.workspace_id == workspace_pk)
    return int((await session.execute(stmt)).scalar_one())


async def ensure_member(
    session: AsyncSession, workspace_pk: int, user_id: str, *, now: datetime,
    display_name: str | None = None, is_admin: bool | None = None, platform_tz: str | None = None,
) -> MemberRow:
    """The member for a platform id, created on first contact; a newer display name is cached.

    `platform_tz` (already validated) follows the platform profile until the member sets a zone.
    """
    row = await get_member(session, workspace_pk, user_id)
    if row is None:
        values = {"workspace_id": workspace_pk, "user_id": user_id, "display_name": display_name or user_id,
                  "is_admin": bool(is_admin), "tz": platform_tz,
                  "tz_source": PLATFORM_TZ if platform_tz else None, "is_manager": False,
                  "created_at": now, "updated_at": now}
        if await insert_if_absent(session, MemberRow, values, ("workspace_id", "user_id")):
            created = await get_member(session, workspace_pk, user_id)
            assert created is not None
            return created
        row = await get_member(session, workspace_pk, user_id)  # a concurrent first contact won
        assert row is not None
    if platform_tz and row.tz_source != USER_TZ and row.tz != platform_tz:
        row.tz, row.tz_source = platform_tz, PLATFORM_TZ
        row.updated_at = now
    if display_name and display_name != row.display_name:
        row.display_name = display_name
        row.updated_at = now
    if is_admin is not None and is_admin != row.is_admin:
        row.is_admin = is_admin
        row.updated_at = now
    return row


async def add_day_off(
    session: AsyncSession, member: MemberRow, start: date, end: date
) -> None:
    session.add(DayOffRow(workspace_id=member.workspace_id, member_id=member.id,
                          start_date=start, end_date=end))
    await session.flush()


async def remove_days_off(
    session: AsyncSession, member: MemberRow, start: date, end: date
) -> int:
    """Remove the day-off ranges that overlap `[start, end]`; returns how many went."""
    stmt = delete(DayOffRow).where(
        DayOffRow.workspace_id == member.workspace_id,
        DayOffRow.member_id == member.id,
        DayOffRow.start_date <= end,
        DayOffRow.end_date >= start,
    )
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


async def members_by_ids(
    session: AsyncSession, workspace_pk: int, user_ids: Sequence[str]
) -> list[MemberRow]:
    if not user_ids:
        return []
    stmt = _member_query(workspace_pk).where(MemberRow.user_id.in_(list(user_ids)))
    return list((await session.execute(stmt)).scalars())

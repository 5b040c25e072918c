"""Profile writes: zone, hours, days off, language, country and roles of one member."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.identity import Member, WorkingHours
from bot.features.profile.parse import DateRange
from storage.models import MemberRow, WorkspaceRow
from storage.repositories import member_reads
from storage.repositories import members as repo
from storage.session import Database


async def load_member(db: Database, workspace_pk: int, user_id: str) -> Member | None:
    _, found = await db.read_with(lambda c: member_reads.workspace_members_on(c, workspace_pk, [user_id]))
    return found[0] if found else None


async def find_by_name(db: Database, workspace_pk: int, name: str) -> list[Member]:
    async with db.read() as s:
        rows = await repo.find_members_by_name(s, workspace_pk, name)
        ws = await s.get_one(WorkspaceRow, workspace_pk)
        return [repo.member_from_row(r, ws) for r in rows]


async def _row(s: AsyncSession, member: Member) -> MemberRow:
    row = await repo.get_member(s, member.workspace_pk, member.account.user_id)
    if row is None:
        raise LookupError(f"member {member.id} vanished")
    return row


async def set_zone(db: Database, member: Member, zone: str, *, source: str = "user") -> None:
    """A zone the member chose always wins over one seeded from a platform profile."""
    async with db.session() as s:
        row = await _row(s, member)
        if source != repo.USER_TZ and row.tz_source == repo.USER_TZ:
            return
        row.tz, row.tz_source = zone, source


async def set_hours(db: Database, member: Member, hours: WorkingHours) -> None:
    async with db.session() as s:
        row = await _row(s, member)
        row.work_start_minute = hours.start_minute
        row.work_end_minute = hours.end_minute
        row.workdays = repo.encode_workdays(hours.workdays)


async def add_days_off(db: Database, member: Member, span: DateRange) -> None:
    async with db.session() as s:
        await repo.add_day_off(s, await _row(s, member), span.start, span.end)


async def remove_days_off(db: Database, member: Member, start: date, end: date) -> int:
    async with db.session() as s:
        return await repo.remove_days_off(s, await _row(s, member), start, end)


async def set_locale(db: Database, member: Member, locale: str) -> None:
    async with db.session() as s:
        (await _row(s, member)).locale = locale


async def set_workspace_locale(db: Database, workspace_pk: int, locale: str) -> None:
    async with db.session() as s:
        await repo.set_workspace_locale(s, workspace_pk, locale)


async def set_country(db: Database, member: Member, country: str) -> None:
    async with db.session() as s:
        (await _row(s, member)).country = country


async def set_manager(db: Database, workspace_pk: int, user_id: str, flag: bool) -> Member | None:
    """Grant or withdraw the manager role; None when nobody with that id is in this workspace."""
    async with db.session() as s:
        row = await repo.get_member(s, workspace_pk, user_id)
        if row is None:
            return None
        row.is_manager = flag
        ws = await s.get_one(WorkspaceRow, workspace_pk)
        return repo.member_from_row(row, ws)


async def managers(db: Database, workspace_pk: int) -> list[Member]:
    async with db.read() as s:
        ws = await s.get_one(WorkspaceRow, workspace_pk)
        rows = await repo.list_members(s, workspace_pk)
        return [repo.member_from_row(r, ws) for r in rows if r.is_manager or r.is_admin]

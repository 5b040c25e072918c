"""Members read on every event and every list, without the ORM: building ORM objects cost more than the SQL.

Each statement is built once (its compiled form is cached with it) and returns plain rows, turned straight
into the core's `Member` and `Workspace`. Each `…_on` function is plain (a `Connection`), to run whole in one
hop into SQLAlchemy's greenlet (`Database.read_with`); the function of the same name without it does the
same inside an `AsyncSession`. Writes stay in `members` (the ORM's unit of work there is fine).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.identity import AccountRef, DayOff, Member, Role, WorkingHours, Workspace, WorkspaceRef
from storage.models import DayOffRow, MemberRow, WorkspaceRow
from storage.repositories.members import USER_TZ, decode_workdays

_WORKSPACES = cast(Table, WorkspaceRow.__table__)
_MEMBERS = cast(Table, MemberRow.__table__)
_DAYS_OFF = cast(Table, DayOffRow.__table__)
_M = _MEMBERS.c
T = TypeVar("T")
_MEMBER_COLUMNS = (_M.id.label("member_id"), _M.user_id, _M.display_name, _M.tz, _M.tz_source,
                   _M.work_start_minute, _M.work_end_minute, _M.workdays, _M.locale, _M.country, _M.is_admin,
                   _M.is_manager)


async def on(session: AsyncSession, fn: Callable[..., T], *args: Any) -> T:
    """Run one of these functions on the session's connection (in its transaction), in one hop."""
    conn = await session.connection()
    return await conn.run_sync(fn, *args)


@functools.lru_cache(maxsize=256)
def _hours(start: int, end: int, workdays: str) -> WorkingHours:
    """Immutable, and a team has few patterns: one object each."""
    return WorkingHours(start_minute=start, end_minute=end, workdays=decode_workdays(workdays))


@functools.lru_cache(maxsize=4096)
def _account(platform: str, workspace_id: str, user_id: str) -> AccountRef:
    return AccountRef(platform=platform, workspace_id=workspace_id, user_id=user_id)


def _member(r: Any, workspace_pk: int, ref: WorkspaceRef, days_off: Sequence[DayOff]) -> Member:
    hours = None
    if r.work_start_minute is not None and r.work_end_minute is not None:
        hours = _hours(r.work_start_minute, r.work_end_minute, r.workdays or "")
    role = Role.ADMIN if r.is_admin else Role.MANAGER if r.is_manager else Role.MEMBER
    return Member(
        id=r.member_id, workspace_pk=workspace_pk,
        account=_account(ref.platform, ref.workspace_id, r.user_id),
        display_name=r.display_name or r.user_id, tz=r.tz, tz_source=r.tz_source, hours=hours,
        locale=r.locale, country=r.country, role=role, days_off=tuple(days_off),
    )


@dataclass(frozen=True, kw_only=True)
class Found:
    """A workspace and (when known) one member of it, read in one statement for an event's context."""

    workspace: Workspace
    member: Member | None
    stored_name: str | None
    """The display name column as stored (the Member falls back to the user id when it is empty)."""
    is_admin: bool


_LOOKUP = (
    select(_WORKSPACES.c.id, _WORKSPACES.c.name, _WORKSPACES.c.default_locale, *_MEMBER_COLUMNS,
           _DAYS_OFF.c.start_date, _DAYS_OFF.c.end_date)
    .select_from(_WORKSPACES.outerjoin(_MEMBERS, (_M.workspace_id == _WORKSPACES.c.id)
                                       & (_M.user_id == bindparam("user_id")))
                 .outerjoin(_DAYS_OFF, _DAYS_OFF.c.member_id == _M.id))
    .where(_WORKSPACES.c.platform == bindparam("platform"),
           _WORKSPACES.c.external_id == bindparam("external_id"))
    .order_by(_DAYS_OFF.c.start_date)
)


def lookup_on(conn: Connection, ref: WorkspaceRef, user_id: str) -> Found | None:
    """The workspace and member of an event with their days off, in one statement; None: a new workspace."""
    params = {"user_id": user_id, "platform": ref.platform, "external_id": ref.workspace_id}
    rows = conn.execute(_LOOKUP, params).all()
    if not rows:
        return None
    r = rows[0]
    workspace = Workspace(id=r.id, ref=ref, name=r.name, default_locale=r.default_locale)
    if r.member_id is None:
        return Found(workspace=workspace, member=None, stored_name=None, is_admin=False)
    days_off = [DayOff(start=d.start_date, end=d.end_date) for d in rows if d.start_date is not None]
    return Found(workspace=workspace, member=_member(r, r.id, ref, days_off), stored_name=r.display_name,
                 is_admin=bool(r.is_admin))


def needs_ensure(found: Found | None, *, display_name: str | None, is_admin: bool | None,
                 platform_tz: str | None) -> bool:
    """Would `members.ensure_member` write? (A new member, or what the platform says has changed.)"""
    if found is None or found.member is None:
        return True
    member = found.member
    return bool(
        (platform_tz and member.tz_source != USER_TZ and member.tz != platform_tz)
        or (display_name and display_name != found.stored_name)
        or (is_admin is not None and is_admin != found.is_admin)
    )


_PREFS = (
    select(_M.tz, _M.locale, _WORKSPACES.c.default_locale)
    .select_from(_WORKSPACES.outerjoin(_MEMBERS, (_M.workspace_id == _WORKSPACES.c.id)
                                       & (_M.user_id == bindparam("user_id"))))
    .where(_WORKSPACES.c.platform == bindparam("platform"),
           _WORKSPACES.c.external_id == bindparam("external_id"))
)


def reader_prefs_on(conn: Connection, ref: WorkspaceRef,
                 user_id: str) -> tuple[str | None, str | None, str | None]:
    """(zone, member locale, workspace locale) of a message's reader in one statement (None: unknown)."""
    params = {"user_id": user_id, "platform": ref.platform, "external_id": ref.workspace_id}
    row = conn.execute(_PREFS, params).first()
    return (None, None, None) if row is None else (row.tz, row.locale, row.default_locale)


_BY_IDS = (select(*_MEMBER_COLUMNS)
           .where(_M.workspace_id == bindparam("ws"), _M.user_id.in_(bindparam("ids", expanding=True))))
_DAYS_OFF_OF = (select(_DAYS_OFF.c.member_id, _DAYS_OFF.c.start_date, _DAYS_OFF.c.end_date)
                .where(_DAYS_OFF.c.workspace_id == bindparam("ws"),
                       _DAYS_OFF.c.member_id.in_(bindparam("members", expanding=True)))
                .order_by(_DAYS_OFF.c.start_date))
_IDS = select(_M.user_id).where(_M.workspace_id == bindparam("ws"))
_IDS_ORDERED = _IDS.order_by(_M.display_name, _M.user_id)
_KNOWN = _IDS.where(_M.user_id.in_(bindparam("ids", expanding=True)))


def load_members_on(conn: Connection, workspace: Workspace, user_ids: Sequence[str]) -> list[Member]:
    """Members of one workspace with their days off (in no particular order; unknown ids are left out)."""
    if not user_ids:
        return []
    rows = conn.execute(_BY_IDS, {"ws": workspace.id, "ids": list(user_ids)}).all()
    if not rows:
        return []
    days_off: defaultdict[int, list[DayOff]] = defaultdict(list)
    found = conn.execute(_DAYS_OFF_OF, {"ws": workspace.id, "members": [r.member_id for r in rows]})
    for d in found:
        days_off[d.member_id].append(DayOff(start=d.start_date, end=d.end_date))
    return [_member(r, workspace.id, workspace.ref, days_off.get(r.member_id, ())) for r in rows]


_WORKSPACE = select(_WORKSPACES).where(_WORKSPACES.c.id == bindparam("ws"))


def workspace_members_on(conn: Connection, workspace_pk: int,
                      user_ids: Sequence[str]) -> tuple[Workspace | None, list[Member]]:
    """A workspace by its key and some of its members (for code that holds only the key)."""
    w = conn.execute(_WORKSPACE, {"ws": workspace_pk}).first()
    if w is None:
        return None, []
    ref = WorkspaceRef(platform=w.platform, workspace_id=w.external_id)
    workspace = Workspace(id=w.id, ref=ref, name=w.name, default_locale=w.default_locale)
    return workspace, load_members_on(conn, workspace, user_ids)


def user_ids_on(conn: Connection, workspace_pk: int) -> list[str]:
    """Every member's platform id, by display name (the shell's "everyone in the channel")."""
    return list(conn.execute(_IDS_ORDERED, {"ws": workspace_pk}).scalars())


def known_ids_on(conn: Connection, workspace_pk: int, user_ids: Sequence[str]) -> set[str]:
    """Which of these platform ids are members of the workspace."""
    if not user_ids:
        return set()
    return set(conn.execute(_KNOWN, {"ws": workspace_pk, "ids": list(user_ids)}).scalars())


async def lookup(session: AsyncSession, ref: WorkspaceRef, user_id: str) -> Found | None:
    return await on(session, lookup_on, ref, user_id)


async def reader_prefs(session: AsyncSession, ref: WorkspaceRef,
                       user_id: str) -> tuple[str | None, str | None, str | None]:
    return await on(session, reader_prefs_on, ref, user_id)


async def load_members(session: AsyncSession, workspace: Workspace, user_ids: Sequence[str]) -> list[Member]:
    return await on(session, load_members_on, workspace, user_ids)


async def workspace_members(session: AsyncSession, workspace_pk: int,
                            user_ids: Sequence[str]) -> tuple[Workspace | None, list[Member]]:
    return await on(session, workspace_members_on, workspace_pk, user_ids)


async def user_ids(session: AsyncSession, workspace_pk: int) -> list[str]:
    return await on(session, user_ids_on, workspace_pk)


async def known_ids(session: AsyncSession, workspace_pk: int, user_ids: Sequence[str]) -> set[str]:
    return await on(session, known_ids_on, workspace_pk, user_ids)

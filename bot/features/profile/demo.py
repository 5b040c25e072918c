"""The shell demo's distributed team: five members from Jakarta to New York."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.identity import WorkspaceRef
from storage.repositories import members as repo
from storage.session import Database

DEMO_WORKSPACE = WorkspaceRef(platform="shell", workspace_id="demo")


@dataclass(frozen=True, kw_only=True)
class DemoMember:
    user_id: str
    name: str
    tz: str
    country: str
    locale: str
    start: int = 9 * 60
    end: int = 17 * 60
    admin: bool = False


DEMO_TEAM: tuple[DemoMember, ...] = (
    DemoMember(user_id="ayu", name="Ayu", tz="Asia/Jakarta", country="ID", locale="id", admin=True),
    DemoMember(user_id="priya", name="Priya", tz="Asia/Kolkata", country="IN", locale="en",
               start=10 * 60, end=18 * 60 + 30),
    DemoMember(user_id="jonas", name="Jonas", tz="Europe/Berlin", country="DE", locale="en"),
    DemoMember(user_id="emma", name="Emma", tz="Europe/London", country="GB", locale="en",
               start=8 * 60 + 30, end=16 * 60 + 30),
    DemoMember(user_id="liam", name="Liam", tz="America/New_York", country="US", locale="en"),
)


async def seed_demo(db: Database, now: datetime) -> None:
    """Create the team once; a member's later changes to their own profile are kept."""
    async with db.session() as s:
        ws = await repo.ensure_workspace(s, DEMO_WORKSPACE, now=now, name="Demo team")
        for person in DEMO_TEAM:
            row = await repo.ensure_member(s, ws.id, person.user_id, now=now, display_name=person.name,
                                           is_admin=person.admin or None)
            if row.tz is None:
                row.tz, row.tz_source = person.tz, "user"
                row.country, row.locale = person.country, person.locale
                row.work_start_minute, row.work_end_minute = person.start, person.end
                row.workdays = repo.encode_workdays(range(5))

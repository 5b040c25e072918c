"""Support for the `rekan db` tests: a database with rows in every table, fresh PostgreSQL databases, and
reading whole tables back for comparison."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.models import (
    Base,
    DayOffRow,
    DeadlineAssigneeRow,
    DeadlineRow,
    DeliveryRow,
    DmChannelRow,
    KeyValueRow,
    MeetingPollRow,
    MeetingSeriesRow,
    MemberRow,
    PendingPromptRow,
    ProcessedEventRow,
    StandupAnswerRow,
    StandupMemberRow,
    StandupRow,
    WorkspaceRow,
)
from storage.session import Database
from tests.conftest import POSTGRES_URL, _postgres_unavailable

NOW = datetime(2026, 11, 28, 8, 0, 0, 123456, tzinfo=UTC)
SLACK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")
ALL_TABLES = tuple(t.name for t in Base.metadata.sorted_tables) + SLACK_TABLES


async def _admin(sql: str) -> None:
    assert POSTGRES_URL
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@asynccontextmanager
async def fresh_postgres(prefix: str = "rekan_ops") -> AsyncIterator[str]:
    """A new, empty database on the test server (no schema), dropped afterwards: its URL."""
    if not POSTGRES_URL:
        _postgres_unavailable("REKAN_TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_postgres_sync(prefix: str = "rekan_ops") -> Iterator[str]:
    """`fresh_postgres` for a test without an event loop (one that runs `rekan` in process)."""
    if not POSTGRES_URL:
        _postgres_unavailable("REKAN_TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _rows(now: datetime) -> list[list[Base]]:
    """Rows for every model, in foreign-key order (each inner list is flushed before the next)."""
    later = now + timedelta(days=3)
    slack = WorkspaceRow(id=7, platform="slack", external_id="T0REKAN", name="Rekan HQ", default_locale="id",
                         created_at=now)
    discord = WorkspaceRow(id=12, platform="discord", external_id="111222333444555666", name="Guild ✨",
                           default_locale="en", created_at=now)
    ayu = MemberRow(id=3, workspace_id=7, user_id="U0AYU", display_name="Ayu Lestari", tz="Asia/Jakarta",
                    tz_source="user", work_start_minute=540, work_end_minute=1020, workdays="01234",
                    locale="id", country="ID", is_admin=True, is_manager=False, created_at=now, updated_at=now)
    liam = MemberRow(id=9, workspace_id=7, user_id="U0LIAM", display_name="Liam O'Brien",
                     tz="America/New_York", tz_source="platform", work_start_minute=1320, work_end_minute=360,
                     workdays="0123", locale=None, country="US", is_admin=False, is_manager=True,
                     created_at=now, updated_at=later)
    dara = MemberRow(id=10, workspace_id=12, user_id="987654321", display_name="", tz=None, tz_source=None,
                     work_start_minute=None, work_end_minute=None, workdays=None, locale=None, country=None,
                     is_admin=False, is_manager=False, created_at=now, updated_at=now)
    series = MeetingSeriesRow(id=4, workspace_id=7, member_key="k" * 64, members=["U0AYU", "U0LIAM"], minutes=30,
                              tally={"U0AYU": {"minutes": 60, "times": 1}}, picks=[[1796000000, {"U0AYU": 60}]],
                              created_by="U0AYU", created_at=now, updated_at=now)
    deadline = DeadlineRow(id=21, workspace_id=7, kind="deadline", title="Ship v2.3 — rilis 🚀",
                           creator_user_id="U0AYU", channel_id="C0TEAM", due_at=later, zone="Asia/Jakarta",
                           rrule=None, anchor_local=None, leads=[1440, 120], urgent=True, status="open",
                           planned_from=now, created_at=now, updated_at=now, done_at=None, done_by=None,
                           planned_until=later)
    reminder = DeadlineRow(id=22, workspace_id=12, kind="reminder", title="Timesheet",
                           creator_user_id="987654321", channel_id=None, due_at=later, zone="Europe/Berlin",
                           rrule="FREQ=WEEKLY;BYDAY=FR", anchor_local="2026-12-04T17:00", leads=[],
                           urgent=False, status="done", planned_from=now, created_at=now, updated_at=later,
                           done_at=later, done_by="987654321", planned_until=None)
    standup = StandupRow(id=5, workspace_id=7, name="Daily", channel_id="C0TEAM", owner_user_id="U0AYU",
                         questions=[{"text": "Kemarin?", "kind": "text"}, {"text": "Blockers?", "blocker": True}],
                         days="01234", prompt_minute=570, time_mode="member", zone="Asia/Jakarta",
                         report_minute=1020, nudge_minutes=[60, 120], options={"anonymous": False},
                         paused=False, created_at=now, updated_at=now)
    return [
        [slack, discord, ProcessedEventRow(id=100, platform="slack", event_id="Ev0001", seen_at=now),
         ProcessedEventRow(id=101, platform="discord", event_id="1180000000000000001", seen_at=later)],
        [ayu, liam, dara, series, deadline, reminder, standup],
        [DayOffRow(id=2, workspace_id=7, member_id=3, start_date=date(2026, 12, 24), end_date=date(2026, 12, 26)),
         DeadlineAssigneeRow(id=31, workspace_id=7, deadline_id=21, user_id="U0AYU"),
         DeadlineAssigneeRow(id=32, workspace_id=7, deadline_id=21, user_id="U0LIAM"),
         StandupMemberRow(id=41, workspace_id=7, standup_id=5, user_id="U0AYU"),
         StandupMemberRow(id=42, workspace_id=7, standup_id=5, user_id="U0LIAM"),
         StandupAnswerRow(id=51, workspace_id=7, standup_id=5, day=date(2026, 11, 27), user_id="U0AYU",
                          status="done", step=2, answers=["Menulis tes", "Tidak ada"], skip_reason=None,
                          asked_at=now, answered_at=later, reported=True),
         StandupAnswerRow(id=52, workspace_id=7, standup_id=5, day=date(2026, 11, 27), user_id="U0LIAM",
                          status="skipped", step=0, answers=[], skip_reason="sick", asked_at=now,
                          answered_at=None, reported=False),
         MeetingPollRow(id=61, workspace_id=7, channel_id="C0TEAM", conversation_kind="channel",
                        owner_user_id="U0AYU", title="Planning", minutes=30, slots=[1796000000, 1796003600],
                        members=["U0AYU", "U0LIAM"], votes={"U0AYU": [0], "U0LIAM": [0, 1]}, status="open",
                        picked=None, series_id=4, created_at=now, updated_at=now),
         MeetingPollRow(id=62, workspace_id=12, channel_id="555", conversation_kind="channel",
                        owner_user_id="987654321", title="Retro", minutes=60, slots=[1796000000], members=[],
                        votes={}, status="closed", picked=0, series_id=None, created_at=now, updated_at=now),
         DeliveryRow(id=71, workspace_id=7, kind="deadline_reminder", source_id="dl:21", occurrence="2026-12-01|U0AYU",
                     due_at=later, status="pending", owner_user_id="U0AYU",
                     payload={"to": {"kind": "dm", "id": "U0AYU"}, "text": "Ingat: Ship v2.3 🚀", "n": [1, 2.5, None]},
                     claimed_by=None, lease_until=None, attempts=0, next_attempt_at=None, late=False,
                     sent_at=None, message_id=None, error=None, created_at=now),
         DeliveryRow(id=72, workspace_id=12, kind="reminder", source_id="dl:22", occurrence="2026-11-27",
                     due_at=now, status="sent", owner_user_id="987654321", payload={"text": "Timesheet"},
                     claimed_by="worker-1", lease_until=now, attempts=1, next_attempt_at=None, late=True,
                     sent_at=now, message_id="1180000000000000002", error="first try: 503", created_at=now),
         PendingPromptRow(id=81, workspace_id=7, user_id="U0AYU", key="tz.choice", kind="choice",
                          payload={"options": ["Asia/Jakarta", "Asia/Makassar"]}, created_at=now, expires_at=later),
         KeyValueRow(id=91, workspace_id=7, key="deadline.settings", value={"quiet": True, "lead": [60]}),
         DmChannelRow(id=95, workspace_id=12, user_id="987654321", channel_id="1180000000000000003",
                      created_at=now)],
    ]


async def seed(db: Database, now: datetime = NOW) -> None:
    """Rows in every table of a migrated database: every model, and slack_sdk's three stores."""
    async with db.session() as s:
        for batch in _rows(now):
            s.add_all(batch)
            await s.flush()
        naive = now.replace(tzinfo=None)  # slack_sdk writes naive UTC into its own tables
        await s.execute(text(
            "INSERT INTO slack_installations (client_id, app_id, team_id, bot_token, bot_scopes, user_id, "
            "is_enterprise_install, installed_at) VALUES ('1111.2222', 'A0REKAN', 'T0REKAN', 'xoxb-seed', "
            "'chat:write,commands', 'U0AYU', :false, :at)"), {"false": False, "at": naive})
        await s.execute(text(
            "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token, is_enterprise_install, installed_at) "
            "VALUES ('1111.2222', 'A0REKAN', 'T0REKAN', 'xoxb-seed', :false, :at)"), {"false": False, "at": naive})
        await s.execute(text("INSERT INTO slack_oauth_states (state, expire_at) VALUES ('st-1', :at)"),
                        {"at": naive})


async def counts(db: Database) -> dict[str, int]:
    """Rows per table (every table, slack_sdk's included)."""
    found: dict[str, int] = {}
    async with db.engine.connect() as conn:
        for name in ALL_TABLES:
            found[name] = int((await conn.execute(text(f'SELECT count(*) FROM "{name}"'))).scalar_one())
    return found


async def contents(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in id order: Rekan's tables read through the models' types (aware UTC,
    JSON decoded), slack_sdk's as the database describes them."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = await conn.execute(select(table).order_by(table.c.id))
            found[table.name] = [tuple(r) for r in rows]
        reflected = await conn.run_sync(_reflect)
        for name in SLACK_TABLES:
            table = reflected.tables[name]
            found[name] = [tuple(r) for r in await conn.execute(select(table).order_by(table.c.id))]
    return found


def _reflect(connection: Any) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection, only=list(SLACK_TABLES))
    return metadata


async def max_ids(db: Database) -> dict[str, int]:
    """The largest id of each table (0 when empty)."""
    found: dict[str, int] = {}
    async with db.engine.connect() as conn:
        for name in ALL_TABLES:
            sql = text(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')
            found[name] = int((await conn.execute(sql)).scalar_one())
    return found


async def seed_url(url: str) -> str:
    """A database at `url`, migrated to head and seeded: the source of the backup and copy tests."""
    db = Database(url)
    try:
        await db.upgrade()
        await seed(db)
    finally:
        await db.dispose()
    return url


@asynccontextmanager
async def empty_database(engine: str, directory: Path) -> AsyncIterator[Database]:
    """A database with no schema at all (not the session's migrated one): a file, or a new PostgreSQL one."""
    if engine == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{directory / 'empty.db'}")
        try:
            yield db
        finally:
            await db.dispose()
        return
    async with fresh_postgres("rekan_empty") as url:
        db = Database(url)
        try:
            yield db
        finally:
            await db.dispose()

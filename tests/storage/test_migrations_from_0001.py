"""A database from the first release (revision 0001) with rows in it, upgraded to head on SQLite and on
PostgreSQL: every row is still there, reads through today's repositories, and new rows go in beside it.

The 0001 tables are declared here as 0001_initial_schema.py created them, and written with SQLAlchemy Core
the way that release wrote them, so nothing of today's models leaks into the "old" data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from bot.core.identity import WorkspaceRef
from storage.models import DeadlineRow
from storage.repositories import deliveries, dm_channels, events, member_reads, members, prompts, values
from storage.repositories.deliveries import NewDelivery
from storage.session import Database
from storage.types import UTCDateTime
from tests.storage.dbops_support import empty_database

THEN = datetime(2026, 11, 28, 15, 18, 3, 651006, tzinfo=UTC)
"""When 0001 was the newest schema."""
NOW = THEN + timedelta(days=30)
Id = BigInteger().with_variant(Integer(), "sqlite")
v1 = MetaData()
WORKSPACES = Table("workspaces", v1, Column("id", Id, primary_key=True), Column("platform", String(16)),
                   Column("external_id", String(64)), Column("name", String(200)),
                   Column("default_locale", String(8)), Column("created_at", UTCDateTime()))
MEMBERS = Table("members", v1, Column("id", Id, primary_key=True),
                Column("workspace_id", Id, ForeignKey("workspaces.id")), Column("user_id", String(64)),
                Column("display_name", String(200)), Column("tz", String(64)), Column("tz_source", String(16)),
                Column("work_start_minute", Integer), Column("work_end_minute", Integer),
                Column("workdays", String(16)), Column("locale", String(8)), Column("country", String(2)),
                Column("is_admin", Boolean), Column("is_manager", Boolean), Column("created_at", UTCDateTime()),
                Column("updated_at", UTCDateTime()))
DAYS_OFF = Table("days_off", v1, Column("id", Id, primary_key=True), Column("workspace_id", Id),
                 Column("member_id", Id, ForeignKey("members.id")), Column("start_date", Date),
                 Column("end_date", Date))
DELIVERIES = Table("deliveries", v1, Column("id", Id, primary_key=True), Column("workspace_id", Id),
                   Column("kind", String(32)), Column("source_id", String(64)), Column("occurrence", String(64)),
                   Column("due_at", UTCDateTime()), Column("status", String(16)),
                   Column("owner_user_id", String(64)), Column("payload", JSON),
                   Column("claimed_by", String(64)), Column("lease_until", UTCDateTime()),
                   Column("attempts", Integer), Column("next_attempt_at", UTCDateTime()), Column("late", Boolean),
                   Column("sent_at", UTCDateTime()), Column("message_id", String(128)), Column("error", Text),
                   Column("created_at", UTCDateTime()))
PROMPTS = Table("pending_prompts", v1, Column("id", Id, primary_key=True), Column("workspace_id", Id),
                Column("user_id", String(64)), Column("key", String(128)), Column("kind", String(8)),
                Column("payload", JSON), Column("created_at", UTCDateTime()), Column("expires_at", UTCDateTime()))
EVENTS = Table("processed_events", v1, Column("id", Id, primary_key=True), Column("platform", String(16)),
               Column("event_id", String(128)), Column("seen_at", UTCDateTime()))
KEY_VALUES = Table("key_values", v1, Column("id", Id, primary_key=True), Column("workspace_id", Id),
                   Column("key", String(64)), Column("value", JSON))
SLACK = WorkspaceRef(platform="slack", workspace_id="T0REKAN")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema at all, on each engine."""
    async with empty_database(request.param, tmp_path) as db:
        yield db


async def _write_as_0001(db: Database) -> dict[str, int]:
    """What a team using the first release left behind; the ids the database gave, by name."""
    ids: dict[str, int] = {}
    async with db.engine.begin() as conn:
        async def add(label: str, table: Table, /, **row: object) -> int:
            ids[label] = int((await conn.execute(insert(table).returning(table.c.id), row)).scalar_one())
            return ids[label]

        ws = await add("slack", WORKSPACES, platform="slack", external_id="T0REKAN", name="Rekan HQ",
                       default_locale="id", created_at=THEN)
        await add("shell", WORKSPACES, platform="shell", external_id="local", name="", default_locale="en",
                  created_at=THEN)
        person = {"workspace_id": ws, "is_manager": False, "created_at": THEN, "updated_at": THEN}
        ayu = await add("ayu", MEMBERS, **person, user_id="U0AYU", display_name="Ayu Lestari",
                        tz="Asia/Jakarta", tz_source="user", work_start_minute=540, work_end_minute=1020,
                        workdays="01234", locale="id", country="ID", is_admin=True)
        await add("liam", MEMBERS, **person, user_id="U0LIAM", display_name="Liam", tz="America/New_York",
                  tz_source="platform", work_start_minute=None, work_end_minute=None, workdays=None,
                  locale=None, country=None, is_admin=False)
        await add("ayu_off", DAYS_OFF, workspace_id=ws, member_id=ayu, start_date=date(2026, 12, 24),
                  end_date=date(2026, 12, 26))
        base = {"workspace_id": ws, "owner_user_id": "U0AYU", "claimed_by": None, "lease_until": None,
                "next_attempt_at": None, "message_id": None, "error": None, "created_at": THEN}
        await add("due", DELIVERIES, **base, kind="reminder", source_id="r:1", occurrence="2026-12-01",
                  due_at=THEN + timedelta(days=3), status="pending",
                  payload={"to": {"kind": "dm", "id": "U0AYU"}, "text": "Ingat: rapat 🚀"}, attempts=0,
                  late=False, sent_at=None)
        await add("sent", DELIVERIES, **base, kind="reminder", source_id="r:1", occurrence="2026-11-28",
                  due_at=THEN, status="sent", payload={"text": "done"}, attempts=1, late=True, sent_at=THEN)
        await add("prompt", PROMPTS, workspace_id=ws, user_id="U0AYU", key="tz.choice", kind="choice",
                  payload={"options": ["Asia/Jakarta", "Asia/Makassar"]}, created_at=THEN, expires_at=None)
        await add("event", EVENTS, platform="slack", event_id="Ev0001", seen_at=THEN)
        await add("clock", KEY_VALUES, workspace_id=ws, key="demo.clock", value={"now": THEN.isoformat()})
    return ids


async def test_rows_written_at_0001_survive_the_upgrade_to_head_and_read_through_todays_code(
        empty: Database) -> None:
    db = empty
    await db.upgrade("0001")
    assert await db.current_revision() == "0001"
    ids = await _write_as_0001(db)
    await db.upgrade()
    assert await db.current_revision() == db.head_revision()

    async with db.read() as s:
        found = await member_reads.lookup(s, SLACK, "U0AYU")
        assert found is not None and found.member is not None
        ayu = found.member
        assert (ayu.id, ayu.display_name, ayu.tz, ayu.locale, ayu.country) == (
            ids["ayu"], "Ayu Lestari", "Asia/Jakarta", "id", "ID")
        assert ayu.hours is not None and (ayu.hours.start_minute, ayu.hours.end_minute) == (540, 1020)
        assert ayu.hours.workdays == frozenset(range(5)) and found.is_admin
        assert [(d.start, d.end) for d in ayu.days_off] == [(date(2026, 12, 24), date(2026, 12, 26))]
        assert found.workspace.default_locale == "id"
        listed = await members.list_members(s, found.workspace.id)
        assert [m.user_id for m in listed] == ["U0AYU", "U0LIAM"]
        workspace = await members.get_workspace(s, SLACK)
        assert workspace is not None
        liam = members.member_from_row(listed[1], workspace)
        assert (liam.tz, liam.hours) == ("America/New_York", None)

        due = await deliveries.get(s, ids["due"])
        assert due is not None
        assert (due.status, due.due_at, due.payload["text"]) == ("pending", THEN + timedelta(days=3), "Ingat: rapat 🚀")
        sent = await deliveries.get(s, ids["sent"])
        assert sent is not None and (sent.sent_at, sent.late) == (THEN, True)
        prompt = await prompts.get_prompt(s, ids["slack"], "U0AYU", "tz.choice")
        assert prompt is not None and prompt.payload["options"][1] == "Asia/Makassar"
        assert await values.get(s, ids["slack"], "demo.clock") == {"now": THEN.isoformat()}

    async with db.session() as s:  # the outbox claims the old pending row, and the old event is still a duplicate
        claimed = await deliveries.claim_due(s, worker_id="w1", now=NOW, lease_until=NOW + timedelta(minutes=5),
                                             limit=10)
        assert [c.id for c in claimed] == [ids["due"]]
        assert not await events.mark_processed(s, "slack", "Ev0001", NOW)

    async with db.session() as s:  # new rows beside the old ones: ids continue, later tables accept old keys
        ws = await members.ensure_workspace(s, WorkspaceRef(platform="discord", workspace_id="G1"), now=NOW)
        assert ws.id > ids["shell"]
        member = await members.ensure_member(s, ids["slack"], "U0NEW", now=NOW, display_name="New")
        assert member.id > ids["liam"]
        old = await members.get_member(s, ids["slack"], "U0AYU")
        assert old is not None
        await members.add_day_off(s, old, date(2027, 1, 1), date(2027, 1, 1))
        added = await deliveries.insert_new(s, [NewDelivery(
            workspace_pk=ids["slack"], kind="reminder", source_id="r:1", occurrence="2026-12-02",
            due_at=NOW, payload={})], now=NOW)
        assert added == 1
        await dm_channels.put(s, ids["slack"], "U0AYU", "D0AYU", now=NOW)
        s.add(DeadlineRow(workspace_id=ids["slack"], kind="deadline", title="After the upgrade",
                          creator_user_id="U0AYU", channel_id=None, due_at=NOW, zone="Asia/Jakarta", leads=[],
                          planned_from=NOW, created_at=NOW, updated_at=NOW))
    async with db.read() as s:
        found = await member_reads.lookup(s, SLACK, "U0AYU")
        assert found is not None and found.member is not None and len(found.member.days_off) == 2
        assert await dm_channels.get(s, ids["slack"], "U0AYU") == "D0AYU"
        total = (await s.execute(select(func.count()).select_from(DELIVERIES))).scalar_one()
        assert total == 3

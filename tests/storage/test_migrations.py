"""Migration 0006 (stored DM channel ids) on an existing database, on SQLite and on PostgreSQL: upgrade from
0005 with rows in place, the table as the model declares it, and back down to 0005."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from storage.models import Base, DmChannelRow
from storage.repositories import dm_channels
from storage.session import Database, alembic_config
from tests.storage.dbops_support import empty_database

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
TABLE = DmChannelRow.__tablename__


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema at all, on each engine."""
    async with empty_database(request.param, tmp_path) as db:
        yield db


def _downgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, revision)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _differences(connection: Connection) -> list[object]:
    """What autogenerate would change in the new table to match the model (nothing, if they agree)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if TABLE in repr(d)]


async def test_0006_adds_the_table_to_a_database_at_0005_and_removes_it_again(empty: Database) -> None:
    await empty.upgrade("0005")
    async with empty.session() as s:
        await s.execute(text("INSERT INTO workspaces (platform, external_id, name, default_locale, created_at) "
                             "VALUES ('discord', 'G1', 'Guild', 'en', :now)"), {"now": NOW})
        ws = int((await s.execute(text("SELECT id FROM workspaces"))).scalar_one())
    await empty.upgrade("0006")
    assert await empty.current_revision() == "0006"
    async with empty.engine.connect() as conn:
        assert TABLE in await conn.run_sync(_tables)
        assert await conn.run_sync(_differences) == []
    async with empty.session() as s:
        await dm_channels.put(s, ws, "ayu", "D1", now=NOW)
    with pytest.raises(IntegrityError):  # one row per member and workspace, enforced by the database
        async with empty.session() as s:
            s.add(DmChannelRow(workspace_id=ws, user_id="ayu", channel_id="D2", created_at=NOW))
    async with empty.engine.begin() as conn:
        await conn.run_sync(_downgrade, "0005")
    async with empty.engine.connect() as conn:
        assert TABLE not in await conn.run_sync(_tables)
    await empty.upgrade("head")  # and up again to whatever follows
    async with empty.read() as s:
        assert await dm_channels.get(s, ws, "ayu") is None

"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, a manual clock.

PostgreSQL tests run against REKAN_TEST_POSTGRES_URL. Without it they skip on a developer machine;
under CI=true a missing or unreachable server fails them instead, so CI can never skip them quietly.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from storage.session import Database

POSTGRES_URL = os.environ.get("REKAN_TEST_POSTGRES_URL")
SLACK_STORE_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")
"""slack_sdk's tables (migration 0002): not Rekan models, but emptied between tests all the same."""
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _run(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion on a private loop, even when called from inside a test loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def _postgres_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(reason)


async def _admin_execute(sql: str) -> None:
    import asyncpg  # local: only PostgreSQL tests need it

    assert POSTGRES_URL
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway database on the CI server, created once per test session and migrated."""
    if not POSTGRES_URL:
        _postgres_unavailable("REKAN_TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL
    name = f"rekan_test_{uuid.uuid4().hex[:10]}"
    try:
        _run(_admin_execute(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        _postgres_unavailable(f"cannot reach PostgreSQL at {POSTGRES_URL}: {exc}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    async def migrate() -> None:
        db = Database(url)
        await db.upgrade()
        await db.dispose()

    _run(migrate())
    yield url
    _run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_postgres(db: Database) -> None:
    from sqlalchemy import text

    from storage.models import Base

    names = [t.name for t in Base.metadata.sorted_tables] + list(SLACK_STORE_TABLES)
    tables = ", ".join(f'"{n}"' for n in names)
    async with db.session() as s:
        await s.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: every storage-touching test runs on both engines."""
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
        await database.upgrade()
    else:
        url = request.getfixturevalue("postgres_database")
        database = Database(url)
        await _truncate_postgres(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}"


@pytest.fixture
def clock() -> ManualClock:
    """Saturday 28 November 2026, 08:00 UTC."""
    return ManualClock(datetime(2026, 11, 28, 8, 0, tzinfo=UTC))

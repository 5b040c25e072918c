"""The UTC column type: aware in, aware UTC out, naive refused before it reaches the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from storage.models import WorkspaceRow
from storage.session import Database


async def test_aware_datetimes_round_trip_as_utc(db: Database) -> None:
    jakarta = timezone(timedelta(hours=7))
    async with db.session() as s:
        s.add(WorkspaceRow(platform="shell", external_id="w1", name="W",
                           created_at=datetime(2026, 11, 30, 9, 0, tzinfo=jakarta)))
    async with db.read() as s:
        row = (await s.execute(select(WorkspaceRow))).scalar_one()
    assert row.created_at == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert row.created_at.utcoffset() == timedelta(0)


async def test_naive_datetime_is_refused_and_nothing_is_written(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.session() as s:
            s.add(WorkspaceRow(platform="shell", external_id="w2", name="W",
                               created_at=datetime(2026, 11, 30, 9, 0)))
    async with db.read() as s:
        assert (await s.execute(select(WorkspaceRow))).first() is None


async def test_migrations_are_at_head(db: Database) -> None:
    assert await db.current_revision() == db.head_revision()

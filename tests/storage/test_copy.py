"""`storage.copy.copy_database`: every row of every table crosses engines unchanged, PostgreSQL's id
sequences continue after the copied ids, and a target with rows (or a failed copy) is never half-written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.core.identity import WorkspaceRef
from storage import copy as copy_module
from storage.copy import copy_database
from storage.ops import OpsError
from storage.repositories import deliveries, events, members
from storage.repositories.deliveries import NewDelivery
from storage.session import Database
from tests.storage.dbops_support import (
    ALL_TABLES,
    NOW,
    contents,
    counts,
    fresh_postgres,
    max_ids,
    seed_url,
)


async def _read(url: str) -> tuple[dict[str, int], dict[str, list[tuple[Any, ...]]]]:
    db = Database(url)
    try:
        return await counts(db), await contents(db)
    finally:
        await db.dispose()


@pytest.mark.postgres
async def test_sqlite_to_postgres_and_back_keeps_every_row_and_postgres_ids_continue(tmp_path: Path) -> None:
    source = await seed_url(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    source_counts, source_rows = await _read(source)
    assert all(source_counts[name] > 0 for name in ALL_TABLES), source_counts  # the seed covers every table
    async with fresh_postgres() as target:
        copied = await copy_database(source, target, chunk=2)  # several chunks per table
        assert {c.table: c.rows for c in copied} == source_counts
        assert await _read(target) == (source_counts, source_rows)

        db = Database(target)
        try:
            before = await max_ids(db)
            async with db.engine.begin() as conn:  # every id sequence hands out the id after the copied ones
                for name in ALL_TABLES:
                    nxt = (await conn.execute(text(
                        f"SELECT nextval(pg_get_serial_sequence('\"{name}\"', 'id'))"))).scalar_one()
                    assert nxt == before[name] + 1, name
            async with db.session() as s:  # and Rekan's own inserts succeed after it
                ws = await members.ensure_workspace(s, WorkspaceRef(platform="slack", workspace_id="T0NEW"), now=NOW)
                member = await members.ensure_member(s, ws.id, "U0NEW", now=NOW)
                new = await deliveries.insert_new(s, [NewDelivery(
                    workspace_pk=7, kind="reminder", source_id="dl:99", occurrence="x", due_at=NOW,
                    payload={})], now=NOW)
                assert await events.mark_processed(s, "slack", "Ev0002", NOW)
                assert not await events.mark_processed(s, "slack", "Ev0001", NOW)  # copied: still a duplicate
            assert ws.id > before["workspaces"] and member.id > before["members"] and new == 1
        finally:
            await db.dispose()

        back = f"sqlite+aiosqlite:///{tmp_path / 'back.db'}"
        await copy_database(target, back)
        back_counts, back_rows = await _read(back)
        assert back_counts["workspaces"] == source_counts["workspaces"] + 1
        assert back_rows["members"][: len(source_rows["members"])] == source_rows["members"]
        assert back_rows["standup_answers"] == source_rows["standup_answers"]
        assert back_rows["slack_installations"] == source_rows["slack_installations"]


async def test_sqlite_to_sqlite_in_chunks_keeps_every_row(tmp_path: Path) -> None:
    source = await seed_url(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    target = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    copied = await copy_database(source, target, chunk=1)
    assert [c.table for c in copied][: len(ALL_TABLES) - 3] == list(ALL_TABLES[:-3])  # foreign-key order
    assert await _read(target) == await _read(source)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """An empty target database with no schema, on each engine."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'target.db'}"
        return
    async with fresh_postgres() as url:
        yield url


async def test_a_target_with_rows_is_refused_and_left_as_it_was(tmp_path: Path, target: str) -> None:
    source = await seed_url(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    db = Database(target)
    try:
        await db.upgrade()
        async with db.session() as s:
            await members.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id="local"), now=NOW)
        with pytest.raises(OpsError, match=r"already has rows \(workspaces: 1\)"):
            await copy_database(source, target)
        assert sum((await counts(db)).values()) == 1
    finally:
        await db.dispose()


async def test_a_copy_that_fails_half_way_leaves_the_target_empty(tmp_path: Path, target: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    source = await seed_url(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    real = copy_module._copy_table

    async def failing(sconn: Any, tconn: Any, pair: Any, chunk: int) -> int:
        if pair.target.name == "standups":
            raise RuntimeError("disk full")
        return await real(sconn, tconn, pair, chunk)

    monkeypatch.setattr(copy_module, "_copy_table", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        await copy_database(source, target)
    db = Database(target)
    try:
        assert set((await counts(db)).values()) == {0}
    finally:
        await db.dispose()
    monkeypatch.setattr(copy_module, "_copy_table", real)
    await copy_database(source, target)  # and the copy can simply be run again
    assert await _read(target) == await _read(source)


async def test_a_source_behind_head_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    db = Database(url)
    await db.upgrade("0005")
    await db.dispose()
    head = db.head_revision()
    with pytest.raises(OpsError, match=rf"revision 0005, not {head}: run `rekan db upgrade`"):
        await copy_database(url, f"sqlite+aiosqlite:///{tmp_path / 'target.db'}")
    assert not (tmp_path / "target.db").exists()


async def test_a_missing_source_file_or_the_same_database_is_refused(tmp_path: Path) -> None:
    source = await seed_url(f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    with pytest.raises(OpsError, match="no database file"):
        await copy_database(f"sqlite+aiosqlite:///{tmp_path / 'nope.db'}", source)
    assert not (tmp_path / "nope.db").exists()
    with pytest.raises(OpsError, match="itself"):
        await copy_database(source, f"sqlite+aiosqlite:///{tmp_path}/./rekan.db")

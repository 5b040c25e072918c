"""Stored DM channel ids: one per member and workspace, replaced in one statement, forgotten on request."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.identity import WorkspaceRef
from storage.repositories import dm_channels
from storage.repositories import members as members_repo
from storage.session import Database

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


async def workspaces(db: Database, *names: str) -> list[int]:
    async with db.session() as s:
        return [(await members_repo.ensure_workspace(s, WorkspaceRef(platform="discord", workspace_id=n),
                                                     now=NOW)).id for n in names]


async def test_an_id_is_kept_per_workspace_and_member(db: Database) -> None:
    one, two = await workspaces(db, "G1", "G2")
    async with db.session() as s:
        await dm_channels.put(s, one, "ayu", "D1", now=NOW)
    async with db.read() as s:
        assert await dm_channels.get(s, one, "ayu") == "D1"
        assert await dm_channels.get(s, two, "ayu") is None  # another workspace sees nothing of it
        assert await dm_channels.get(s, one, "priya") is None


async def test_two_senders_storing_at_once_leave_one_row_and_no_error(db: Database) -> None:
    [ws] = await workspaces(db, "G1")

    async def store(n: int) -> None:
        async with db.session() as s:
            await dm_channels.put(s, ws, "ayu", f"D{n}", now=NOW)

    await asyncio.gather(*(store(n) for n in range(8)))
    async with db.read() as s:
        assert await dm_channels.get(s, ws, "ayu") in {f"D{n}" for n in range(8)}


async def test_forgetting_removes_only_that_members_row_in_that_workspace(db: Database) -> None:
    one, two = await workspaces(db, "G1", "G2")
    async with db.session() as s:
        for ws in (one, two):
            for user in ("ayu", "priya"):
                await dm_channels.put(s, ws, user, f"D-{user}", now=NOW)
    async with db.session() as s:
        assert await dm_channels.forget(s, one, "ayu") == 1
    async with db.read() as s:
        assert await dm_channels.get(s, one, "ayu") is None
        assert await dm_channels.get(s, one, "priya") == "D-priya"
        assert await dm_channels.get(s, two, "ayu") == "D-ayu"

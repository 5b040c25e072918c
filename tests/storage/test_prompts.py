"""Pending prompts: a new prompt with the same key replaces the old one, even when two arrive at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.identity import WorkspaceRef
from storage.repositories import members as members_repo
from storage.repositories.prompts import get_prompt, save_prompt
from storage.session import Database

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


async def test_two_prompts_with_one_key_at_once_leave_one_row_and_no_error(db: Database) -> None:
    async with db.session() as s:
        ws = await members_repo.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id="T1"), now=NOW)
        workspace_pk = ws.id

    async def save(n: int) -> None:
        async with db.session() as s:
            await save_prompt(s, workspace_pk, "ayu", key="k", kind="choice", payload={"n": n}, now=NOW,
                              expires_at=None)

    await asyncio.gather(*(save(n) for n in range(8)))
    async with db.read() as s:
        row = await get_prompt(s, workspace_pk, "ayu", "k")
    assert row is not None and row.payload["n"] in range(8)


async def test_a_new_prompt_replaces_the_old_one(db: Database) -> None:
    async with db.session() as s:
        ws = await members_repo.ensure_workspace(s, WorkspaceRef(platform="shell", workspace_id="T1"), now=NOW)
        await save_prompt(s, ws.id, "ayu", key="k", kind="choice", payload={"n": 1}, now=NOW, expires_at=None)
        await save_prompt(s, ws.id, "ayu", key="k", kind="form", payload={"n": 2}, now=NOW, expires_at=None)
        row = await get_prompt(s, ws.id, "ayu", "k")
    assert row is not None and (row.kind, row.payload) == ("form", {"n": 2})

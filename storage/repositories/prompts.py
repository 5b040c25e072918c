"""Choices and forms waiting for an answer, stored so they survive a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingPromptRow
from storage.repositories.conflicts import upsert, upsert_on

_PROMPT_KEY = ("workspace_id", "user_id", "key")


async def save_prompt(
    session: AsyncSession, workspace_pk: int, user_id: str, *, key: str, kind: str,
    payload: dict[str, Any], now: datetime, expires_at: datetime | None,
) -> None:
    """Store a prompt; a new prompt with the same key replaces the old one (one upsert: two commands of one
    member at once on PostgreSQL raced a delete-then-insert into the unique key)."""
    await upsert(session, PendingPromptRow,
                 {"workspace_id": workspace_pk, "user_id": user_id, "key": key, "kind": kind,
                  "payload": payload, "created_at": now, "expires_at": expires_at}, keys=_PROMPT_KEY)


def save_prompt_on(conn: Connection, workspace_pk: int, user_id: str, *, key: str, kind: str,
                   payload: dict[str, Any], now: datetime, expires_at: datetime | None) -> None:
    """`save_prompt` on a plain connection (one hop, `Database.write_with`)."""
    upsert_on(conn, PendingPromptRow,
              {"workspace_id": workspace_pk, "user_id": user_id, "key": key, "kind": kind, "payload": payload,
               "created_at": now, "expires_at": expires_at}, keys=_PROMPT_KEY)


async def get_prompt(
    session: AsyncSession, workspace_pk: int, user_id: str, key: str
) -> PendingPromptRow | None:
    stmt = select(PendingPromptRow).where(
        PendingPromptRow.workspace_id == workspace_pk,
        PendingPromptRow.user_id == user_id,
        PendingPromptRow.key == key,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def live_prompts(
    session: AsyncSession, workspace_pk: int, user_id: str, now: datetime, kind: str | None = None
) -> list[PendingPromptRow]:
    """Unexpired prompts of a member, newest first."""
    stmt = select(PendingPromptRow).where(
        PendingPromptRow.workspace_id == workspace_pk,
        PendingPromptRow.user_id == user_id,
        or_(PendingPromptRow.expires_at.is_(None), PendingPromptRow.expires_at > now),
    )
    if kind is not None:
        stmt = stmt.where(PendingPromptRow.kind == kind)
    stmt = stmt.order_by(PendingPromptRow.created_at.desc(), PendingPromptRow.id.desc())
    return list((await session.execute(stmt)).scalars())


async def delete_prompt(session: AsyncSession, workspace_pk: int, user_id: str, key: str) -> None:
    await session.execute(delete(PendingPromptRow).where(
        PendingPromptRow.workspace_id == workspace_pk,
        PendingPromptRow.user_id == user_id,
        PendingPromptRow.key == key,
    ))

"""Small per-workspace values kept across restarts (drafts waiting for an answer, settings)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValueRow


async def put(session: AsyncSession, workspace_pk: int, key: str, value: dict[str, Any]) -> None:
    stmt = select(KeyValueRow).where(KeyValueRow.workspace_id == workspace_pk, KeyValueRow.key == key)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        session.add(KeyValueRow(workspace_id=workspace_pk, key=key, value=value))
    else:
        row.value = value
    await session.flush()


_GET = select(KeyValueRow.value).where(KeyValueRow.workspace_id == bindparam("ws"),
                                       KeyValueRow.key == bindparam("key"))


def get_on(conn: Connection, workspace_pk: int, key: str) -> dict[str, Any] | None:
    """`get` on a plain connection (one hop, `Database.read_with`)."""
    value = conn.execute(_GET, {"ws": workspace_pk, "key": key}).scalar()
    return dict(value) if value is not None else None


async def get(session: AsyncSession, workspace_pk: int, key: str) -> dict[str, Any] | None:
    stmt = select(KeyValueRow.value).where(KeyValueRow.workspace_id == workspace_pk, KeyValueRow.key == key)
    value = await session.scalar(stmt)
    return dict(value) if value is not None else None


async def take(session: AsyncSession, workspace_pk: int, key: str) -> dict[str, Any] | None:
    """Read and remove: an answered draft cannot be answered twice."""
    value = await get(session, workspace_pk, key)
    if value is not None:
        await session.execute(
            delete(KeyValueRow).where(KeyValueRow.workspace_id == workspace_pk, KeyValueRow.key == key)
        )
    return value

"""A member's DM channel with the bot, for platforms that need its id before a DM can be sent (Discord).

Kept across restarts so the first DM after a start costs one request, not two. Scoped by workspace like
every other row: the same person in two guilds has a row in each (with the same channel id).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DmChannelRow
from storage.repositories.conflicts import upsert


async def get(session: AsyncSession, workspace_pk: int, user_id: str) -> str | None:
    """The member's DM channel id, or None when it was never stored."""
    stmt = select(DmChannelRow.channel_id).where(DmChannelRow.workspace_id == workspace_pk,
                                                 DmChannelRow.user_id == user_id)
    found: str | None = await session.scalar(stmt)
    return found


async def put(session: AsyncSession, workspace_pk: int, user_id: str, channel_id: str, *,
              now: datetime) -> None:
    """Store (or replace) it in one statement, so two senders opening the same DM at once both succeed."""
    values = {"workspace_id": workspace_pk, "user_id": user_id, "channel_id": channel_id, "created_at": now}
    await upsert(session, DmChannelRow, values, ("workspace_id", "user_id"))


async def forget(session: AsyncSession, workspace_pk: int, user_id: str) -> int:
    """Delete the member's row (forget-me); returns how many went."""
    result = await session.execute(delete(DmChannelRow).where(DmChannelRow.workspace_id == workspace_pk,
                                                              DmChannelRow.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)

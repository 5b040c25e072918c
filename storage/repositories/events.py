"""Platform event ids already handled, so a retried delivery of the same event runs once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedEventRow
from storage.repositories.conflicts import insert_if_absent, insert_if_absent_on


def mark_processed_on(conn: Connection, platform: str, event_id: str, now: datetime) -> bool:
    """`mark_processed` on a plain connection (the router's one-hop context transaction)."""
    values = {"platform": platform, "event_id": event_id, "seen_at": now}
    return insert_if_absent_on(conn, ProcessedEventRow, values, ("platform", "event_id"))


async def mark_processed(session: AsyncSession, platform: str, event_id: str, now: datetime) -> bool:
    """Record the event; False when it was already recorded (a platform retry)."""
    values = {"platform": platform, "event_id": event_id, "seen_at": now}
    return await insert_if_absent(session, ProcessedEventRow, values, ("platform", "event_id"))


async def prune_processed(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    result = await session.execute(
        delete(ProcessedEventRow).where(ProcessedEventRow.seen_at < now - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)

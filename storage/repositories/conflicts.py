"""INSERT … ON CONFLICT on both engines: first contact from two events at once is not an error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


async def insert_if_absent(session: AsyncSession, model: type[Base], values: Mapping[str, Any],
                           keys: Sequence[str]) -> bool:
    """True when this call inserted the row; False when a row with the same `keys` was already there."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def upsert(session: AsyncSession, model: type[Base], values: Mapping[str, Any],
                 keys: Sequence[str]) -> None:
    """Insert, or update the row with the same `keys` in the same statement (no delete-then-insert race)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    changed = {k: v for k, v in values.items() if k not in keys}
    stmt = insert(model).values(**values).on_conflict_do_update(index_elements=list(keys), set_=changed)
    await session.execute(stmt)

"""INSERT … ON CONFLICT on both engines: first contact from two events at once is not an error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

_built: dict[tuple[Any, ...], Insert] = {}
"""Statements by (dialect, table, columns, keys, kind): built once, so each call only binds its values."""


def _statement(dialect: str, model: type[Base], columns: Sequence[str], keys: Sequence[str],
               update: bool) -> Insert:
    cache_key = (dialect, model, tuple(columns), tuple(keys), update)
    found = _built.get(cache_key)
    if found is None:
        table = cast(Table, model.__table__)
        pg = dialect == "postgresql"
        stmt = postgresql.insert(table) if pg else sqlite.insert(table)
        if update:
            changed = {c: stmt.excluded[c] for c in columns if c not in keys}
            found = stmt.on_conflict_do_update(index_elements=list(keys), set_=changed)
        else:
            found = stmt.on_conflict_do_nothing(index_elements=list(keys))
        _built[cache_key] = found
    return found


async def _execute(session: AsyncSession, model: type[Base], values: Mapping[str, Any], keys: Sequence[str],
                   update: bool) -> int:
    await session.flush()  # what the session holds goes first, as the ORM's own execute would
    conn = await session.connection()
    stmt = _statement(conn.dialect.name, model, sorted(values), keys, update)
    result = await conn.execute(stmt, dict(values))
    return int(getattr(result, "rowcount", 0) or 0)


def insert_if_absent_on(conn: Connection, model: type[Base], values: Mapping[str, Any],
                        keys: Sequence[str]) -> bool:
    """`insert_if_absent` on a plain connection (for work run whole in one hop, `Database.write_with`)."""
    stmt = _statement(conn.dialect.name, model, sorted(values), keys, update=False)
    return bool(getattr(conn.execute(stmt, dict(values)), "rowcount", 0))


def upsert_on(conn: Connection, model: type[Base], values: Mapping[str, Any], keys: Sequence[str]) -> None:
    """`upsert` on a plain connection (for work run whole in one hop, `Database.write_with`)."""
    conn.execute(_statement(conn.dialect.name, model, sorted(values), keys, update=True), dict(values))


async def insert_if_absent(session: AsyncSession, model: type[Base], values: Mapping[str, Any],
                           keys: Sequence[str]) -> bool:
    """True when this call inserted the row; False when a row with the same `keys` was already there."""
    return bool(await _execute(session, model, values, keys, update=False))


async def upsert(session: AsyncSession, model: type[Base], values: Mapping[str, Any],
                 keys: Sequence[str]) -> None:
    """Insert, or update the row with the same `keys` in the same statement (no delete-then-insert race)."""
    await _execute(session, model, values, keys, update=True)

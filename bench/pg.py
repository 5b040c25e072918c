"""Throwaway PostgreSQL databases for the benches, made through an admin URL and dropped after."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def _admin(admin_url: str, sql: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def fresh_postgres(admin_url: str) -> tuple[str, str]:
    """A throwaway database, so a bench never touches real data: its URL and its name (to drop it)."""
    name = f"rekan_bench_{uuid.uuid4().hex[:8]}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


async def drop_postgres(admin_url: str, name: str) -> None:
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def throwaway_postgres(admin_url: str) -> AsyncIterator[str]:
    """`fresh_postgres` as a context: the database is dropped however the block ends."""
    url, name = await fresh_postgres(admin_url)
    try:
        yield url
    finally:
        await drop_postgres(admin_url, name)


async def postgres_version(admin_url: str) -> str:
    engine = create_async_engine(admin_url)
    try:
        async with engine.connect() as conn:
            return str((await conn.execute(text("SHOW server_version"))).scalar_one())
    finally:
        await engine.dispose()

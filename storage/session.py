"""Engines and sessions: SQLite in WAL mode with immediate write transactions, or PostgreSQL via asyncpg.

SQLite runs in-line on the event loop's thread (`storage.sqlite_inline`: a statement costs microseconds, a
hop to aiosqlite's thread cost more); its writers take turns on the loop (`storage.writer_lock`) before
SQLite's own lock, and WAL checkpoints run on a worker thread. `read_with` / `write_with` run a plain
function over one connection in one hop, for the per-event work where an AsyncSession's hops showed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import greenlet_spawn

from storage import sqlite_inline
from storage.writer_lock import writer_turn

log = logging.getLogger("rekan.storage")
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_CHECKPOINT_EVERY = 500
"""Write transactions between two WAL checkpoints (on a worker thread; SQLite's own would fsync inline)."""
SQLITE_POOL = 20
"""SQLite connections kept (and as many more on demand): cheap, and every reader in a burst holds one."""
_MIGRATION_LOCK_ID = 0x52454B41  # "REKA": serialises concurrent `db upgrade` on PostgreSQL
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling would emit a deferred BEGIN; we emit ours in "begin".
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    if isinstance(dbapi_connection, sqlite_inline.InlineConnection):
        cursor.execute("PRAGMA wal_autocheckpoint=0")  # Database.session checkpoints on a worker thread
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Deferred transactions that later write fail with "database is locked" under concurrent
    # writers; writes take the lock up front (waiting without blocking the loop). Read sessions opt
    # out with rekan_read_only.
    raw = conn.connection.dbapi_connection
    assert raw is not None
    read_only = bool(conn.get_execution_options().get("rekan_read_only"))
    if not isinstance(raw, sqlite_inline.InlineConnection):  # aiosqlite: its thread waits for the lock
        conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")
    elif read_only:
        raw.execute("BEGIN DEFERRED")
    else:
        sqlite_inline.begin_immediate(cast(sqlite3.Connection, raw), SQLITE_BUSY_TIMEOUT_MS)


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


class Database:
    """One engine and its session factories; `session()` writes, `read()` only reads."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 5) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        self._file: str | None = None
        """The SQLite file (or this instance, for a database in memory): whose writers take turns."""
        self._writes_since_checkpoint = 0
        self._checkpointing: asyncio.Task[None] | None = None
        self._inline = False
        """SQLite run in-line: closing a session cannot wait, so it is closed directly. (AsyncSession's own
        exit closes in a new task, a turn of the loop per transaction, with the writer lock still held.)"""
        engine_url: Any = url
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                self._file = str(Path(database).expanduser().resolve())
            else:
                self._file = f":memory:{id(self)}"
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            # Opt-in (`sqlite+rekaninline://`): SQLite on the loop's own thread, see storage.sqlite_inline.
            # The default `sqlite+aiosqlite://` keeps every statement off the event loop.
            if parsed.get_driver_name() == sqlite_inline.DRIVER:
                self._inline = True
                engine_url = parsed.set(drivername=f"sqlite+{sqlite_inline.DRIVER}")
                if database and database != ":memory:":
                    kwargs.update(pool_size=SQLITE_POOL, max_overflow=SQLITE_POOL)
        else:
            kwargs.update(pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size)
        self.engine: AsyncEngine = create_async_engine(engine_url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self._writes = async_sessionmaker(self.engine, expire_on_commit=False)
        read_engine = self.engine.execution_options(rekan_read_only=True)
        self._reads = async_sessionmaker(read_engine, expire_on_commit=False)
        self._read_engine: Engine = read_engine.sync_engine

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A write transaction, committed on success and rolled back on any error.

        On SQLite, writers of this process take turns on the event loop first (`storage.writer_lock`), so
        they queue here instead of retrying SQLite's lock; a write nested in one (same task, or a task it
        started) passes. The turn ends with the commit; the session is then closed directly (SQL in-line
        cannot wait) rather than in the task AsyncSession's own exit would start.
        """
        if not self._inline:
            async with self._writer_turn(), self._writes() as s, s.begin():
                yield s
            return
        await sqlite_inline.fair_turn()
        s = self._writes()
        try:
            async with self._writer_turn(), s.begin():  # the turn ends with the commit, before the close
                yield s
        finally:
            await s.close()
        if self._file is not None and not self._file.startswith(":memory:"):
            self._after_write()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read transaction: never waits for writers (SQLite's WAL, PostgreSQL's MVCC)."""
        if not self._inline:
            async with self._reads() as s, s.begin():
                yield s
            return
        await sqlite_inline.fair_turn()
        s = self._reads()
        try:
            async with s.begin():
                yield s
        finally:
            await s.close()

    async def read_with(self, fn: Callable[[Connection], T]) -> T:
        """`fn(connection)` in one read transaction, all in one hop into SQLAlchemy's greenlet.

        For the per-event reads: an AsyncSession hops once per call (begin, each statement, commit, close)
        and keeps an ORM session's books, which cost more than SQLite's own work.
        """
        if self._inline:
            await sqlite_inline.fair_turn()
        result: T = await greenlet_spawn(_in_transaction, self._read_engine, fn)
        return result

    async def write_with(self, fn: Callable[[Connection], T]) -> T:
        """`fn(connection)` in one write transaction (on SQLite, in the writer's turn), in one hop."""
        if self._inline:
            await sqlite_inline.fair_turn()
        async with self._writer_turn():
            result: T = await greenlet_spawn(_in_transaction, self.engine.sync_engine, fn)
        if self._inline and self._file is not None and not self._file.startswith(":memory:"):
            self._after_write()
        return result

    def _writer_turn(self) -> AbstractAsyncContextManager[None]:
        if self._file is None:
            return contextlib.nullcontext()
        return writer_turn(self._file, SQLITE_BUSY_TIMEOUT_MS / 1000)

    def _after_write(self) -> None:
        """Every SQLITE_CHECKPOINT_EVERY writes, a WAL checkpoint on a worker thread (one at a time)."""
        self._writes_since_checkpoint += 1
        if self._writes_since_checkpoint < SQLITE_CHECKPOINT_EVERY:
            return
        if self._checkpointing is not None and not self._checkpointing.done():
            return
        self._writes_since_checkpoint = 0
        assert self._file is not None
        self._checkpointing = asyncio.create_task(
            asyncio.to_thread(sqlite_inline.checkpoint, self._file, SQLITE_BUSY_TIMEOUT_MS))

    async def checkpoint(self) -> None:
        """Wait for a running WAL checkpoint (SQLite only; a no-op elsewhere)."""
        if self._checkpointing is not None:
            task, self._checkpointing = self._checkpointing, None
            try:
                await task
            except Exception:  # a checkpoint that failed is retried by the next one
                log.warning("SQLite WAL checkpoint failed", exc_info=True)

    async def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations; safe to run from several processes at once."""
        async with self.engine.begin() as conn:
            if self.is_postgres:
                await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})"))
            await conn.run_sync(_run_upgrade, revision)

    async def current_revision(self) -> str | None:
        async with self.engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(alembic_config()).get_current_head()

    async def dispose(self) -> None:
        await self.checkpoint()
        await self.engine.dispose()


def _in_transaction(engine: Engine, fn: Callable[[Connection], T]) -> T:
    with engine.connect() as conn, conn.begin():
        return fn(conn)


def _run_upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)

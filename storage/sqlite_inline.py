"""SQLite on the event loop's own thread: a statement takes microseconds, a hop to aiosqlite's thread 20-80.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and wakes the loop
for each answer, so one short command paid ~150 thread hops. Rekan's SQLite work is small indexed
statements on a local file in WAL mode (no fsync at commit), cheaper than the hops; so `Database` runs
`sqlite+aiosqlite` URLs through this dialect instead: plain `sqlite3` called inline, under SQLAlchemy's
asyncio API all the same.

Nothing here may wait on the loop's thread. The one wait SQLite has, for the write lock, is taken by
`BEGIN IMMEDIATE` tried without a busy timeout and retried with `asyncio.sleep` (other processes, other
engines on the same file); writers of one process queue on `storage.session`'s asyncio lock first. Reads
in WAL mode never wait for a writer. WAL checkpoints (the only fsync) run on a worker thread
(`checkpoint`), not at the commit that crossed the threshold.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import concurrency

DRIVER = "rekaninline"
BEGIN_RETRY_FIRST_S = 0.001
BEGIN_RETRY_MAX_S = 0.02
T = TypeVar("T")

_await: Callable[[Awaitable[Any]], Any] = getattr(concurrency, "await_only", None) or concurrency.await_
_in_greenlet: Callable[[], bool] = concurrency.in_greenlet


LOOP_SLICE_S = 0.02
"""How long work in-line may hold the event loop before its next statement or transaction lets it turn."""


class _Probe:
    """A callback queued on the loop: while it waits, the loop has not had a turn since `sent`."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = 0.0

    def back(self) -> None:
        self.sent = 0.0


_probes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Probe] = weakref.WeakKeyDictionary()


async def fair_turn() -> None:
    """Let the event loop turn if it has not for LOOP_SLICE_S.

    SQL in-line never waits, so a task running many statements in a row (a bulk write, a planning pass, a
    seed) would hold the loop for all of them; an aiosqlite hop gave it a turn with every statement.
    Called before each statement and as each transaction starts.
    """
    loop = asyncio.get_running_loop()
    probe = _probes.get(loop)
    if probe is None:
        probe = _probes[loop] = _Probe()
    now = time.perf_counter()
    if not probe.sent:
        probe.sent = now
        loop.call_soon(probe.back)
    elif now - probe.sent > LOOP_SLICE_S:
        await asyncio.sleep(0)


async def _done(fn: Callable[..., T], *args: Any) -> T:
    """`fn` now, after letting the loop turn if it has not for LOOP_SLICE_S (a long transaction, a bulk
    write). Awaited, as SQLAlchemy's asyncio layer insists on seeing an await."""
    await fair_turn()
    return fn(*args)


def _inline(fn: Callable[..., T], *args: Any) -> T:
    """Call `fn` now, through one await where SQLAlchemy is watching (AsyncConnection requires one)."""
    if _in_greenlet():
        result: T = _await(_done(fn, *args))
        return result
    return fn(*args)


class InlineCursor(sqlite3.Cursor):
    """A sqlite3 cursor that SQLAlchemy's asyncio layer accepts."""

    def execute(self, sql: str, parameters: Any = (), /) -> InlineCursor:
        _inline(sqlite3.Cursor.execute, self, sql, parameters)
        return self

    def executemany(self, sql: str, seq: Any, /) -> InlineCursor:
        _inline(sqlite3.Cursor.executemany, self, sql, seq)
        return self

    async def _async_soft_close(self) -> None:
        """Called after every statement by SQLAlchemy's asyncio layer; a sqlite3 cursor keeps its rows."""


class InlineConnection(sqlite3.Connection):
    """Hands out `InlineCursor`s."""

    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


class SQLiteDialect_rekan(SQLiteDialect_pysqlite):
    """pysqlite, declared async so `create_async_engine` takes it."""

    driver = DRIVER
    supports_statement_cache = True
    is_async = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        kwargs["factory"] = InlineConnection
        kwargs["check_same_thread"] = False  # a pooled connection may be closed by the garbage collector
        return args, kwargs


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialect_rekan")


def is_busy(error: BaseException) -> bool:
    """SQLite's "database is locked" (another connection holds the write lock)."""
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def begin_immediate(dbapi_connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """`BEGIN IMMEDIATE` without blocking the loop: tried at once, retried after short async sleeps.

    Outside SQLAlchemy's greenlet (nothing to sleep with) it waits as pysqlite would, up to the busy timeout.
    """
    if not _in_greenlet():
        dbapi_connection.execute("BEGIN IMMEDIATE")
        return
    deadline = time.monotonic() + busy_timeout_ms / 1000
    delay = BEGIN_RETRY_FIRST_S
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                sqlite3.Connection.execute(dbapi_connection, "BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise
            _await(asyncio.sleep(delay))
            delay = min(delay * 2, BEGIN_RETRY_MAX_S)
    finally:
        sqlite3.Connection.execute(dbapi_connection, f"PRAGMA busy_timeout={busy_timeout_ms}")


def checkpoint(path: str, busy_timeout_ms: int) -> None:
    """A passive WAL checkpoint on a connection of its own (run on a worker thread: it fsyncs)."""
    conn = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, check_same_thread=False)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()

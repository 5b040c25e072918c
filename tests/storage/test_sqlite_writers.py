"""SQLite writers of one process take turns on the event loop, never on "database is locked"; a write
nested in a write, a read inside a write and another process's write lock neither deadlock nor block the
loop — with the default driver (aiosqlite, SQL on its own thread) and with the opt-in in-line one."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, select, text, update

from storage import sqlite_inline
from storage.models import KeyValueRow, WorkspaceRow
from storage.session import Database
from storage.writer_lock import WriterTurn


@pytest.fixture(params=["aiosqlite", sqlite_inline.DRIVER])
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return f"sqlite+{request.param}:///{tmp_path / 'rekan.db'}"


@pytest.fixture
def inline_url(tmp_path: Path) -> str:
    return f"sqlite+{sqlite_inline.DRIVER}:///{tmp_path / 'rekan.db'}"


async def _seeded(url: str) -> Database:
    db = Database(url)
    await db.upgrade()
    async with db.session() as s:
        s.add(WorkspaceRow(platform="shell", external_id="T1", name="", default_locale="en",
                           created_at=_now()))
    return db


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> Database:
    db = await _seeded(sqlite_url)
    yield db  # type: ignore[misc]
    await db.dispose()


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def _errors(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "handle_error", lambda ctx: seen.append(str(ctx.original_exception)))
    return seen


async def _counter(db: Database) -> int:
    async with db.read() as s:
        return int((await s.execute(select(KeyValueRow.value).where(KeyValueRow.key == "n"))).scalar_one()["n"])


async def test_the_default_url_keeps_sql_off_the_loop_and_in_line_is_opt_in(tmp_path: Path) -> None:
    default = Database(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    inline = Database(f"sqlite+{sqlite_inline.DRIVER}:///{tmp_path / 'b.db'}")
    try:
        assert default.engine.dialect.driver == "aiosqlite"
        assert inline.engine.dialect.driver == sqlite_inline.DRIVER
        for db in (default, inline):
            async with db.read() as s:
                assert (await s.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    finally:
        await default.dispose()
        await inline.dispose()


async def test_writers_that_wait_inside_a_transaction_take_turns_and_lose_no_update(sqlite_db: Database) -> None:
    errors = _errors(sqlite_db)
    async with sqlite_db.session() as s:
        s.add(KeyValueRow(workspace_id=1, key="n", value={"n": 0}))
    inside = 0
    most = 0

    async def bump() -> None:
        nonlocal inside, most
        async with sqlite_db.session() as s:
            inside += 1
            most = max(most, inside)
            n = (await s.execute(select(KeyValueRow.value).where(KeyValueRow.key == "n"))).scalar_one()["n"]
            await asyncio.sleep(0.001)  # a writer that waits while it holds the turn
            await s.execute(update(KeyValueRow).where(KeyValueRow.key == "n").values(value={"n": n + 1}))
            inside -= 1

    await asyncio.gather(*(bump() for _ in range(40)))
    assert await _counter(sqlite_db) == 40
    assert most == 1
    assert errors == []


async def test_two_databases_on_one_file_share_the_turn(sqlite_db: Database, sqlite_url: str) -> None:
    other = Database(sqlite_url)
    errors = _errors(sqlite_db) + _errors(other)
    inside = most = 0

    async def write(db: Database, n: int) -> None:
        nonlocal inside, most
        async with db.session() as s:
            inside += 1
            most = max(most, inside)
            s.add(KeyValueRow(workspace_id=1, key=f"k{n}", value={}))
            await s.flush()
            await asyncio.sleep(0.001)
            inside -= 1

    try:
        await asyncio.gather(*(write(sqlite_db if n % 2 else other, n) for n in range(20)))
    finally:
        await other.dispose()
    assert most == 1 and errors == []


async def test_a_write_nested_in_a_write_and_a_read_inside_a_write_do_not_deadlock(sqlite_db: Database) -> None:
    async def nested() -> None:
        async with sqlite_db.session() as outer:
            async with sqlite_db.session() as inner:  # before the outer one wrote: SQLite lets it through
                inner.add(KeyValueRow(workspace_id=1, key="inner", value={}))
            outer.add(KeyValueRow(workspace_id=1, key="outer", value={}))
            await outer.flush()
            async with sqlite_db.read() as r:  # WAL: a reader never waits for the writer
                await r.execute(select(KeyValueRow.key))

    await asyncio.wait_for(nested(), timeout=5)
    async with sqlite_db.read() as s:
        keys = set((await s.execute(select(KeyValueRow.key))).scalars())
    assert {"inner", "outer"} <= keys


async def test_a_task_started_inside_a_write_may_write_too(sqlite_db: Database) -> None:
    async def child() -> None:
        async with sqlite_db.session() as s:
            s.add(KeyValueRow(workspace_id=1, key="child", value={}))

    async def parent() -> None:
        async with sqlite_db.session():
            await asyncio.create_task(child())  # waits for it: its turn is this one's

    await asyncio.wait_for(parent(), timeout=5)


async def test_another_processes_write_lock_is_waited_for_without_blocking_the_loop(
        sqlite_db: Database, tmp_path: Path) -> None:
    errors = _errors(sqlite_db)
    held, release = threading.Event(), threading.Event()

    def other_process() -> None:
        conn = sqlite3.connect(tmp_path / "rekan.db", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        release.wait(5)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=other_process)
    thread.start()
    assert await asyncio.to_thread(held.wait, 5)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def write() -> float:
        started = time.monotonic()
        async with sqlite_db.session() as s:
            s.add(KeyValueRow(workspace_id=1, key="after", value={}))
        return time.monotonic() - started

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done()  # it waits for the other process's lock...
    assert ticks >= 20  # ...while the loop keeps running
    release.set()
    waited = await asyncio.wait_for(writing, 5)
    ticking.cancel()
    thread.join()
    assert waited >= 0.3
    assert errors == []


async def test_a_free_turn_is_taken_at_once_and_a_waiter_gets_it_on_release() -> None:
    turn = WriterTurn()
    assert await turn.acquire(1)
    waiting = asyncio.create_task(turn.acquire(1))
    await asyncio.sleep(0)
    assert not waiting.done()
    turn.release()
    assert await waiting
    assert turn.held
    assert not await turn.acquire(0.01)  # held: a waiter gives up after its patience
    turn.release()


async def test_in_line_writes_are_checkpointed_on_a_worker_thread(inline_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_db = await _seeded(inline_url)
    calls: list[str] = []
    real = sqlite_inline.checkpoint

    def checkpoint(path: str, busy_timeout_ms: int) -> None:
        calls.append(threading.current_thread().name)
        real(path, busy_timeout_ms)

    monkeypatch.setattr(sqlite_inline, "checkpoint", checkpoint)
    monkeypatch.setattr("storage.session.SQLITE_CHECKPOINT_EVERY", 5)
    for n in range(12):
        async with sqlite_db.session() as s:
            s.add(KeyValueRow(workspace_id=1, key=f"c{n}", value={}))
    await sqlite_db.checkpoint()
    await sqlite_db.dispose()
    assert calls and all(name != threading.main_thread().name for name in calls)


async def test_a_long_transaction_in_line_still_lets_the_loop_turn(inline_url: str) -> None:
    """SQL in-line never waits; a task running many statements in a row gives the loop a turn every
    LOOP_SLICE_S, as aiosqlite's thread hops do with every statement."""
    sqlite_db = await _seeded(inline_url)
    gaps: list[float] = []
    stop = False

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop:
            await asyncio.sleep(0)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    started = time.perf_counter()
    async with sqlite_db.session() as s:
        while time.perf_counter() - started < 10 * sqlite_inline.LOOP_SLICE_S:
            await s.execute(select(KeyValueRow.key).limit(1))
    stop = True
    await ticking
    await sqlite_db.dispose()
    assert len(gaps) >= 5
    assert max(gaps) < 5 * sqlite_inline.LOOP_SLICE_S

"""An event's context costs one write transaction, whose only write for a known member is the event id;
the member's row is written only when they are new or their platform profile changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from bot.clock import ManualClock
from storage.models import MemberRow, ProcessedEventRow
from storage.session import Database
from tests.support import Person, count, make_router

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


def writes(seen: list[str]) -> list[str]:
    return [s.split(" (")[0] for s in seen if s.startswith(WRITES)]


async def test_a_known_member_costs_only_the_event_ids_insert(db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock, name="Ayu", platform="slack",
                 platform_tz="Asia/Jakarta", is_admin=True)
    await ayu.run("/tz")
    with statements(db) as seen:
        assert "Asia/Jakarta" in await ayu.run("/tz")
    assert writes(seen) == ["INSERT INTO processed_events"]
    assert await count(db, ProcessedEventRow) == 2


async def test_a_new_member_or_a_changed_profile_is_written(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)
    liam = Person(router=router, clock=clock, user_id="liam", name="Liam", platform="slack",
                  platform_tz="America/New_York")
    with statements(db) as seen:
        await liam.run("/tz")
    assert "INSERT INTO members" in writes(seen)
    liam.name = "Liam O."
    with statements(db) as seen:
        await liam.run("/tz")
    assert [w.split(" SET ")[0] for w in writes(seen) if "members" in w] == ["UPDATE members"]
    liam.platform_tz = "Europe/London"
    assert "Europe/London" in await liam.run("/tz")
    assert await count(db, MemberRow) == 1


async def test_a_retried_event_is_recorded_once_and_answered_once(db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock)
    assert "Asia/Jakarta" in await ayu.run("/tz set Jakarta", event_id="E1")
    with statements(db) as seen:
        assert await ayu.run("/tz set Berlin", event_id="E1") == ""
    assert not [w for w in writes(seen) if "members" in w]
    assert await count(db, ProcessedEventRow) == 1


async def test_after_the_first_event_the_start_up_heap_is_frozen(db: Database, clock: ManualClock) -> None:
    import gc

    await Person(router=make_router(db, clock), clock=clock).run("/tz")
    assert gc.get_freeze_count() > 0

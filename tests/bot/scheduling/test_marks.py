"""Sent marks are group-committed: a burst is marked in a few transactions, guarded like single marks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event, update
from sqlalchemy.exc import OperationalError

from bot.clock import ManualClock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.marks import MarkWriter
from storage.models import DeliveryRow
from storage.repositories import deliveries as repo
from storage.repositories.deliveries import SentMark
from storage.session import Database
from tests.bot.scheduling.helpers import RecordingSender, add, find, planned, seed_workspace

POLICIES = Policies(mapping={}, default=timedelta(hours=2))


@pytest.fixture
def commits(db: Database) -> Iterator[list[int]]:
    """Counts committed transactions on the database's engine."""
    seen: list[int] = []

    def on_commit(_conn: object) -> None:
        seen.append(1)

    event.listen(db.engine.sync_engine, "commit", on_commit)
    yield seen
    event.remove(db.engine.sync_engine, "commit", on_commit)


async def test_a_burst_is_marked_in_far_fewer_transactions_than_sends(
        db: Database, clock: ManualClock, commits: list[int]) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, f"s{i}", clock.now() - timedelta(seconds=1)) for i in range(300)], clock.now())
    commits.clear()
    sender = RecordingSender(clock)
    stats = await Dispatcher(db, clock, sender, POLICIES, worker_id="w1", batch_size=300).run_due()
    assert (stats.claimed, stats.sent, stats.lost) == (300, 300, 0)
    assert {r.status for r in await find(db)} == {"sent"}
    assert all(r.message_id and r.sent_at == clock.now() for r in await find(db))
    # One claim, the marks, one empty claim: the sends did not each pay a commit.
    assert len(commits) < 300 / 4, len(commits)


async def test_a_mark_for_a_claim_taken_over_is_counted_lost_and_leaves_the_row_alone(
        db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "mine", clock.now()), planned(ws, "stolen", clock.now())], clock.now())
    async with db.session() as s:
        claimed = await repo.claim_due(s, worker_id="w1", now=clock.now(), lease_until=clock.now(), limit=10)
        stolen = next(r.id for r in claimed if r.source_id == "stolen")
        await s.execute(update(DeliveryRow).where(DeliveryRow.id == stolen).values(claimed_by="w2"))
    writer = MarkWriter(db, "w1")
    for record in claimed:
        await writer.add(SentMark(delivery_id=record.id, sent_at=clock.now(), message_id="m", late=False))
    await writer.drain()
    assert (writer.sent, writer.lost) == (1, 1)
    rows = {r.source_id: r for r in await find(db)}
    assert (rows["mine"].status, rows["stolen"].status, rows["stolen"].claimed_by) == ("sent", "claimed", "w2")


async def test_a_failed_mark_write_is_raised_so_the_batch_stops_and_its_claims_are_released(
        clock: ManualClock) -> None:
    broken = Database("sqlite+aiosqlite:////nonexistent/dir/rekan.db")
    writer = MarkWriter(broken, "w1", limit=1)
    await writer.add(SentMark(delivery_id=1, sent_at=clock.now(), message_id=None, late=False))
    with pytest.raises(OperationalError):
        await writer.drain()
    assert (writer.sent, writer.lost) == (0, 0)
    await broken.dispose()


def test_the_limit_must_be_positive(db: Database) -> None:
    with pytest.raises(ValueError):
        MarkWriter(db, "w1", limit=0)


async def test_marks_are_written_once_the_database_is_back_within_the_retry_window(
        sqlite_url: str, clock: ManualClock) -> None:
    from tests.faults.test_recovery import FailingMarks

    db = FailingMarks(sqlite_url)
    await db.upgrade()
    try:
        ws = await seed_workspace(db, clock.now())
        await add(db, [planned(ws, "a", clock.now())], clock.now())
        async with db.session() as s:
            [record] = await repo.claim_due(s, worker_id="w1", now=clock.now(), lease_until=clock.now(), limit=1)
        db.failures = 2  # a restart: the next two write sessions fail
        writer = MarkWriter(db, "w1", retry_for=timedelta(seconds=30))
        await writer.add(SentMark(delivery_id=record.id, sent_at=clock.now(), message_id="m", late=False))
        await writer.drain()
        assert (writer.sent, writer.lost, db.failures) == (1, 0, 0)
        assert [r.status for r in await find(db)] == ["sent"]
    finally:
        await db.dispose()

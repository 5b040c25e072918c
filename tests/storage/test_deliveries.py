"""The outbox repository on both engines: idempotent inserts, ordered leased claims, guarded marks."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core.serialize import action_to_dict
from storage.repositories import deliveries as repo
from storage.session import Database
from tests.bot.scheduling.helpers import planned, seed_member, seed_workspace

MIN = timedelta(minutes=1)


def _new(ws: int, source: str, due: timedelta, clock: ManualClock, occurrence: str = "o1") -> repo.NewDelivery:
    p = planned(ws, source, clock.now() + due, occurrence=occurrence)
    return repo.NewDelivery(workspace_pk=ws, kind=p.kind, source_id=p.source_id, occurrence=p.occurrence,
                            due_at=p.due_at, payload=action_to_dict(p.action), owner_user_id=p.owner_user_id)


async def _claim(db: Database, clock: ManualClock, worker: str, limit: int = 10) -> list[repo.DeliveryRecord]:
    now = clock.now()
    async with db.session() as s:
        return await repo.claim_due(s, worker_id=worker, now=now, lease_until=now + MIN, limit=limit)


async def test_insert_counts_only_new_occurrences(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    rows = [_new(ws, "a", MIN, clock), _new(ws, "a", MIN, clock, "o2"), _new(ws, "b", MIN, clock)]
    async with db.session() as s:
        assert await repo.insert_new(s, rows, now=clock.now()) == 3
    async with db.session() as s:
        assert await repo.insert_new(s, [*rows, _new(ws, "c", MIN, clock)], now=clock.now()) == 1
    async with db.read() as s:
        assert await repo.count_by_status(s) == {"pending": 4}


async def test_claims_due_rows_in_due_order_and_respects_the_limit(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    rows = [_new(ws, "late", -5 * MIN, clock), _new(ws, "now", timedelta(0), clock),
            _new(ws, "early", -10 * MIN, clock), _new(ws, "future", MIN, clock)]
    async with db.session() as s:
        await repo.insert_new(s, rows, now=clock.now())
    first = await _claim(db, clock, "A", limit=2)
    assert [r.source_id for r in first] == ["early", "late"]
    assert all(r.status == "claimed" and r.claimed_by == "A" and r.attempts == 1 for r in first)
    rest = await _claim(db, clock, "B")
    assert [r.source_id for r in rest] == ["now"]
    async with db.read() as s:
        assert await repo.next_due_at(s) == clock.now() + MIN  # "future", and both leases, end then


async def test_expired_lease_is_claimable_again_and_old_marks_are_refused(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    async with db.session() as s:
        await repo.insert_new(s, [_new(ws, "x", timedelta(0), clock)], now=clock.now())
    [a] = await _claim(db, clock, "A")
    assert await _claim(db, clock, "B") == []  # A's lease still runs
    clock.advance(MIN + timedelta(seconds=1))
    [b] = await _claim(db, clock, "B")
    assert b.id == a.id and b.attempts == 2
    async with db.session() as s:
        assert not await repo.mark_sent(s, a.id, worker_id="A", sent_at=clock.now(), message_id="a", late=False)
        assert await repo.renew_leases(s, [a.id], worker_id="A", lease_until=clock.now() + MIN) == set()
        assert await repo.mark_sent(s, b.id, worker_id="B", sent_at=clock.now(), message_id="b", late=True)
        assert not await repo.mark_failed(s, a.id, worker_id="B", error="late")  # already sent
    async with db.read() as s:
        row = await repo.get(s, a.id)
    assert row is not None and (row.status, row.message_id, row.late) == ("sent", "b", True)


async def test_retry_waits_for_next_attempt(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    async with db.session() as s:
        await repo.insert_new(s, [_new(ws, "x", timedelta(0), clock)], now=clock.now())
    [r] = await _claim(db, clock, "A")
    async with db.session() as s:
        assert await repo.mark_retry(s, r.id, worker_id="A", next_attempt_at=clock.now() + 5 * MIN, error="429")
    async with db.read() as s:
        assert await repo.next_due_at(s) == clock.now() + 5 * MIN
    assert await _claim(db, clock, "A") == []
    clock.advance(5 * MIN)
    [again] = await _claim(db, clock, "A")
    assert again.attempts == 2 and again.error == "429"


async def test_release_gives_back_only_this_workers_claims(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    async with db.session() as s:
        await repo.insert_new(s, [_new(ws, "a", -MIN, clock), _new(ws, "b", timedelta(0), clock)],
                              now=clock.now())
    await _claim(db, clock, "A", limit=1)
    await _claim(db, clock, "B", limit=1)
    async with db.session() as s:
        assert await repo.release_claims(s, worker_id="A") == 1
    async with db.read() as s:
        rows = await repo.find(s)
    assert [(r.source_id, r.status, r.claimed_by, r.attempts) for r in rows] == [
        ("a", "pending", None, 0), ("b", "claimed", "B", 1)]


async def test_owner_contact_prefers_the_members_locale(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now(), default_locale="id")
    await seed_member(db, ws, "U1", clock.now(), locale="en")
    await seed_member(db, ws, "U2", clock.now())
    async with db.read() as s:
        one = await repo.owner_contact(s, ws, "U1")
        two = await repo.owner_contact(s, ws, "U2")
        stranger = await repo.owner_contact(s, ws, "U9")
        nowhere = await repo.owner_contact(s, ws + 100, "U1")
    assert one is not None and (one.platform, one.workspace_external_id, one.locale) == ("shell", "T1", "en")
    assert two is not None and two.locale == "id"
    assert stranger is not None and stranger.locale == "id"
    assert nowhere is None


async def test_nothing_pending_means_no_next_due(db: Database, clock: ManualClock) -> None:
    async with db.read() as s:
        assert await repo.next_due_at(s) is None

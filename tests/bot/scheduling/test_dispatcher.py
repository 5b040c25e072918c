"""The dispatcher with a manual clock: on time, late, expired and reported, failures, retries, takeover."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.clock import ManualClock, SystemClock
from bot.core.actions import Send
from bot.core.content import BulletList, Timestamp
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import MISSED_SUMMARY, Policies
from bot.scheduling.sender import PermanentSendError, TransientSendError
from storage.models import DeliveryRow, WorkspaceRow
from storage.session import Database
from tests.bot.scheduling.helpers import (
    RecordingSender,
    add,
    find,
    planned,
    seed_member,
    seed_workspace,
    wait_until,
)

MIN = timedelta(minutes=1)
POLICIES = Policies(mapping={"reminder": timedelta(minutes=30)}, default=timedelta(hours=2))


def dispatcher(db: Database, clock: ManualClock, sender: RecordingSender, worker: str = "w1",
               **kw: object) -> Dispatcher:
    return Dispatcher(db, clock, sender, POLICIES, worker_id=worker, **kw)  # type: ignore[arg-type]


def summary_text(action: object) -> str:
    assert isinstance(action, Send)
    return " ".join(getattr(i, "text", "") for b in action.content.blocks for p in _paras(b) for i in p.inlines)


def _paras(block: object) -> list:  # type: ignore[type-arg]
    return list(block.items) if isinstance(block, BulletList) else [block]


async def test_on_time_and_late_within_grace(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "punctual", clock.now() - 30 * timedelta(seconds=1)),
                   planned(ws, "tardy", clock.now() - 20 * MIN)], clock.now())
    sender = RecordingSender(clock)
    stats = await dispatcher(db, clock, sender).run_due()
    assert (stats.claimed, stats.sent, stats.late, stats.expired) == (2, 2, 1, 0)
    assert sender.texts() == ["message tardy", "message punctual"]  # due order
    rows = {r.source_id: r for r in await find(db)}
    assert (rows["punctual"].status, rows["punctual"].late) == ("sent", False)
    assert (rows["tardy"].status, rows["tardy"].late, rows["tardy"].message_id) == ("sent", True, "m1")
    assert rows["tardy"].sent_at == clock.now()


async def test_nothing_due_yet_sends_nothing(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "later", clock.now() + MIN)], clock.now())
    sender = RecordingSender(clock)
    d = dispatcher(db, clock, sender)
    assert (await d.run_due()).claimed == 0
    assert await d.next_due_at() == clock.now() + MIN
    clock.advance(MIN)
    assert (await d.run_due()).sent == 1


async def test_a_dispatcher_claims_only_the_platforms_its_process_serves(db: Database, clock: ManualClock) -> None:
    shell_ws = await seed_workspace(db, clock.now())
    async with db.session() as s:
        other = WorkspaceRow(platform="slack", external_id="T9", name="Elsewhere", default_locale="en",
                             created_at=clock.now())
        s.add(other)
        await s.flush()
        slack_ws = other.id
    await add(db, [planned(shell_ws, "here", clock.now()), planned(slack_ws, "there", clock.now())], clock.now())
    sender = RecordingSender(clock)
    stats = await dispatcher(db, clock, sender, platforms=lambda: {"shell"}).run_due()
    assert (stats.claimed, sender.texts()) == (1, ["message here"])
    rows = {r.source_id: r for r in await find(db)}
    assert (rows["there"].status, rows["there"].attempts) == ("pending", 0)  # left for the Slack process


@pytest.mark.parametrize(("locale", "phrase"), [("en", "While I was offline, 2 scheduled messages"),
                                                ("id", "Selama saya offline, 2 pesan terjadwal")])
async def test_expired_is_not_sent_and_the_owner_is_told_in_their_language(
        db: Database, clock: ManualClock, locale: str, phrase: str) -> None:
    ws = await seed_workspace(db, clock.now())
    await seed_member(db, ws, "U1", clock.now(), locale=locale)
    await add(db, [planned(ws, "old", clock.now() - 31 * MIN, owner="U1", text="Standup: what did you do?"),
                   planned(ws, "older", clock.now() - 3 * timedelta(hours=1), kind="deadline", owner="U1"),
                   planned(ws, "fresh", clock.now(), owner="U1")], clock.now())
    sender = RecordingSender(clock)
    stats = await dispatcher(db, clock, sender).run_due()
    assert (stats.expired, stats.summaries, stats.sent) == (2, 1, 2)
    rows = {r.source_id: r for r in await find(db)}
    assert rows["old"].status == rows["older"].status == "expired"
    [summary] = await find(db, kind=MISSED_SUMMARY)
    assert (summary.status, summary.source_id, summary.owner_user_id) == ("sent", f"{ws}:U1", "U1")
    assert len(summary.occurrence) == 64
    texts = sender.texts()
    assert texts[0] == "message fresh" and "message old" not in texts
    action, _ = sender.sent[1]
    assert isinstance(action, Send) and action.to.conversation_id == "U1" and action.to.kind == "dm"
    body = summary_text(action)
    assert phrase in body and "Standup: what did you do?" in body and "Deadline" in body
    stamps = [i for b in action.content.blocks for p in _paras(b) for i in p.inlines if isinstance(i, Timestamp)]
    assert sorted(s.instant for s in stamps) == [rows["older"].due_at, rows["old"].due_at]


async def test_workspace_locale_when_the_member_has_none(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now(), default_locale="id")
    await add(db, [planned(ws, "old", clock.now() - timedelta(hours=1), owner="U7")], clock.now())
    sender = RecordingSender(clock)
    await dispatcher(db, clock, sender).run_due()
    [(action, _)] = sender.sent
    assert "Selama saya offline, 1 pesan terjadwal" in summary_text(action)


async def test_expired_without_owner_is_logged_not_dropped_silently(
        db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "orphan", clock.now() - timedelta(hours=1), owner=None)], clock.now())
    with caplog.at_level(logging.WARNING, logger="bot.scheduling"):
        stats = await dispatcher(db, clock, RecordingSender(clock)).run_due()
    assert (stats.expired, stats.summaries) == (1, 0)
    [row] = await find(db)
    assert row.status == "expired"
    assert any(f"delivery {row.id} of kind reminder" in r.getMessage() for r in caplog.records)


async def test_permanent_failure_is_recorded_and_reported(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "gone", clock.now(), text="hello Bob")], clock.now())
    sender = RecordingSender(clock, script={"hello Bob": [PermanentSendError("user_left")]})
    stats = await dispatcher(db, clock, sender).run_due()
    assert (stats.failed, stats.summaries, stats.sent, sender.attempts) == (1, 1, 1, 2)
    [row] = await find(db, kind="reminder")
    assert (row.status, row.error) == ("failed", "user_left")
    [(action, _)] = sender.sent
    body = summary_text(action)
    assert "1 scheduled message could not be delivered" in body and "has left the workspace" in body


async def test_transient_failure_is_retried_later_and_sent_once(
        db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "busy", clock.now(), text="hi")], clock.now())
    sender = RecordingSender(clock, script={"hi": [TransientSendError(30, "429"), RuntimeError("secret!")]})
    d = dispatcher(db, clock, sender)
    assert (await d.run_due()).retried == 1
    [row] = await find(db)
    assert (row.status, row.attempts, row.error) == ("pending", 1, "429")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert await d.next_due_at() == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=29))
    assert (await d.run_due()).claimed == 0
    clock.advance(timedelta(seconds=1))
    with caplog.at_level(logging.DEBUG):
        assert (await d.run_due()).retried == 1  # an unexpected exception counts as transient
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert not any("secret!" in r.getMessage() for r in caplog.records)
    [row] = await find(db)
    assert row.error == "RuntimeError" and row.next_attempt_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(minutes=1))
    stats = await d.run_due()
    assert (stats.sent, stats.late) == (1, 1)
    assert sender.texts() == ["hi"]
    [row] = await find(db)
    assert (row.status, row.attempts) == ("sent", 3)


async def test_gives_up_after_max_attempts_and_reports(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "flaky", clock.now(), kind="standup", text="q")], clock.now())
    sender = RecordingSender(clock, script={"q": [TransientSendError(None, "503")] * 3})
    d = dispatcher(db, clock, sender, max_attempts=3)
    for _ in range(3):
        await d.run_due()
        clock.advance(timedelta(hours=1))
    [row] = await find(db, kind="standup")
    assert (row.status, row.error, row.attempts) == ("failed", "too_many_attempts", 3)
    assert len(sender.sent) == 1 and "kept refusing" in summary_text(sender.sent[0][0])


async def test_unreadable_payload_fails_without_calling_the_sender(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "bad", clock.now(), owner=None)], clock.now())
    async with db.session() as s:
        await s.execute(update(DeliveryRow).values(payload={"v": 1, "type": "hologram"}))
    sender = RecordingSender(clock)
    stats = await dispatcher(db, clock, sender).run_due()
    assert (stats.failed, sender.attempts) == (1, 0)
    [rec] = await find(db)
    assert (rec.status, rec.error) == ("failed", "bad_payload")


async def test_lease_takeover_refuses_the_dead_workers_mark(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "x", clock.now())], clock.now())
    release = asyncio.Event()
    entered = asyncio.Event()

    class Stuck(RecordingSender):
        async def perform(self, action):  # type: ignore[no-untyped-def]
            entered.set()
            await release.wait()
            return await super().perform(action)

    sender_a, sender_b = Stuck(clock), RecordingSender(clock)
    a = dispatcher(db, clock, sender_a, "A", lease=MIN)
    b = dispatcher(db, clock, sender_b, "B", lease=MIN)
    run_a = asyncio.create_task(a.run_due())
    await asyncio.wait_for(entered.wait(), 20)
    assert (await b.run_due()).claimed == 0  # A's lease still stands
    clock.advance(MIN + timedelta(seconds=1))
    stats_b = await b.run_due()
    assert (stats_b.claimed, stats_b.sent) == (1, 1)
    release.set()
    stats_a = await asyncio.wait_for(run_a, 20)
    assert (stats_a.sent, stats_a.lost) == (0, 1)
    [row] = await find(db)
    assert (row.status, row.claimed_by, row.message_id, row.attempts) == ("sent", "B", "m1", 2)


async def test_a_long_batch_renews_its_lease_and_skips_rows_taken_over(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, f"r{i}", clock.now(), text=f"t{i}") for i in range(4)], clock.now())
    sender = RecordingSender(clock)
    sender.on_send = lambda _action: clock.advance(timedelta(seconds=40))  # slow platform
    stats = await dispatcher(db, clock, sender, lease=MIN).run_due()
    assert (stats.sent, stats.lost) == (4, 0)  # renewed every half lease, so no one could take over


async def test_stop_then_release_returns_unstarted_claims(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, f"r{i}", clock.now(), text=f"t{i}") for i in range(3)], clock.now())
    sender = RecordingSender(clock)
    d = dispatcher(db, clock, sender)
    sender.on_send = lambda _action: d.request_stop()
    assert (await d.run_due()).sent == 1
    assert await d.release_claims() == 2
    rows = await find(db, status="pending")
    assert [(r.source_id, r.attempts, r.claimed_by) for r in rows] == [("r1", 0, None), ("r2", 0, None)]
    sender.on_send = None
    assert (await dispatcher(db, clock, sender, "w2").run_due()).sent == 2


async def test_concurrent_sends_within_a_batch(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, f"r{i}", clock.now(), text=f"t{i}") for i in range(25)], clock.now())
    sender = RecordingSender(clock)
    stats = await dispatcher(db, clock, sender, concurrency=4, batch_size=10).run_due()
    assert (stats.claimed, stats.sent) == (25, 25)
    assert sorted(sender.texts()) == sorted(f"t{i}" for i in range(25))


async def test_a_heartbeat_keeps_the_lease_while_a_send_waits(db: Database) -> None:
    clock = SystemClock()
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "slow", clock.now())], clock.now())
    entered, release = asyncio.Event(), asyncio.Event()

    class RateLimited(RecordingSender):
        async def perform(self, action):  # type: ignore[no-untyped-def]
            entered.set()
            await release.wait()  # e.g. the send queue honouring a long Retry-After
            return await super().perform(action)

    lease = timedelta(seconds=0.3)
    a = Dispatcher(db, clock, RateLimited(clock), POLICIES, worker_id="A", lease=lease)
    b = Dispatcher(db, clock, RecordingSender(clock), POLICIES, worker_id="B", lease=lease)
    run_a = asyncio.create_task(a.run_due())
    await asyncio.wait_for(entered.wait(), 20)
    [row] = await find(db)
    first_lease = row.lease_until
    assert first_lease is not None

    async def outlived_first_lease() -> bool:
        [current] = await find(db)
        return clock.now() > first_lease + lease and current.lease_until is not None \
            and current.lease_until > first_lease + lease

    await wait_until(outlived_first_lease)
    assert (await b.run_due()).claimed == 0
    release.set()
    stats = await asyncio.wait_for(run_a, 20)
    assert (stats.sent, stats.lost) == (1, 0)

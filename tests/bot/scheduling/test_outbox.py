"""Enqueueing is idempotent on the occurrence key: re-planning, restarts and DST fall-back send once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.core.serialize import action_from_dict
from bot.scheduling.outbox import PlannedDelivery
from storage.session import Database
from tests.bot.scheduling.helpers import add, find, planned, seed_workspace


async def test_enqueue_twice_gives_one_row(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    item = planned(ws, "standup:1", clock.now() + timedelta(hours=1), occurrence="2026-11-28")
    assert await add(db, [item], clock.now()) == 1
    assert await add(db, [item], clock.now()) == 0
    [row] = await find(db)
    assert (row.kind, row.source_id, row.occurrence, row.status) == ("reminder", "standup:1", "2026-11-28",
                                                                     "pending")
    assert action_from_dict(row.payload) == item.action
    assert row.due_at == item.due_at and row.owner_user_id == "U1"


async def test_a_fall_back_day_occurrence_is_enqueued_once(db: Database, clock: ManualClock) -> None:
    """02:30 Berlin happens twice on 25 Oct 2026; a cron-like source yields it twice with the same key."""
    ws = await seed_workspace(db, clock.now())
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 10, 25, 2, 30, tzinfo=berlin, fold=0)
    second = datetime(2026, 10, 25, 2, 30, tzinfo=berlin, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    items = [planned(ws, "daily:7", t, occurrence="2026-10-25") for t in (first, second)]
    assert await add(db, items, clock.now()) == 1
    assert await add(db, items[1:], clock.now()) == 0
    [row] = await find(db)
    assert row.due_at == first.astimezone(UTC)


async def test_many_rows_in_one_call_and_in_chunks(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    items = [planned(ws, f"s{i}", clock.now(), occurrence="o") for i in range(1203)]
    assert await add(db, items, clock.now()) == 1203
    assert await add(db, items[::2], clock.now()) == 0
    assert len(await find(db)) == 1203


def test_naive_and_oversized_keys_are_refused(clock: ManualClock) -> None:
    with pytest.raises(ValueError, match="naive"):
        planned(1, "s", datetime(2026, 11, 28, 9, 0))
    with pytest.raises(ValueError, match="source_id"):
        planned(1, "s" * 65, clock.now())
    with pytest.raises(ValueError, match="kind"):
        planned(1, "s", clock.now(), kind="k" * 33)
    ok = planned(1, "s", datetime(2026, 11, 28, 16, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    assert isinstance(ok, PlannedDelivery) and ok.due_at == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

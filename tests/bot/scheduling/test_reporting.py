"""Owner reports: one idempotent summary per owner, bounded in length, never about itself."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.core.actions import Send
from bot.core.content import BulletList
from bot.core.serialize import action_from_dict, action_to_dict
from bot.scheduling.lateness import MISSED_SUMMARY
from bot.scheduling.reporting import MissedItem, plain_text, report_missed
from storage.session import Database
from tests.bot.scheduling.helpers import find, planned, seed_workspace


def item(i: int, ws: int, clock: ManualClock, *, owner: str | None = "U1", kind: str = "reminder",
         code: str | None = None) -> MissedItem:
    p = planned(ws, f"s{i}", clock.now() - timedelta(hours=1, minutes=i), text=f"note {i}")
    return MissedItem(delivery_id=i, workspace_pk=ws, kind=kind, owner_user_id=owner, due_at=p.due_at,
                      payload=action_to_dict(p.action), failure_code=code)


async def test_same_missed_ids_give_one_summary(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    items = [item(1, ws, clock), item(2, ws, clock, code="dms_closed")]
    async with db.session() as s:
        assert await report_missed(s, items, now=clock.now()) == 1
    clock.advance(timedelta(minutes=5))
    async with db.session() as s:
        assert await report_missed(s, list(reversed(items)), now=clock.now()) == 0
        assert await report_missed(s, items[:1], now=clock.now()) == 1  # a different set is news
    assert len(await find(db, kind=MISSED_SUMMARY)) == 2


async def test_a_long_list_is_cut_with_a_count(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    async with db.session() as s:
        await report_missed(s, [item(i, ws, clock) for i in range(12)], now=clock.now())
    [row] = await find(db, kind=MISSED_SUMMARY)
    action = action_from_dict(row.payload)
    assert isinstance(action, Send)
    [listed] = [b for b in action.content.blocks if isinstance(b, BulletList)]
    assert len(listed.items) == 10
    assert "…and 2 more." in plain_text(action.content)
    assert "note 11" in plain_text(action.content)  # the oldest first


async def test_summaries_and_ownerless_items_are_logged_not_reported(
        db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    ws = await seed_workspace(db, clock.now())
    with caplog.at_level(logging.WARNING, logger="bot.scheduling.reporting"):
        async with db.session() as s:
            added = await report_missed(s, [item(1, ws, clock, kind=MISSED_SUMMARY, code="dms_closed"),
                                            item(2, ws, clock, owner=None)], now=clock.now())
    assert added == 0 and await find(db) == []
    messages = [r.getMessage() for r in caplog.records]
    assert any("missed-summary delivery 1" in m for m in messages)
    assert any("delivery 2 of kind reminder" in m for m in messages)


async def test_a_long_owner_id_still_fits_the_key(db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    async with db.session() as s:
        assert await report_missed(s, [item(1, ws, clock, owner="U" * 64)], now=clock.now()) == 1
    [row] = await find(db, kind=MISSED_SUMMARY)
    assert len(row.source_id) <= 64 and row.source_id.startswith(f"{ws}:")
    action = action_from_dict(row.payload)
    assert action.to.conversation_id == "U" * 64

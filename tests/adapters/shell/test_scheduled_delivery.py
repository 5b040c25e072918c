"""The demo clock drives the real outbox: `/clock advance` prints what became due, once."""

from __future__ import annotations

import io
from datetime import timedelta

from adapters.shell.adapter import ShellAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import load_settings
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.repositories import members as members_repo
from storage.session import Database


async def test_clock_advance_prints_a_delivery_that_became_due_exactly_once(
        db: Database, clock: ManualClock) -> None:
    app = Rekan(load_settings(env={}), clock=clock, database_url=db.url)
    out = io.StringIO()
    shell = ShellAdapter(app, workspace_id="local", speaker="me", out=out)
    await app.start()
    try:
        await shell.feed("/tz set Asia/Jakarta")
        me = AccountRef(platform="shell", workspace_id="local", user_id="me")
        async with app.db.session() as s:
            ws = await members_repo.get_workspace(s, me.workspace)
            assert ws is not None
            await enqueue(s, [PlannedDelivery(
                workspace_pk=ws.id, kind="reminder", source_id="r1", occurrence="once",
                due_at=clock.now() + timedelta(hours=1), owner_user_id="me",
                action=Send(to=ConversationRef.dm(me), content=Content.text("Ship the release notes")))],
                now=clock.now())
        await shell.feed("/clock advance 30m")
        assert "Ship the release notes" not in out.getvalue()
        await shell.feed("/clock advance 1h")
        await shell.feed("/clock advance 1d")
        assert out.getvalue().count("Ship the release notes") == 1
    finally:
        await app.stop()

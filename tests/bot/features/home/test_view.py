"""The home view (Slack's App Home): my zone and hours, and what Rekan will send me next."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core.actions import PublishHome, Send
from bot.core.content import Content
from bot.core.events import HomeOpened
from bot.core.identity import ConversationRef
from bot.core.render_text import render_plain
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.repositories import members as members_repo
from storage.session import Database
from tests.support import Person, make_router


async def open_home(person: Person) -> PublishHome:
    event = HomeOpened(platform=person.platform, event_id=f"home-{person.user_id}-{person.clock.now().timestamp()}",
                       actor=person.account, conversation=ConversationRef.dm(person.account),
                       at=person.clock.now())
    [action] = await person.router.handle(event, person.caps)
    assert isinstance(action, PublishHome) and action.to == ConversationRef.dm(person.account)
    return action


async def test_home_shows_my_zone_hours_and_nothing_scheduled_yet(db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock)
    await ayu.run("/tz set Asia/Jakarta")
    await ayu.run("/tz hours 09:00-17:00 Mon-Fri")
    text = render_plain((await open_home(ayu)).content, "Asia/Jakarta", "en")
    assert "Asia/Jakarta (WIB, UTC+07:00)" in text and "09:00–17:00, Mon–Fri" in text
    assert "Nothing scheduled for you yet." in text


async def test_home_lists_my_upcoming_sends_soonest_first_in_my_language(
        db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock)
    await ayu.run("/rekan lang id")
    async with db.session() as s:
        ws = await members_repo.get_workspace(s, ayu.account.workspace)
        assert ws is not None
        to = ConversationRef.dm(ayu.account)
        await enqueue(s, [
            PlannedDelivery(workspace_pk=ws.id, kind="deadline", source_id="d1", occurrence="o",
                            due_at=clock.now() + timedelta(days=2), owner_user_id="ayu",
                            action=Send(to=to, content=Content.text("x"))),
            PlannedDelivery(workspace_pk=ws.id, kind="reminder", source_id="r1", occurrence="o",
                            due_at=clock.now() + timedelta(hours=3), owner_user_id="ayu",
                            action=Send(to=to, content=Content.text("y"))),
            PlannedDelivery(workspace_pk=ws.id, kind="reminder", source_id="r2", occurrence="o",
                            due_at=clock.now() + timedelta(hours=1), owner_user_id="someone-else",
                            action=Send(to=to, content=Content.text("z"))),
        ], now=clock.now())
    text = render_plain((await open_home(ayu)).content, "UTC", "id")
    assert text.index("Pengingat") < text.index("Tenggat")
    assert text.count("Pengingat") == 1  # someone else's reminder is not mine
    assert "Zona waktu dan jam kerja Anda" in text


async def test_home_lists_my_deadlines_and_not_the_reminders_i_set_for_others(
        db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)
    ayu = Person(router=router, clock=clock, is_admin=True)
    liam = Person(router=router, clock=clock, user_id="liam")
    await liam.run("/tz set America/New_York")
    await ayu.run("/tz set Asia/Jakarta")
    await ayu.run('/deadline add "Ship v2.3" Tue 17:00 for <@liam> remind 1d')
    await ayu.run("/deadline remind me call the client tomorrow 9am")
    mine = render_plain((await open_home(ayu)).content, "Asia/Jakarta", "en")
    assert "Your deadlines and reminders" in mine
    assert mine.index("#2 call the client") < mine.index("#1 Ship v2.3")
    assert "Nothing scheduled for you yet." in mine  # Liam's reminders are not sends to Ayu
    theirs = render_plain((await open_home(liam)).content, "America/New_York", "en")
    assert "#1 Ship v2.3" in theirs and "call the client" not in theirs

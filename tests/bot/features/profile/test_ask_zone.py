"""Where the platform cannot tell a member's zone (Discord), Rekan asks once, and only once."""

from __future__ import annotations

from bot.clock import ManualClock
from storage.session import Database
from tests.support import Person, make_router

QUESTION = "which time zone are you in?"


async def test_a_discord_member_without_a_zone_is_asked_once(db: Database, clock: ManualClock) -> None:
    sam = Person(router=make_router(db, clock), clock=clock, user_id="333", platform="discord")
    assert QUESTION in await sam.run("/rekan help")
    assert QUESTION not in await sam.run("/rekan help")


async def test_nobody_is_asked_who_has_a_zone_or_is_setting_one(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)
    setting = Person(router=router, clock=clock, user_id="444", platform="discord")
    assert QUESTION not in await setting.run("/tz set Asia/Kolkata")
    assert QUESTION not in await setting.run("/rekan help")
    slack = Person(router=router, clock=clock, user_id="U5", platform="slack", platform_tz="Europe/London")
    assert QUESTION not in await slack.run("/rekan help")


async def test_the_question_comes_in_the_language_just_chosen(db: Database, clock: ManualClock) -> None:
    ani = Person(router=make_router(db, clock), clock=clock, user_id="666", platform="discord")
    assert "Anda berada di zona waktu mana?" in await ani.run("/rekan lang id")

"""The router's promises: retries run once, rights are checked here, errors become a friendly reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest

from bot.clock import ManualClock
from bot.core.actions import Action, Send, Visibility
from bot.core.capabilities import DISCORD
from bot.core.commands import Args, CommandSpec, SubcommandSpec
from bot.core.context import Context
from bot.core.identity import UNSCOPED, ConversationKind, Role
from storage.models import MemberRow
from storage.session import Database
from tests.support import Person, count, make_router


@pytest.fixture
def router_and_clock(db: Database, clock: ManualClock):  # type: ignore[no-untyped-def]
    return make_router(db, clock), clock


async def test_a_platform_retry_with_the_same_event_id_runs_once(db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock)
    assert "Asia/Jakarta" in await ayu.run("/tz set Jakarta", event_id="Ev-1")
    assert await ayu.run("/tz set Berlin", event_id="Ev-1") == ""
    assert "Asia/Jakarta" in await ayu.run("/tz")


async def test_the_first_member_of_a_workspace_is_its_admin_and_later_ones_are_not(
    db: Database, clock: ManualClock
) -> None:
    router = make_router(db, clock)
    ayu = Person(router=router, clock=clock, user_id="ayu")
    liam = Person(router=router, clock=clock, user_id="liam")
    await ayu.run("/tz")
    assert "Only workspace admins" in await liam.run("/rekan managers add <@ayu>")
    assert "is now a manager" in await ayu.run("/rekan managers add <@liam>")
    assert await count(db, MemberRow) == 2


async def test_admin_rights_come_from_the_platform_when_it_says_so(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)
    owner = Person(router=router, clock=clock, user_id="U1", platform="slack", is_admin=False)
    admin = Person(router=router, clock=clock, user_id="U2", platform="slack", is_admin=True)
    await owner.run("/tz")
    assert "Only workspace admins" in await owner.run("/rekan managers add <@U2>")
    assert "is now a manager" in await admin.run("/rekan managers add <@U1>")


async def test_the_platform_profile_zone_seeds_a_member_until_they_choose_one(
    db: Database, clock: ManualClock
) -> None:
    priya = Person(router=make_router(db, clock), clock=clock, user_id="U3", platform="slack",
                   platform_tz="Asia/Kolkata")
    assert "Asia/Kolkata" in await priya.run("/tz")
    priya.platform_tz = "Asia/Kathmandu"  # she moved and updated her Slack profile
    assert "Asia/Kathmandu" in await priya.run("/tz")
    await priya.run("/tz set Europe/Berlin")
    priya.platform_tz = "Asia/Kolkata"
    assert "Europe/Berlin" in await priya.run("/tz")  # her own choice is never overridden


async def test_a_zone_name_the_tz_database_does_not_know_is_ignored(db: Database, clock: ManualClock) -> None:
    odd = Person(router=make_router(db, clock), clock=clock, user_id="U4", platform="slack",
                 platform_tz="Mars/Olympus_Mons")
    reply = await odd.run("/tz")
    assert "Mars" not in reply and "/tz set" in reply


async def test_first_contact_from_many_members_at_once_is_no_error(db: Database, clock: ManualClock) -> None:
    """A new workspace's first events often arrive together (and a platform retry with them)."""
    router = make_router(db, clock)
    people = [Person(router=router, clock=clock, user_id=f"U{i}", workspace_id="T-new") for i in range(8)]
    replies = await asyncio.gather(*(p.run("/tz") for p in people), people[0].run("/tz"))
    assert not any("went wrong" in r for r in replies), replies
    assert await count(db, MemberRow) == 8


async def test_a_dm_outside_any_workspace_belongs_to_the_members_latest_one(
        db: Database, clock: ManualClock) -> None:
    """Discord DMs carry no guild: they join the guild the member last used Rekan in."""
    router = make_router(db, clock)
    in_guild = Person(router=router, clock=clock, user_id="111", platform="discord", workspace_id="G1")
    await in_guild.run("/tz set Asia/Jakarta")
    in_dm = Person(router=router, clock=clock, user_id="111", platform="discord", workspace_id=UNSCOPED)
    assert "Asia/Jakarta" in await in_dm.run("/tz")
    stranger = Person(router=router, clock=clock, user_id="222", platform="discord", workspace_id=UNSCOPED)
    await stranger.run("/tz set Europe/Berlin")
    assert "Europe/Berlin" in await stranger.run("/tz")  # a personal space until they meet Rekan in a guild


async def test_a_crashing_handler_gives_a_friendly_reply_with_an_error_id_that_is_logged(
    db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    router = make_router(db, clock)

    async def boom(ctx: Context, args: Args) -> Sequence[Action]:
        raise RuntimeError("secret internals")

    router.registry.add(CommandSpec(name="boom", help_key="commands.tz", subcommands=(
        SubcommandSpec(name="now", help_key="commands.tz", example="/boom now", handler=boom),)))
    ayu = Person(router=router, clock=clock)
    with caplog.at_level(logging.ERROR, logger="rekan.router"):
        reply = await ayu.run("/boom now")
    assert reply.startswith("Sorry, something went wrong on my side (error ")
    assert "secret internals" not in reply and "Traceback" not in reply
    error_id = reply.split("(error ")[1].split(")")[0]
    assert any(error_id in r.getMessage() for r in caplog.records)


async def test_the_friendly_error_is_in_the_members_language(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)

    async def boom(ctx: Context, args: Args) -> Sequence[Action]:
        raise ValueError("x")

    router.registry.add(CommandSpec(name="boom", help_key="commands.tz", subcommands=(
        SubcommandSpec(name="now", help_key="commands.tz", example="/boom now", handler=boom),)))
    ayu = Person(router=router, clock=clock)
    await ayu.run("/rekan lang id")
    assert (await ayu.run("/boom now")).startswith("Maaf, ada yang salah")


async def test_manager_only_subcommands_refuse_plain_members(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)

    async def ok(ctx: Context, args: Args) -> Sequence[Action]:
        return [ctx.reply("done")]

    router.registry.add(CommandSpec(name="boss", help_key="commands.tz", subcommands=(
        SubcommandSpec(name="do", help_key="commands.tz", example="/boss do", handler=ok,
                       permission=Role.MANAGER),)))
    ayu = Person(router=router, clock=clock, user_id="ayu")
    liam = Person(router=router, clock=clock, user_id="liam")
    assert await ayu.run("/boss do") == "done"
    assert "Only managers and admins can do that" in await liam.run("/boss do")
    await ayu.run("/rekan managers add <@liam>")
    assert await liam.run("/boss do") == "done"


async def test_an_ephemeral_reply_outside_an_interaction_becomes_a_dm_on_discord(
    db: Database, clock: ManualClock
) -> None:
    router = make_router(db, clock)
    ayu = Person(router=router, clock=clock, platform="discord", caps=DISCORD)
    await ayu.run("/tz")
    [send] = ayu.last
    assert isinstance(send, Send)
    assert send.to.kind is ConversationKind.DM and send.to.conversation_id == "ayu"
    assert send.visibility is Visibility.PUBLIC


async def test_a_dm_that_is_not_for_anyone_gets_a_hint(db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock)
    assert "/rekan help" in await ayu.run("hello?")


async def test_help_lists_every_command_and_explains_one(db: Database, clock: ManualClock) -> None:
    ayu = Person(router=make_router(db, clock), clock=clock)
    overview = await ayu.run("/rekan help")
    assert "/tz" in overview and "/rekan" in overview
    detail = await ayu.run("/rekan help tz")
    for sub in ("/tz set", "/tz hours", "/tz off", "/tz country", "/tz setup"):
        assert sub in detail
    assert "/tz hours 09:00-17:00 Mon-Fri" in detail

"""`/standup list`: each standup's schedule and member count, the first 25 by name, the rest counted."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.core.identity import WorkspaceRef
from storage.repositories import members as members_repo
from storage.repositories import standups as standups_repo
from storage.repositories.standups import MEMBER_TIME, NewStandup, Question
from storage.session import Database
from tests.bot.features.deadlines.team import WORKSPACE, Harness, seed_team


async def add_standups(db: Database, clock: ManualClock, count: int) -> None:
    async with db.session() as s:
        ws = await members_repo.get_workspace(s, WorkspaceRef(platform="shell", workspace_id=WORKSPACE))
        assert ws is not None
        for n in range(count):
            await standups_repo.insert(s, NewStandup(
                workspace_pk=ws.id, name=f"Team {n:02d}", channel_id=f"team{n}", owner="priya",
                questions=(Question(text="What did you do?"),), days=frozenset(range(5)), prompt_minute=9 * 60,
                time_mode=MEMBER_TIME, zone="Asia/Kolkata", report_minute=17 * 60, nudge_minutes=(60,),
                members=("priya", "liam", "emma")[: 1 + n % 3]), now=clock.now())


async def test_the_list_shows_each_standups_member_count(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    await add_standups(db, clock, 3)
    reply = (await Harness(db, clock).who("liam").run("/standup list")).splitlines()
    assert len(reply) == 3
    assert [line.split("; ")[-1] for line in reply] == ["1 member(s).", "2 member(s).", "3 member(s)."]


async def test_a_long_list_shows_the_first_25_by_name_and_counts_the_rest(db: Database, clock: ManualClock) -> None:
    await seed_team(db, clock.now())
    await add_standups(db, clock, 27)
    reply = (await Harness(db, clock).who("liam").run("/standup list")).splitlines()
    assert len(reply) == 26
    assert reply[0].startswith("Standup Team 00 ") and reply[24].startswith("Standup Team 24 ")
    assert reply[25] == "…and 2 more."

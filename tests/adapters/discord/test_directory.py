"""A deadline for a Discord role is for the role's members (List Guild Members, with the members intent)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import DeadlineAssigneeRow
from tests.adapters.discord.conftest import Running
from tests.adapters.discord.test_end_to_end import command, said
from tests.fakes.discord import GUILD_ID, OWNER_ID, member

# The actor is the guild owner: discord.py grants the owner every permission, so they are a Rekan admin.

ROLE = 5550000000000000001


async def test_a_deadline_for_a_role_is_given_to_its_members(running: Running) -> None:
    running.fake.guilds[GUILD_ID]["members"] = [member(2001, roles=[ROLE]), member(2002, roles=[ROLE]),
                                                 member(2003)]
    await command(running, "deadline", "add", {"title": "Ship v2.3", "when": "2026-12-04 17:00",
                                               "for": f"<@&{ROLE}>"}, guild_id=GUILD_ID, user_id=OWNER_ID)
    assert "Deadline #1 set" in said(running)
    async with running.rekan.db.read() as s:
        given = (await s.execute(select(DeadlineAssigneeRow.user_id))).scalars().all()
    assert sorted(given) == ["2001", "2002"]


async def test_without_the_members_intent_a_role_is_refused_with_a_reason(running: Running) -> None:
    running.fake.members_intent = False
    await command(running, "deadline", "add", {"title": "Ship", "when": "2026-12-04 17:00",
                                               "for": f"<@&{ROLE}>"}, guild_id=GUILD_ID, user_id=OWNER_ID)
    assert "cannot see who is in that role" in said(running)


async def test_a_deadline_for_everyone_is_refused(running: Running) -> None:
    await command(running, "deadline", "add", {"title": "Ship", "when": "2026-12-04 17:00",
                                               "for": f"<@&{GUILD_ID}>"}, guild_id=GUILD_ID, user_id=OWNER_ID)
    assert "whole server" in said(running)

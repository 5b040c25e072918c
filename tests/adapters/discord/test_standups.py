"""A standup on Discord: `/standup new` opens a five-field modal (Discord's limit), its submission sets
the standup up; days and zone keep their defaults, for `/standup edit` to change."""

from __future__ import annotations

from storage.models import StandupRow
from tests.adapters.discord.conftest import Running
from tests.adapters.discord.test_deadlines import MODAL, in_jakarta, until_said
from tests.fakes.discord import GUILD_ID, OWNER_ID, interaction_command, interaction_modal_submit
from tests.support import count


async def test_the_setup_form_fits_a_discord_modal_and_sets_the_standup_up(running: Running) -> None:
    await in_jakarta(running)
    interaction = interaction_command("standup", "new", guild_id=GUILD_ID, user_id=OWNER_ID)
    await running.fake.dispatch("INTERACTION_CREATE", interaction)
    await running.fake.wait_until(lambda: any(c.interaction_id == int(interaction["id"])
                                              for c in running.fake.callbacks), "the form's callback")
    [modal] = [c for c in running.fake.callbacks if c.interaction_id == int(interaction["id"])]
    assert modal.type == MODAL and modal.data is not None
    fields = [c["custom_id"] for row in modal.data["components"] for c in row["components"]]
    assert fields == ["name", "channel", "members", "time", "report"]
    values = {"name": "Daily", "channel": "<#1180000000000000200>", "members": f"<@{OWNER_ID}>",
              "time": "09:30", "report": "17:00"}
    await running.fake.dispatch("INTERACTION_CREATE", interaction_modal_submit(
        modal.data["custom_id"], values, guild_id=GUILD_ID, user_id=OWNER_ID))
    await until_said(running, "Standup Daily")
    assert await count(running.rekan.db, StandupRow) == 1


async def test_a_standup_for_a_channel_asks_those_who_can_see_it(running: Running) -> None:
    """#ops is private: @everyone is denied View Channel, the Ops role and one member are allowed."""
    from sqlalchemy import select

    from storage.models import StandupMemberRow
    from tests.fakes.discord import member, text_channel

    ops_role, ops_channel, view = 5550000000000000002, 1180000000000000777, 1 << 10
    guild = running.fake.guilds[GUILD_ID]
    guild["roles"].append({**guild["roles"][0], "id": str(ops_role), "name": "Ops", "permissions": "0"})
    guild["channels"].append({**text_channel(ops_channel, "ops"), "permission_overwrites": [
        {"id": str(GUILD_ID), "type": 0, "allow": "0", "deny": str(view)},
        {"id": str(ops_role), "type": 0, "allow": str(view), "deny": "0"},
        {"id": "2003", "type": 1, "allow": str(view), "deny": "0"}]})
    guild["members"] = [member(2001, roles=[ops_role]), member(2002), member(2003)]
    await in_jakarta(running)
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command(
        "standup", "new", {"setup": f"Ops in <#{ops_channel}> for <#{ops_channel}>"}, guild_id=GUILD_ID,
        user_id=OWNER_ID))
    await until_said(running, "Standup Ops")
    async with running.rekan.db.read() as s:
        members = sorted((await s.execute(select(StandupMemberRow.user_id))).scalars())
    assert members == ["2001", "2003"]


async def test_a_channel_rekan_cannot_see_is_refused(running: Running) -> None:
    await in_jakarta(running)
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command(
        "standup", "new", {"setup": "Ops in <#1180000000000000999> at 09:30"}, guild_id=GUILD_ID,
        user_id=OWNER_ID))
    await until_said(running, "Invite Rekan")
    assert await count(running.rekan.db, StandupRow) == 0

"""A deadline for a Slack user group (`@devs`) is for the group's members, as usergroups.users.list says."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import DeadlineAssigneeRow
from tests.adapters.slack.conftest import Running
from tests.adapters.slack.test_http_mode import command, texts


async def test_a_deadline_for_a_user_group_is_given_to_its_members(running: Running) -> None:
    running.fake.usergroups["S0DEVS"] = ["U0PRIYA", "U0LIAM"]
    line = 'add "Ship v2.3" 2026-12-04 17:00 for <!subteam^S0DEVS|@devs> remind 1d'
    assert (await running.post(command(running, line, command="/deadline"))).status == 200
    [(_, body)] = await running.fake.wait_for_response()
    assert "Deadline #1 set" in texts(body) or "Tenggat #1 dibuat" in texts(body)
    [call] = running.fake.calls_to("usergroups.users.list")
    assert call.params["usergroup"] == "S0DEVS"
    async with running.rekan.db.read() as s:
        ws = (await s.execute(select(DeadlineAssigneeRow.user_id))).scalars().all()
    assert sorted(ws) == ["U0LIAM", "U0PRIYA"]


async def test_a_group_slack_will_not_list_is_refused_with_a_reason(running: Running) -> None:
    line = 'add "Ship" 2026-12-04 17:00 for <!subteam^S0NOPE|@nope>'
    await running.post(command(running, line, command="/deadline"))
    [(_, body)] = await running.fake.wait_for_response()
    assert "cannot see who is in that role" in texts(body) or "tidak bisa melihat" in texts(body)


async def test_an_assignee_rekan_has_not_met_starts_with_their_slack_name_and_zone(running: Running) -> None:
    running.fake.add_user("U0NEW", "newbie", tz="Europe/Berlin", tz_label="Central European Time")
    line = 'add "Onboarding" 2026-12-04 17:00 for <@U0NEW|newbie>'
    await running.post(command(running, line, command="/deadline"))
    [(_, body)] = await running.fake.wait_for_response()
    assert "Friday, 4 December 2026, 11:00 CET" in texts(body)  # 17:00 in Jakarta, shown in Berlin time
    assert [c.params["user"] for c in running.fake.calls_to("users.info")].count("U0NEW") == 1

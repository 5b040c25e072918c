"""A standup set up on Slack: for everyone in a channel (conversations.members), and only in a channel
Rekan was invited to (conversations.info)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import StandupMemberRow, StandupRow
from tests.adapters.slack.conftest import Running
from tests.adapters.slack.test_http_mode import command, texts
from tests.support import count


async def test_a_standup_for_a_channel_asks_everyone_in_it_but_rekan(running: Running) -> None:
    running.fake.channels["C0TEAM"] = {"is_member": True, "members": ["U0AYU", "UBOT", "U0PRIYA", "U0LIAM"]}
    line = "new Daily in <#C0TEAM|team> at 09:30 report 17:00 for <#C0TEAM|team>"
    await running.post(command(running, line, command="/standup"))
    [(_, body)] = await running.fake.wait_for_response()
    assert "Standup Daily" in texts(body) and "3" in texts(body)
    async with running.rekan.db.read() as s:
        members = sorted((await s.execute(select(StandupMemberRow.user_id))).scalars())
    assert members == ["U0AYU", "U0LIAM", "U0PRIYA"]  # every page, without Rekan's own user


async def test_a_channel_rekan_is_not_in_is_refused_and_nothing_is_stored(running: Running) -> None:
    running.fake.channels["C0SECRET"] = {"is_member": False}
    await running.post(command(running, "new Daily in <#C0SECRET|secret> at 09:30", command="/standup"))
    [(_, body)] = await running.fake.wait_for_response()
    assert "Invite Rekan" in texts(body) or "Undang Rekan" in texts(body)
    assert await count(running.rekan.db, StandupRow) == 0

"""Discord beyond one interaction: a restart between question and click, closed DMs, shards, pings."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.lateness import MISSED_SUMMARY
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import WorkspaceRow
from storage.repositories import deliveries as repo
from storage.session import Database
from tests.adapters.discord.conftest import Running, start_rekan
from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
    discord_error,
    guild,
    interaction_command,
    interaction_component,
)
from tests.support import drain

CLOSED = 1180000000000000777


async def test_a_click_after_a_restart_still_answers_the_question(db: Database, discord_fake: FakeDiscord,
                                                                  clock: ManualClock) -> None:
    first = await start_rekan(db, discord_fake, clock)
    await discord_fake.dispatch("INTERACTION_CREATE", interaction_command(
        "tz", "set", {"zone": "Indonesia"}, guild_id=GUILD_ID))
    [asked] = await discord_fake.wait_for("POST", r"/webhooks/\d+/.+")
    await first.adapter.stop()
    await first.rekan.stop()
    second = await start_rekan(db, discord_fake, clock)  # a new process: nothing of the first in memory
    try:
        custom_ids = [c["custom_id"] for row in asked.json["components"] for c in row["components"]]
        wit = next(i for i in custom_ids if "Jayapura" in i)
        await discord_fake.dispatch("INTERACTION_CREATE", interaction_component(wit, guild_id=GUILD_ID))
        answers = await discord_fake.wait_for("POST", r"/webhooks/\d+/.+", count=2)
        assert "Asia/Jayapura" in str(answers[-1].json)
    finally:
        await second.adapter.stop()
        await second.rekan.stop()


async def test_closed_dms_are_recorded_and_reported_to_the_owner(running: Running, clock: ManualClock) -> None:
    running.fake.dms_closed.add(CLOSED)
    async with running.rekan.db.session() as s:
        ws = WorkspaceRow(platform="discord", external_id=str(GUILD_ID), name="Guild", default_locale="en",
                          created_at=clock.now())
        s.add(ws)
        await s.flush()
        to = ConversationRef.dm(AccountRef(platform="discord", workspace_id=str(GUILD_ID), user_id=str(CLOSED)))
        await enqueue(s, [PlannedDelivery(workspace_pk=ws.id, kind="standup_prompt", source_id="s1",
                                          occurrence="2026-11-28", due_at=clock.now() - timedelta(seconds=5),
                                          owner_user_id=str(USER_ID),
                                          action=Send(to=to, content=Content.text("What did you do yesterday?")))],
                      now=clock.now())
    await drain(running.rekan.dispatcher)
    async with running.rekan.db.read() as s:
        [prompt] = await repo.find(s, kind="standup_prompt")
        [summary] = await repo.find(s, kind=MISSED_SUMMARY)
    assert (prompt.status, prompt.error) == ("failed", "dms_closed")
    assert summary.status == "sent"
    [report] = running.fake.messages_in(int(running.fake.dm_channel(USER_ID)["id"]))
    assert "What did you do yesterday?" in str(report)


async def test_every_message_rekan_sends_forbids_unintended_pings(running: Running) -> None:
    for zone in ("@everyone", "Indonesia", "Asia/Jakarta"):
        await running.fake.dispatch("INTERACTION_CREATE", interaction_command(
            "tz", "set", {"zone": zone}, guild_id=GUILD_ID))
    await running.fake.wait_for("POST", r"/webhooks/\d+/.+", count=3)
    sent = running.fake.calls_to("POST", r"/(webhooks|channels)/.+")
    assert sent and all(c.json["allowed_mentions"] == {"parse": [], "users": [], "roles": [],
                                                      "replied_user": False} for c in sent if c.json)


async def test_configured_shards_identify_separately(db: Database, clock: ManualClock) -> None:
    async with FakeDiscord(guilds=[guild()], shards=2) as fake:
        run = await start_rekan(db, fake, clock, shard_count=2)
        try:
            identifies = await fake.identified(count=2, timeout=20)
            assert sorted(tuple(i.shard) for i in identifies) == [(0, 2), (1, 2)]
        finally:
            await run.adapter.stop()
            await run.rekan.stop()


async def test_a_private_answer_after_the_interaction_expired_goes_to_the_dm_not_the_channel(
        running: Running) -> None:
    """Past Discord's 15 minutes the follow-up webhook is gone: the answer must stay private."""
    running.fake.fail_next("POST", r"/webhooks/\d+/.+", discord_error(404, 10015, "Unknown Webhook"))
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command(
        "tz", "set", {"zone": "Asia/Jakarta"}, guild_id=GUILD_ID))
    dm = int(running.fake.dm_channel(USER_ID)["id"])
    await running.fake.wait_for("POST", rf"/channels/{dm}/messages")
    assert "Asia/Jakarta" in str(running.fake.messages_in(dm))
    assert running.fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages") == []

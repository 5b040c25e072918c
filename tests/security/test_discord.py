"""Discord end to end (the real discord.py client against the fake Discord): typed tricks and Discord names
ping nobody in what reaches Discord, `allowed_mentions` never parses anything, and an interaction or a
message the gateway delivers again is processed once."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from storage.models import DeadlineRow, ProcessedEventRow
from storage.session import Database
from tests.adapters.discord.conftest import Running, start_rekan
from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
    guild,
    interaction_command,
    interaction_component,
    message_create,
)
from tests.security.corpus import SHORT, discord_leaks
from tests.support import count

WEBHOOKS = r"/webhooks/\d+/.+"
MESSAGES = r"/channels/\d+/messages"
TRICK_NAME = "@everyone <@&1180000000000000100> <@1180000000000000301>"


@pytest.fixture
def db(lite_db: Database) -> Database:
    return lite_db


@pytest.fixture
async def running(db: Database, clock: ManualClock) -> AsyncIterator[Running]:
    async with FakeDiscord(guilds=[guild()]) as fake:
        run = await start_rekan(db, fake, clock)
        try:
            yield run
        finally:
            await run.adapter.stop()
            await run.rekan.stop()


def posted(running: Running, path: str = WEBHOOKS) -> list[dict[str, Any]]:
    return [c.json for c in running.fake.calls_to("POST", path) if isinstance(c.json, dict)]


async def interact(running: Running, payload: dict[str, Any], path: str = WEBHOOKS) -> None:
    before = len(running.fake.calls_to("POST", path))
    await running.fake.dispatch("INTERACTION_CREATE", payload)
    await running.fake.wait_for("POST", path, count=before + 1)


def named(payload: dict[str, Any], name: str) -> dict[str, Any]:
    """The same interaction from someone whose Discord display name is `name`."""
    (payload.get("member") or {}).get("user", payload.get("user", {}))["global_name"] = name
    return payload


async def test_typed_tricks_and_discord_names_ping_nobody(running: Running) -> None:
    tricks = [text for _, text in SHORT][::2]
    for n, typed in enumerate(tricks):
        # Replies are paced at five a second per channel: each trick is typed in a channel of its own.
        where = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID + 1 + n}
        await interact(running, interaction_command("deadline", "add", {"title": typed, "when": "tomorrow 9am"},
                                                    **where))
        other = (("meet", "time", {"when": typed}), ("tz", "set", {"zone": typed}),
                 ("standup", "pause", {"name": typed}))[n % 3]
        await interact(running, interaction_command(*other, **where))
    assert await count(running.rekan.db, DeadlineRow) >= len(tricks) - 2
    await interact(running, interaction_command("deadline", "list", guild_id=GUILD_ID))
    await interact(running, named(interaction_command("meet", "time", {"when": "tomorrow 3pm"}, guild_id=GUILD_ID),
                                  TRICK_NAME))
    await interact(running, named(interaction_command("tz", "show", guild_id=GUILD_ID), TRICK_NAME))
    for typed in tricks[:3]:
        await running.fake.dispatch("MESSAGE_CREATE", message_create(typed, author_id=USER_ID))
    await running.fake.wait_for("POST", MESSAGES, count=3)
    bodies = posted(running) + posted(running, MESSAGES)
    assert all(b.get("allowed_mentions") == {"parse": [], "users": [], "roles": [], "replied_user": False}
               for b in bodies)
    assert any("everyone" in str(b) for b in bodies)  # the tricks did come back, inert
    assert [x for b in bodies for x in discord_leaks(b)] == []


async def test_a_redelivered_interaction_is_processed_once(running: Running) -> None:
    payload = interaction_command("deadline", "add", {"title": "Once", "when": "tomorrow 9am"}, guild_id=GUILD_ID)
    await interact(running, payload)
    await asyncio.sleep(0.1)
    answered = len(posted(running))  # the confirmation, and a hint to set a zone
    await running.fake.dispatch("INTERACTION_CREATE", copy.deepcopy(payload))  # the gateway replays it
    form = interaction_command("deadline", "form", guild_id=GUILD_ID)
    await running.fake.dispatch("INTERACTION_CREATE", form)
    await running.fake.wait_for_callback(count=2)
    await running.fake.dispatch("INTERACTION_CREATE", copy.deepcopy(form))
    await asyncio.sleep(0.3)
    assert await count(running.rekan.db, DeadlineRow) == 1
    assert len(posted(running)) == answered
    assert sum("Deadline #" in b["content"] for b in posted(running)) == 1
    assert [c.type for c in running.fake.callbacks] == [5, 9]  # one deferral, one modal: nothing twice
    async with running.rekan.db.read() as s:
        ids = list((await s.execute(select(ProcessedEventRow.event_id))).scalars())
    assert len(ids) == len(set(ids)) == 2


async def test_a_redelivered_click_and_message_are_processed_once(running: Running) -> None:
    await interact(running, interaction_command("tz", "set", {"zone": "Indonesia"}, guild_id=GUILD_ID))
    asked = posted(running)[-1]
    wita = next(b for row in asked["components"] for b in row["components"] if "WITA" in b.get("label", ""))
    click = interaction_component(wita["custom_id"], guild_id=GUILD_ID)
    await interact(running, click)
    await running.fake.dispatch("INTERACTION_CREATE", copy.deepcopy(click))
    dm = message_create("what can you do?", author_id=USER_ID)
    await running.fake.dispatch("MESSAGE_CREATE", dm)
    await running.fake.wait_for("POST", MESSAGES)
    await running.fake.dispatch("MESSAGE_CREATE", copy.deepcopy(dm))
    await asyncio.sleep(0.3)
    assert len(posted(running)) == 2  # the question and one answer to the click
    assert "Asia/Makassar" in str(posted(running)[-1])
    assert len(posted(running, MESSAGES)) == 1

"""Discord end to end: the real discord.py client, a fake Discord, and the core answering through it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import MemberRow
from tests.adapters.discord.conftest import Running
from tests.fakes.discord import (
    GUILD_ID,
    USER_ID,
    interaction_autocomplete,
    interaction_command,
    interaction_component,
    interaction_modal_submit,
    message_create,
    rate_limited,
)
from tests.support import count

DEFERRED = 5


def strings(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return [obj] if isinstance(obj, str) else []


def said(running: Running, path: str = r"/webhooks/\d+/.+") -> str:
    """Everything Rekan posted on that route (follow-ups by default), as one text."""
    return " ".join(s for c in running.fake.calls_to("POST", path) for s in strings(c.json))


async def command(running: Running, name: str, sub: str | None, options: dict[str, Any] | None = None,
                  **where: Any) -> None:
    before = len(running.fake.calls_to("POST", r"/webhooks/\d+/.+"))
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command(name, sub, options, **where))
    await running.fake.wait_for("POST", r"/webhooks/\d+/.+", count=before + 1)


async def test_the_commands_are_synced_on_start_from_the_core_specs(running: Running) -> None:
    [sync] = running.fake.calls_to("PUT", r"/applications/\d+/commands")
    names = {c["name"] for c in sync.json}
    assert {"tz", "rekan"} <= names


async def test_tz_set_is_deferred_then_answered_by_follow_up(running: Running) -> None:
    await command(running, "tz", "set", {"zone": "Asia/Jakarta"}, guild_id=GUILD_ID)
    [callback] = running.fake.callbacks
    assert callback.type == DEFERRED and callback.data is not None and callback.data.get("flags") == 64
    assert "Asia/Jakarta (WIB, UTC+07:00)" in said(running)


async def test_a_dm_answer_is_handled_in_the_members_latest_workspace(running: Running) -> None:
    await command(running, "tz", "set", {"zone": "Asia/Kolkata"}, guild_id=GUILD_ID)
    await running.fake.dispatch("MESSAGE_CREATE", message_create("what can you do?", author_id=USER_ID))
    await running.fake.wait_for("POST", r"/channels/\d+/messages")
    assert "/rekan help" in said(running, r"/channels/\d+/messages")
    assert await count(running.rekan.db, MemberRow) == 1  # the DM joined the guild's member, no new one


async def test_a_click_on_a_choice_works_without_any_view_in_memory(running: Running) -> None:
    await command(running, "tz", "set", {"zone": "Indonesia"}, guild_id=GUILD_ID)
    asked = running.fake.calls_to("POST", r"/webhooks/\d+/.+")[-1].json
    buttons = [c for row in asked["components"] for c in row["components"]]
    wita = next(b for b in buttons if "WITA" in b.get("label", ""))
    await running.fake.dispatch("INTERACTION_CREATE", interaction_component(wita["custom_id"], guild_id=GUILD_ID))
    await running.fake.wait_for("POST", r"/webhooks/\d+/.+", count=2)
    assert "Asia/Makassar" in said(running)


async def test_tz_setup_opens_a_modal_and_a_bad_zone_comes_back_with_its_reason(running: Running) -> None:
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command("tz", "setup", guild_id=GUILD_ID))
    [modal] = await running.fake.wait_for_callback()
    assert modal.type == 9 and modal.data is not None
    fields = [c["custom_id"] for row in modal.data["components"] for c in row["components"]]
    assert "zone" in fields
    values = {f: ("Mars" if f == "zone" else "") for f in fields}
    await running.fake.dispatch("INTERACTION_CREATE",
                                interaction_modal_submit(modal.data["custom_id"], values, guild_id=GUILD_ID))
    await running.fake.wait_for("POST", r"/webhooks/\d+/.+")
    assert "Mars" in said(running)


async def test_zone_autocomplete_offers_matching_zones(running: Running) -> None:
    await running.fake.dispatch("INTERACTION_CREATE",
                                interaction_autocomplete("tz", "set", "zone", "jak", guild_id=GUILD_ID))
    [result] = await running.fake.wait_for_callback()
    assert result.type == 8 and result.data is not None
    assert result.data["choices"][0] == {"name": "Asia/Jakarta", "value": "Asia/Jakarta"}


@pytest.mark.parametrize("typed", ["@everyone", "@here", "<@&1180000000000000999>", "<@1180000000000000301>",
                                   "<#1180000000000000200>", "[click](https://evil.example)"])
async def test_echoed_text_pings_nobody(running: Running, typed: str) -> None:
    await command(running, "tz", "set", {"zone": f"{typed} now"}, guild_id=GUILD_ID)
    [reply] = running.fake.calls_to("POST", r"/webhooks/\d+/.+")
    mentions = reply.json["allowed_mentions"]
    assert mentions["parse"] == [] and not mentions.get("roles") and not mentions.get("users")
    text = json.dumps(reply.json["content"])
    assert "@everyone" not in text and "@here" not in text and "<@&" not in text and "<@1" not in text


async def test_a_429_with_via_is_retried_and_nothing_is_lost(running: Running) -> None:
    running.fake.fail_next("POST", r"/webhooks/\d+/.+", rate_limited(0.1))
    await running.fake.dispatch("INTERACTION_CREATE",
                                interaction_command("tz", "set", {"zone": "Europe/Berlin"}, guild_id=GUILD_ID))
    await running.fake.wait_for("POST", r"/webhooks/\d+/.+", count=2)  # the refused try, then the retry
    sent = [c for c in running.fake.calls_to("POST", r"/webhooks/\d+/.+") if not c.failed]
    assert len(sent) == 1 and "Europe/Berlin" in " ".join(strings(sent[0].json))


async def test_after_a_gateway_reconnect_the_session_resumes_and_events_still_arrive(running: Running) -> None:
    await running.fake.request_reconnect()
    await running.fake.resumed()
    await command(running, "tz", "set", {"zone": "America/New_York"}, guild_id=GUILD_ID)
    assert "America/New\\_York (EST, UTC-05:00)" in said(running)  # `_` escaped for Discord markdown


async def test_a_dm_answering_rekans_question_is_stored(running: Running) -> None:
    """The question came in the guild; the answer, typed in the DM, lands in the same workspace."""
    await command(running, "tz", "set", {"zone": "Indonesia"}, guild_id=GUILD_ID)
    await running.fake.dispatch("MESSAGE_CREATE", message_create("3", author_id=USER_ID))
    await running.fake.wait_for("POST", r"/channels/\d+/messages")
    assert "Asia/Jayapura" in said(running, r"/channels/\d+/messages")
    async with running.rekan.db.read() as s:
        zone = (await s.execute(select(MemberRow.tz))).scalar_one()
    assert zone == "Asia/Jayapura"

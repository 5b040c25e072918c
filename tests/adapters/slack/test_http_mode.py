"""Slack in HTTP mode: real slack-bolt verifying real signatures, real slack_sdk calling a fake Slack."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select

from adapters.slack.render import CHOICE_BLOCK_PREFIX
from bot.core.actions import Action
from bot.core.capabilities import Capabilities
from bot.core.events import Event
from storage.models import MemberRow, ProcessedEventRow
from tests.adapters.slack.conftest import SECRET, TEAM, Running
from tests.fakes.slack import (
    app_home_opened_event,
    block_actions_payload,
    event_callback,
    form_payload_body,
    message_im_event,
    signed_headers,
    slash_command_body,
    view_submission_payload,
)
from tests.support import count


def command(running: Running, text: str, *, user: str = "U0AYU", command: str = "/tz",
            channel: str = "C0GENERAL", name: str = "r1") -> str:
    return slash_command_body(command=command, text=text, user_id=user, team_id=TEAM, channel_id=channel,
                              response_url=running.fake.response_url(name))


def texts(obj: Any) -> str:
    """Every string in a JSON document, joined: what a reader of the message could see."""
    if isinstance(obj, dict):
        return " ".join(texts(v) for v in obj.values())
    if isinstance(obj, list):
        return " ".join(texts(v) for v in obj)
    return obj if isinstance(obj, str) else ""


async def test_a_signed_slash_command_is_answered_through_its_response_url(running: Running) -> None:
    response = await running.post(command(running, "set Asia/Jakarta"))
    assert response.status == 200
    [(name, body)] = await running.fake.wait_for_response()
    assert name == "r1" and body["response_type"] == "ephemeral"
    assert "Asia/Jakarta (WIB, UTC+07:00)" in texts(body)


@pytest.mark.parametrize("tamper", ["bad signature", "stale timestamp", "no headers"])
async def test_an_unsigned_or_forged_request_is_refused_and_changes_nothing(running: Running, tamper: str) -> None:
    body = command(running, "set Asia/Jakarta")
    if tamper == "bad signature":
        headers = signed_headers(body, "not-the-secret")
    elif tamper == "stale timestamp":
        headers = signed_headers(body, SECRET, timestamp=int(time.time()) - 6 * 60)
    else:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    async with running.http.post(running.url, data=body.encode(), headers=headers) as response:
        assert response.status == 401
    assert [c for c in running.fake.calls if c.method != "auth.test"] == []
    assert running.fake.responses == []
    assert await count(running.rekan.db, MemberRow) == 0


async def test_the_ack_arrives_while_the_core_is_still_busy(running: Running) -> None:
    """Slack's 3-second deadline: the HTTP answer cannot wait for the core (held here for 5 s)."""
    release = asyncio.Event()
    original = running.rekan.handle

    async def slow(event: Event, caps: Capabilities) -> Sequence[Action]:
        await asyncio.wait_for(release.wait(), timeout=5)
        return await original(event, caps)

    running.rekan.handle = slow  # type: ignore[method-assign]
    started = time.monotonic()
    response = await running.post(command(running, "set Asia/Jakarta"))
    acked_after = time.monotonic() - started
    assert response.status == 200 and acked_after < 3.0
    assert running.fake.responses == []  # the core has not answered yet
    release.set()
    [(_, body)] = await running.fake.wait_for_response()
    assert "Asia/Jakarta" in texts(body)


async def test_the_zone_is_seeded_from_the_slack_profile_on_first_contact(running: Running) -> None:
    await running.post(command(running, "", user="U0PRIYA"))
    [(_, body)] = await running.fake.wait_for_response()
    assert "Asia/Kolkata" in texts(body)
    async with running.rekan.db.read() as s:
        row = (await s.execute(select(MemberRow).where(MemberRow.user_id == "U0PRIYA"))).scalar_one()
    assert (row.tz, row.tz_source, row.display_name, row.is_admin) == ("Asia/Kolkata", "platform", "priya", False)


async def test_workspace_admins_in_slack_are_rekan_admins(running: Running) -> None:
    """Each command is answered before the next is sent: Rekan handles them concurrently after the ack."""
    steps = [("/tz", "", "U0PRIYA", "first"), ("/tz", "", "U0LIAM", "liam"),
             ("/rekan", "managers add <@U0LIAM|liam>", "U0PRIYA", "refused"),
             ("/rekan", "managers add <@U0LIAM|liam>", "U0AYU", "granted")]
    for n, (name, text, user, label) in enumerate(steps, start=1):
        await running.post(command(running, text, user=user, command=name, name=label))
        await running.fake.wait_for_response(count=n)
    answers = dict(running.fake.responses)
    assert "Only workspace admins" in texts(answers["refused"])
    assert "is now a manager" in texts(answers["granted"])


async def test_a_retried_event_is_processed_once(running: Running) -> None:
    payload = json.dumps(event_callback(message_im_event(user="U0AYU", text="hello?"), team_id=TEAM,
                                        event_id="Ev0RETRY", event_time=int(time.time())))
    first = await running.post_json(payload)
    again = await running.post_json(payload, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first[0] == again[0] == 200
    await running.fake.wait_for("chat.postMessage")
    async with running.rekan.db.read() as s:
        seen = (await s.execute(select(ProcessedEventRow).where(ProcessedEventRow.event_id == "Ev0RETRY"))).all()
    assert len(seen) == 1
    assert len(running.fake.calls_to("chat.postMessage")) == 1


async def test_a_dm_to_rekan_is_answered_in_the_dm(running: Running) -> None:
    payload = json.dumps(event_callback(message_im_event(user="U0AYU", text="what can you do?"), team_id=TEAM,
                                        event_id="Ev0DM", event_time=int(time.time())))
    assert (await running.post_json(payload))[0] == 200
    [call] = await running.fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "U0AYU"
    assert "/rekan help" in texts(call.params)


async def test_a_button_click_answers_the_question_it_belongs_to(running: Running) -> None:
    await running.post(command(running, "set Indonesia", name="ask"))
    [(_, asked)] = await running.fake.wait_for_response()
    [actions] = [b for b in asked["blocks"] if b["type"] == "actions"]
    assert actions["block_id"].startswith(CHOICE_BLOCK_PREFIX)
    wita = next(e for e in actions["elements"] if "WITA" in e["text"]["text"])
    payload = block_actions_payload(user_id="U0AYU", team_id=TEAM, block_id=actions["block_id"],
                                    action_id=wita["action_id"], value=wita["value"],
                                    response_url=running.fake.response_url("clicked"))
    assert (await running.post(form_payload_body(payload))).status == 200
    answers = dict(await running.fake.wait_for_response(count=2))
    assert "Asia/Makassar" in texts(answers["clicked"])


async def test_a_modal_submission_with_a_bad_field_shows_the_error_in_the_field(running: Running) -> None:
    await running.post(command(running, "setup", name="setup"))
    [opened] = await running.fake.wait_for("views.open")
    view = opened.params["view"] if isinstance(opened.params["view"], dict) else json.loads(opened.params["view"])
    values = {b["block_id"]: {b["element"]["action_id"]: {"type": "plain_text_input", "value": "Mars"}}
              for b in view["blocks"] if b["type"] == "input" and b["block_id"] == "zone"}
    payload = view_submission_payload(user_id="U0AYU", team_id=TEAM, callback_id=view["callback_id"],
                                      private_metadata=view["private_metadata"], values=values)
    async with running.http.post(running.url, data=form_payload_body(payload).encode(),
                                 headers=signed_headers(form_payload_body(payload), SECRET)) as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["response_action"] == "errors"
    assert "Mars" in answer["errors"]["zone"]


async def test_opening_the_home_tab_publishes_my_zone(running: Running) -> None:
    payload = json.dumps(event_callback(app_home_opened_event(user="U0AYU"), team_id=TEAM, event_id="Ev0HOME",
                                        event_time=int(time.time())))
    assert (await running.post_json(payload))[0] == 200
    [published] = await running.fake.wait_for("views.publish")
    view = published.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert published.params["user_id"] == "U0AYU" and view["type"] == "home"
    assert "Asia/Jakarta" in texts(view)


async def test_the_home_tab_follows_a_change_made_with_a_command(running: Running) -> None:
    payload = json.dumps(event_callback(app_home_opened_event(user="U0AYU"), team_id=TEAM, event_id="Ev0HOME2",
                                        event_time=int(time.time())))
    await running.post_json(payload)
    await running.fake.wait_for("views.publish")
    await running.post(command(running, "set Europe/Berlin"))
    published = await running.fake.wait_for("views.publish", count=2)
    latest = published[-1].params["view"]
    assert "Europe/Berlin" in texts(latest if isinstance(latest, dict) else json.loads(latest))

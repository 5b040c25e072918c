"""Slack end to end (real slack-bolt and slack_sdk against the fake Slack): typed tricks ping nobody in what
reaches Slack; forged, stale and tampered requests are refused before anything happens; a request replayed
within Slack's five minutes, and an event Slack retries, are processed once."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlalchemy import select

from adapters.slack.render import CHOICE_BLOCK_PREFIX
from bot.clock import ManualClock
from storage.models import DeadlineRow, MemberRow, ProcessedEventRow, StandupAnswerRow
from storage.session import Database
from tests.adapters.slack.conftest import SECRET, TEAM, USERS, Running, start_rekan
from tests.fakes.slack import (
    FakeSlack,
    block_actions_payload,
    event_callback,
    form_payload_body,
    message_im_event,
    signed_headers,
    slash_command_body,
    view_submission_payload,
)
from tests.security.corpus import SLACK_WIRE, slack_leaks
from tests.support import count

TRICKSTER = "U0TRICK"


@pytest.fixture
def db(lite_db: Database) -> Database:
    return lite_db


@pytest.fixture
async def running(db: Database, clock: ManualClock) -> AsyncIterator[Running]:
    """Rekan on Slack over HTTP, with one more member whose Slack names are mention tricks."""
    import aiohttp

    async with FakeSlack(team_id=TEAM) as fake:
        fake.users.update(USERS)
        fake.users[TRICKSTER] = {
            "id": TRICKSTER, "team_id": TEAM, "name": "<!channel>", "real_name": "<!here> @everyone",
            "tz": "Europe/Berlin", "is_admin": False,
            "profile": {"display_name": "@everyone <!subteam^S1|@devs>", "real_name": "<!here> @everyone"}}
        rekan, adapter = await start_rekan(db, fake, clock)
        async with aiohttp.ClientSession() as http:
            try:
                yield Running(rekan=rekan, adapter=adapter, fake=fake, http=http)
            finally:
                await adapter.stop()
                await rekan.stop()


def slash(running: Running, text: str, *, command: str = "/deadline", user: str = "U0AYU", name: str = "r",
          channel: str = "C0TEAM") -> str:
    return slash_command_body(command=command, text=text, user_id=user, team_id=TEAM, channel_id=channel,
                              response_url=running.fake.response_url(name))


def dm(text: str, *, user: str = "U0AYU", event_id: str | None = None) -> str:
    return json.dumps(event_callback(message_im_event(user=user, text=text), team_id=TEAM, event_id=event_id,
                                     event_time=int(time.time())))


async def raw_post(running: Running, body: str, headers: dict[str, str]) -> int:
    async with running.http.post(running.url, data=body.encode(), headers=headers) as response:
        await response.read()
        return response.status


def sent(running: Running) -> list[Any]:
    """Everything Rekan sent Slack: response_url answers and Web API calls (their parameters)."""
    return [body for _, body in running.fake.responses] + [c.params for c in running.fake.calls
                                                            if c.method != "auth.test"]


# --- injection ----------------------------------------------------------------------------------


async def test_typed_tricks_and_slack_names_ping_nobody_in_what_reaches_slack(running: Running) -> None:
    answered = 0
    for n, typed in enumerate(SLACK_WIRE):  # every trick as a deadline title, and through one other echo
        other = (("/meet", f"time {typed}"), ("/tz", f"set {typed}"),
                 ("/standup", f'new "{typed}" in <#C0TEAM|team> at 09:30'))[n % 3]
        for command, text in (("/deadline", f'add "{typed}" tomorrow 9am'), other):
            await running.post(slash(running, text, command=command, name=f"{command[1:]}{n}"))
            answered += 1
            await running.fake.wait_for_response(count=answered)
    assert await count(running.rekan.db, DeadlineRow) >= len(SLACK_WIRE) - 2
    for text in ("list", "list team"):
        await running.post(slash(running, text, name="list"))
        answered += 1
        await running.fake.wait_for_response(count=answered)
    await running.post(slash(running, "time tomorrow 3pm", command="/meet", user=TRICKSTER, name="trick"))
    await running.post(slash(running, f"add \"x\" tomorrow 9am for <@{TRICKSTER}|x>", name="for-trick"))
    await running.fake.wait_for_response(count=answered + 2)
    # DMs are paced at one a second per conversation, so three people write one each.
    for n, (user, typed) in enumerate(zip(("U0AYU", "U0PRIYA", TRICKSTER), SLACK_WIRE, strict=False)):
        await running.post_json(dm(typed, user=user, event_id=f"EvTRICK{n}"))
    await running.fake.wait_for("chat.postMessage", count=3)
    everything = sent(running)
    assert any("@everyone" in json.dumps(s) for s in everyone_mentions(everything))  # the names did arrive
    assert [x for s in everything for x in slack_leaks(s)] == []


def everyone_mentions(payloads: list[Any]) -> list[Any]:
    return [p for p in payloads if "everyone" in json.dumps(p)]


# --- forged, stale and tampered requests ----------------------------------------------------------

def _bodies(running: Running) -> dict[str, str]:
    click = block_actions_payload(user_id="U0AYU", team_id=TEAM, block_id=CHOICE_BLOCK_PREFIX + "profile.tz.pick",
                                  action_id="rekan.choice.0", value="Asia/Jakarta",
                                  response_url=running.fake.response_url("forged"))
    return {"command": slash(running, 'add "Forged" tomorrow 9am', name="forged"),
            "event": dm("forged?", event_id="EvFORGED"), "action": form_payload_body(click)}


def _tampered(body: str, how: str) -> tuple[str, dict[str, str]]:
    """A body and the headers an attacker could send with it."""
    now = int(time.time())
    if how == "bad signature":
        return body, signed_headers(body, "not-the-secret")
    if how == "stale":
        return body, signed_headers(body, SECRET, timestamp=now - 6 * 60)
    if how == "future":
        return body, signed_headers(body, SECRET, timestamp=now + 6 * 60)
    if how == "body changed after signing":
        headers = signed_headers(body, SECRET)
        changed = body.replace("Forged", "Forgex").replace("forged?", "forgex?").replace("Jakarta", "Jayapura")
        return changed, {**headers, "Content-Type": headers["Content-Type"]}
    if how == "timestamp changed after signing":
        headers = signed_headers(body, SECRET)
        return body, {**headers, "X-Slack-Request-Timestamp": str(now - 1)}
    if how == "other version":
        headers = signed_headers(body, SECRET)
        return body, {**headers, "X-Slack-Signature": headers["X-Slack-Signature"].replace("v0=", "v1=")}
    if how == "no signature":
        headers = signed_headers(body, SECRET)
        return body, {k: v for k, v in headers.items() if k != "X-Slack-Signature"}
    headers = signed_headers(body, SECRET)
    return body, {k: v for k, v in headers.items() if k != "X-Slack-Request-Timestamp"}


TAMPERS = ["bad signature", "stale", "future", "body changed after signing", "timestamp changed after signing",
           "other version", "no signature", "no timestamp"]


async def test_forged_stale_and_tampered_requests_are_refused_and_change_nothing(running: Running) -> None:
    refused: list[str] = []
    for kind, body in _bodies(running).items():
        for how in TAMPERS:
            sent_body, headers = _tampered(body, how)
            status = await raw_post(running, sent_body, headers)
            if status != 401:
                refused.append(f"{kind} with {how}: HTTP {status}")
    assert refused == []
    assert [c.method for c in running.fake.calls if c.method != "auth.test"] == []
    assert running.fake.responses == []
    assert await count(running.rekan.db, MemberRow) == 0
    assert await count(running.rekan.db, ProcessedEventRow) == 0


# --- replays and retries ------------------------------------------------------------------------


async def test_a_replayed_slash_command_is_processed_once(running: Running) -> None:
    body = slash(running, 'add "Replayed" tomorrow 9am', name="replay")
    headers = signed_headers(body, SECRET)
    assert await raw_post(running, body, headers) == 200
    await running.fake.wait_for_response()
    assert await raw_post(running, body, headers) == 200  # a valid signature, inside the five minutes
    again = dict(parse_qsl(body))
    assert await raw_post(running, urlencode(again), signed_headers(urlencode(again), SECRET)) == 200  # re-signed
    await _settle(running)
    assert await count(running.rekan.db, DeadlineRow) == 1
    assert len(running.fake.responses) == 1


async def test_a_replayed_button_click_and_form_submission_are_processed_once(running: Running) -> None:
    await running.post(slash(running, "set Indonesia", command="/tz", name="ask"))
    [(_, asked)] = await running.fake.wait_for_response()
    [actions] = [b for b in asked["blocks"] if b["type"] == "actions"]
    wita = next(e for e in actions["elements"] if "WITA" in e["text"]["text"])
    click = form_payload_body(block_actions_payload(
        user_id="U0AYU", team_id=TEAM, block_id=actions["block_id"], action_id=wita["action_id"],
        value=wita["value"], response_url=running.fake.response_url("clicked")))
    headers = signed_headers(click, SECRET)
    for _ in range(3):
        assert await raw_post(running, click, headers) == 200
    await running.post(slash(running, "form", name="form"))
    [opened] = await running.fake.wait_for("views.open")
    view = opened.params["view"] if isinstance(opened.params["view"], dict) else json.loads(opened.params["view"])
    values = {"title": {"value": {"type": "plain_text_input", "value": "From the form"}},
              "when": {"value": {"type": "plain_text_input", "value": "tomorrow 9am"}}}
    submit = form_payload_body(view_submission_payload(
        user_id="U0AYU", team_id=TEAM, callback_id=view["callback_id"], private_metadata=view["private_metadata"],
        values=values))
    headers = signed_headers(submit, SECRET)
    for _ in range(3):
        assert await raw_post(running, submit, headers) == 200
    await _settle(running)
    assert [name for name, _ in running.fake.responses].count("clicked") == 1
    assert await count(running.rekan.db, DeadlineRow) == 1


async def test_an_event_replayed_or_retried_by_slack_is_processed_once(running: Running) -> None:
    """A standup answer by DM, delivered again by a replay and by Slack's retries: one answer is stored."""
    running.fake.channels["C0TEAM"] = {"is_member": True, "members": ["U0AYU", "U0LIAM"]}
    await running.post(slash(running, "new Daily in <#C0TEAM|team> at 09:30 report 17:00 for <@U0LIAM|liam>",
                             command="/standup", name="new"))
    await running.fake.wait_for_response()
    clock = running.rekan.manual_clock
    assert clock is not None
    await running.rekan.scheduler.advance_to(clock.now() + timedelta(days=2, hours=7))  # Monday 15:00 UTC
    prompts = len(running.fake.calls_to("chat.postMessage"))
    assert prompts >= 1
    payload = dm("Shipped the importer", user="U0LIAM", event_id="Ev0ANSWER")
    assert (await running.post_json(payload))[0] == 200
    await running.fake.wait_for("chat.postMessage", count=prompts + 1)
    for attempt in ("1", "2", "3"):
        status, _ = await running.post_json(payload, **{"X-Slack-Retry-Num": attempt,
                                                         "X-Slack-Retry-Reason": "http_timeout"})
        assert status == 200
    assert (await running.post_json(payload))[0] == 200  # a plain replay
    await _settle(running)
    async with running.rekan.db.read() as s:
        [row] = (await s.execute(select(StandupAnswerRow).where(StandupAnswerRow.user_id == "U0LIAM"))).scalars()
    assert list(row.answers) == ["Shipped the importer"] and row.step == 1
    assert len(running.fake.calls_to("chat.postMessage")) == prompts + 1  # one "(2/3)", not four


async def _settle(running: Running) -> None:
    """Let the adapter finish what the acks left running (Bolt handles after acknowledging)."""
    import asyncio

    for _ in range(6):
        await asyncio.sleep(0.05)
    await running.rekan.dispatcher.release_claims()


async def test_socket_mode_retries_of_an_event_are_processed_once(db: Database, clock: ManualClock) -> None:
    async with FakeSlack(team_id=TEAM) as fake:
        fake.users.update(USERS)
        rekan, adapter = await start_rekan(db, fake, clock, SLACK_APP_TOKEN="xapp-1-A0REKAN-1-0123456789abcdef",
                                           SLACK_SIGNING_SECRET="")
        try:
            await fake.socket_connected()
            payload = event_callback(message_im_event(user="U0AYU", text="hello?"), team_id=TEAM,
                                     event_id="Ev0SOCKET", event_time=int(time.time()))
            await fake.send_envelope("events_api", payload)
            await fake.wait_for("chat.postMessage")
            for attempt in (1, 2):
                await fake.send_envelope("events_api", payload, retry_attempt=attempt, retry_reason="timeout")
            import asyncio

            await asyncio.sleep(0.3)
            assert len(fake.calls_to("chat.postMessage")) == 1
            async with rekan.db.read() as s:
                seen = (await s.execute(select(ProcessedEventRow).where(
                    ProcessedEventRow.event_id == "Ev0SOCKET"))).all()
            assert len(seen) == 1
        finally:
            await adapter.stop()
            await rekan.stop()

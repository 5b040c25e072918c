"""The fake Slack, exercised with the real slack_sdk and slack_bolt clients."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.slack import (
    RESPONSE_URL,
    UPLOAD,
    FakeSlack,
    app_home_opened_event,
    app_uninstalled_event,
    block_actions_payload,
    event_callback,
    form_payload_body,
    message_im_event,
    plain_text_value,
    rate_limited,
    select_value,
    server_error,
    signed_headers,
    slack_error,
    slash_command_body,
    slash_command_payload,
    tokens_revoked_event,
    view_closed_payload,
    view_submission_payload,
)

BOT_TOKEN = "xoxb-test"
APP_TOKEN = "xapp-1-A1-1-secret"
SECRET = "signing-secret"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


def web(slack: FakeSlack, token: str | None = BOT_TOKEN) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=slack.api_url)


# ----- Web API


async def test_post_message_answers_like_slack_and_is_recorded(slack: FakeSlack) -> None:
    client = web(slack)
    first = await client.chat_postMessage(channel="C1", text="hello", blocks=[{"type": "divider"}])
    second = await client.chat_postMessage(channel="U7", text="psst")
    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"]) and float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C1" and first["message"]["bot_id"] == slack.bot_id
    assert second["channel"] == slack.dm_channel("U7") and second["channel"].startswith("D")
    call = slack.calls_to("chat.postMessage")[0]
    assert call.token == BOT_TOKEN and call.params["blocks"] == [{"type": "divider"}] and call.failed is None
    assert slack.messages[("C1", first["ts"])]["text"] == "hello"


async def test_users_info_comes_from_the_configured_users(slack: FakeSlack) -> None:
    slack.add_user("U1", "ayu", tz="Asia/Jakarta", is_admin=True, display_name="Ayu")
    user = (await web(slack).users_info(user="U1"))["user"]
    assert (user["tz"], user["tz_offset"], user["tz_label"]) == ("Asia/Jakarta", 7 * 3600, "WIB")
    assert user["is_admin"] and not user["is_owner"] and user["profile"]["display_name"] == "Ayu"
    with pytest.raises(SlackApiError) as raised:
        await web(slack).users_info(user="U404")
    assert raised.value.response["error"] == "user_not_found"
    assert slack.calls_to("users.info")[-1].failed == "user_not_found"


async def test_the_other_methods_answer_in_slack_shapes(slack: FakeSlack) -> None:
    client = web(slack)
    assert (await client.auth_test())["user_id"] == slack.bot_user_id
    posted = await client.chat_postMessage(channel="C1", text="a")
    assert (await client.chat_update(channel="C1", ts=posted["ts"], text="b"))["message"]["text"] == "b"
    assert (await client.chat_postEphemeral(channel="C1", user="U1", text="c"))["message_ts"]
    assert (await client.chat_delete(channel="C1", ts=posted["ts"]))["ok"] and not slack.messages
    view = {"type": "modal", "callback_id": "tz_setup", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = (await client.views_open(trigger_id="1.2.x", view=view))["view"]
    updated = (await client.views_update(view_id=opened["id"], view=view))["view"]
    assert opened["id"] == updated["id"] and opened["callback_id"] == "tz_setup"
    home = (await client.views_publish(user_id="U1", view={"type": "home", "blocks": []}))["view"]
    assert home["id"].startswith("V") and slack.home_views["U1"]["type"] == "home"
    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    assert dm == slack.dm_channel("U1")
    assert (await client.reactions_add(channel="C1", timestamp=posted["ts"], name="eyes"))["ok"]
    with pytest.raises(SlackApiError, match="already_reacted"):
        await client.reactions_add(channel="C1", timestamp=posted["ts"], name="eyes")


async def test_unknown_methods_and_bad_tokens_are_refused(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError, match="unknown_method"):
        await web(slack).api_call("chat.teleport")
    with pytest.raises(SlackApiError, match="not_authed"):
        await web(slack, token=None).chat_postMessage(channel="C1", text="x")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await web(slack, token=APP_TOKEN).chat_postMessage(channel="C1", text="x")
    await web(slack).auth_revoke()
    with pytest.raises(SlackApiError, match="token_revoked"):
        await web(slack).auth_test()


async def test_files_upload_v2_works_end_to_end(slack: FakeSlack) -> None:
    done = await web(slack).files_upload_v2(channel="C1", content=b"day,zone\n1,WIB\n", filename="team.csv",
                                            title="Team", initial_comment="Here")
    stored = slack.files[done["file"]["id"]]
    assert stored["data"] == b"day,zone\n1,WIB\n" and stored["channels"] == ["C1"]
    assert (stored["title"], stored["initial_comment"]) == ("Team", "Here")
    assert [c.method for c in slack.calls] == ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_v2_access_installs_a_workspace_auth_test_knows(slack: FakeSlack) -> None:
    slack.oauth_response["team"] = {"id": "T2", "name": "Other"}
    installed = await web(slack, token=None).oauth_v2_access(client_id="cid", client_secret="cs", code="c0de")
    assert installed["token_type"] == "bot" and installed["access_token"].startswith("xoxb-")
    assert installed["enterprise"] is None and installed["authed_user"] == {"id": "U1"}
    assert slack.calls_to("oauth.v2.access")[0].params["client_id"] == "cid"
    assert (await web(slack, token=installed["access_token"]).auth_test())["team_id"] == "T2"


# ----- failures


async def test_a_429_reaches_the_web_client_with_retry_after(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", rate_limited(7))
    with pytest.raises(SlackApiError) as raised:
        await web(slack).chat_postMessage(channel="C1", text="x")
    response = raised.value.response
    assert (response.status_code, response.headers["Retry-After"], response["error"]) == (429, "7", "ratelimited")
    assert (await web(slack).chat_postMessage(channel="C1", text="x"))["ok"]
    assert [c.failed for c in slack.calls_to("chat.postMessage")] == ["ratelimited", None]


async def test_queued_failures_are_used_one_per_call(slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", server_error(503), slack_error("channel_not_found"), server_error(html=True))
    statuses: list[object] = []
    for _ in range(4):
        try:
            statuses.append((await web(slack).chat_postMessage(channel="C1", text="x")).status_code)
        except SlackApiError as e:
            statuses.append((e.response.status_code, e.response.get("error")))
    assert statuses == [(503, "service_unavailable"), (200, "channel_not_found"), (500, None), 200]


async def test_fail_when_makes_storms(slack: FakeSlack) -> None:
    slack.fail_when("chat.postMessage", lambda n: rate_limited(2) if n % 2 else None)
    outcomes: list[str] = []
    for _ in range(6):
        try:
            await web(slack).chat_postMessage(channel="C1", text="x")
            outcomes.append("ok")
        except SlackApiError as e:
            outcomes.append(str(e.response.status_code))
    assert outcomes == ["429", "ok"] * 3
    assert [c.failed for c in slack.calls_to("chat.postMessage")] == ["ratelimited", None] * 3


async def test_a_budget_refuses_posts_beyond_the_workspace_and_channel_rates(slack: FakeSlack) -> None:
    now = [0.0]
    slack.enforce_budget(2, workspace_burst=2, clock=lambda: now[0])
    client = web(slack)

    async def post(channel: str) -> str:
        try:
            await client.chat_postMessage(channel=channel, text="x")
            return "ok"
        except SlackApiError as e:
            return f"{e.response.status_code} after {e.response.headers['Retry-After']}"

    assert [await post("C1"), await post("C2"), await post("C3")] == ["ok", "ok", "429 after 1"]
    slack.add_user("U1", "ayu")
    assert (await client.users_info(user="U1"))["ok"]  # other methods have no budget
    now[0] = 0.5  # one workspace token back, but C1 had its message this second
    assert [await post("C1"), await post("U7")] == ["429 after 1", "ok"]
    now[0] = 1.0
    assert [await post(slack.dm_channel("U7")), await post("C1")] == ["429 after 1", "ok"]  # a DM is its D…
    assert [c.failed for c in slack.calls_to("chat.postMessage")] == [
        None, None, "ratelimited", "ratelimited", None, "ratelimited", None]
    assert len(slack.messages) == 4  # refused posts cost nothing and store nothing


async def test_a_budget_waits_whole_seconds_and_keeps_workspaces_apart(slack: FakeSlack) -> None:
    now = [0.0]
    budget = slack.enforce_budget(0.25, channel_rate=10, clock=lambda: now[0])
    slack.tokens["xoxb-other"] = {"team_id": "T2"}
    assert (await web(slack).chat_postMessage(channel="C1", text="x"))["ok"]
    with pytest.raises(SlackApiError) as raised:
        await web(slack).chat_postMessage(channel="C2", text="x")
    assert raised.value.response.headers["Retry-After"] == "4"  # a token every 4 s
    assert (await web(slack, "xoxb-other").chat_postMessage(channel="C1", text="x"))["ok"]
    assert set(budget.workspaces) == {"T1", "T2"}
    with pytest.raises(ValueError, match="positive"):
        slack.enforce_budget(0)


async def test_wait_for_wakes_on_the_call_and_times_out_clearly(slack: FakeSlack) -> None:
    waiter = asyncio.create_task(slack.wait_for("chat.postMessage", count=2, timeout=5))
    await web(slack).chat_postMessage(channel="C1", text="1")
    assert not waiter.done()
    await web(slack).chat_postMessage(channel="C1", text="2")
    assert [c.params["text"] for c in await waiter] == ["1", "2"]
    with pytest.raises(AssertionError, match=r"1 call\(s\) to views.open; calls so far: chat.postMessage×2"):
        await slack.wait_for("views.open", timeout=0.05)


# ----- response URLs


async def test_response_url_posts_are_recorded(slack: FakeSlack) -> None:
    sent = await AsyncWebhookClient(slack.response_url("cmd1")).send_dict({"response_type": "ephemeral", "text": "hi"})
    assert (sent.status_code, sent.body) == (200, "ok")
    assert await slack.wait_for_response() == [("cmd1", {"response_type": "ephemeral", "text": "hi"})]
    slack.fail_next(RESPONSE_URL, rate_limited(3))
    refused = await AsyncWebhookClient(slack.response_url("cmd1")).send(text="again")
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "3")
    assert len(slack.responses) == 1 and slack.calls_to(RESPONSE_URL)[-1].failed == "ratelimited"


# ----- Socket Mode


async def test_socket_mode_client_connects_and_acks_an_envelope(slack: FakeSlack) -> None:
    seen: list[dict[str, Any]] = []

    async def on_message(client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None) -> None:
        seen.append(message)

    async def on_request(client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        answer = {"text": req.payload["text"]} if req.type == "slash_commands" else None
        await client.send_socket_mode_response(SocketModeResponse(req.envelope_id, answer))

    client = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=slack.api_url))
    client.message_listeners.append(on_message)
    client.socket_mode_request_listeners.append(on_request)
    try:
        await client.connect()
        await slack.socket_connected()
        ack = await slack.send_envelope("slash_commands", slash_command_payload(text="hours 9-5"))
        assert ack["payload"] == {"text": "hours 9-5"} and "envelope_id" in ack
        assert seen[0]["type"] == "hello" and seen[1]["type"] == "slash_commands"
        assert slack.calls_to("apps.connections.open")[0].token == APP_TOKEN
        await slack.disconnect_socket()
        await slack.socket_connected(total=2)
        assert len(slack.calls_to("apps.connections.open")) == 2
        await slack.send_envelope("events_api", event_callback(app_uninstalled_event()), retry_attempt=1,
                                  retry_reason="timeout")
        assert (seen[-1]["retry_attempt"], seen[-1]["accepts_response_payload"]) == (1, False)
        assert "retry_attempt" not in seen[1] and seen[1]["accepts_response_payload"] is True
    finally:
        await client.close()


async def test_bolt_socket_mode_handler_runs_a_command(slack: FakeSlack) -> None:
    app = AsyncApp(client=web(slack), signing_secret=SECRET)

    @app.command("/tz")
    async def tz(ack: Any, command: dict[str, Any]) -> None:
        await ack(f"got {command['text']}")

    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    try:
        await handler.connect_async()
        ack = await slack.send_envelope("slash_commands", slash_command_payload())
        assert ack["payload"] == {"text": "got set Asia/Jakarta"}
        assert slack.calls_to("auth.test")[0].token == BOT_TOKEN
    finally:
        await handler.close_async()


async def test_send_envelope_without_an_ack_fails_clearly(slack: FakeSlack) -> None:
    client = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=slack.api_url))
    try:
        await client.connect()
        with pytest.raises(AssertionError, match="no ack for events_api envelope"):
            await slack.send_envelope("events_api", event_callback(app_uninstalled_event()), timeout=0.1)
    finally:
        await client.close()


# ----- HTTP mode: signatures and payloads


def bolt_request(body: str, headers: dict[str, str] | None = None) -> AsyncBoltRequest:
    return AsyncBoltRequest(body=body, headers=dict(headers or signed_headers(body, SECRET)))


async def test_signed_headers_pass_slack_sdk_and_bolt_verification(slack: FakeSlack) -> None:
    body = slash_command_body(text="@liam", user_id="U9")
    headers = signed_headers(body, SECRET)
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    app = AsyncApp(client=web(slack), signing_secret=SECRET, process_before_response=True)
    got: list[dict[str, Any]] = []

    @app.command("/tz")
    async def tz(ack: Any, command: dict[str, Any]) -> None:
        got.append(command)
        await ack()

    assert (await app.async_dispatch(bolt_request(body))).status == 200
    assert (got[0]["user_id"], got[0]["text"], got[0]["team_id"]) == ("U9", "@liam", "T1")
    stale = signed_headers(body, SECRET, timestamp=int(time.time()) - 3600)
    assert (await app.async_dispatch(bolt_request(body, stale))).status == 401
    assert (await app.async_dispatch(bolt_request(body, signed_headers(body, "wrong")))).status == 401


async def test_interactive_and_event_payloads_route_in_bolt(slack: FakeSlack) -> None:
    app = AsyncApp(client=web(slack), signing_secret=SECRET, process_before_response=True)
    got: dict[str, Any] = {}

    @app.action("choose")
    async def action(ack: Any, body: dict[str, Any], context: Any) -> None:
        got["action"] = (body["actions"][0]["selected_option"]["value"], context.channel_id, context.user_id)
        await ack()

    @app.view("tz_setup")
    async def submit(ack: Any, view: dict[str, Any]) -> None:
        got["view"] = view["state"]["values"]["zone"]["zone"]["value"]
        await ack()

    @app.view_closed("tz_setup")
    async def closed(ack: Any, view: dict[str, Any]) -> None:
        got["closed"] = view["private_metadata"]
        await ack()

    @app.event("message")
    async def message(event: dict[str, Any], context: Any) -> None:
        got["message"] = (event["text"], event["channel_type"], context.user_id)

    @app.event("app_home_opened")
    async def home(event: dict[str, Any]) -> None:
        got["home"] = event["tab"]

    @app.event("tokens_revoked")
    async def revoked(event: dict[str, Any]) -> None:
        got["revoked"] = event["tokens"]["bot"]

    bodies = [
        form_payload_body(block_actions_payload("choose", selected_option="Asia/Jakarta", channel_id="D5")),
        form_payload_body(view_submission_payload("tz_setup", {"zone": {"zone": plain_text_value("Asia/Jakarta")},
                                                               "days": {"days": select_value("mon-fri")}})),
        form_payload_body(view_closed_payload("tz_setup", private_metadata="m1")),
        json.dumps(event_callback(message_im_event("U3", "/tz"))),
        json.dumps(event_callback(app_home_opened_event("U3"))),
        json.dumps(event_callback(tokens_revoked_event(bot_ids=["UBOT"]))),
    ]
    for body in bodies:
        assert (await app.async_dispatch(bolt_request(body))).status == 200, body
    assert got == {"action": ("Asia/Jakarta", "D5", "U1"), "view": "Asia/Jakarta", "closed": "m1",
                   "message": ("/tz", "im", "U3"), "home": "home", "revoked": ["UBOT"]}


async def test_explicit_start_and_stop() -> None:
    fake = FakeSlack()
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.api_url
    await fake.start()
    try:
        assert fake.api_url.startswith("http://127.0.0.1:") and fake.api_url.endswith("/api/")
        assert (await web(fake).auth_test())["team_id"] == "T1"
    finally:
        await fake.stop()


async def test_stop_closes_socket_mode_connections() -> None:
    fake = FakeSlack()
    await fake.start()
    client = SocketModeClient(app_token=APP_TOKEN, web_client=AsyncWebClient(base_url=fake.api_url),
                              auto_reconnect_enabled=False)
    try:
        await client.connect()
        await fake.socket_connected()
        await fake.stop()
        assert not fake.socket.open and client.current_session is not None and client.current_session.closed
    finally:
        await client.close()
        await fake.stop()

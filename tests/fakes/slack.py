"""A fake Slack for the Slack adapter's tests, driven by the real slack_sdk / slack_bolt clients.

`FakeSlack` serves the Web API (`api_url`), upload URLs, response URLs and Socket Mode on 127.0.0.1
with a port the OS picks. The builders below make the payloads Slack sends to an app, in Slack's own
shapes, and `signed_headers` signs them for Bolt's HTTP mode.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.slack_api import (
    RESPONSE_URL,
    UPLOAD,
    Call,
    Failure,
    SlackWebApi,
    rate_limited,
    server_error,
    slack_error,
    user_object,
)
from tests.fakes.slack_socket import notify

__all__ = [
    "RESPONSE_URL", "UPLOAD", "Call", "Failure", "FakeSlack", "app_home_opened_event", "app_uninstalled_event",
    "block_actions_payload", "event_callback", "form_payload_body", "message_im_event", "plain_text_value",
    "rate_limited", "select_value", "server_error", "signed_headers", "slack_error", "slash_command_body",
    "slash_command_payload", "tokens_revoked_event", "user_object", "view_closed_payload", "view_dict",
    "view_submission_payload",
]

TEAM_ID = "T1"
TEAM_DOMAIN = "rekan-test"
APP_ID = "A1"
BOT_USER_ID = "UBOT"
BOT_ID = "B1"
VERIFICATION_TOKEN = "verification-token"
_serial = itertools.count(1)


class FakeSlack(SlackWebApi):
    """Slack's Web API, upload and response URLs and Socket Mode, on a local port."""

    def __init__(self, *, team_id: str = TEAM_ID, team_name: str = "Rekan Test", bot_user_id: str = BOT_USER_ID,
                 bot_id: str = BOT_ID, app_id: str = APP_ID) -> None:
        super().__init__(team_id=team_id, team_name=team_name, bot_user_id=bot_user_id, bot_id=bot_id,
                         app_id=app_id)
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT, once started."""
        if not self._base_url:
            raise RuntimeError("FakeSlack is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        """The base_url for AsyncWebClient (ends with /api/)."""
        return f"{self.base_url}/api/"

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a port the OS picks."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.handle_api)
        app.router.add_post("/upload/v1/{file_id}", self.handle_upload)
        app.router.add_post("/response/{name}", self._handle_response)
        app.router.add_get("/socket", self.socket.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Close Socket Mode connections (close the clients first, or they will try to reconnect), then stop."""
        if self._runner is not None:
            await self.socket.close_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    # ----- response URLs

    def response_url(self, name: str) -> str:
        """A response_url on the fake; posts to it land in `responses` as (name, body)."""
        return f"{self.base_url}/response/{name}"

    async def _handle_response(self, request: web.Request) -> web.Response:
        """POST /response/{name}: JSON as Bolt's respond() sends it (or a form `payload`)."""
        name = request.match_info["name"]
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = json.loads(str((await request.post()).get("payload", "{}")))
        failure = self._failure_for(RESPONSE_URL)
        await self.record(Call(RESPONSE_URL, {"name": name, "body": body}, None, failure.name if failure else None))
        if failure is not None:
            return failure.response()
        self.responses.append((name, body))
        await notify(self._changed)
        return web.Response(text="ok")

    async def wait_for_response(self, count: int = 1, timeout: float = 10.0  # noqa: ASYNC109
                                ) -> list[tuple[str, dict[str, Any]]]:
        """Wait until `count` response_url posts have succeeded; return them all."""
        await self._wait(lambda: len(self.responses) >= count, timeout,
                         lambda: f"{count} response_url post(s); got {self.responses}")
        return list(self.responses)

    # ----- Socket Mode

    async def socket_connected(self, timeout: float = 10.0, total: int = 1) -> None:  # noqa: ASYNC109
        """Wait until a Socket Mode client is connected (the `total`-th connection, for reconnects)."""
        await self.socket.wait_connected(timeout, total)

    async def send_envelope(self, type_: str, payload: dict[str, Any], timeout: float = 10.0,  # noqa: ASYNC109
                            *, retry_attempt: int = 0, retry_reason: str = "") -> dict[str, Any]:
        """Send a slash_commands / events_api / interactive envelope; return the client's ack."""
        return await self.socket.send_envelope(type_, payload, timeout, retry_attempt, retry_reason)

    async def disconnect_socket(self, reason: str = "refresh_requested") -> None:
        """Send Slack's `disconnect` message; the client should open a new connection."""
        await self.socket.disconnect(reason)


# ----- signing


def signed_headers(body: str, signing_secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request: v0 signature, timestamp and content type."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(signing_secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    content_type = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


def form_payload_body(payload: dict[str, Any]) -> str:
    """An interactive payload as Slack posts it: the form field `payload` holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


# ----- shared pieces


def _trigger_id() -> str:
    """A fresh trigger_id in Slack's shape."""
    return f"{next(_serial)}.{int(time.time())}.{uuid.uuid4().hex}"


def _user(user_id: str, team_id: str, name: str | None = None) -> dict[str, str]:
    """The `user` of an interactive payload."""
    name = name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str) -> dict[str, str]:
    """The `team` of an interactive payload."""
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _now_ts() -> str:
    """A fresh event/message ts."""
    return f"{int(time.time())}.{next(_serial) % 1_000_000:06d}"


def plain_text_value(value: str | None) -> dict[str, Any]:
    """A plain_text_input's entry in view.state.values."""
    return {"type": "plain_text_input", "value": value}


def select_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    """A static_select's entry in view.state.values (None: nothing chosen)."""
    option = None if value is None else _option(value, text)
    return {"type": "static_select", "selected_option": option}


def _option(value: str, text: str | None = None) -> dict[str, Any]:
    """A Block Kit option object."""
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


# ----- slash commands


def slash_command_payload(command: str = "/tz", text: str = "set Asia/Jakarta", *, user_id: str = "U1",
                          user_name: str | None = None, team_id: str = TEAM_ID, channel_id: str = "C1",
                          channel_name: str | None = None,
                          response_url: str = "https://hooks.slack.com/commands/T1/1/x",
                          trigger_id: str | None = None, api_app_id: str = APP_ID) -> dict[str, str]:
    """A slash command's fields (a Socket Mode envelope's payload; HTTP mode form-encodes them)."""
    return {
        "token": VERIFICATION_TOKEN, "team_id": team_id, "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name or ("directmessage" if channel_id.startswith("D") else "general"),
        "user_id": user_id, "user_name": user_name or user_id.lower(), "command": command, "text": text,
        "api_app_id": api_app_id, "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": trigger_id or _trigger_id(),
    }


def slash_command_body(command: str = "/tz", text: str = "set Asia/Jakarta", **fields: Any) -> str:
    """A slash command form-encoded, as Slack posts it in HTTP mode (fields as in slash_command_payload)."""
    return urlencode(slash_command_payload(command, text, **fields))


# ----- interactivity


def view_dict(callback_id: str = "", *, view_id: str = "V1", private_metadata: str = "",
              values: dict[str, dict[str, dict[str, Any]]] | None = None, type_: str = "modal",
              blocks: Sequence[dict[str, Any]] = (), team_id: str = TEAM_ID, api_app_id: str = APP_ID,
              title: str = "Rekan") -> dict[str, Any]:
    """A view as it appears in interactive payloads, state.values included."""
    plain = {"type": "plain_text", "emoji": True}
    return {
        "id": view_id, "team_id": team_id, "type": type_, "blocks": list(blocks),
        "private_metadata": private_metadata, "callback_id": callback_id, "state": {"values": values or {}},
        "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}", "title": {**plain, "text": title},
        "clear_on_close": False, "notify_on_close": True, "close": {**plain, "text": "Cancel"},
        "submit": {**plain, "text": "Submit"} if type_ == "modal" else None, "previous_view_id": None,
        "root_view_id": view_id, "app_id": api_app_id, "external_id": "", "app_installed_team_id": team_id,
        "bot_id": BOT_ID,
    }


def _action(action_id: str, block_id: str, value: str | None, selected_option: dict[str, Any] | str | None,
            action_type: str | None) -> dict[str, Any]:
    """One element of a block_actions payload's `actions`."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "action_ts": _now_ts()}
    if selected_option is not None:
        option = _option(selected_option) if isinstance(selected_option, str) else selected_option
        return {**action, "type": action_type or "static_select", "selected_option": option}
    text = {"type": "plain_text", "text": value or action_id, "emoji": True}
    return {**action, "type": action_type or "button", "text": text, "value": value}


def block_actions_payload(action_id: str = "a", value: str | None = None, *,
                          selected_option: dict[str, Any] | str | None = None, block_id: str = "b",
                          action_type: str | None = None, user_id: str = "U1", team_id: str = TEAM_ID,
                          channel_id: str = "C1", message_ts: str = "1700000000.000100",
                          is_ephemeral: bool = False, view: dict[str, Any] | None = None,
                          response_url: str = "https://hooks.slack.com/actions/T1/1/x",
                          trigger_id: str | None = None, api_app_id: str = APP_ID) -> dict[str, Any]:
    """A button click (value) or select choice (selected_option) in a message, or in `view` if given."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": _user(user_id, team_id), "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN, "trigger_id": trigger_id or _trigger_id(), "team": _team(team_id),
        "enterprise": None, "is_enterprise_install": False,
        "actions": [_action(action_id, block_id, value, selected_option, action_type)],
    }
    if view is not None:
        return {**payload, "container": {"type": "view", "view_id": view["id"]}, "view": view,
                "state": view["state"]}
    container = {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                 "is_ephemeral": is_ephemeral}
    payload.update(container=container, channel={"id": channel_id, "name": "directmessage"
                                                 if channel_id.startswith("D") else "general"},
                   state={"values": {}}, response_url=response_url)
    if not is_ephemeral:  # Slack leaves the message out when it was ephemeral
        payload["message"] = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": api_app_id,
                              "text": "", "ts": message_ts, "team": team_id, "blocks": []}
    return payload


def view_submission_payload(callback_id: str, values: dict[str, dict[str, dict[str, Any]]] | None = None, *,
                            private_metadata: str = "", view_id: str = "V1", user_id: str = "U1",
                            team_id: str = TEAM_ID, response_urls: Sequence[dict[str, str]] = (),
                            trigger_id: str | None = None, api_app_id: str = APP_ID) -> dict[str, Any]:
    """A modal's submission: values are view.state.values ({block_id: {action_id: element state}})."""
    return {
        "type": "view_submission", "team": _team(team_id), "user": _user(user_id, team_id),
        "api_app_id": api_app_id, "token": VERIFICATION_TOKEN, "trigger_id": trigger_id or _trigger_id(),
        "view": view_dict(callback_id, view_id=view_id, private_metadata=private_metadata, values=values,
                          team_id=team_id, api_app_id=api_app_id),
        "response_urls": list(response_urls), "is_enterprise_install": False, "enterprise": None,
    }


def view_closed_payload(callback_id: str, *, private_metadata: str = "", view_id: str = "V1",
                        user_id: str = "U1", team_id: str = TEAM_ID, is_cleared: bool = False,
                        api_app_id: str = APP_ID) -> dict[str, Any]:
    """A modal closed with Cancel or ×, sent when the view had notify_on_close."""
    return {
        "type": "view_closed", "team": _team(team_id), "user": _user(user_id, team_id),
        "api_app_id": api_app_id, "token": VERIFICATION_TOKEN,
        "view": view_dict(callback_id, view_id=view_id, private_metadata=private_metadata, team_id=team_id,
                          api_app_id=api_app_id),
        "is_cleared": is_cleared, "is_enterprise_install": False, "enterprise": None,
    }


# ----- Events API


def event_callback(event: dict[str, Any], team_id: str = TEAM_ID, event_id: str | None = None,
                   event_time: int | None = None, *, api_app_id: str = APP_ID,
                   bot_user_id: str = BOT_USER_ID) -> dict[str, Any]:
    """The Events API envelope around one event (an events_api envelope's payload, or an HTTP body)."""
    return {
        "token": VERIFICATION_TOKEN, "team_id": team_id, "context_team_id": team_id,
        "context_enterprise_id": None, "api_app_id": api_app_id, "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [{"enterprise_id": None, "team_id": team_id, "user_id": bot_user_id, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": f"4-{uuid.uuid4().hex}",
    }


def message_im_event(user: str, text: str, channel: str = "D1", ts: str | None = None,
                     team: str = TEAM_ID) -> dict[str, Any]:
    """A message.im event: someone wrote to the bot in its DM."""
    ts = ts or _now_ts()
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {"client_msg_id": str(uuid.uuid4()), "type": "message", "text": text, "user": user, "ts": ts,
            "blocks": [{"type": "rich_text", "block_id": uuid.uuid4().hex[:5], "elements": [section]}],
            "team": team, "channel": channel, "event_ts": ts, "channel_type": "im"}


def app_home_opened_event(user: str, channel: str = "D1", tab: str = "home",
                          view: dict[str, Any] | None = None) -> dict[str, Any]:
    """app_home_opened; Slack includes `view` only once a Home view was published."""
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
                             "event_ts": _now_ts()}
    return {**event, "view": view} if view is not None else event


def app_uninstalled_event() -> dict[str, Any]:
    """app_uninstalled: the workspace removed the app."""
    return {"type": "app_uninstalled", "event_ts": _now_ts()}


def tokens_revoked_event(*, user_ids: Sequence[str] = (), bot_ids: Sequence[str] = ()) -> dict[str, Any]:
    """tokens_revoked; Slack lists user tokens under `oauth` and bot *user* ids under `bot`."""
    return {"type": "tokens_revoked", "tokens": {"oauth": list(user_ids), "bot": list(bot_ids)},
            "event_ts": _now_ts()}

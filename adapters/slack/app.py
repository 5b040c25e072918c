"""Rekan on Slack: a slack-bolt AsyncApp whose listeners ack at once and hand events to the core.

HTTP mode serves Bolt's aiohttp app on REKAN_HTTP_PORT (`/slack/events`, plus `/slack/install` and
`/slack/oauth_redirect` for OAuth installs); Socket Mode connects out with the app-level token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.directory import SlackDirectory
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.profiles import ProfileCache
from adapters.slack.render import CHOICE_ACTION_PATTERN, FORM_CALLBACK, modal_errors
from adapters.slack.sender import SlackSender
from adapters.slack.translate_in import (
    PLATFORM,
    SlackReply,
    action_event,
    command_event,
    home_opened_event,
    member_left_event,
    message_event,
    view_closed_event,
    view_submission_event,
)
from bot.app import Rekan
from bot.config import Settings
from bot.core.actions import Action, OpenForm, SendResult
from bot.core.capabilities import SLACK
from bot.core.events import Event, HomeOpened
from bot.ops.http import add_routes
from bot.scheduling.ratelimit import SendQueue
from bot.scheduling.sender import PermanentSendError, TransientSendError

log = logging.getLogger(__name__)

VIEW_ACK_BUDGET = 2.0
"""Seconds the core may take on a modal submission before Slack's 3-second ack must go without errors."""
INTERACTIVE_RATE = 20


def _now() -> datetime:
    return datetime.now(UTC)


class SlackAdapter:
    """One Bolt app, its server or socket, and the sender the outbox uses for Slack."""

    platform = PLATFORM
    capabilities = SLACK

    def __init__(self, rekan: Rekan, settings: Settings, *, api_url: str | None = None) -> None:
        self.rekan, self.settings = rekan, settings
        self._api_url = api_url or settings.slack.api_url  # a fake Slack in tests; None is slack.com
        self.profiles = ProfileCache()
        self._clients: dict[str, AsyncWebClient] = {}
        self._session: aiohttp.ClientSession | None = None
        self._installations: AsyncSQLAlchemyInstallationStore | None = None
        self.bolt = self._build_bolt()
        direct = SlackSender(self.client_for, session=lambda: self._session)
        # Slack's chat.postMessage: about 1 a second per channel, and a workspace budget above that.
        self.sender = SendQueue(direct, per_destination_rate=1.0,
                                workspace_rate=settings.slack.workspace_rate,
                                on_transient=rekan.metrics.transient)
        # Answers through an interaction's response_url are not channel posts: Slack does not pace
        # them per channel, so a busy channel's commands are not made to queue behind each other.
        self._answers = SendQueue(direct, per_destination_rate=INTERACTIVE_RATE, burst=INTERACTIVE_RATE,
                                  on_transient=rekan.metrics.transient)
        rekan.outbound.register(PLATFORM, self.sender)
        rekan.directories.register(PLATFORM, SlackDirectory(self.client_for, self.profiles))
        rekan.readiness[PLATFORM] = self.connected
        self._register()
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._home_viewers: set[tuple[str, str]] = set()
        self.port: int | None = None

    # --- set-up ------------------------------------------------------------------------------

    def _web_client(self, token: str | None = None) -> AsyncWebClient:
        kwargs: dict[str, Any] = {"token": token, "session": self._session}
        if self._api_url:
            kwargs["base_url"] = self._api_url
        return AsyncWebClient(**kwargs)

    async def open_http(self) -> None:
        """One aiohttp session for every Web API call: without it slack_sdk opens a connection (and a TLS
        handshake) per call. Bolt copies its client's session into the client it gives each listener."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        for client in (self.bolt.client, *self._clients.values()):
            client.session = self._session

    async def close_http(self) -> None:
        """Close the shared session; a call made after this opens its own, as slack_sdk does by default."""
        session, self._session = self._session, None
        for client in (self.bolt.client, *self._clients.values()):
            client.session = None
        if session is not None:
            await session.close()

    def _build_bolt(self) -> AsyncApp:
        slack = self.settings.slack
        signing = slack.signing_secret.reveal() if slack.signing_secret else None
        common: dict[str, Any] = {
            "signing_secret": signing or "socket-mode-has-no-signature",
            # Socket Mode frames are authenticated by the app token, not signed.
            "request_verification_enabled": signing is not None and not slack.socket_mode,
            "process_before_response": False,
        }
        if slack.bot_token is not None:
            return AsyncApp(client=self._web_client(slack.bot_token.reveal()), **common)
        assert slack.client_id is not None and slack.client_secret is not None
        engine = self.rekan.db.engine
        self._installations = AsyncSQLAlchemyInstallationStore(client_id=slack.client_id, engine=engine)
        oauth = AsyncOAuthSettings(
            client_id=slack.client_id, client_secret=slack.client_secret.reveal(), scopes=list(BOT_SCOPES),
            installation_store=self._installations,
            state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
            install_path="/slack/install", redirect_uri_path="/slack/oauth_redirect",
        )
        return AsyncApp(client=self._web_client(), oauth_settings=oauth,
                        installation_store=self._installations, **common)

    def _register(self) -> None:
        for spec in self.rekan.registry.all():
            self.bolt.command(f"/{spec.name}")(self._on_command)
        self.bolt.action(CHOICE_ACTION_PATTERN)(self._on_action)
        self.bolt.view_submission(FORM_CALLBACK)(self._on_view_submission)
        self.bolt.view_closed(FORM_CALLBACK)(self._on_view_closed)
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.event("app_uninstalled")(self._on_uninstalled)
        self.bolt.event("tokens_revoked")(self._on_tokens_revoked)
        self.bolt.event("user_change")(self._on_user_change)

    async def start(self) -> None:
        """Connect the socket, or serve HTTP; OAuth installs always need the HTTP routes."""
        slack = self.settings.slack
        await self.open_http()
        if slack.socket_mode:
            assert slack.app_token is not None
            self._socket = AsyncSocketModeHandler(self.bolt, slack.app_token.reveal())
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
        if not slack.socket_mode or self._installations is not None:
            await self._serve()

    async def _serve(self) -> None:
        web_app = self.bolt.server(path="/slack/events").web_app
        add_routes(web_app, self.rekan.probes())  # /healthz, /readyz, /metrics beside the events
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http.host, self.settings.http.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.http.port
        log.info("Slack events at http://%s:%s/slack/events", self.settings.http.host, self.port)

    async def connected(self) -> bool:
        """Socket Mode: the socket is up; HTTP mode: the server is listening (Slack calls us)."""
        if self._socket is not None:
            return bool(await self._socket.client.is_connected())
        return self._runner is not None

    async def stop_events(self) -> None:
        """Take no more events (the Web API stays open for the sends being finished): close the socket,
        stop listening. Slack retries an event it could not deliver, to another replica behind the LB."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def stop(self) -> None:
        await self.stop_events()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.close_http()

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """The bot token of a workspace: the configured one, or the installation's (OAuth)."""
        if self._installations is None:
            client: AsyncWebClient = self.bolt.client
            return client
        bot = await self._installations.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise PermanentSendError("team_access_not_granted")
        if bot.bot_token not in self._clients:
            self._clients[bot.bot_token] = self._web_client(bot.bot_token)
        return self._clients[bot.bot_token]

    async def perform(self, action: Action) -> SendResult:
        return await self.sender.perform(action)

    # --- inbound -----------------------------------------------------------------------------

    async def _on_command(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any],
                          client: AsyncWebClient) -> None:
        await ack()  # first: Slack's 3-second deadline holds however long the core takes
        await self._handle(command_event(body, at=_now()), client)

    async def _on_action(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any],
                         client: AsyncWebClient) -> None:
        await ack()
        event = action_event(body, at=_now())
        if event is not None:
            await self._handle(event, client)

    async def _on_message(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = message_event(body)  # Bolt acked already: events are acknowledged on arrival
        if event is not None:
            await self._handle(event, client)

    async def _on_view_submission(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any],
                                  client: AsyncWebClient) -> None:
        """Field errors can only travel in the ack, so the core gets a short budget before it."""
        task = asyncio.ensure_future(self._core(view_submission_event(body, at=_now()), client))
        done, _ = await asyncio.wait({task}, timeout=VIEW_ACK_BUDGET)
        if not done:
            await ack()
            await self._deliver(await task)
            return
        actions = task.result()
        refused = next((a for a in actions if isinstance(a, OpenForm) and a.errors), None)
        if refused is None:
            await ack()
        else:
            await ack(response_action="errors", errors=modal_errors(refused))
        await self._deliver([a for a in actions if a is not refused])

    async def _on_view_closed(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any],
                              client: AsyncWebClient) -> None:
        await ack()
        await self._handle(view_closed_event(body, at=_now()), client)

    async def _on_home_opened(self, event: dict[str, Any], body: dict[str, Any],
                              client: AsyncWebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        team, user = str(body.get("team_id") or ""), str(event["user"])
        self._home_viewers.add((team, user))
        await self._handle(home_opened_event(team, user, at=_now(), event_id=body.get("event_id")), client)

    async def _refresh_home(self, event: Event, client: AsyncWebClient) -> None:
        """After a change by someone who uses their home tab, show it changed."""
        key = (event.actor.workspace_id, event.actor.user_id)
        if isinstance(event, HomeOpened) or key not in self._home_viewers:
            return
        await self._handle(home_opened_event(*key, at=_now(), event_id=None), client)

    async def _on_user_change(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        left = member_left_event(body, _now())
        if left is not None:
            await self._handle(left, client)

    async def _on_uninstalled(self, body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        await self._forget(team, bots=True, users=None)
        log.info("Rekan was uninstalled from Slack workspace %s", team)

    async def _on_tokens_revoked(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        tokens = event.get("tokens") or {}
        team = str(body.get("team_id") or "")
        await self._forget(team, bots=bool(tokens.get("bot")), users=list(tokens.get("oauth") or []))

    async def _forget(self, team: str, *, bots: bool, users: Sequence[str] | None) -> None:
        """Installation rows go; members and their history stay, for a reinstall."""
        self.profiles.forget_team(team)
        self._clients.clear()
        store = self._installations
        if store is None:
            return
        if bots:
            await store.async_delete_bot(enterprise_id=None, team_id=team)
        if users is None:
            await store.async_delete_all(enterprise_id=None, team_id=team)
        for user in users or []:
            await store.async_delete_installation(enterprise_id=None, team_id=team, user_id=user)

    # --- the core ----------------------------------------------------------------------------

    async def _enrich(self, event: Event, client: AsyncWebClient) -> Event:
        """Name, admin rights and zone from the Slack profile (seeds the zone; never overrides /tz set)."""
        profile = await self.profiles.get(client, event.actor.workspace_id, event.actor.user_id)
        if profile is None:
            return event
        return replace(event, actor_name=profile.name or event.actor_name, actor_is_admin=profile.is_admin,
                       actor_tz=profile.tz)

    async def _core(self, event: Event, client: AsyncWebClient) -> list[Action]:
        return await self.rekan.handle(await self._enrich(event, client), SLACK)

    async def _handle(self, event: Event, client: AsyncWebClient) -> None:
        await self._deliver(await self._core(event, client))
        await self._refresh_home(event, client)

    async def _deliver(self, actions: Sequence[Action]) -> None:
        for action in actions:
            handle = getattr(action, "reply_handle", None)
            answers = isinstance(handle, SlackReply) and handle.response_url is not None
            try:
                await (self._answers if answers else self.sender).perform(action)
            except (TransientSendError, PermanentSendError) as exc:
                log.warning("a reply to Slack was not delivered (%s): %s", type(action).__name__, exc)

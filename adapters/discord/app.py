"""Rekan on Discord: a discord.py client whose interactions are answered within Discord's 3 seconds.

Interactions are handled raw (`on_interaction`, no CommandTree): command payloads come from the core's
specs, and every button, select and modal carries a stable custom id, so a click on a message sent
before a restart still reaches the core — nothing needs to be registered in memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import discord
import yarl
from discord.http import HTTPClient, Route

from adapters.discord.commands import command_payloads
from adapters.discord.directory import DiscordDirectory
from adapters.discord.dm_channels import DmChannels
from adapters.discord.render import form_values, modal_error_message, parse_choice, parse_form, render_modal
from adapters.discord.sender import EPHEMERAL, DiscordSender
from adapters.discord.translate_in import (
    AUTOCOMPLETE,
    COMMAND,
    COMPONENT,
    MODAL_SUBMIT,
    PLATFORM,
    InteractionFacts,
    command_event,
    component_event,
    dm_event,
    focused_option,
    form_event,
)
from bot.app import Rekan
from bot.config import Settings
from bot.core.actions import Action, OpenForm, SendResult
from bot.core.capabilities import DISCORD
from bot.core.events import CommandInvoked
from bot.scheduling.ratelimit import SendQueue, WindowPacer
from bot.scheduling.sender import PermanentSendError, TransientSendError
from bot.time.suggest import suggest_zones

log = logging.getLogger(__name__)

DEFERRED_MESSAGE, MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 5, 4, 8, 9


def _now() -> datetime:
    return datetime.now(UTC)


def facts_from(interaction: discord.Interaction[Any]) -> InteractionFacts:
    """The few things the translation needs, from discord.py's parsed interaction."""
    perms = getattr(interaction.user, "guild_permissions", None)
    user = interaction.user
    return InteractionFacts(
        id=str(interaction.id), token=interaction.token, application_id=str(interaction.application_id),
        kind=interaction.type.value, data=dict(interaction.data or {}), user_id=str(user.id),
        user_name=getattr(user, "global_name", None) or user.name,
        guild_id=str(interaction.guild_id) if interaction.guild_id else None,
        channel_id=str(interaction.channel_id) if interaction.channel_id else None,
        permissions=perms.value if perms is not None else None, locale=str(interaction.locale),
    )


def _outside_global_limit(route: Route) -> bool:
    """Interaction callbacks and follow-ups (token in the URL) do not count toward Discord's global limit."""
    return route.path.startswith(("/interactions/", "/webhooks/"))


def pace_requests(http: HTTPClient, pacer: WindowPacer) -> None:
    """Start every REST request that counts toward the global limit only when `pacer` allows.

    Discord quirk: the global limit (50 requests a second) has no headers that announce it, so discord.py
    learns of it only from a refusal and pauses after the global 429. Without pacing, every busy second
    ends with one refused request (1 in 51). discord.py's own per-route buckets and 429 handling still
    run inside the wrapped call.
    """
    request = http.request

    async def paced(route: Route, **kwargs: Any) -> Any:
        if not _outside_global_limit(route):
            await pacer.wait()
        return await request(route, **kwargs)

    http.request = paced  # type: ignore[method-assign]


def _point_at(api_url: str | None, gateway_url: str | None) -> None:
    """discord.py reads its URLs from two class attributes; a proxy or a fake Discord replaces them."""
    if api_url:
        discord.http.Route.BASE = api_url
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class DiscordAdapter:
    """One discord.py client (auto-sharded when configured) and the sender the outbox uses."""

    platform = PLATFORM
    capabilities = DISCORD

    def __init__(self, rekan: Rekan, settings: Settings, *,
                 client_options: dict[str, Any] | None = None) -> None:
        self.rekan, self.settings = rekan, settings
        conf = settings.discord
        _point_at(conf.api_url, conf.gateway_url)
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True  # DMs need no privileged intent: standup answers arrive here
        # No ping from any text unless a message names the user explicitly (render.allowed_mentions).
        options: dict[str, Any] = {"intents": intents, "allowed_mentions": discord.AllowedMentions.none(),
                                   **(client_options or {})}
        if conf.shard_count is not None:
            options["shard_count"] = conf.shard_count
            if conf.shard_ids is not None:
                options["shard_ids"] = list(conf.shard_ids)
            self.client: discord.Client = discord.AutoShardedClient(**options)
        else:
            self.client = discord.Client(**options)
        self.client.on_interaction = self._on_interaction  # type: ignore[attr-defined]
        self.client.on_message = self._on_message  # type: ignore[attr-defined]
        pace_requests(self.client.http, WindowPacer(conf.global_rate, 1.0))
        self.direct = DiscordSender(self._http, dm_channels=DmChannels(rekan.db))
        # discord.py keeps Discord's own buckets and retries 429s; this adds the core's pacing per channel.
        self.sender = SendQueue(self.direct, per_destination_rate=5.0, burst=5,
                                on_transient=rekan.metrics.transient)
        rekan.outbound.register(PLATFORM, self.sender)
        rekan.directories.register(PLATFORM, DiscordDirectory(self._http))
        rekan.readiness[PLATFORM] = self.connected
        self._taking_events = True
        self._task: asyncio.Task[None] | None = None

    def _http(self) -> HTTPClient:
        return self.client.http

    async def start(self) -> None:
        conf = self.settings.discord
        assert conf.bot_token is not None
        await self.client.login(conf.bot_token.reveal())
        self._task = asyncio.create_task(self.client.connect(reconnect=True))
        await self.client.wait_until_ready()
        if conf.sync_commands_on_start:
            await self.sync_commands(conf.guild_id)
        log.info("Discord: connected as %s", self.client.user)

    async def connected(self) -> bool:
        """The gateway session is up (discord.py reconnects by itself; until then, not ready)."""
        return self.client.is_ready() and not self.client.is_closed()

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def sync_commands(self, guild_id: str | None = None) -> list[dict[str, Any]]:
        """Replace the application's commands with the core's (a guild's sync is instant, global ~1 h)."""
        app_id = self.client.application_id
        assert app_id is not None
        payloads = command_payloads(self.rekan.registry)
        if guild_id:
            route = Route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands",
                          application_id=app_id, guild_id=guild_id)
        else:
            route = Route("PUT", "/applications/{application_id}/commands", application_id=app_id)
        synced: list[dict[str, Any]] = await self._http().request(route, json=payloads)
        return synced

    async def perform(self, action: Action) -> SendResult:
        return await self.sender.perform(action)

    # --- inbound -----------------------------------------------------------------------------

    async def _callback(self, facts: InteractionFacts, kind: int, data: dict[str, Any] | None = None) -> None:
        route = Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                      interaction_id=facts.id, interaction_token=facts.token)
        await self._http().request(route, json={"type": kind, **({"data": data} if data is not None else {})})

    async def stop_events(self) -> None:
        """Take no more events while the sends under way finish: the gateway stays up for discord.py,
        but what arrives now is left alone (an unanswered interaction fails; the user may try again)."""
        self._taking_events = False

    async def _on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if not self._taking_events:
            return
        facts = facts_from(interaction)
        try:
            if facts.kind == AUTOCOMPLETE:
                await self._autocomplete(facts)
            elif facts.kind == COMMAND:
                await self._command(facts)
            elif facts.kind == COMPONENT:
                await self._component(facts)
            elif facts.kind == MODAL_SUBMIT:
                await self._modal(facts)
        except discord.HTTPException as exc:
            log.warning("Discord interaction %s could not be answered: %s %s", facts.id, exc.status, exc.code)

    async def _command(self, facts: InteractionFacts) -> None:
        event = command_event(facts, at=_now())
        if self._opens_form(event):
            # A modal must be the first answer, so this command runs before any defer (forms are quick).
            actions = await self.rekan.handle(event, DISCORD)
            form = next((a for a in actions if isinstance(a, OpenForm)), None)
            if form is not None:
                await self._callback(facts, MODAL, render_modal(form))
                await self._deliver([a for a in actions if a is not form])
                return
            await self._callback(facts, DEFERRED_MESSAGE, {"flags": EPHEMERAL})
            await self._answer(facts, actions)
            return
        await self._callback(facts, DEFERRED_MESSAGE, {"flags": EPHEMERAL})  # within 3 s, before the core
        await self._answer(facts, await self.rekan.handle(event, DISCORD))

    def _opens_form(self, event: CommandInvoked) -> bool:
        spec = self.rekan.registry.get(event.name)
        sub = spec.find(event.subcommand) if spec is not None and event.subcommand else None
        return sub is not None and sub.opens_form

    async def _component(self, facts: InteractionFacts) -> None:
        values = [str(v) for v in facts.data.get("values") or []]
        picked = parse_choice(str(facts.data.get("custom_id") or ""), values)
        if picked is None:
            return  # not Rekan's component; another app's, or a stale layout
        await self._callback(facts, DEFERRED_MESSAGE, {"flags": EPHEMERAL})
        event = component_event(facts, picked[0], picked[1], at=_now())
        await self._answer(facts, await self.rekan.handle(event, DISCORD))

    async def _modal(self, facts: InteractionFacts) -> None:
        key = parse_form(str(facts.data.get("custom_id") or ""))
        if key is None:
            return
        await self._callback(facts, DEFERRED_MESSAGE, {"flags": EPHEMERAL})
        values = form_values(list(facts.data.get("components") or []))
        actions = await self.rekan.handle(form_event(facts, key, values, at=_now()), DISCORD)
        refused = next((a for a in actions if isinstance(a, OpenForm) and a.errors), None)
        if refused is not None:
            # Discord cannot mark fields inside a submitted modal: the reasons come back as a message.
            await self._follow_up_text(facts, modal_error_message(refused))
            actions = [a for a in actions if a is not refused]
        await self._answer(facts, actions)

    async def _autocomplete(self, facts: InteractionFacts) -> None:
        focused = focused_option(facts)
        choices: list[dict[str, str]] = []
        if focused is not None:
            name, option, sub, typed = focused
            if self._autocomplete_source(name, sub, option) == "zone":
                choices = [{"name": z, "value": z} for z in suggest_zones(typed)]
        await self._callback(facts, AUTOCOMPLETE_RESULT, {"choices": choices})

    def _autocomplete_source(self, name: str, sub: str | None, option: str) -> str | None:
        spec = self.rekan.registry.get(name)
        found = spec.find(sub) if spec is not None and sub else None
        for opt in found.options if found is not None else ():
            if opt.name == option:
                return opt.autocomplete
        return None

    async def _on_message(self, message: discord.Message) -> None:
        if not self._taking_events or message.guild is not None or message.author.bot:
            return
        raw = {"id": message.id, "channel_id": message.channel.id, "content": message.content,
               "type": message.type.value, "author": {"id": message.author.id, "bot": message.author.bot,
                                                      "username": message.author.name,
                                                      "global_name": message.author.global_name}}
        event = dm_event(raw, at=message.created_at)
        if event is not None:
            await self._deliver(await self.rekan.handle(event, DISCORD))

    # --- answering ---------------------------------------------------------------------------

    async def _answer(self, facts: InteractionFacts, actions: Sequence[Action]) -> None:
        """Deliver, then clear the 'thinking…' placeholder if no reply took its place."""
        await self._deliver(actions)
        if facts.id not in self.direct.followed_up:
            route = Route("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                          webhook_id=facts.application_id, webhook_token=facts.token)
            try:
                await self._http().request(route)
            except discord.HTTPException as exc:
                log.debug("could not clear a deferred answer: %s", exc)

    async def _follow_up_text(self, facts: InteractionFacts, text: str) -> None:
        route = Route("POST", "/webhooks/{webhook_id}/{webhook_token}", webhook_id=facts.application_id,
                      webhook_token=facts.token)
        await self._http().request(route, json={"content": text, "flags": EPHEMERAL,
                                                "allowed_mentions": {"parse": []}})
        self.direct.followed_up.add(facts.id)

    async def _deliver(self, actions: Sequence[Action]) -> None:
        for action in actions:
            try:
                await self.sender.perform(action)
            except (TransientSendError, PermanentSendError) as exc:
                log.warning("a reply to Discord was not delivered (%s): %s", type(action).__name__, exc)


"""`rekan discord sync` and `rekan discord invite-url`: one-off calls with the bot token, no gateway."""

from __future__ import annotations

import discord
from discord.http import Route

from adapters.discord.commands import PERMISSION_REASONS, command_payloads, invite_url
from bot.app import build_registry
from bot.config import Settings


def _client(settings: Settings) -> discord.Client:
    if settings.discord.api_url:
        discord.http.Route.BASE = settings.discord.api_url  # a proxy, or a fake Discord in tests
    return discord.Client(intents=discord.Intents.none())


async def _application_id(client: discord.Client, settings: Settings) -> str:
    return settings.discord.application_id or str(client.application_id)


async def sync_commands(settings: Settings, guild: str | None) -> str:
    """Replace the application's commands: a guild's at once, the global ones within about an hour."""
    token = settings.discord.bot_token
    assert token is not None
    client = _client(settings)
    try:
        await client.login(token.reveal())
        app_id = await _application_id(client, settings)
        payloads = command_payloads(build_registry())
        if guild:
            route = Route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands",
                          application_id=app_id, guild_id=guild)
        else:
            route = Route("PUT", "/applications/{application_id}/commands", application_id=app_id)
        synced = await client.http.request(route, json=payloads)
    finally:
        await client.close()
    names = ", ".join(f"/{c['name']}" for c in synced)
    return f"synced {len(synced)} commands {'to guild ' + guild if guild else 'globally'}: {names}"


async def invite_url_text(settings: Settings) -> str:
    """The URL, then why each permission is asked for."""
    app_id = settings.discord.application_id
    if app_id is None:
        token = settings.discord.bot_token
        assert token is not None
        client = _client(settings)
        try:
            await client.login(token.reveal())
            app_id = str(client.application_id)
        finally:
            await client.close()
    reasons = "\n".join(f"  {name}: {why}" for name, why in PERMISSION_REASONS.items())
    return f"{invite_url(app_id, guild_id=settings.discord.guild_id)}\n\nPermissions asked for:\n{reasons}"

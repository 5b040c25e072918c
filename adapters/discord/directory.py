"""Discord roles to member ids, for deadlines set for a role.

Listing a server's members needs the Server Members privileged intent switched on for the app in the
developer portal; without it Discord answers 403, and Rekan says it cannot see the role's members.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import discord
from discord.http import HTTPClient, Route

from bot.core.directory import Profile
from bot.core.identity import WorkspaceRef

log = logging.getLogger(__name__)
PAGE = 1000
MAX_PAGES = 100
VIEW_CHANNEL = 1 << 10
ADMINISTRATOR = 1 << 3


class DiscordDirectory:
    def __init__(self, http: Callable[[], HTTPClient]) -> None:
        self._http = http

    async def profile(self, workspace: WorkspaceRef, user_id: str) -> Profile | None:
        """Get User: a name only (Discord profiles have no time zone; Rekan asks the member once)."""
        try:
            data = await self._http().request(Route("GET", "/users/{user_id}", user_id=user_id))
        except discord.HTTPException:
            return None
        return Profile(display_name=data.get("global_name") or data.get("username"))

    async def channel_members(self, workspace: WorkspaceRef, channel_id: str) -> Sequence[str] | None:
        """The people who can see a channel: its overwrites over their roles, as Discord computes them."""
        try:
            channel = await self._http().request(
                Route("GET", "/channels/{channel_id}", channel_id=channel_id)
            )
            roles = await self._http().request(
                Route("GET", "/guilds/{guild_id}/roles", guild_id=workspace.workspace_id)
            )
        except discord.HTTPException:
            return None
        members = await self._members(workspace)
        if members is None:
            return None
        perms = {str(r["id"]): int(r.get("permissions") or 0) for r in roles}
        overwrites = list(channel.get("permission_overwrites") or [])
        return [
            str(m["user"]["id"])
            for m in members
            if not (m.get("user") or {}).get("bot") and can_view(m, perms, overwrites, workspace.workspace_id)
        ]

    async def can_post(self, workspace: WorkspaceRef, channel_id: str) -> bool | None:
        """A channel Rekan cannot even see is refused; one it sees but may not write in is found out by
        the first post (403 50013), which is reported to the owner."""
        try:
            await self._http().request(Route("GET", "/channels/{channel_id}", channel_id=channel_id))
        except (discord.NotFound, discord.Forbidden):
            return False
        except discord.HTTPException:
            return None
        return None

    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        members = await self._members(workspace)
        if members is None:
            return None
        return [
            str(m["user"]["id"])
            for m in members
            if group_id in (m.get("roles") or []) and not (m.get("user") or {}).get("bot")
        ]

    async def _members(self, workspace: WorkspaceRef) -> list[dict[str, Any]] | None:
        """List Guild Members, every page; None without the Server Members intent."""
        found: list[dict[str, Any]] = []
        after = 0
        for _ in range(MAX_PAGES):
            route = Route("GET", "/guilds/{guild_id}/members", guild_id=workspace.workspace_id)
            try:
                page = await self._http().request(route, params={"limit": PAGE, "after": after})
            except discord.HTTPException as exc:
                log.info(
                    "Discord would not list members of guild %s: %s %s",
                    workspace.workspace_id,
                    exc.status,
                    exc.code,
                )
                return None
            found += page
            if len(page) < PAGE:
                break
            after = int(page[-1]["user"]["id"])
        return found


def can_view(
    member: Mapping[str, Any],
    role_perms: Mapping[str, int],
    overwrites: Sequence[Mapping[str, Any]],
    guild_id: str,
) -> bool:
    """Discord's permission order: @everyone and the member's roles, Administrator over all, then the
    channel's @everyone overwrite, its role overwrites together, and the member's own overwrite."""
    roles = [str(r) for r in member.get("roles") or []]
    user_id = str((member.get("user") or {}).get("id"))
    perms = role_perms.get(guild_id, 0)
    for role in roles:
        perms |= role_perms.get(role, 0)
    if perms & ADMINISTRATOR:
        return True
    by_id = {str(o["id"]): (int(o.get("allow") or 0), int(o.get("deny") or 0)) for o in overwrites}
    allow, deny = by_id.get(guild_id, (0, 0))
    perms = (perms & ~deny) | allow
    role_allow = role_deny = 0
    for role in roles:
        a, d = by_id.get(role, (0, 0))
        role_allow, role_deny = role_allow | a, role_deny | d
    perms = (perms & ~role_deny) | role_allow
    allow, deny = by_id.get(user_id, (0, 0))
    perms = (perms & ~deny) | allow
    return bool(perms & VIEW_CHANNEL)

"""Discord roles to member ids, for deadlines set for a role.

Listing a server's members needs the Server Members privileged intent switched on for the app in the
developer portal; without it Discord answers 403, and Rekan says it cannot see the role's members.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import discord
from discord.http import HTTPClient, Route

from bot.core.directory import Profile
from bot.core.identity import WorkspaceRef

log = logging.getLogger(__name__)
PAGE = 1000
MAX_PAGES = 100


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
        """Who may read a channel follows from roles and overwrites Rekan does not track: not said."""
        return None

    async def can_post(self, workspace: WorkspaceRef, channel_id: str) -> bool | None:
        return None  # a refused post is reported to the owner (Discord answers 403 50013)

    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        found: list[str] = []
        after = 0
        for _ in range(MAX_PAGES):
            route = Route("GET", "/guilds/{guild_id}/members", guild_id=workspace.workspace_id)
            try:
                page = await self._http().request(route, params={"limit": PAGE, "after": after})
            except discord.HTTPException as exc:
                log.info("Discord would not list members of guild %s: %s %s", workspace.workspace_id,
                         exc.status, exc.code)
                return None
            for member in page:
                user = member.get("user") or {}
                if group_id in (member.get("roles") or []) and not user.get("bot"):
                    found.append(str(user["id"]))
            if len(page) < PAGE:
                return found
            after = int(page[-1]["user"]["id"])
        return found

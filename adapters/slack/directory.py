"""Slack user groups (`@devs`) to member ids, for deadlines set for a group."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError

from adapters.slack.profiles import ProfileCache
from adapters.slack.sender import ClientFor
from bot.core.directory import Profile
from bot.core.identity import WorkspaceRef

log = logging.getLogger(__name__)
MAX_PAGES = 50


class SlackDirectory:
    """usergroups.users.list (scope usergroups:read) and users.info; None when Slack will not say."""

    def __init__(self, client_for: ClientFor, profiles: ProfileCache) -> None:
        self._client_for = client_for
        self._profiles = profiles

    async def profile(self, workspace: WorkspaceRef, user_id: str) -> Profile | None:
        client = await self._client_for(workspace.workspace_id)
        found = await self._profiles.get(client, workspace.workspace_id, user_id)
        return None if found is None else Profile(display_name=found.name, tz=found.tz)

    async def channel_members(self, workspace: WorkspaceRef, channel_id: str) -> Sequence[str] | None:
        """conversations.members (channels:read, groups:read), every page, without Rekan itself."""
        client = await self._client_for(workspace.workspace_id)
        found: list[str] = []
        cursor: str | None = None
        try:
            me = str((await client.auth_test()).get("user_id") or "")
            for _ in range(MAX_PAGES):
                page = await client.conversations_members(channel=channel_id, limit=1000, cursor=cursor)
                found += [str(u) for u in page.get("members") or [] if str(u) != me]
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as exc:
            log.info("Slack would not list channel %s: %s", channel_id, exc.response.get("error"))
            return None
        return found

    async def can_post(self, workspace: WorkspaceRef, channel_id: str) -> bool | None:
        """Rekan posts only where it was invited (no chat:write.public): is it a member of the channel?"""
        client = await self._client_for(workspace.workspace_id)
        try:
            info = await client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            if exc.response.get("error") == "channel_not_found":
                return False
            return None
        return bool((info.get("channel") or {}).get("is_member"))

    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        client = await self._client_for(workspace.workspace_id)
        try:
            response = await client.usergroups_users_list(usergroup=group_id, include_disabled=False)
        except SlackApiError as exc:
            log.info("Slack would not list user group %s: %s", group_id, exc.response.get("error"))
            return None
        return [str(u) for u in response.get("users") or []]

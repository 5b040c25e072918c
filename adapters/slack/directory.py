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


class SlackDirectory:
    """usergroups.users.list (scope usergroups:read) and users.info; None when Slack will not say."""

    def __init__(self, client_for: ClientFor, profiles: ProfileCache) -> None:
        self._client_for = client_for
        self._profiles = profiles

    async def profile(self, workspace: WorkspaceRef, user_id: str) -> Profile | None:
        client = await self._client_for(workspace.workspace_id)
        found = await self._profiles.get(client, workspace.workspace_id, user_id)
        return None if found is None else Profile(display_name=found.name, tz=found.tz)

    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        client = await self._client_for(workspace.workspace_id)
        try:
            response = await client.usergroups_users_list(usergroup=group_id, include_disabled=False)
        except SlackApiError as exc:
            log.info("Slack would not list user group %s: %s", group_id, exc.response.get("error"))
            return None
        return [str(u) for u in response.get("users") or []]

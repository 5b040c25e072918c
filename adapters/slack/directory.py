"""Slack user groups (`@devs`) to member ids, for deadlines set for a group."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError

from adapters.slack.sender import ClientFor
from bot.core.identity import WorkspaceRef

log = logging.getLogger(__name__)


class SlackDirectory:
    """usergroups.users.list (scope usergroups:read); None when Slack will not say."""

    def __init__(self, client_for: ClientFor) -> None:
        self._client_for = client_for

    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        client = await self._client_for(workspace.workspace_id)
        try:
            response = await client.usergroups_users_list(usergroup=group_id, include_disabled=False)
        except SlackApiError as exc:
            log.info("Slack would not list user group %s: %s", group_id, exc.response.get("error"))
            return None
        return [str(u) for u in response.get("users") or []]

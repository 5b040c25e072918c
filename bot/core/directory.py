"""Who is in a role or user group: only the platform knows, so adapters answer for the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.identity import WorkspaceRef


@dataclass(frozen=True, kw_only=True)
class Profile:
    """What a platform's profile says of someone Rekan has not met yet (Discord has no zone)."""

    display_name: str | None = None
    tz: str | None = None


class Directory(Protocol):
    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        """Member ids of a Slack user group or Discord role; None when the platform cannot tell."""
        ...

    async def profile(self, workspace: WorkspaceRef, user_id: str) -> Profile | None:
        """Name and zone of a member, so reminders to someone new start in their zone."""
        ...

    async def channel_members(self, workspace: WorkspaceRef, channel_id: str) -> Sequence[str] | None:
        """The people in a channel (not Rekan itself); None when the platform cannot tell."""
        ...

    async def can_post(self, workspace: WorkspaceRef, channel_id: str) -> bool | None:
        """Whether Rekan may post in a channel; None when the platform cannot tell before trying."""
        ...


class Directories:
    """The composition root's directory: each adapter registers its platform's."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Directory] = {}

    def register(self, platform: str, directory: Directory) -> None:
        self._by_platform[platform] = directory

    async def group_members(self, workspace: WorkspaceRef, group_id: str) -> Sequence[str] | None:
        found = self._by_platform.get(workspace.platform)
        return None if found is None else await found.group_members(workspace, group_id)

    async def profile(self, workspace: WorkspaceRef, user_id: str) -> Profile | None:
        found = self._by_platform.get(workspace.platform)
        return None if found is None else await found.profile(workspace, user_id)

    async def channel_members(self, workspace: WorkspaceRef, channel_id: str) -> Sequence[str] | None:
        found = self._by_platform.get(workspace.platform)
        return None if found is None else await found.channel_members(workspace, channel_id)

    async def can_post(self, workspace: WorkspaceRef, channel_id: str) -> bool | None:
        found = self._by_platform.get(workspace.platform)
        return None if found is None else await found.can_post(workspace, channel_id)

"""Where a member's DM channel id comes from: memory, then the database, then Discord (then stored).

Discord sends a DM to a channel id, not a user id, and opening the channel (POST /users/@me/channels) is a
request under the global limit. Discord returns the same channel every time, so the id is kept: in memory
for this process and in the database for the next one, so the first standup after a restart costs one
request a member instead of two. The database is only a cache here: when it fails, the send goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.core.identity import UNSCOPED, WorkspaceRef
from storage.repositories import dm_channels as repo
from storage.repositories.members import get_workspace
from storage.session import Database

log = logging.getLogger(__name__)

PLATFORM = "discord"
MAX_REMEMBERED = 100_000
"""Ids kept in memory; past this the memory starts again (the database still has them)."""

Opener = Callable[[str], Awaitable[str]]
"""Opens (or finds) the DM channel with a user id on the platform and returns its id."""


class DmChannels:
    """A read-through cache of DM channel ids, per workspace in the database and per user in memory."""

    def __init__(self, db: Database | None, *,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._db, self._now = db, now
        self._memory: dict[str, str] = {}
        self._workspaces: dict[str, int] = {}

    async def channel(self, workspace_id: str, user_id: str, open_dm: Opener) -> str:
        """The DM channel id with `user_id`, opened on Discord only when neither memory nor storage has it."""
        found = self._memory.get(user_id)
        if found is not None:
            return found
        pk = await self._workspace_pk(workspace_id)
        found = await self._stored(pk, user_id)
        if found is None:
            found = await open_dm(user_id)
            await self._store(pk, user_id, found)
        self._remember(user_id, found)
        return found

    def _remember(self, user_id: str, channel_id: str) -> None:
        if len(self._memory) >= MAX_REMEMBERED:
            self._memory.clear()
        self._memory[user_id] = channel_id

    async def _workspace_pk(self, workspace_id: str) -> int | None:
        """The guild's workspace row; None outside any guild or before its first contact (memory only)."""
        if self._db is None or workspace_id == UNSCOPED:
            return None
        if workspace_id not in self._workspaces:
            try:
                async with self._db.read() as s:
                    row = await get_workspace(s, WorkspaceRef(platform=PLATFORM, workspace_id=workspace_id))
            except Exception as exc:
                log.warning("could not look up a workspace for its DM channels: %s", type(exc).__name__)
                return None
            if row is None:
                return None
            self._workspaces[workspace_id] = row.id
        return self._workspaces[workspace_id]

    async def _stored(self, pk: int | None, user_id: str) -> str | None:
        if self._db is None or pk is None:
            return None
        try:
            async with self._db.read() as s:
                return await repo.get(s, pk, user_id)
        except Exception as exc:
            log.warning("could not read a stored DM channel (%s); opening it instead", type(exc).__name__)
            return None

    async def _store(self, pk: int | None, user_id: str, channel_id: str) -> None:
        if self._db is None or pk is None:
            return
        try:
            async with self._db.session() as s:
                await repo.put(s, pk, user_id, channel_id, now=self._now())
        except Exception as exc:
            log.warning("could not store a DM channel (%s); it is opened again after a restart",
                        type(exc).__name__)

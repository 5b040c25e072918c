"""Who is talking, from `users.info`: name, zone and admin rights, cached so each event costs no call."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

TTL_SECONDS = 600.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True, kw_only=True)
class SlackProfile:
    name: str | None
    tz: str | None
    is_admin: bool


def profile_from_user(user: dict[str, Any]) -> SlackProfile:
    """Workspace admins and owners are Rekan admins; the core still decides what that allows."""
    profile = user.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            or user.get("name"))
    admin = any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
    return SlackProfile(name=name or None, tz=user.get("tz") or None, is_admin=admin)


class ProfileCache:
    """A small LRU with a TTL: a changed Slack profile shows up within minutes, not per message."""

    def __init__(self, *, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._clock = ttl, clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, SlackProfile]] = OrderedDict()

    async def get(self, client: AsyncWebClient, team_id: str, user_id: str) -> SlackProfile | None:
        """The profile, or None when Slack would not say (the event still goes on without it)."""
        key, now = (team_id, user_id), self._clock()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            self._entries.move_to_end(key)
            return hit[1]
        try:
            response = await client.users_info(user=user_id)
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("users.info for %s in %s failed: %s", user_id, team_id, type(exc).__name__)
            return hit[1] if hit else None
        profile = profile_from_user(dict(response.get("user") or {}))
        self._entries[key] = (now, profile)
        self._entries.move_to_end(key)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return profile

    def forget_team(self, team_id: str) -> None:
        for key in [k for k in self._entries if k[0] == team_id]:
            del self._entries[key]

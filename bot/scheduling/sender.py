"""The outbound seam: adapters perform actions, and say whether a failure is worth retrying."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal, Protocol, TypeAlias

from bot.core.actions import Action, SendResult

RateScope: TypeAlias = Literal["destination", "workspace", "global"]

# Common permanent failure codes; adapters may use others.
USER_LEFT = "user_left"
DMS_CLOSED = "dms_closed"
CHANNEL_NOT_FOUND = "channel_not_found"
NOT_IN_CHANNEL = "not_in_channel"
MESSAGE_NOT_FOUND = "message_not_found"
BAD_PAYLOAD = "bad_payload"
TOO_MANY_ATTEMPTS = "too_many_attempts"

DELIVERY_KEY: ContextVar[str | None] = ContextVar("rekan_delivery_key", default=None)
"""While the dispatcher performs an outbox delivery: a name for it that stays the same on every attempt, in
every process, after any takeover. Adapters whose platform deduplicates by a client-chosen id (Discord's
message nonce) derive that id from it, so a send repeated after a lost answer or a kill is not posted twice.
None outside the outbox (a direct answer to a command)."""


class ActionSender(Protocol):
    """Anything that can perform one action on a platform: an adapter, or a queue in front of one."""

    async def perform(self, action: Action) -> SendResult: ...


class TransientSendError(Exception):
    """Worth trying again later: 429, 5xx, timeouts, connection resets.

    `retry_after` is the platform's own wait in seconds when it gave one; `scope` says what the wait
    applies to (a 429 naming no destination, such as Discord's global limit, blocks every send).
    """

    def __init__(self, retry_after: float | None = None, reason: str = "transient", *,
                 scope: RateScope = "destination") -> None:
        super().__init__(reason if retry_after is None else f"{reason} (retry after {retry_after}s)")
        self.retry_after = retry_after
        self.reason = reason
        self.scope = scope


class PermanentSendError(Exception):
    """Will fail the same way every time (the user left, DMs closed): record it and tell the owner."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

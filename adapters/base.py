"""What every adapter is to the core: a platform with capabilities that can perform actions."""

from __future__ import annotations

from typing import Protocol

from bot.core.actions import Action, SendResult
from bot.core.capabilities import Capabilities


class Adapter(Protocol):
    """Translates a platform to core events (inbound) and core actions to platform calls (outbound)."""

    platform: str
    capabilities: Capabilities

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def perform(self, action: Action) -> SendResult: ...

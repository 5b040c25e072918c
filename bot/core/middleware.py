"""The steps every event passes before a handler runs: de-duplication, command lookup, permissions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.actions import Action
from bot.core.commands import CommandRegistry, Resolved, resolve
from bot.core.context import Context
from bot.core.events import CommandInvoked
from bot.core.identity import Role
from storage.repositories.events import mark_processed


@dataclass(kw_only=True)
class Request:
    """An event on its way through the chain; steps fill in what they learn."""

    ctx: Context
    command: Resolved | None = None


Next = Callable[[Request], Awaitable[Sequence[Action]]]
Middleware = Callable[[Request, Next], Awaitable[Sequence[Action]]]


async def deduplicate(req: Request, call_next: Next) -> Sequence[Action]:
    """Platforms retry deliveries they think were lost; the same event id runs once."""
    event = req.ctx.event
    async with req.ctx.db.session() as s:
        first = await mark_processed(s, event.platform, event.event_id, req.ctx.now)
    return await call_next(req) if first else []


def command_lookup(registry: CommandRegistry) -> Middleware:
    async def step(req: Request, call_next: Next) -> Sequence[Action]:
        event = req.ctx.event
        if not isinstance(event, CommandInvoked):
            return await call_next(req)
        spec = registry.get(event.name)
        if spec is None:
            return [req.ctx.fail("common.unknown_command", command=f"/{event.name}")]
        resolved = resolve(spec, event.subcommand, event.text, event.options)
        if resolved is None:
            word = event.subcommand or event.text.split(" ", 1)[0]
            return [req.ctx.fail("common.unknown_subcommand", command=spec.name, subcommand=word)]
        req.command = resolved
        return await call_next(req)

    return step


_ROLE_NAMES = {Role.ADMIN: "common.role_admin", Role.MANAGER: "common.role_manager",
               Role.MEMBER: "common.role_member"}


async def check_permission(req: Request, call_next: Next) -> Sequence[Action]:
    """Rights are decided here from our own rows, never from what a platform payload claims."""
    if req.command is not None:
        needed = req.command.sub.permission
        if not req.ctx.member.role.allows(needed):
            return [req.ctx.fail("common.not_allowed", role=req.ctx.t(_ROLE_NAMES[needed]))]
    return await call_next(req)

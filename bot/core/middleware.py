"""The steps every event passes before a handler runs: de-duplication, a size limit, command lookup,
permissions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core.actions import Action
from bot.core.commands import CommandRegistry, Resolved, resolve
from bot.core.context import Context
from bot.core.events import ActionTriggered, CommandInvoked, Event, FormSubmitted, MessageReceived
from bot.core.identity import Role
from storage.repositories.events import mark_processed


@dataclass(kw_only=True)
class Request:
    """An event on its way through the chain; steps fill in what they learn."""

    ctx: Context
    command: Resolved | None = None
    first_delivery: bool | None = None
    """Whether the event id was new, when the router already recorded it with the context (one
    transaction instead of two); None when `deduplicate` has to record it itself."""


Next = Callable[[Request], Awaitable[Sequence[Action]]]
Middleware = Callable[[Request, Next], Awaitable[Sequence[Action]]]


async def deduplicate(req: Request, call_next: Next) -> Sequence[Action]:
    """Platforms retry deliveries they think were lost; the same event id runs once."""
    first = req.first_delivery
    if first is None:
        event = req.ctx.event
        async with req.ctx.db.session() as s:
            first = await mark_processed(s, event.platform, event.event_id, req.ctx.now)
    return await call_next(req) if first else []


MAX_INPUT = 10_000
"""Characters of one piece of typed text (a command line, an option, a message, a form field): far more
than any command or answer takes, and little enough that no parser spends long on it."""
MAX_INPUT_TOTAL = 40_000
"""Characters of all the text of one event together (a form's fields, a command's options)."""


def _texts(event: Event) -> list[str]:
    """The text a person typed (or a platform payload claims they did) in an event."""
    if isinstance(event, CommandInvoked):
        return [event.name, event.subcommand or "", event.text,
                *(v for v in (event.options or {}).values() if isinstance(v, str))]
    if isinstance(event, MessageReceived):
        return [event.text]
    if isinstance(event, FormSubmitted):
        return [event.key, *event.values.keys(), *event.values.values()]
    if isinstance(event, ActionTriggered):
        return [event.key, event.value]
    return []


async def limit_input(req: Request, call_next: Next) -> Sequence[Action]:
    """Oversized text is refused before any parser reads it, so one paste cannot stall the bot."""
    sizes = [len(text) for text in _texts(req.ctx.event)]
    longest, total = max(sizes, default=0), sum(sizes)
    if longest > MAX_INPUT:
        return [req.ctx.reply(req.ctx.t("common.too_long", length=longest, limit=MAX_INPUT))]
    if total > MAX_INPUT_TOTAL:
        return [req.ctx.reply(req.ctx.t("common.too_long", length=total, limit=MAX_INPUT_TOTAL))]
    return await call_next(req)


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

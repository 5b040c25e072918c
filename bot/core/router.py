"""Events in, actions out: the one entry point every adapter calls.

Any exception inside becomes a short friendly reply carrying an error id, and the id is logged with
the traceback, so a user never sees a traceback and an operator can still find what happened.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import heap
from bot.core.actions import Action, AskChoice, OpenForm, Send, Visibility
from bot.core.capabilities import Capabilities
from bot.core.commands import CommandRegistry
from bot.core.content import Content
from bot.core.context import Context, Services
from bot.core.events import ActionTriggered, Event, FormSubmitted, HomeOpened, MemberLeft, MessageReceived
from bot.core.identity import UNSCOPED, ConversationRef, Member, Workspace
from bot.core.middleware import (
    Middleware,
    Next,
    Request,
    check_permission,
    command_lookup,
    deduplicate,
    limit_input,
)
from bot.core.prompts import (
    active_form_key,
    answer_form,
    latest_choice,
    pick_by_number,
    remember_choice,
    start_form,
    take_choice,
)
from bot.core.render_text import render_plain
from bot.i18n import translate
from bot.time.zones import is_valid_zone
from storage.repositories import member_reads
from storage.repositories import members as members_repo
from storage.repositories.events import mark_processed, mark_processed_on
from storage.session import Database

log = logging.getLogger("rekan.router")
MAX_NAME = 80
"""Characters of a display name kept from an event: Slack and Discord allow no more, so only a name from a
payload that lies is cut (a longer one would be drawn, measured and quoted in every list of people)."""
H = TypeVar("H")

ChoiceHandler = Callable[[Context, str], Awaitable[Sequence[Action]]]
FormHandler = Callable[[Context, Mapping[str, str]], Awaitable[Sequence[Action]]]
MessageHandler = Callable[[Context, str], Awaitable[Sequence[Action] | None]]
HomeHandler = Callable[[Context], Awaitable[Sequence[Action]]]
"""Returns None when the message is not for this handler."""
ButtonHandler = Callable[[Context, str, str], Awaitable[Sequence[Action]]]
KeyedFormHandler = Callable[[Context, str, Mapping[str, str]], Awaitable[Sequence[Action]]]
"""(context, key, values) of a form whose key carries what it is about (`su.answer:<standup>:<day>`)."""
"""(context, key, value) of a button that needs no stored prompt: the handler checks rights itself."""


class Router:
    def __init__(
        self, *, services: Services, registry: CommandRegistry, middleware: Sequence[Middleware] | None = None
    ) -> None:
        self.services = services
        self.registry = registry
        self.middleware = list(
            middleware
            if middleware is not None
            else (deduplicate, limit_input, command_lookup(registry), check_permission)
        )
        self._choices: dict[str, ChoiceHandler] = {}
        self._buttons: dict[str, ButtonHandler] = {}
        self._keyed_forms: dict[str, KeyedFormHandler] = {}
        self._forms: dict[str, FormHandler] = {}
        self._messages: list[MessageHandler] = []
        self._home: HomeHandler | None = None
        self._left: list[HomeHandler] = []
        self._started = False

    @property
    def db(self) -> Database:
        return self.services.db

    def on_choice(self, key_prefix: str, handler: ChoiceHandler) -> None:
        self._choices[key_prefix] = handler

    def on_button(self, key_prefix: str, handler: ButtonHandler) -> None:
        """Buttons on scheduled messages (a reminder's done/snooze): valid as long as the item exists."""
        self._buttons[key_prefix] = handler

    def on_keyed_form(self, key_prefix: str, handler: KeyedFormHandler) -> None:
        self._keyed_forms[key_prefix] = handler

    def on_form(self, key_prefix: str, handler: FormHandler) -> None:
        self._forms[key_prefix] = handler

    def on_home(self, handler: HomeHandler) -> None:
        self._home = handler

    def on_member_left(self, handler: HomeHandler) -> None:
        """Features tidy up after a member who left (deadlines tell the creators they were removed)."""
        self._left.append(handler)

    def on_message(self, handler: MessageHandler) -> None:
        self._messages.append(handler)

    async def handle(self, event: Event, caps: Capabilities) -> list[Action]:
        """Run one event through the chain; never raises.

        Each event first lets the event loop run everything else that is ready: with SQLite in-line an
        event may never wait on anything, and a burst of them must not hold the loop between them."""
        if not self._started:
            self._started = True
            heap.settle()  # start-up is over: its heap stays out of the collector's full passes
        await asyncio.sleep(0)
        ctx: Context | None = None
        try:
            ctx, first = await self._context(event, caps, mark=deduplicate in self.middleware)
            await asyncio.sleep(0)  # and again between the context and the handler
            actions = await self._chain(Request(ctx=ctx, first_delivery=first), 0)
            return await self.prepare(ctx, actions)
        except Exception:
            error_id = secrets.token_hex(4)
            log.exception("event %s (%s) failed: error id %s", event.event_id, type(event).__name__, error_id)
            locale = ctx.locale if ctx is not None else None
            return [
                Send(
                    to=event.conversation,
                    content=Content.text(translate("common.error", locale, error_id=error_id)),
                    visibility=Visibility.EPHEMERAL,
                    reply_handle=event.reply_handle,
                )
            ]

    async def _context(self, event: Event, caps: Capabilities, *, mark: bool) -> tuple[Context, bool | None]:
        """Who and where, and (with `mark`) whether this event id is new, in one write transaction.

        A known member whose platform profile is unchanged is read, and only the event id written, in one
        hop into the database (`Database.write_with`); first contact or a changed profile goes through
        the ORM's `ensure_member`.
        """
        now = self.services.clock.now()
        name, zone = _name(event.actor_name), _valid_zone(event.actor_tz)
        if event.actor.workspace_id != UNSCOPED:
            known = await self.db.write_with(partial(_known, event, now, mark, name, zone))
            if known is not None:
                found, first = known
                assert found.member is not None
                return Context(event=event, workspace=found.workspace, member=found.member,
                               services=self.services, caps=caps), first
        first = None
        async with self.db.session() as s:
            if event.actor.workspace_id == UNSCOPED:
                event = await _scoped(s, event)
            if mark:
                first = await mark_processed(s, event.platform, event.event_id, now)
            workspace, member = await _ensure(s, event, now, name, zone)
        ctx = Context(event=event, workspace=workspace, member=member, services=self.services, caps=caps)
        return ctx, first

    async def _chain(self, req: Request, index: int) -> Sequence[Action]:
        if index < len(self.middleware):
            nxt: Next = lambda r: self._chain(r, index + 1)  # noqa: E731
            return await self.middleware[index](req, nxt)
        return await self._dispatch(req)

    async def _dispatch(self, req: Request) -> Sequence[Action]:
        ctx, event = req.ctx, req.ctx.event
        if req.command is not None:
            return await req.command.sub.handler(ctx, req.command.args)
        if isinstance(event, ActionTriggered):
            return await self._choice(ctx, event.key, event.value)
        if isinstance(event, FormSubmitted):
            return await self._form(ctx, event.key, event.values)
        if isinstance(event, MessageReceived):
            return await self._message(ctx, event.text)
        if isinstance(event, HomeOpened) and self._home is not None:
            return await self._home(ctx)
        if isinstance(event, MemberLeft):
            return [a for handler in self._left for a in await handler(ctx)]
        return []

    async def _choice(self, ctx: Context, key: str, value: str) -> Sequence[Action]:
        button = _longest_prefix(self._buttons, key)
        if button is not None:
            return await button(ctx, key, value)
        handler = _longest_prefix(self._choices, key)
        taken = await take_choice(self.db, ctx.workspace.id, ctx.member.account.user_id, key, value, ctx.now)
        if handler is None or not taken:
            return [ctx.reply(ctx.t("common.choice_expired"))]
        return await handler(ctx, value)

    async def _form(self, ctx: Context, key: str, values: Mapping[str, str]) -> Sequence[Action]:
        keyed = _longest_prefix(self._keyed_forms, key)
        if keyed is not None:
            return await keyed(ctx, key, values)
        handler = _longest_prefix(self._forms, key)
        if handler is None:
            return [ctx.reply(ctx.t("common.choice_expired"))]
        return await handler(ctx, values)

    async def _message(self, ctx: Context, text: str) -> Sequence[Action]:
        user = ctx.member.account.user_id
        form_key = await active_form_key(self.db, ctx.workspace.id, user, ctx.now)
        if form_key is not None:
            step = await answer_form(
                self.db, ctx.workspace.id, user, form_key, text, ctx.reply(""), ctx.now, ctx.locale
            )
            if step.cancelled:
                return [ctx.reply(ctx.t("common.form_cancelled"))]
            if step.values is not None:
                return await self._form(ctx, form_key, step.values)
            return [step.ask] if step.ask else []
        pending = await latest_choice(self.db, ctx.workspace.id, user, ctx.now)
        if pending is not None and text.strip():
            picked = pick_by_number(text, pending.choices)
            if picked is not None:
                return await self._choice(ctx, pending.key, picked.value)
        for handler in self._messages:
            result = await handler(ctx, text)
            if result is not None:
                return result
        if pending is not None:
            return [ctx.reply(ctx.t("common.choice_invalid", count=len(pending.choices)))]
        return [ctx.reply(ctx.t("rekan.dm_hint"))]

    async def prepare(self, ctx: Context, actions: Sequence[Action]) -> list[Action]:
        """Remember offered choices and degrade what this platform cannot show."""
        out: list[Action] = []
        for action in actions:
            if isinstance(action, AskChoice):
                await remember_choice(
                    self.db,
                    ctx.workspace.id,
                    action,
                    ctx.now,
                    render_plain(action.prompt, ctx.member.tz or "UTC", ctx.locale),
                    asked=ctx.member.account.user_id,
                )
                out.append(action)
            elif isinstance(action, OpenForm) and not ctx.caps.modals:
                out.append(
                    await start_form(
                        self.db, ctx.workspace.id, ctx.member.account.user_id, action, ctx.now, ctx.locale
                    )
                )
            elif isinstance(action, Send) and _needs_dm(action, ctx.caps):
                out.append(
                    replace(action, to=ConversationRef.dm(ctx.member.account), visibility=Visibility.PUBLIC)
                )
            else:
                out.append(action)
        return out


def _known(event: Event, now: datetime, mark: bool, name: str | None, zone: str | None,
           conn: Connection) -> tuple[member_reads.Found, bool | None] | None:
    """The member as stored, and the event id marked; None, having written nothing, when the member has to
    be written (new, or their platform profile changed)."""
    found = member_reads.lookup_on(conn, event.actor.workspace, event.actor.user_id)
    if found is None or member_reads.needs_ensure(found, display_name=name, is_admin=event.actor_is_admin,
                                                  platform_tz=zone):
        return None
    return found, (mark_processed_on(conn, event.platform, event.event_id, now) if mark else None)


async def _ensure(session: AsyncSession, event: Event, now: datetime, name: str | None,
                  zone: str | None) -> tuple[Workspace, Member]:
    """First contact (the first member of a workspace is its admin), or a profile the platform changed."""
    ws = await members_repo.ensure_workspace(session, event.actor.workspace, now=now)
    first = await members_repo.count_members(session, ws.id) == 0
    admin = event.actor_is_admin if event.actor_is_admin is not None else (first or None)
    row = await members_repo.ensure_member(session, ws.id, event.actor.user_id, now=now, display_name=name,
                                           is_admin=admin, platform_tz=zone)
    return members_repo.workspace_from_row(ws), members_repo.member_from_row(row, ws)


async def _scoped(session: AsyncSession, event: Event) -> Event:
    """A DM outside any workspace joins the member's latest one (or a personal one for a newcomer)."""
    actor = event.actor
    latest = await members_repo.latest_workspace_of(session, actor.platform, actor.user_id)
    workspace_id = latest.external_id if latest is not None else f"dm-{actor.user_id}"
    scoped = replace(actor, workspace_id=workspace_id)
    conversation = replace(event.conversation, workspace_id=workspace_id)
    return replace(event, actor=scoped, conversation=conversation)


def _name(name: str | None) -> str | None:
    return name if name is None or len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "\u2026"


def _valid_zone(name: str | None) -> str | None:
    """A platform's zone name is used only when the pinned tz database knows it."""
    return name if name and is_valid_zone(name) else None


def _needs_dm(action: Send, caps: Capabilities) -> bool:
    """An ephemeral reply outside an interaction becomes a DM where the platform cannot whisper."""
    return (
        action.visibility is Visibility.EPHEMERAL
        and action.reply_handle is None
        and not caps.ephemeral_outside_interaction
    )


def _longest_prefix(table: Mapping[str, H], key: str) -> H | None:
    """Handlers register a key prefix; `profile.tz.pick:abc` goes to `profile.tz.pick`."""
    best = max((p for p in table if key == p or key.startswith(p + ":")), key=len, default=None)
    return None if best is None else table[best]

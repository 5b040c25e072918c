"""The composition root: settings → database → core → scheduling → adapters."""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta

from sqlalchemy import text

from bot.clock import Clock, ManualClock, SystemClock
from bot.config import Settings, secrets_of
from bot.core.actions import Action, SendResult
from bot.core.capabilities import Capabilities
from bot.core.commands import CommandRegistry
from bot.core.context import Services
from bot.core.directory import Directories
from bot.core.events import CommandInvoked, Event
from bot.core.router import Router
from bot.features.deadlines import commands as deadline_commands
from bot.features.deadlines import create as deadline_create
from bot.features.deadlines import manage as deadline_manage
from bot.features.deadlines.leaving import member_left
from bot.features.deadlines.messages import ACT_KEY
from bot.features.deadlines.source import DeadlineSource
from bot.features.home.view import home
from bot.features.meetings import commands as meet_commands
from bot.features.meetings import polls as meet_polls
from bot.features.meetings import rotation as meet_rotation
from bot.features.meetings import spec as meet_spec
from bot.features.profile import commands as profile
from bot.features.profile.ask_zone import ask_zone_once
from bot.features.rekan import forget as rekan_forget
from bot.features.rekan.commands import rekan_command
from bot.features.standups import answer_form as standup_answer_form
from bot.features.standups import setup_form as standup_form
from bot.features.standups import spec as standup_spec
from bot.features.standups.answers import reply as standup_reply
from bot.features.standups.compose import composers as standup_composers
from bot.features.standups.source import StandupSource
from bot.logs import event_scope, install_redaction
from bot.ops.http import Check, Probes
from bot.ops.metrics import Metrics
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.lateness import Policies
from bot.scheduling.planner import Planner
from bot.scheduling.sender import ActionSender, TransientSendError
from bot.scheduling.service import SchedulerService
from storage.session import Database

log = logging.getLogger("rekan.app")


def build_registry() -> CommandRegistry:
    """Every command Rekan knows, declared once."""
    registry = CommandRegistry()
    registry.add(profile.TZ)
    registry.add(deadline_commands.DEADLINE)
    registry.add(standup_spec.STANDUP)
    registry.add(meet_spec.MEET)
    registry.add(rekan_command(registry))
    return registry


def build_router(services: Services, registry: CommandRegistry | None = None) -> Router:
    """The router with every feature's handlers for choices, forms and the home view."""
    router = Router(services=services, registry=registry or build_registry())
    router.middleware.append(ask_zone_once)
    router.on_choice(profile.PICK_KEY, profile.picked_zone)
    router.on_form(profile.SETUP_KEY, profile.setup_submitted)
    router.on_choice(deadline_create.PICK_KEY, deadline_create.picked)
    router.on_form(deadline_create.FORM_KEY, deadline_create.form_submitted)
    router.on_button(deadline_manage.LIST_KEY, deadline_manage.button)
    router.on_button(ACT_KEY, deadline_manage.button)
    router.on_member_left(member_left)
    router.on_message(standup_reply)
    router.on_form(standup_form.FORM_KEY, standup_form.form_submitted)
    router.on_keyed_form(standup_answer_form.FORM_KEY, standup_answer_form.submitted)
    router.on_button(meet_polls.POLL_KEY, meet_polls.button)
    router.on_button(meet_rotation.SERIES_KEY, meet_rotation.picked)
    router.on_choice(meet_commands.TIME_KEY, meet_commands.time_picked)
    rekan_forget.register(router)
    router.on_home(home)
    return router


class Outbound:
    """Sends each action through the adapter of its platform."""

    def __init__(self) -> None:
        self._senders: dict[str, ActionSender] = {}

    def register(self, platform: str, sender: ActionSender) -> None:
        self._senders[platform] = sender

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(self._senders)

    async def perform(self, action: Action) -> SendResult:
        sender = self._senders.get(action.to.platform)
        if sender is None:
            # Another process may serve this platform; try again later rather than drop it.
            raise TransientSendError(reason=f"no adapter for {action.to.platform} in this process")
        return await sender.perform(action)


class Rekan:
    """One running bot: its database, router, dispatcher and the adapters attached to it."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 database_url: str | None = None) -> None:
        self.settings = settings
        install_redaction(secrets_of(settings))  # before anything can log: no record ever holds a token
        self.clock: Clock = clock or SystemClock()
        self.db = Database(database_url or settings.rekan.database_url)
        self.registry = build_registry()
        self.directories = Directories()
        services = Services(db=self.db, clock=self.clock, wake=self._wake, directory=self.directories)
        self.router = build_router(services, self.registry)
        self.outbound = Outbound()
        self.metrics = Metrics()
        self.readiness: dict[str, Check] = {}
        self._drained = False
        """Adapters add their own check here (connected or not), for `/readyz`."""
        sched = settings.scheduling
        policies = Policies(mapping={k: timedelta(minutes=v) for k, v in sched.grace_minutes.items()},
                            default=sched.grace_for("default"))
        worker = f"{socket.gethostname()}:{os.getpid()}"
        self.dispatcher = Dispatcher(self.db, self.clock, self.outbound, policies, worker_id=worker,
                                     lease=timedelta(seconds=sched.lease_seconds),
                                     batch_size=sched.dispatch_batch_size,
                                     concurrency=sched.dispatch_concurrency,
                                     platforms=lambda: self.outbound.platforms,
                                     composers=standup_composers(self.db), observer=self.metrics)
        self.planner = Planner(self.db, self.clock, [DeadlineSource(), StandupSource()],
                               gate=self.dispatcher.gate)
        self.scheduler = SchedulerService(self.dispatcher, self.planner, self.clock,
                                          planner_interval=timedelta(seconds=sched.planner_interval_seconds))

    def _wake(self) -> None:
        """A handler enqueued something: re-arm the dispatcher (a manual clock is driven by its owner)."""
        if self.manual_clock is None and self.scheduler.running:
            self.scheduler.kick()

    @property
    def manual_clock(self) -> ManualClock | None:
        return self.clock if isinstance(self.clock, ManualClock) else None

    async def start(self) -> None:
        """Migrate, then start the scheduler (with a real clock; a manual clock is driven by hand)."""
        await self.db.upgrade()
        if self.manual_clock is None:
            self.scheduler.start()

    async def drain(self) -> None:
        """Send nothing new; let sends under way finish (within the shutdown timeout); give back the rest."""
        if self._drained:
            return
        self._drained = True
        if self.manual_clock is None:
            await self.scheduler.shutdown(timeout=float(self.settings.scheduling.shutdown_timeout_seconds))
        else:
            await self.dispatcher.release_claims()

    async def stop(self) -> None:
        await self.drain()
        await self.db.dispose()

    async def handle(self, event: Event, caps: Capabilities) -> list[Action]:
        """Every log record of the event carries its id; its time goes to the command latency metric."""
        started = time.perf_counter()
        try:
            with event_scope(f"{event.platform}:{event.event_id}"):
                return await self.router.handle(event, caps)
        finally:
            self.metrics.commands.labels(self._command_label(event)).observe(time.perf_counter() - started)

    def _command_label(self, event: Event) -> str:
        """A registered command's name, or the kind of event: never free text (it would grow without end)."""
        if isinstance(event, CommandInvoked):
            return event.name if self.registry.get(event.name) is not None else "unknown"
        return type(event).__name__

    def probes(self) -> Probes:
        """What `/readyz` checks and what `/metrics` shows, for whichever server serves them."""
        return Probes(checks={"database": self._database_answers, "migrations": self._migrations_current,
                              **self.readiness}, metrics=self._metrics_page)

    async def _database_answers(self) -> bool:
        async with self.db.read() as s:
            return bool((await s.execute(text("SELECT 1"))).scalar_one() == 1)

    async def _migrations_current(self) -> bool:
        return await self.db.current_revision() == self.db.head_revision()

    async def _metrics_page(self) -> bytes:
        await self.metrics.refresh(self.db, self.clock.now())
        return self.metrics.render()

"""The fake Slack and Discord behind fault proxies, a burst of due deliveries for both, and the counts.

Deliveries alternate between a Slack workspace and a Discord guild, each to one of a few channels, and
each message's text is its key (`s00042`, `d00043`), so every copy a platform holds can be counted.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord.http
from discord.http import HTTPClient
from slack_sdk.web.async_client import AsyncWebClient

from adapters.discord.sender import DiscordSender
from adapters.slack.sender import SlackSender
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.ratelimit import SendQueue
from storage.models import WorkspaceRow
from storage.repositories import deliveries as repo
from storage.repositories.deliveries import DeliveryRecord
from storage.session import Database
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.faults.proxy import DiscordDialect, Exchange, FaultPlan, FaultProxy, SlackDialect

SLACK_TEAM = "T0FAULTS"
DISCORD_GUILD = "1180000000000000042"
DISCORD_CHANNEL_BASE = 1190000000000000000
SLACK_TOKEN = "xoxb-0000-0000-faults"
DISCORD_TOKEN = "fault-bot-token"
DONE = frozenset({repo.SENT, repo.FAILED, repo.EXPIRED})


@dataclass
class Platforms:
    """Both fakes and their proxies, started in the current event loop."""

    slack: FakeSlack
    discord: FakeDiscord
    """Honours `enforce_nonce` as Discord does (the shared fake's default), so a repeated send posts once."""
    slack_proxy: FaultProxy
    discord_proxy: FaultProxy

    def copies(self) -> Counter[str]:
        """How many messages each key has on its platform (the platforms' own state, not the ledger)."""
        slack = Counter(str(m.get("text")) for m in self.slack.messages.values())
        discord_ = Counter(str(m.get("content")) for m in self.discord.messages.values())
        return slack + discord_

    def ledger(self) -> list[Exchange]:
        return [*self.slack_proxy.ledger, *self.discord_proxy.ledger]

    def posted_count(self) -> int:
        return len(self.slack_proxy.posted()) + len(self.discord_proxy.posted())

    async def settle(self) -> None:
        """Let every request already on its way reach the platform, so the ledgers are complete."""
        await self.slack_proxy.settle()
        await self.discord_proxy.settle()

    def active(self, worker: str) -> int:
        return self.slack_proxy.active[worker] + self.discord_proxy.active[worker]


@asynccontextmanager
async def running_platforms(slack_plan: FaultPlan | None = None,
                            discord_plan: FaultPlan | None = None) -> AsyncIterator[Platforms]:
    slack, discord_ = FakeSlack(team_id=SLACK_TEAM), FakeDiscord(patch=False)
    await slack.start()
    await discord_.start()
    slack_proxy = FaultProxy(lambda: slack.base_url, SlackDialect(), slack_plan)
    discord_proxy = FaultProxy(lambda: discord_.base_url, DiscordDialect(), discord_plan)
    await slack_proxy.start()
    await discord_proxy.start()
    try:
        yield Platforms(slack, discord_, slack_proxy, discord_proxy)
    finally:
        await slack_proxy.stop()
        await discord_proxy.stop()
        await discord_.stop()
        await slack.stop()


# ----- Rekan's senders, pointed at the proxies


@dataclass
class Senders:
    """Rekan's Slack and Discord senders behind the core's SendQueue, as the adapters compose them."""

    slack: SendQueue
    discord: SendQueue
    http: HTTPClient
    saved_base: str

    async def close(self) -> None:
        await self.http.close()
        discord.http.Route.BASE = self.saved_base


async def connect_senders(slack_url: str, discord_url: str, *, request_timeout: float, rate: float = 1000.0,
                          backoff_base: float = 0.05) -> Senders:
    """`slack_url` / `discord_url` are a worker's proxy prefixes; `request_timeout` bounds each request.

    The SendQueue's pacing is raised to `rate` a second and its backoff shortened: pacing is not what
    these tests are about (tests/bot/scheduling/test_ratelimit.py is), and CI has a time budget.
    """
    client = AsyncWebClient(token=SLACK_TOKEN, base_url=f"{slack_url}/api/", timeout=int(max(request_timeout, 1)))

    async def client_for(workspace_id: str) -> AsyncWebClient:
        return client

    saved = discord.http.Route.BASE
    discord.http.Route.BASE = f"{discord_url}/api/v10"
    http = HTTPClient(asyncio.get_running_loop())
    await http.static_login(DISCORD_TOKEN)

    def queue(sender: SlackSender | DiscordSender) -> SendQueue:
        return SendQueue(sender, per_destination_rate=rate, burst=10, backoff_base=backoff_base,
                         backoff_cap=1.0)

    return Senders(slack=queue(SlackSender(client_for)),
                   discord=queue(DiscordSender(lambda: http, timeout=request_timeout)), http=http, saved_base=saved)


# ----- the burst


@dataclass(frozen=True)
class Burst:
    keys: tuple[str, ...]
    workspaces: dict[str, int] = field(default_factory=dict)

    @property
    def slack_keys(self) -> list[str]:
        return [k for k in self.keys if k.startswith("s")]

    @property
    def discord_keys(self) -> list[str]:
        return [k for k in self.keys if k.startswith("d")]


def platform_of(key: str) -> str:
    return "slack" if key.startswith("s") else "discord"


def _destination(platform: str, n: int) -> ConversationRef:
    if platform == "slack":
        return ConversationRef(platform="slack", workspace_id=SLACK_TEAM, kind=ConversationKind.CHANNEL,
                               conversation_id=f"C{n:08d}")
    return ConversationRef(platform="discord", workspace_id=DISCORD_GUILD, kind=ConversationKind.CHANNEL,
                           conversation_id=str(DISCORD_CHANNEL_BASE + n))


async def seed_burst(db: Database, count: int, now: datetime, *, destinations: int = 20) -> Burst:
    """`count` deliveries due now, alternating Slack and Discord, in key order."""
    async with db.session() as s:
        workspaces: dict[str, int] = {}
        for platform, external in (("slack", SLACK_TEAM), ("discord", DISCORD_GUILD)):
            row = WorkspaceRow(platform=platform, external_id=external, name="Faults", default_locale="en",
                               created_at=now)
            s.add(row)
            await s.flush()
            workspaces[platform] = row.id
        keys: list[str] = []
        planned: list[PlannedDelivery] = []
        for i in range(count):
            platform = "slack" if i % 2 == 0 else "discord"
            key = f"{platform[0]}{i:05d}"
            keys.append(key)
            planned.append(PlannedDelivery(
                workspace_pk=workspaces[platform], kind="reminder", source_id=key, occurrence="burst",
                due_at=now - timedelta(milliseconds=count - i),
                action=Send(to=_destination(platform, (i // 2) % destinations), content=Content.text(key))))
        await enqueue(s, planned, now=now)
    return Burst(tuple(keys), workspaces)


async def rows(db: Database) -> dict[str, DeliveryRecord]:
    """The burst's rows by key (a missed-delivery summary, if any, is not a burst row)."""
    async with db.read() as s:
        return {r.source_id: r for r in await repo.find(s, kind="reminder")}


async def all_done(db: Database) -> bool:
    found = await rows(db)
    return bool(found) and all(r.status in DONE for r in found.values())


@dataclass(frozen=True, kw_only=True)
class Tally:
    """What the platforms hold against what should be there: lost keys and extra copies, per platform."""

    lost: dict[str, int]
    duplicates: dict[str, int]
    not_sent: int
    """Burst rows not marked sent (failed or expired) at the end."""

    def as_dict(self) -> dict[str, Any]:
        return {"lost": self.lost, "duplicates": self.duplicates, "rows_not_sent": self.not_sent}


def tally(platforms: Platforms, burst: Burst, found: dict[str, DeliveryRecord]) -> Tally:
    copies = platforms.copies()
    lost = {p: sum(1 for k in keys if copies[k] == 0)
            for p, keys in (("slack", burst.slack_keys), ("discord", burst.discord_keys))}
    dup = {p: sum(max(copies[k] - 1, 0) for k in keys)
           for p, keys in (("slack", burst.slack_keys), ("discord", burst.discord_keys))}
    not_sent = sum(1 for k in burst.keys if k not in found or found[k].status != repo.SENT)
    return Tally(lost=lost, duplicates=dup, not_sent=not_sent)


def unrecorded_posts(ledger: Iterable[Exchange], found: dict[str, DeliveryRecord],
                     keep: Callable[[Exchange], bool] = lambda e: True) -> list[Exchange]:
    """Posts the platform holds that are not the message the row recorded: each one is an extra copy."""
    return [e for e in ledger if e.posted is not None and e.key is not None and keep(e)
            and (e.key not in found or found[e.key].message_id != e.posted)]


def per_platform(exchanges: Sequence[Exchange]) -> dict[str, int]:
    return {"slack": sum(1 for e in exchanges if e.key and platform_of(e.key) == "slack"),
            "discord": sum(1 for e in exchanges if e.key and platform_of(e.key) == "discord")}

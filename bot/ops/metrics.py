"""Prometheus metrics: what an operator alerts on — sends, their lateness, the backlog, 429s, commands.

Each `Rekan` has a registry of its own (tests run many in one process); `/metrics` renders it after
refreshing the figures read from the database (backlog per platform, standup answer rate), so a scrape
costs two short reads and every replica reports the shared outbox as it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select

from storage.models import DeliveryRow, StandupAnswerRow, WorkspaceRow
from storage.session import Database

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 7200)
COMMAND_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
ANSWER_WINDOW = timedelta(hours=24)
UNFINISHED = ("pending", "claimed")


class Metrics:
    """The instruments; the dispatcher, the send queues and the router report into them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.deliveries = Counter("rekan_deliveries", "Deliveries by kind and outcome (sent, late, retried, "
                                  "expired, failed).", ["kind", "outcome"], registry=r)
        self.lateness = Histogram("rekan_delivery_lateness_seconds", "From a delivery's due time to the "
                                  "platform accepting it.", ["kind"], buckets=LATENESS_BUCKETS, registry=r)
        self.rate_limited = Counter("rekan_platform_rate_limited", "429 answers from a platform.",
                                    ["platform"], registry=r)
        self.retries = Counter("rekan_platform_retries", "Sends retried after a transient failure (429, "
                               "5xx, timeout, reset).", ["platform"], registry=r)
        self.commands = Histogram("rekan_command_seconds", "Time to handle one event, by command.",
                                  ["command"], buckets=COMMAND_BUCKETS, registry=r)
        self.backlog = Gauge("rekan_outbox_due", "Deliveries due now and not sent yet, per platform.",
                             ["platform"], registry=r)
        self.pending = Gauge("rekan_outbox_pending", "Deliveries planned and not sent yet, per platform.",
                             ["platform"], registry=r)
        self.answer_rate = Gauge("rekan_standup_answer_ratio", "Share of the standup questions of the last "
                                 "24 hours that were answered.", registry=r)

    def sent(self, kind: str, late: bool, lateness: timedelta) -> None:
        self.deliveries.labels(kind, "late" if late else "sent").inc()
        self.lateness.labels(kind).observe(max(lateness.total_seconds(), 0.0))

    def outcome(self, kind: str, outcome: str, n: int = 1) -> None:
        if n:
            self.deliveries.labels(kind, outcome).inc(n)

    def transient(self, platform: str, rate_limited: bool) -> None:
        self.retries.labels(platform).inc()
        if rate_limited:
            self.rate_limited.labels(platform).inc()

    async def refresh(self, db: Database, now: datetime) -> None:
        """Read the backlog and the answer rate, as the database holds them now."""
        async with db.read() as s:
            due_now = func.count().filter(DeliveryRow.due_at <= now)
            stmt = (select(WorkspaceRow.platform, func.count(), due_now)
                    .join(WorkspaceRow, WorkspaceRow.id == DeliveryRow.workspace_id)
                    .where(DeliveryRow.status.in_(UNFINISHED)).group_by(WorkspaceRow.platform))
            rows = (await s.execute(stmt)).all()
            since = now - ANSWER_WINDOW
            asked = select(func.count(), func.count(StandupAnswerRow.answered_at)).where(
                StandupAnswerRow.asked_at >= since)
            total, answered = (await s.execute(asked)).one()
        self.pending.clear()
        self.backlog.clear()
        for platform, pending, due in rows:
            self.pending.labels(platform).set(int(pending))
            self.backlog.labels(platform).set(int(due))
        self.answer_rate.set(answered / total if total else 1.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)

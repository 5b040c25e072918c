"""How late a delivery may still go out, per kind: our explicit policy, never APScheduler's default."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from bot.clock import ensure_aware_utc

MISSED_SUMMARY = "missed_summary"
"""The kind of the message that tells an owner what was not delivered."""

ON_TIME = timedelta(seconds=60)
SUMMARY_GRACE = timedelta(days=7)


class Lateness(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LatenessPolicy:
    """Within `on_time` of the due time a send is punctual; within `grace` it goes out marked late."""

    grace: timedelta
    on_time: timedelta = ON_TIME

    def __post_init__(self) -> None:
        if self.on_time < timedelta(0) or self.grace < timedelta(0):
            raise ValueError("lateness windows cannot be negative")

    def classify(self, due_at: datetime, now: datetime) -> Lateness:
        """Late sends are allowed inside the grace window; after it, the send would only confuse."""
        overdue = ensure_aware_utc(now) - ensure_aware_utc(due_at)
        if overdue <= self.on_time:
            return Lateness.ON_TIME
        if overdue <= max(self.grace, self.on_time):
            return Lateness.LATE
        return Lateness.EXPIRED


@dataclass(frozen=True)
class Policies:
    """The grace window per delivery kind; unknown kinds get `default`, the owner summary a long one."""

    mapping: Mapping[str, timedelta] = field(default_factory=dict)
    default: timedelta = timedelta(minutes=30)
    on_time: timedelta = ON_TIME

    def __post_init__(self) -> None:
        grace = {MISSED_SUMMARY: SUMMARY_GRACE, **self.mapping}
        object.__setattr__(self, "mapping", MappingProxyType(grace))

    def for_kind(self, kind: str) -> LatenessPolicy:
        return LatenessPolicy(self.mapping.get(kind, self.default), self.on_time)

    def classify(self, kind: str, due_at: datetime, now: datetime) -> Lateness:
        return self.for_kind(kind).classify(due_at, now)

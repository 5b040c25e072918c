"""Planned sends into the outbox, once per occurrence key however often they are planned."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ensure_aware_utc
from bot.core.actions import Action
from bot.core.serialize import action_to_dict
from bot.logs import EVENT_ID
from storage.repositories import deliveries as repo

log = logging.getLogger(__name__)

KIND_MAX = 32
LOGGED_IDS = 20
KEY_MAX = 64


@dataclass(frozen=True, kw_only=True)
class PlannedDelivery:
    """One due send: (kind, source_id, occurrence) names it uniquely, so re-planning is harmless.

    `occurrence` should name the occurrence in the source's own terms (the local date of a daily
    standup, say), so that a DST fall-back day that yields the same occurrence twice sends once.
    """

    workspace_pk: int
    kind: str
    source_id: str
    occurrence: str
    due_at: datetime
    action: Action
    owner_user_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "due_at", ensure_aware_utc(self.due_at))
        if not 0 < len(self.kind) <= KIND_MAX:
            raise ValueError(f"delivery kind must be 1..{KIND_MAX} characters: {self.kind!r}")
        for name in ("source_id", "occurrence", "owner_user_id"):
            value = getattr(self, name)
            if value is not None and not 0 < len(value) <= KEY_MAX:
                raise ValueError(f"delivery {name} must be 1..{KEY_MAX} characters: {value!r}")


def _new_delivery(planned: PlannedDelivery) -> repo.NewDelivery:
    return repo.NewDelivery(
        workspace_pk=planned.workspace_pk, kind=planned.kind, source_id=planned.source_id,
        occurrence=planned.occurrence, due_at=planned.due_at, payload=action_to_dict(planned.action),
        owner_user_id=planned.owner_user_id,
    )


async def enqueue(session: AsyncSession, planned: Sequence[PlannedDelivery], *, now: datetime) -> int:
    """Insert what is not there yet (INSERT … ON CONFLICT DO NOTHING); returns how many rows are new."""
    unique: dict[tuple[str, str, str], PlannedDelivery] = {}
    for p in planned:
        unique.setdefault((p.kind, p.source_id, p.occurrence), p)
    if not unique:
        return 0
    rows = [_new_delivery(p) for p in unique.values()]
    ids = await repo.insert_new_ids(session, rows, now=ensure_aware_utc(now))
    if ids and EVENT_ID.get() is not None:  # an event's sends: its id in the log, then each send's own
        log.info("enqueued %d deliveries: %s", len(ids), ", ".join(f"delivery:{i}" for i in ids[:LOGGED_IDS])
                 + (" …" if len(ids) > LOGGED_IDS else ""))
    return len(ids)

"""Deadline writes: each one stores the item and (re)plans its sends in one transaction, or does nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.deadlines import messages as msg
from bot.features.deadlines.plan import KIND_ASSIGNED, KIND_REMIND, digest_source, instant_key, occurrence_key
from bot.features.deadlines.source import people_for, plan_for
from bot.i18n import translate
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.planner import HORIZON
from bot.time.format import format_duration
from storage.repositories import deadlines as repo
from storage.repositories.deadlines import CANCELLED, DEADLINE, DONE, DeadlineRecord, NewDeadline
from storage.session import Database

DEFAULT_LEADS = (24 * 60, 60, 0)
"""One day before, one hour before and at the deadline, unless the workspace or deadline says otherwise."""


def lead_words(leads: Sequence[int], locale: str) -> str:
    """'1 day and 1 hour before, and at the deadline' / '1 hari dan 1 jam sebelumnya, dan saat tenggat'."""
    ahead = [format_duration(timedelta(minutes=m), locale) for m in leads if m > 0]
    and_ = translate("deadlines.and", locale)
    parts: list[str] = []
    if ahead:
        joined = ahead[0] if len(ahead) == 1 else f"{', '.join(ahead[:-1])} {and_} {ahead[-1]}"
        parts.append(translate("deadlines.leads_before", locale, durations=joined))
    if 0 in leads:
        parts.append(translate("deadlines.at_deadline", locale))
    return f", {and_} ".join(parts)


async def _plan_now(s: AsyncSession, record: DeadlineRecord, now: datetime) -> int:
    """What falls due within the planner's horizon is in the outbox before the command answers."""
    return await enqueue(s, await plan_for(s, [record], now, now + HORIZON), now=now)


async def _assigned_notices(s: AsyncSession, record: DeadlineRecord, now: datetime, *,
                            by: str | None = None) -> int:
    """Tell each assignee (other than whoever acted) at once, in their language and zone.

    With `by`, the deadline was changed by that member: the notice says so, once per change.
    """
    people = await people_for(s, record.workspace_pk, [record])
    actor = by or record.creator
    name = people.name(actor)
    stamp = "new" if by is None else "chg" + now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    planned = []
    for user in record.assignees:
        if user == actor:
            continue
        reader = people.reader(user)
        leads = lead_words(record.leads, reader.locale)
        action = msg.assigned(record, reader, user, name, leads, changed=by is not None)
        planned.append(
            PlannedDelivery(
                workspace_pk=record.workspace_pk,
                kind=KIND_ASSIGNED,
                source_id=record.source_id,
                occurrence=occurrence_key(instant_key(record.due_at), stamp, user),
                due_at=now,
                action=action,
                owner_user_id=record.creator,
            )
        )
    return await enqueue(s, planned, now=now)


async def create(db: Database, new: NewDeadline, *, now: datetime) -> DeadlineRecord:
    async with db.session() as s:
        record = await repo.insert(s, new, now=now)
        if record.kind == DEADLINE:
            await _assigned_notices(s, record, now)
        await _plan_now(s, record, now)
    return record


NOTIFIED_CHANGES = frozenset({"due_at", "title", "assignees"})


async def change(
    db: Database, record: DeadlineRecord, *, now: datetime, by: str, **values: Any
) -> DeadlineRecord | None:
    """Edit an item: its pending sends are withdrawn and planned again; assignees hear what changed."""
    async with db.session() as s:
        updated = await repo.update(s, record.workspace_pk, record.id, now=now, **values)
        if updated is None:
            return None
        await repo.withdraw(s, record.source_id, keep_snoozes=True)
        await repo.withdraw(s, digest_source(record.workspace_pk, record.creator))
        await _plan_now(s, updated, now)
        if updated.kind == DEADLINE and NOTIFIED_CHANGES & values.keys():
            await _assigned_notices(s, updated, now, by=by)
    return updated


async def finish(
    db: Database, record: DeadlineRecord, *, now: datetime, by: str, status: str = DONE
) -> DeadlineRecord | None:
    """Done or cancelled: nothing more is sent for it, and the creator's digest forgets it."""
    async with db.session() as s:
        updated = await repo.update(
            s, record.workspace_pk, record.id, now=now, replan=False, status=status, done_at=now, done_by=by
        )
        await repo.withdraw(s, record.source_id)
        await repo.withdraw(s, digest_source(record.workspace_pk, record.creator))
    return updated


async def finish_occurrence(db: Database, record: DeadlineRecord, occurrence_prefix: str) -> int:
    """A repeating item's current run is done: its remaining sends are withdrawn; the next runs stay."""
    async with db.session() as s:
        return await repo.withdraw(s, record.source_id, prefix=occurrence_prefix)


async def snooze(db: Database, record: DeadlineRecord, user: str, until: datetime, *, now: datetime) -> bool:
    """One more reminder for `user` at `until` (their own copy: snoozing never moves the deadline)."""
    async with db.session() as s:
        people = await people_for(s, record.workspace_pk, [record])
        reader = people.reader(user)
        due = record.due_at if record.due_at > until else until
        action = msg.lead_reminder(
            record, reader, msg.dm(record, user), due, until, people.name(record.creator)
        )
        planned = PlannedDelivery(
            workspace_pk=record.workspace_pk,
            kind=KIND_REMIND,
            source_id=record.source_id,
            occurrence=occurrence_key("s", user, instant_key(until)),
            due_at=until,
            action=action,
            owner_user_id=user,
        )
        return await enqueue(s, [planned], now=now) > 0


async def set_settings(db: Database, workspace_pk: int, **values: Any) -> dict[str, Any]:
    async with db.session() as s:
        current = await repo.settings(s, workspace_pk)
        current.update(values)
        await repo.save_settings(s, workspace_pk, current)
    return current


async def get_settings(db: Database, workspace_pk: int) -> dict[str, Any]:
    async with db.read() as s:
        return await repo.settings(s, workspace_pk)


async def get(db: Database, workspace_pk: int, deadline_id: int) -> DeadlineRecord | None:
    async with db.read() as s:
        return await repo.get(s, workspace_pk, deadline_id)


async def visible(
    db: Database, workspace_pk: int, user_id: str, *, everything: bool, statuses: Sequence[str] = (repo.OPEN,)
) -> list[DeadlineRecord]:
    async with db.read() as s:
        return await repo.visible(s, workspace_pk, user_id, everything=everything, statuses=statuses)


__all__ = ["CANCELLED", "DEFAULT_LEADS", "DONE", "change", "create", "finish", "snooze"]

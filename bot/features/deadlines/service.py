"""Deadline writes: each one stores the item and (re)plans its sends in one transaction, or does nothing."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.deadlines import messages as msg
from bot.features.deadlines.plan import (
    KIND_ASSIGNED,
    KIND_REMIND,
    People,
    current_run,
    digest_source,
    instant_key,
    occurrence_key,
    plan_item,
    sends_of_run,
)
from bot.features.deadlines.source import people_for, plan_for
from bot.i18n import translate
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.planner import HORIZON
from bot.time.format import format_duration
from bot.time.recurrence import Occurrence
from storage.repositories import deadlines as repo
from storage.repositories import member_reads
from storage.repositories import values as values_repo
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


async def _people(s: AsyncSession, record: DeadlineRecord, extra: Sequence[str] = ()) -> People:
    """The members an item names (and `extra`), read once for its notices and its plan."""
    ids = sorted({record.creator, *record.assignees, *extra})
    workspace, members = await member_reads.workspace_members(s, record.workspace_pk, ids)
    return People(members={m.account.user_id: m for m in members},
                  default_locale=workspace.default_locale if workspace is not None else "en")


async def _plan_now(s: AsyncSession, record: DeadlineRecord, now: datetime,
                    people: People | None = None) -> int:
    """What falls due within the planner's horizon is in the outbox before the command answers."""
    if people is None:
        return await enqueue(s, await plan_for(s, [record], now, now + HORIZON), now=now)
    planned = [slot.planned() for slot in plan_item(record, people, now, now + HORIZON)]
    return await enqueue(s, planned, now=now)


async def _notify(s: AsyncSession, record: DeadlineRecord, now: datetime, by: str,
                  told: Mapping[str, str], people: People | None = None) -> int:
    """One notice per member (`told`: member → what happened), in their language; never to the actor.

    A command's notices are sent once, so each carries a fresh token: two edits within one second are
    two notices, and planning never re-creates them.
    """
    if people is None:
        people = await people_for(s, record.workspace_pk, [record], extra=[by])
    actor, creator = people.name(by), people.name(record.creator)
    stamp = secrets.token_hex(4)
    planned = []
    for user, what in told.items():
        if user == by:
            continue
        reader = people.reader(user)
        action = msg.notice(record, reader, user, what, actor=actor, creator=creator,
                            leads=lead_words(record.leads, reader.locale))
        planned.append(PlannedDelivery(
            workspace_pk=record.workspace_pk, kind=KIND_ASSIGNED, source_id=record.source_id,
            occurrence=occurrence_key(what, stamp, user), due_at=now, action=action,
            owner_user_id=record.creator))
    return await enqueue(s, planned, now=now)


async def create(db: Database, new: NewDeadline, *, now: datetime) -> DeadlineRecord:
    async with db.session() as s:
        record = await repo.insert(s, new, now=now)
        people = await _people(s, record)
        if record.kind == DEADLINE:
            await _notify(s, record, now, record.creator, dict.fromkeys(record.assignees, "assigned"), people)
        await _plan_now(s, record, now, people)
    return record


NOTIFIED_CHANGES = frozenset({"due_at", "title"})


async def change(
    db: Database, record: DeadlineRecord, *, now: datetime, by: str, **values: Any
) -> DeadlineRecord | None:
    """Edit an item: its pending sends are withdrawn and planned again; assignees hear what changed."""
    async with db.session() as s:
        updated = await repo.update(s, record.workspace_pk, record.id, now=now, **values)
        if updated is None:
            return None
        await repo.withdraw(s, record.source_id, keep_snoozes=True, keep_kinds=(KIND_ASSIGNED,))
        await repo.withdraw(s, digest_source(record.workspace_pk, record.creator))
        await _plan_now(s, updated, now)
        if updated.kind == DEADLINE:
            await _notify(s, updated, now, by, _what_changed(record, updated, values.keys()))
    return updated


def _what_changed(before: DeadlineRecord, after: DeadlineRecord, changed: Iterable[str]) -> dict[str, str]:
    """New assignees hear it was set for them, removed ones that they are off it, the rest what moved."""
    told = {u: "removed" for u in before.assignees if u not in after.assignees}
    moved = bool(NOTIFIED_CHANGES & set(changed))
    for user in after.assignees:
        if user not in before.assignees:
            told[user] = "assigned"
        elif moved:
            told[user] = "changed"
    return told


async def finish(
    db: Database, record: DeadlineRecord, *, now: datetime, by: str, status: str = DONE
) -> DeadlineRecord | None:
    """Done or cancelled: nothing more is sent for it, and the creator's digest forgets it."""
    async with db.session() as s:
        updated = await repo.update(
            s, record.workspace_pk, record.id, now=now, replan=False, status=status, done_at=now, done_by=by
        )
        await repo.withdraw(s, record.source_id, keep_kinds=(KIND_ASSIGNED,))  # what people were told stays
        await repo.withdraw(s, digest_source(record.workspace_pk, record.creator))
        if updated is not None and updated.kind == DEADLINE:
            told = dict.fromkeys((*record.assignees, record.creator),
                                 "cancelled" if status == CANCELLED else "done")
            await _notify(s, updated, now, by, told)
    return updated


async def finish_occurrence(db: Database, record: DeadlineRecord, occ: Occurrence, *, now: datetime) -> int:
    """A repeating item's run is done: all its reminders are withdrawn, the ones not planned yet too
    (written as withdrawn, so planning later cannot bring them back); the next runs stay."""
    async with db.session() as s:
        people = await people_for(s, record.workspace_pk, [record])
        await enqueue(s, [slot.planned() for slot in sends_of_run(record, people, occ)], now=now)
        return await repo.withdraw(s, record.source_id, prefix=occ.key + "|", keep_keys=True)


async def snooze(db: Database, record: DeadlineRecord, user: str, until: datetime, *, now: datetime) -> bool:
    """One more reminder for `user` at `until` (their own copy: snoozing never moves the deadline)."""
    async with db.session() as s:
        people = await people_for(s, record.workspace_pk, [record])
        reader = people.reader(user)
        due = current_run(record, now).at
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
    return await db.read_with(lambda c: values_repo.get_on(c, workspace_pk, repo.SETTINGS_KEY) or {})


async def get(db: Database, workspace_pk: int, deadline_id: int) -> DeadlineRecord | None:
    async with db.read() as s:
        return await repo.get(s, workspace_pk, deadline_id)


async def visible(
    db: Database, workspace_pk: int, user_id: str, *, everything: bool, statuses: Sequence[str] = (repo.OPEN,)
) -> list[DeadlineRecord]:
    async with db.read() as s:
        return await repo.visible(s, workspace_pk, user_id, everything=everything, statuses=statuses)


__all__ = ["CANCELLED", "DEFAULT_LEADS", "DONE", "change", "create", "finish", "snooze"]

"""Everything one member left in one workspace: read out for `/rekan export-me`, taken out for `forget-me`.

Rows only the member used are deleted; rows other people still use (a standup, a poll, a meeting series)
keep working with the member taken out, and a forgotten owner becomes TOMBSTONE. Stored messages that
name the member are withdrawn when not yet sent and scrubbed when they were. Nothing here commits: the
caller runs every step in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, exists, false, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    DayOffRow,
    DeadlineAssigneeRow,
    DeadlineRow,
    DeliveryRow,
    KeyValueRow,
    MeetingPollRow,
    MeetingSeriesRow,
    MemberRow,
    PendingPromptRow,
    ProcessedEventRow,
    StandupAnswerRow,
    StandupMemberRow,
    StandupRow,
    WorkspaceRow,
)
from storage.repositories import dm_channels
from storage.repositories.meetings import CLOSED, OPEN, member_key

TOMBSTONE = "(forgotten)"
"""Stands in for a forgotten creator or owner: no platform id has brackets, so no mention ever parses it."""
WITHDRAWN = "withdrawn"
LIVE = ("pending", "claimed")
SCRUBBED: dict[str, Any] = {"scrubbed": True}
"""The payload of a message that named the member: what it said is gone, that it was sent is kept."""
_ID = r"A-Za-z0-9_.\-"
MIN_NAME = 2
"""A display name shorter than this is too common a string to search for (their id still is)."""


@dataclass(frozen=True, kw_only=True)
class Subject:
    """The member, and how to recognise them in stored keys, free text and JSON."""

    workspace_pk: int
    platform: str
    user_id: str
    display_name: str

    @cached_property
    def _id(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![{_ID}]){re.escape(self.user_id)}(?![{_ID}])", re.IGNORECASE)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts = [self._id.pattern]
        name = self.display_name.strip()
        if len(name) >= MIN_NAME and name.casefold() != self.user_id.casefold():
            parts.append(rf"(?<!\w){re.escape(name)}(?!\w)")
        return re.compile("|".join(parts), re.IGNORECASE)

    def is_user(self, value: object) -> bool:
        """Exactly their id: list items and dict keys that are ids are compared whole, never searched."""
        return value == self.user_id

    def keyed_by(self, key: str | None) -> bool:
        """Their id in a key (`2026-11-30|U1`, `asked-zone:U1`); a name never keys anything, and searching
        keys for a name that is also a word (`Deadlines`) would take other people's rows."""
        return key is not None and self._id.search(key) is not None

    def named_in(self, value: Any) -> bool:
        """Whether the member's id or name appears in a string or anywhere in a JSON value."""
        if isinstance(value, str):
            return self.pattern.search(value) is not None
        if isinstance(value, dict):
            return any(self.named_in(k) or self.named_in(v) for k, v in value.items())
        if isinstance(value, list):
            return any(self.named_in(v) for v in value)
        return False

    def redact(self, value: Any) -> Any:
        """The JSON value with the member taken out: mentions become plain text, ids leave lists."""
        if isinstance(value, str):
            return self.pattern.sub(TOMBSTONE, value)
        if isinstance(value, dict):
            if value.get("t") == "mention" and self.is_user(value.get("user_id")):
                return {"t": "text", "text": TOMBSTONE}
            return {self.redact(k): self.redact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact(v) for v in value if not self.is_user(v)]
        return value

    def sql_match(self, column: Any) -> ColumnElement[bool]:
        """A cheap superset of the rows naming the member; `named_in` decides in Python."""
        words = {self.user_id, json.dumps(self.user_id)[1:-1]}
        name = self.display_name.strip()
        if len(name) >= MIN_NAME:
            words |= {name, json.dumps(name)[1:-1]}
        return or_(false(), *(column.icontains(w, autoescape=True) for w in words))


async def subject(session: AsyncSession, workspace_pk: int, user_id: str) -> Subject | None:
    """The member as stored (their display name is searched for too); None when there is no such member."""
    row = await session.scalar(select(MemberRow).where(MemberRow.workspace_id == workspace_pk,
                                                       MemberRow.user_id == user_id))
    ws = await session.get(WorkspaceRow, workspace_pk)
    if row is None or ws is None:
        return None
    return Subject(workspace_pk=workspace_pk, platform=ws.platform, user_id=user_id,
                   display_name=row.display_name or user_id)


def addressed_to(subj: Subject, payload: dict[str, Any]) -> bool:
    """A stored action whose destination is the member's DM."""
    to = payload.get("to") if isinstance(payload, dict) else None
    return isinstance(to, dict) and to.get("kind") == "dm" and subj.is_user(to.get("conversation_id"))


# --- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Footprint:
    """The rows about one member, detached from the session, for an export."""

    member: MemberRow | None
    deadline_ids: tuple[int, ...]
    standups: tuple[StandupRow, ...]
    answers: tuple[StandupAnswerRow, ...]
    polls: tuple[MeetingPollRow, ...]
    series: tuple[MeetingSeriesRow, ...]
    prompts: tuple[PendingPromptRow, ...]
    deliveries: tuple[DeliveryRow, ...]


async def deadline_ids(session: AsyncSession, subj: Subject) -> list[int]:
    """Deadlines and reminders the member created, was given, or marked done."""
    given = exists().where(DeadlineAssigneeRow.deadline_id == DeadlineRow.id,
                           DeadlineAssigneeRow.user_id == subj.user_id)
    stmt = (select(DeadlineRow.id)
            .where(DeadlineRow.workspace_id == subj.workspace_pk,
                   or_(DeadlineRow.creator_user_id == subj.user_id, DeadlineRow.done_by == subj.user_id,
                       given))
            .order_by(DeadlineRow.id))
    return list((await session.execute(stmt)).scalars())


async def _polls(session: AsyncSession, subj: Subject) -> list[MeetingPollRow]:
    """Polls they own, were invited to or voted in (JSON lists are narrowed in SQL, decided in Python)."""
    rows = await session.scalars(select(MeetingPollRow).where(
        MeetingPollRow.workspace_id == subj.workspace_pk,
        or_(MeetingPollRow.owner_user_id == subj.user_id, subj.sql_match(cast(MeetingPollRow.members, Text)),
            subj.sql_match(cast(MeetingPollRow.votes, Text)))).order_by(MeetingPollRow.id))
    return [r for r in rows if r.owner_user_id == subj.user_id or subj.user_id in r.members
            or subj.user_id in r.votes]


async def _series(session: AsyncSession, subj: Subject) -> list[MeetingSeriesRow]:
    """Series whose people, tally or picks include them, or that they started."""
    rows = await session.scalars(select(MeetingSeriesRow).where(
        MeetingSeriesRow.workspace_id == subj.workspace_pk,
        or_(MeetingSeriesRow.created_by == subj.user_id, subj.sql_match(cast(MeetingSeriesRow.members, Text)),
            subj.sql_match(cast(MeetingSeriesRow.tally, Text)),
            subj.sql_match(cast(MeetingSeriesRow.picks, Text)))).order_by(MeetingSeriesRow.id))
    return [r for r in rows if r.created_by == subj.user_id or subj.user_id in r.members
            or subj.user_id in r.tally or any(subj.user_id in cost for _, cost in r.picks)]


async def _deliveries(session: AsyncSession, subj: Subject) -> list[DeliveryRow]:
    """Outbox rows naming the member in a key, as their owner, or in what they say."""
    stmt = select(DeliveryRow).where(
        DeliveryRow.workspace_id == subj.workspace_pk,
        or_(DeliveryRow.owner_user_id == subj.user_id, subj.sql_match(DeliveryRow.source_id),
            subj.sql_match(DeliveryRow.occurrence), subj.sql_match(cast(DeliveryRow.payload, Text)),
            subj.sql_match(DeliveryRow.error))).order_by(DeliveryRow.due_at, DeliveryRow.id)
    rows = await session.scalars(stmt)
    return [r for r in rows if r.owner_user_id == subj.user_id or subj.keyed_by(r.source_id)
            or subj.keyed_by(r.occurrence) or subj.named_in(r.payload) or subj.named_in(r.error)]


async def footprint(session: AsyncSession, subj: Subject) -> Footprint:
    """Every row an export shows, read in the caller's one snapshot."""
    member = await session.scalar(
        select(MemberRow)
        .where(MemberRow.workspace_id == subj.workspace_pk, MemberRow.user_id == subj.user_id)
        .options(selectinload(MemberRow.days_off)))
    answers = list(await session.scalars(select(StandupAnswerRow).where(
        StandupAnswerRow.workspace_id == subj.workspace_pk, StandupAnswerRow.user_id == subj.user_id)
        .order_by(StandupAnswerRow.standup_id, StandupAnswerRow.day)))
    joined = select(StandupMemberRow.standup_id).where(StandupMemberRow.user_id == subj.user_id)
    standups = await session.scalars(
        select(StandupRow).where(StandupRow.workspace_id == subj.workspace_pk,
                                 or_(StandupRow.owner_user_id == subj.user_id, StandupRow.id.in_(joined),
                                     StandupRow.id.in_(sorted({a.standup_id for a in answers}))))
        .options(selectinload(StandupRow.members)).order_by(StandupRow.id))
    prompts = await session.scalars(select(PendingPromptRow).where(
        PendingPromptRow.workspace_id == subj.workspace_pk, PendingPromptRow.user_id == subj.user_id)
        .order_by(PendingPromptRow.id))
    mine = [d for d in await _deliveries(session, subj) if addressed_to(subj, d.payload)]
    return Footprint(member=member, deadline_ids=tuple(await deadline_ids(session, subj)),
                     standups=tuple(standups), answers=tuple(answers),
                     polls=tuple(await _polls(session, subj)), series=tuple(await _series(session, subj)),
                     prompts=tuple(prompts), deliveries=tuple(mine))


# --- forgetting ---------------------------------------------------------------------------------------


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_profile(session: AsyncSession, subj: Subject) -> tuple[int, int]:
    """The member row, their days off and their stored DM channel id; returns (members, days off) deleted."""
    await dm_channels.forget(session, subj.workspace_pk, subj.user_id)
    ids = select(MemberRow.id).where(MemberRow.workspace_id == subj.workspace_pk,
                                     MemberRow.user_id == subj.user_id)
    days = await session.execute(delete(DayOffRow).where(DayOffRow.workspace_id == subj.workspace_pk,
                                                         DayOffRow.member_id.in_(ids)))
    members = await session.execute(delete(MemberRow).where(MemberRow.workspace_id == subj.workspace_pk,
                                                            MemberRow.user_id == subj.user_id))
    return _count(members), _count(days)


async def delete_deadlines(session: AsyncSession, workspace_pk: int, ids: Sequence[int]) -> int:
    """Deadlines nobody else is on, with every outbox row of theirs (SQLite may reuse a freed id)."""
    if not ids:
        return 0
    await session.execute(delete(DeliveryRow).where(DeliveryRow.workspace_id == workspace_pk,
                                                    DeliveryRow.source_id.in_([f"dl:{i}" for i in ids])))
    await session.execute(delete(DeadlineAssigneeRow).where(DeadlineAssigneeRow.workspace_id == workspace_pk,
                                                            DeadlineAssigneeRow.deadline_id.in_(list(ids))))
    result = await session.execute(delete(DeadlineRow).where(DeadlineRow.workspace_id == workspace_pk,
                                                             DeadlineRow.id.in_(list(ids))))
    return _count(result)


@dataclass(frozen=True, kw_only=True)
class StandupsForgotten:
    memberships: int
    answers: int
    owned: int


async def forget_standups(session: AsyncSession, subj: Subject) -> StandupsForgotten:
    """Out of every standup, answers deleted; a standup they own keeps running with TOMBSTONE as owner
    (managers can give it a new one) and no longer DMs blockers to an owner who is gone."""
    ws = subj.workspace_pk
    answers = await session.execute(delete(StandupAnswerRow).where(StandupAnswerRow.workspace_id == ws,
                                                                   StandupAnswerRow.user_id == subj.user_id))
    joined = await session.execute(delete(StandupMemberRow).where(StandupMemberRow.workspace_id == ws,
                                                                  StandupMemberRow.user_id == subj.user_id))
    owned = list(await session.scalars(select(StandupRow).where(StandupRow.workspace_id == ws,
                                                                StandupRow.owner_user_id == subj.user_id)))
    for row in owned:
        row.owner_user_id = TOMBSTONE
        row.options = {**(row.options or {}), "blockers_to_owner": False}
    return StandupsForgotten(memberships=_count(joined), answers=_count(answers), owned=len(owned))


async def forget_polls(session: AsyncSession, subj: Subject) -> tuple[int, int]:
    """Their votes and invitation leave every poll; a poll they own is closed. Returns (polls, closed)."""
    closed = 0
    polls = await _polls(session, subj)
    for row in polls:
        row.members = [u for u in row.members if not subj.is_user(u)]
        row.votes = {u: v for u, v in row.votes.items() if not subj.is_user(u)}
        if subj.is_user(row.owner_user_id):
            row.owner_user_id = TOMBSTONE
            closed += row.status == OPEN
            row.status = CLOSED
    return len(polls), closed


async def forget_series(session: AsyncSession, subj: Subject) -> tuple[int, int]:
    """Taken out of each series' people, tally and picks, so the rest keep their fairness history.

    The series is then of different people: its key is recomputed, and when that group already has a
    series of the same length the two are merged; a series nobody is left in is deleted. Returns
    (series changed, series deleted).
    """
    changed = deleted = 0
    for row in await _series(session, subj):
        members = [u for u in row.members if not subj.is_user(u)]
        tally = {u: dict(v) for u, v in row.tally.items() if not subj.is_user(u)}
        picks = [[start, {u: m for u, m in cost.items() if not subj.is_user(u)}] for start, cost in row.picks]
        created_by = TOMBSTONE if subj.is_user(row.created_by) else row.created_by
        key = member_key(members)
        twin = None if not members else await session.scalar(select(MeetingSeriesRow).where(
            MeetingSeriesRow.workspace_id == row.workspace_id, MeetingSeriesRow.member_key == key,
            MeetingSeriesRow.minutes == row.minutes, MeetingSeriesRow.id != row.id))
        if members and twin is None:
            row.members, row.tally, row.picks, row.created_by, row.member_key = (
                members, tally, picks, created_by, key)
            changed += 1
            continue
        if twin is not None:
            _merge(twin, tally, picks)
            changed += 1
        else:
            deleted += 1
        await session.execute(update(MeetingPollRow).where(MeetingPollRow.series_id == row.id)
                              .values(series_id=None if twin is None else twin.id))
        await session.delete(row)
    await session.flush()
    return changed, deleted


def _merge(into: MeetingSeriesRow, tally: dict[str, dict[str, int]], picks: list[list[Any]]) -> None:
    """Both series' inconvenience, added up; picks of both, oldest first, each start once."""
    merged: dict[str, dict[str, int]] = {u: dict(v) for u, v in into.tally.items()}
    for user, burden in tally.items():
        entry = merged.setdefault(user, {"minutes": 0, "times": 0})
        entry["minutes"] = int(entry.get("minutes", 0)) + int(burden.get("minutes", 0))
        entry["times"] = int(entry.get("times", 0)) + int(burden.get("times", 0))
    starts = {int(p[0]) for p in into.picks}
    into.tally = merged
    both = [*into.picks, *(p for p in picks if int(p[0]) not in starts)]
    into.picks = sorted(both, key=lambda p: int(p[0]))


async def forget_deadline_marks(session: AsyncSession, subj: Subject) -> None:
    """Who finished a deadline that stays: TOMBSTONE rather than the member."""
    await session.execute(update(DeadlineRow).where(DeadlineRow.workspace_id == subj.workspace_pk,
                                                    DeadlineRow.done_by == subj.user_id)
                          .values(done_by=TOMBSTONE))


@dataclass(frozen=True, kw_only=True)
class OutboxForgotten:
    withdrawn: int
    scrubbed: int


async def sweep_deliveries(session: AsyncSession, subj: Subject) -> OutboxForgotten:
    """Unsent rows for the member (or keyed by them) are withdrawn; other unsent rows that name them lose
    the name and still go out; sent rows that name them are scrubbed. Keys naming them are replaced."""
    withdrawn = scrubbed = 0
    for row in await _deliveries(session, subj):
        keyed = subj.keyed_by(row.source_id) or subj.keyed_by(row.occurrence)
        if row.status in LIVE and (keyed or addressed_to(subj, row.payload)):
            row.status, row.payload, row.claimed_by, row.lease_until = WITHDRAWN, SCRUBBED, None, None
            withdrawn += 1
        elif row.status in LIVE and subj.named_in(row.payload):
            row.payload = subj.redact(row.payload)
        elif subj.named_in(row.payload):
            row.payload = SCRUBBED
            scrubbed += 1
        if keyed:
            row.source_id, row.occurrence = "forgotten", f"forgotten|{row.id}"
        if subj.is_user(row.owner_user_id):
            row.owner_user_id = None
        if row.error is not None and subj.named_in(row.error):
            row.error = subj.redact(row.error)
    await session.flush()
    return OutboxForgotten(withdrawn=withdrawn, scrubbed=scrubbed)


async def sweep_prompts(session: AsyncSession, subj: Subject) -> int:
    """Their choices and forms, and any open choice that names them (its buttons still work)."""
    rows = await session.scalars(select(PendingPromptRow).where(
        PendingPromptRow.workspace_id == subj.workspace_pk,
        or_(PendingPromptRow.user_id == subj.user_id, subj.sql_match(PendingPromptRow.key),
            subj.sql_match(cast(PendingPromptRow.payload, Text)))))
    gone = [r for r in rows if subj.is_user(r.user_id) or subj.keyed_by(r.key) or subj.named_in(r.payload)]
    for row in gone:
        await session.delete(row)
    return sum(subj.is_user(r.user_id) for r in gone)


async def sweep_values(session: AsyncSession, subj: Subject) -> int:
    """Small stored values: one keyed by the member goes, one that names them loses the name."""
    rows = await session.scalars(select(KeyValueRow).where(
        KeyValueRow.workspace_id == subj.workspace_pk,
        or_(subj.sql_match(KeyValueRow.key), subj.sql_match(cast(KeyValueRow.value, Text)))))
    touched = 0
    for row in rows:
        if subj.keyed_by(row.key):
            await session.delete(row)
        elif subj.named_in(row.value):
            row.value = subj.redact(row.value)
        else:
            continue
        touched += 1
    return touched


async def sweep_events(session: AsyncSession, subj: Subject) -> int:
    """Platform event ids that carry the member's id (Slack's clicks do); they only served de-duplication."""
    rows = await session.scalars(select(ProcessedEventRow).where(
        ProcessedEventRow.platform == subj.platform, subj.sql_match(ProcessedEventRow.event_id)))
    gone = [r for r in rows if subj.keyed_by(r.event_id)]
    for row in gone:
        await session.delete(row)
    return len(gone)

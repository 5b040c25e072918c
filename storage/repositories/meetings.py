"""Meeting polls and recurring-meeting series (fair rotation), always within one workspace."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.identity import ConversationRef
from storage.models import MeetingPollRow, MeetingSeriesRow

OPEN = "open"
CLOSED = "closed"


@dataclass(frozen=True, kw_only=True)
class Burden:
    minutes: int = 0
    """Inconvenience carried so far: minutes outside working hours, summed over meetings."""
    times: int = 0
    """Meetings this member took outside their working hours."""


@dataclass(frozen=True, kw_only=True)
class SeriesRecord:
    id: int
    workspace_pk: int
    members: tuple[str, ...]
    minutes: int
    tally: Mapping[str, Burden]
    picks: tuple[tuple[int, Mapping[str, int]], ...]


@dataclass(frozen=True, kw_only=True)
class PollRecord:
    id: int
    workspace_pk: int
    channel_id: str
    conversation_kind: str
    """"channel", or "dm" for a poll started in a direct message (the shell's conversations)."""
    owner: str
    title: str
    minutes: int
    slots: tuple[int, ...]
    members: tuple[str, ...]
    votes: Mapping[str, tuple[int, ...]]
    status: str
    picked: int | None
    series_id: int | None

    def voters(self, index: int) -> list[str]:
        return [user for user, picked in self.votes.items() if index in picked]


def member_key(members: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(members))).encode()).hexdigest()


def _week(start: int) -> tuple[int, int]:
    """ISO (year, week) of an instant in UTC: which week's meeting a pick is."""
    iso = datetime.fromtimestamp(start, UTC).isocalendar()
    return iso.year, iso.week


def _series(row: MeetingSeriesRow) -> SeriesRecord:
    tally = {user: Burden(minutes=int(v.get("minutes", 0)), times=int(v.get("times", 0)))
             for user, v in row.tally.items()}
    picks = tuple((int(start), {u: int(m) for u, m in cost.items()}) for start, cost in row.picks)
    return SeriesRecord(id=row.id, workspace_pk=row.workspace_id, members=tuple(row.members),
                        minutes=row.minutes, tally=tally, picks=picks)


def _poll(row: MeetingPollRow) -> PollRecord:
    return PollRecord(id=row.id, workspace_pk=row.workspace_id, channel_id=row.channel_id,
                      conversation_kind=row.conversation_kind,
                      owner=row.owner_user_id, title=row.title, minutes=row.minutes, slots=tuple(row.slots),
                      members=tuple(row.members), votes={u: tuple(v) for u, v in row.votes.items()},
                      status=row.status, picked=row.picked, series_id=row.series_id)


async def _series_row(session: AsyncSession, workspace_pk: int, members: Sequence[str],
                      minutes: int) -> MeetingSeriesRow | None:
    return await session.scalar(select(MeetingSeriesRow).where(
        MeetingSeriesRow.workspace_id == workspace_pk, MeetingSeriesRow.member_key == member_key(members),
        MeetingSeriesRow.minutes == minutes))


async def find_series(session: AsyncSession, workspace_pk: int, members: Sequence[str],
                      minutes: int) -> SeriesRecord | None:
    """The series of these people and this length, if one was started; nothing is created."""
    found = await _series_row(session, workspace_pk, members, minutes)
    return None if found is None else _series(found)


async def series_for(session: AsyncSession, workspace_pk: int, members: Sequence[str], minutes: int,
                     *, by: str, now: datetime) -> SeriesRecord:
    """The series of these people and this length, created on first use."""
    key = member_key(members)
    found = await _series_row(session, workspace_pk, members, minutes)
    if found is None:
        found = MeetingSeriesRow(workspace_id=workspace_pk, member_key=key, members=sorted(set(members)),
                                 minutes=minutes, tally={}, picks=[], created_by=by, created_at=now,
                                 updated_at=now)
        session.add(found)
        await session.flush()
    return _series(found)


async def series_by_id(session: AsyncSession, workspace_pk: int, series_id: int) -> SeriesRecord | None:
    row = await session.get(MeetingSeriesRow, series_id)
    return _series(row) if row is not None and row.workspace_id == workspace_pk else None


async def record_pick(session: AsyncSession, workspace_pk: int, series_id: int, start: int,
                      cost: Mapping[str, int], *, now: datetime) -> SeriesRecord | None:
    """Add one meeting's inconvenience to the tally: one meeting a week, so a second pick in the same
    (UTC, ISO) week replaces the first, and the same pick again changes nothing."""
    row = await session.get(MeetingSeriesRow, series_id, with_for_update=True)
    if row is None or row.workspace_id != workspace_pk:
        return None
    if any(int(s) == start for s, _ in row.picks):
        return _series(row)
    week = _week(start)
    replaced = [p for p in row.picks if _week(int(p[0])) == week]
    tally: dict[str, Any] = {u: dict(v) for u, v in row.tally.items()}
    for changes, sign in [*((p[1], -1) for p in replaced), (cost, 1)]:
        for user, minutes in changes.items():
            entry = tally.setdefault(user, {"minutes": 0, "times": 0})
            entry["minutes"] += sign * int(minutes)
            entry["times"] += sign if int(minutes) > 0 else 0
    row.tally = tally
    row.picks = [*(p for p in row.picks if _week(int(p[0])) != week), [start, dict(cost)]]
    row.updated_at = now
    await session.flush()
    return _series(row)


async def insert_poll(session: AsyncSession, workspace_pk: int, *, conversation: ConversationRef, owner: str,
                      title: str,
                      minutes: int, slots: Sequence[int], members: Sequence[str], series_id: int | None,
                      now: datetime) -> PollRecord:
    row = MeetingPollRow(workspace_id=workspace_pk, channel_id=conversation.conversation_id,
                         conversation_kind=conversation.kind.value, owner_user_id=owner, title=title,
                         minutes=minutes, slots=list(slots), members=list(members), votes={}, status=OPEN,
                         picked=None, series_id=series_id, created_at=now, updated_at=now)
    session.add(row)
    await session.flush()
    return _poll(row)


async def poll_by_id(session: AsyncSession, workspace_pk: int, poll_id: int) -> PollRecord | None:
    row = await session.get(MeetingPollRow, poll_id)
    return _poll(row) if row is not None and row.workspace_id == workspace_pk else None


async def toggle_vote(session: AsyncSession, workspace_pk: int, poll_id: int, user: str, index: int,
                      *, now: datetime) -> PollRecord | None:
    """A vote for a slot, or its withdrawal when the member had voted for it; None when closed or gone."""
    row = await session.get(MeetingPollRow, poll_id, with_for_update=True)
    if row is None or row.workspace_id != workspace_pk or row.status != OPEN:
        return None
    mine = set(row.votes.get(user, []))
    mine ^= {index}
    row.votes = {**row.votes, user: sorted(mine)}
    row.updated_at = now
    await session.flush()
    return _poll(row)


async def close_poll(session: AsyncSession, workspace_pk: int, poll_id: int, index: int,
                     *, now: datetime) -> PollRecord | None:
    """Close with the owner's pick; None when it was already closed (a double click picks once)."""
    row = await session.get(MeetingPollRow, poll_id, with_for_update=True)
    if row is None or row.workspace_id != workspace_pk or row.status != OPEN:
        return None
    row.status, row.picked, row.updated_at = CLOSED, index, now
    await session.flush()
    return _poll(row)

"""Standups, their members and the answers, always within one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import StandupAnswerRow, StandupMemberRow, StandupRow, WorkspaceRow
from storage.repositories.conflicts import insert_if_absent

ASKED = "asked"
DONE = "done"
SKIPPED = "skipped"
MEMBER_TIME = "member"
TEAM_TIME = "team"


@dataclass(frozen=True, kw_only=True)
class Question:
    text: str
    kind: str = "text"
    """"text", "blocker" (a non-empty answer is highlighted) or "choice"."""
    choices: tuple[str, ...] = ()
    key: str | None = None
    """A default question's catalog key: it is then shown in each member's own language."""


@dataclass(frozen=True, kw_only=True)
class StandupRecord:
    id: int
    workspace_pk: int
    platform: str
    workspace_external_id: str
    default_locale: str
    name: str
    channel_id: str
    owner: str
    questions: tuple[Question, ...]
    days: frozenset[int]
    prompt_minute: int
    time_mode: str
    zone: str
    report_minute: int | None
    nudge_minutes: tuple[int, ...]
    paused: bool
    members: tuple[str, ...]
    updated_at: datetime
    mention_missing: bool = False
    """Ping members who have not answered, in the report (off unless the owner turns it on)."""
    blockers_to_owner: bool = False
    """DM the owner each blocker as it is answered."""
    thread_style: bool = False
    """The report is a header; each member's answers follow as a reply in its thread."""
    """Sends before this are never planned: a new or edited standup does not ask about the past."""

    @property
    def source_id(self) -> str:
        return f"su:{self.id}"

    @property
    def member_count(self) -> int:
        return len(self.members)


@dataclass(frozen=True, kw_only=True)
class NewStandup:
    workspace_pk: int
    name: str
    channel_id: str
    owner: str
    questions: tuple[Question, ...]
    days: frozenset[int]
    prompt_minute: int
    time_mode: str
    zone: str
    report_minute: int | None
    nudge_minutes: tuple[int, ...]
    members: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class AnswerRecord:
    id: int
    standup_id: int
    day: date
    user_id: str
    status: str
    step: int
    answers: tuple[str, ...]
    skip_reason: str | None
    asked_at: datetime
    answered_at: datetime | None
    reported: bool


def _questions(data: Sequence[dict[str, Any]]) -> tuple[Question, ...]:
    return tuple(
        Question(
            text=q["text"],
            kind=q.get("kind", "text"),
            choices=tuple(q.get("choices") or ()),
            key=q.get("key"),
        )
        for q in data
    )


def decode_days(code: str) -> frozenset[int]:
    return frozenset(int(c) for c in code if c.isdigit())


def _record(row: StandupRow, ws: WorkspaceRow) -> StandupRecord:
    return StandupRecord(
        id=row.id,
        workspace_pk=row.workspace_id,
        platform=ws.platform,
        workspace_external_id=ws.external_id,
        default_locale=ws.default_locale,
        name=row.name,
        channel_id=row.channel_id,
        owner=row.owner_user_id,
        questions=_questions(row.questions),
        days=decode_days(row.days),
        prompt_minute=row.prompt_minute,
        time_mode=row.time_mode,
        zone=row.zone,
        report_minute=row.report_minute,
        nudge_minutes=tuple(row.nudge_minutes),
        paused=row.paused,
        members=tuple(m.user_id for m in row.members),
        updated_at=row.updated_at,
        mention_missing=bool((row.options or {}).get("mention_missing")),
        blockers_to_owner=bool((row.options or {}).get("blockers_to_owner")),
        thread_style=(row.options or {}).get("style") == "thread",
    )


def _answer(row: StandupAnswerRow) -> AnswerRecord:
    return AnswerRecord(
        id=row.id,
        standup_id=row.standup_id,
        day=row.day,
        user_id=row.user_id,
        status=row.status,
        step=row.step,
        answers=tuple(row.answers),
        skip_reason=row.skip_reason,
        asked_at=row.asked_at,
        answered_at=row.answered_at,
        reported=row.reported,
    )


def _query(member: str | None = None) -> Select[StandupRow, WorkspaceRow]:
    """With `member`, the standup's members are narrowed to that one (is this member in it?)."""
    members = (
        StandupRow.members if member is None else StandupRow.members.and_(StandupMemberRow.user_id == member)
    )
    return (
        select(StandupRow, WorkspaceRow)
        .join(WorkspaceRow, WorkspaceRow.id == StandupRow.workspace_id)
        .options(selectinload(members))
    )


async def _records(session: AsyncSession, stmt: Any) -> list[StandupRecord]:
    return [_record(row, ws) for row, ws in (await session.execute(stmt)).all()]


def encode_questions(questions: Sequence[Question]) -> list[dict[str, Any]]:
    return [{"text": q.text, "kind": q.kind, "choices": list(q.choices), "key": q.key} for q in questions]


async def insert(session: AsyncSession, new: NewStandup, *, now: datetime) -> StandupRecord:
    row = StandupRow(
        workspace_id=new.workspace_pk,
        name=new.name,
        channel_id=new.channel_id,
        owner_user_id=new.owner,
        questions=encode_questions(new.questions),
        days="".join(str(d) for d in sorted(new.days)),
        prompt_minute=new.prompt_minute,
        time_mode=new.time_mode,
        zone=new.zone,
        report_minute=new.report_minute,
        nudge_minutes=list(new.nudge_minutes),
        options={},
        paused=False,
        created_at=now,
        updated_at=now,
    )
    row.members = [StandupMemberRow(workspace_id=new.workspace_pk, user_id=u) for u in new.members]
    session.add(row)
    await session.flush()
    found = await by_id(session, new.workspace_pk, row.id)
    assert found is not None
    return found


async def by_id(
    session: AsyncSession, workspace_pk: int, standup_id: int, *, member: str | None = None
) -> StandupRecord | None:
    """The standup; with `member`, its `members` hold that member alone, if they belong to it."""
    found = await _records(
        session, _query(member).where(StandupRow.workspace_id == workspace_pk, StandupRow.id == standup_id)
    )
    return found[0] if found else None


async def by_name(session: AsyncSession, workspace_pk: int, name: str) -> StandupRecord | None:
    found = await _records(
        session, _query().where(StandupRow.workspace_id == workspace_pk, StandupRow.name == name)
    )
    return found[0] if found else None


async def in_workspace(session: AsyncSession, workspace_pk: int) -> list[StandupRecord]:
    return await _records(
        session, _query().where(StandupRow.workspace_id == workspace_pk).order_by(StandupRow.name)
    )


async def active(session: AsyncSession, *, after_id: int = 0,
                 limit: int | None = None) -> list[StandupRecord]:
    """Standups not paused, of every workspace (the planner's cross-workspace read), a page at a time."""
    stmt = _query().where(StandupRow.paused.is_(False), StandupRow.id > after_id).order_by(StandupRow.id)
    return await _records(session, stmt if limit is None else stmt.limit(limit))


async def set_paused(
    session: AsyncSession, workspace_pk: int, standup_id: int, paused: bool, *, now: datetime
) -> None:
    row = await session.get(StandupRow, standup_id)
    if row is not None and row.workspace_id == workspace_pk:
        row.paused, row.updated_at = paused, now


async def remove(session: AsyncSession, workspace_pk: int, standup_id: int) -> None:
    await session.execute(
        delete(StandupRow).where(StandupRow.workspace_id == workspace_pk, StandupRow.id == standup_id)
    )


async def start_answer(
    session: AsyncSession, workspace_pk: int, standup_id: int, day: date, user_id: str, *, now: datetime
) -> AnswerRecord:
    """The day's answer row, created when the prompt goes out (a second prompt finds the first's)."""
    await insert_if_absent(
        session,
        StandupAnswerRow,
        {
            "workspace_id": workspace_pk,
            "standup_id": standup_id,
            "day": day,
            "user_id": user_id,
            "status": ASKED,
            "step": 0,
            "answers": [],
            "asked_at": now,
            "reported": False,
        },
        ("standup_id", "day", "user_id"),
    )
    found = await answer(session, standup_id, day, user_id)
    assert found is not None
    return found


async def answer(session: AsyncSession, standup_id: int, day: date, user_id: str) -> AnswerRecord | None:
    stmt = select(StandupAnswerRow).where(
        StandupAnswerRow.standup_id == standup_id,
        StandupAnswerRow.day == day,
        StandupAnswerRow.user_id == user_id,
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    return None if row is None else _answer(row)


async def open_answer(session: AsyncSession, workspace_pk: int, user_id: str,
                      since: datetime) -> AnswerRecord | None:
    """The member's standup conversation in progress (asked since `since`), the most recently asked first."""
    stmt = (
        select(StandupAnswerRow)
        .where(
            StandupAnswerRow.workspace_id == workspace_pk,
            StandupAnswerRow.user_id == user_id,
            StandupAnswerRow.status == ASKED,
            StandupAnswerRow.asked_at >= since,
        )
        .order_by(StandupAnswerRow.asked_at.desc(), StandupAnswerRow.id.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    return None if row is None else _answer(row)


async def save_answer(session: AsyncSession, answer_id: int, **values: Any) -> None:
    row = await session.get(StandupAnswerRow, answer_id)
    if row is None:
        return
    for name, value in values.items():
        setattr(row, name, list(value) if name == "answers" else value)


async def answers_for_day(session: AsyncSession, standup_id: int, day: date) -> list[AnswerRecord]:
    stmt = (
        select(StandupAnswerRow)
        .where(StandupAnswerRow.standup_id == standup_id, StandupAnswerRow.day == day)
        .order_by(StandupAnswerRow.id)
    )
    return [_answer(r) for r in (await session.execute(stmt)).scalars()]


async def previous_done(
    session: AsyncSession, standup_id: int, user_id: str, before: date
) -> AnswerRecord | None:
    """The member's last finished answers before a day, for "same as yesterday"."""
    stmt = (
        select(StandupAnswerRow)
        .where(
            StandupAnswerRow.standup_id == standup_id,
            StandupAnswerRow.user_id == user_id,
            StandupAnswerRow.status == DONE,
            StandupAnswerRow.day < before,
        )
        .order_by(StandupAnswerRow.day.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    return None if row is None else _answer(row)


async def answers_between(
    session: AsyncSession, standup_id: int, start: date, end: date, *, users: Sequence[str] | None = None
) -> list[AnswerRecord]:
    """Answers of the days `start..end` (inclusive), optionally of some members only."""
    stmt = select(StandupAnswerRow).where(
        StandupAnswerRow.standup_id == standup_id, StandupAnswerRow.day >= start, StandupAnswerRow.day <= end
    )
    if users:
        stmt = stmt.where(StandupAnswerRow.user_id.in_(list(users)))
    return [
        _answer(r)
        for r in (await session.execute(stmt.order_by(StandupAnswerRow.day, StandupAnswerRow.id))).scalars()
    ]


async def delete_answers(session: AsyncSession, standup_id: int, user_id: str, start: date, end: date) -> int:
    """A member deletes their own answers of some days (nobody else's: the user id is the caller's)."""
    stmt = delete(StandupAnswerRow).where(
        StandupAnswerRow.standup_id == standup_id,
        StandupAnswerRow.user_id == user_id,
        StandupAnswerRow.day >= start,
        StandupAnswerRow.day <= end,
    )
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


async def change(
    session: AsyncSession, workspace_pk: int, standup_id: int, *, now: datetime, **values: Any
) -> StandupRecord | None:
    """Change a standup's set-up; `members` replaces the member list, `options` merges into the flags."""
    stmt = (
        select(StandupRow)
        .where(StandupRow.workspace_id == workspace_pk, StandupRow.id == standup_id)
        .options(selectinload(StandupRow.members))
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        return None
    members = values.pop("members", None)
    if members is not None:
        keep = {m.user_id: m for m in row.members}
        row.members = [keep.get(u) or StandupMemberRow(workspace_id=workspace_pk, user_id=u) for u in members]
    if "options" in values:
        row.options = {**(row.options or {}), **values.pop("options")}
    if "questions" in values:
        row.questions = encode_questions(values.pop("questions"))
    if "days" in values:
        row.days = "".join(str(d) for d in sorted(values.pop("days")))
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now
    await session.flush()
    return await by_id(session, workspace_pk, standup_id)


async def latest_answer(session: AsyncSession, standup_id: int, user_id: str) -> AnswerRecord | None:
    stmt = (
        select(StandupAnswerRow)
        .where(StandupAnswerRow.standup_id == standup_id, StandupAnswerRow.user_id == user_id)
        .order_by(StandupAnswerRow.day.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).scalar_one_or_none()
    return None if row is None else _answer(row)

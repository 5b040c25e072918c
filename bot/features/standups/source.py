"""The planner's view of standups: each member's prompt, the nudges and the report, per standup day.

Keys: `standup_prompt` `<day>|<member>`, `standup_nudge` `<day>|<member>|<minutes>`, `standup_report`
`<day>` — the day is the member's local date (or the team's), so a 01:30 standup on a fall-back day,
planned twice or by two replicas, is still one row. What the prompt, nudge and report say is written
when they are sent (bot.features.standups.compose), from the answers as they are then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationKind, ConversationRef, Member
from bot.features.standups.schedule import absence, local_days, prompt_at, report_at, works_on, zone_of
from bot.scheduling.outbox import PlannedDelivery
from bot.scheduling.planner import PlanPage
from bot.time.workhours import WorkState, work_state
from storage.models import WorkspaceRow
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import members as members_repo
from storage.repositories import standups as repo
from storage.repositories.standups import StandupRecord

KIND_PROMPT = "standup_prompt"
KIND_NUDGE = "standup_nudge"
KIND_REPORT = "standup_report"
KIND_THREAD = "standup_thread"
THREAD_DELAY = timedelta(seconds=1)
"""Thread replies come due just after their report, whose message id they need."""
LOOKBACK = timedelta(days=2)


def dm(standup: StandupRecord, user_id: str) -> ConversationRef:
    return ConversationRef.dm(
        AccountRef(platform=standup.platform, workspace_id=standup.workspace_external_id, user_id=user_id)
    )


def channel(standup: StandupRecord) -> ConversationRef:
    return ConversationRef(
        platform=standup.platform,
        workspace_id=standup.workspace_external_id,
        kind=ConversationKind.CHANNEL,
        conversation_id=standup.channel_id,
    )


def _placeholder(to: ConversationRef, what: str) -> Send:
    """The stored payload says where a composed send goes; its words are written at send time."""
    return Send(to=to, content=Content.text(what))


def plan_standup(
    standup: StandupRecord, members: Mapping[str, Member], start: datetime, end: datetime
) -> list[PlannedDelivery]:
    out: list[PlannedDelivery] = []
    since = max(start - LOOKBACK, standup.updated_at)
    for user in standup.members:
        out += _member_sends(standup, user, members, since, end)
    for day in local_days(start, end, standup.zone):
        at = report_at(standup, day, members)
        if at is not None and since <= at < end and day.weekday() in standup.days:
            out.append(
                PlannedDelivery(
                    workspace_pk=standup.workspace_pk,
                    kind=KIND_REPORT,
                    source_id=standup.source_id,
                    occurrence=day.isoformat(),
                    due_at=at,
                    action=_placeholder(channel(standup), f"standup report {day}"),
                    owner_user_id=standup.owner,
                )
            )
            if standup.thread_style:
                out += _thread_items(standup, day, at)
    return out


def _thread_items(standup: StandupRecord, day: date, at: datetime) -> list[PlannedDelivery]:
    """Thread style: each member's answers as a reply under the report, a moment after it."""
    return [
        PlannedDelivery(
            workspace_pk=standup.workspace_pk,
            kind=KIND_THREAD,
            source_id=standup.source_id,
            occurrence=f"{day}|{user}",
            due_at=at + THREAD_DELAY,
            action=_placeholder(channel(standup), f"standup answer {day}"),
            owner_user_id=standup.owner,
        )
        for user in standup.members
    ]


def _member_sends(
    standup: StandupRecord, user: str, members: Mapping[str, Member], since: datetime, end: datetime
) -> list[PlannedDelivery]:
    out: list[PlannedDelivery] = []
    member = members.get(user)
    for day in local_days(since, end, zone_of(standup, member)):
        at = prompt_at(standup, member, day)
        if not since <= at < end or not works_on(standup, member, day) or absence(member, day):
            continue
        out.append(
            PlannedDelivery(
                workspace_pk=standup.workspace_pk,
                kind=KIND_PROMPT,
                source_id=standup.source_id,
                occurrence=f"{day}|{user}",
                due_at=at,
                action=_placeholder(dm(standup, user), f"standup prompt {day}"),
                owner_user_id=standup.owner,
            )
        )
        report = report_at(standup, day, members)
        if report is None:
            continue
        for minutes in standup.nudge_minutes:
            nudge = report - timedelta(minutes=minutes)
            if at < nudge < end and _working(member, nudge):
                out.append(
                    PlannedDelivery(
                        workspace_pk=standup.workspace_pk,
                        kind=KIND_NUDGE,
                        source_id=standup.source_id,
                        occurrence=f"{day}|{user}|{minutes}",
                        due_at=nudge,
                        action=_placeholder(dm(standup, user), "nudge"),
                        owner_user_id=standup.owner,
                    )
                )
    return out


def _working(member: Member | None, at: datetime) -> bool:
    """Nudges only inside working hours (unknown hours or zone: no nudge rather than one at 3 a.m.)."""
    if member is None or member.tz is None or member.hours is None:
        return False
    return work_state(member.hours, member.days_off, member.tz, at) is WorkState.WORKING


async def members_of(
    session: AsyncSession, standup: StandupRecord, *, only: str | None = None
) -> dict[str, Member]:
    ws = await session.get(WorkspaceRow, standup.workspace_pk)
    if ws is None:
        return {}
    ids = [only] if only is not None else list(standup.members)
    rows = await members_repo.members_by_ids(session, standup.workspace_pk, ids)
    return {r.user_id: members_repo.member_from_row(r, ws) for r in rows}


PAGE = 10
"""Standups planned in one transaction (each loads its members): a pass never holds all of them."""


class StandupSource:
    """A PlanSource over every active standup, a page of them per call (the planner calls again)."""

    name = "standups"

    def __init__(self) -> None:
        self._window: tuple[datetime, datetime] | None = None
        self._after = 0
        """The last standup planned in the pass for `_window`: the next call goes on from there."""

    async def plan(self, session: AsyncSession, start: datetime, end: datetime) -> PlanPage:
        after = self._after if self._window == (start, end) else 0
        standups = await repo.active(session, after_id=after, limit=PAGE)
        planned: list[PlannedDelivery] = []
        for standup in standups:
            sends = plan_standup(standup, await members_of(session, standup), start, end)
            if sends:
                # Most of a pass's sends were planned a minute ago: leave them out before the insert.
                due_from = min(p.due_at for p in sends)
                there = await deliveries_repo.existing_keys(session, [standup.source_id], due_from=due_from)
                planned += [p for p in sends if (p.kind, p.source_id, p.occurrence) not in there]
            await asyncio.sleep(0)  # inside the page's transaction: a turn, never a wait
        more = len(standups) == PAGE
        self._window, self._after = ((start, end), standups[-1].id) if more else (None, 0)
        return PlanPage(deliveries=planned, more=more)

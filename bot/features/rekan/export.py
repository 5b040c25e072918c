"""`/rekan export-me`: everything Rekan keeps about the speaker in this workspace, as one JSON file by DM."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.core.actions import Action, Upload
from bot.core.commands import Args
from bot.core.content import Content
from bot.core.context import Context
from bot.core.identity import ConversationKind, ConversationRef, Role, Workspace
from bot.time.zones import get_zone
from storage.models import MeetingPollRow, MeetingSeriesRow, MemberRow, StandupAnswerRow, StandupRow
from storage.repositories import deadlines as deadlines_repo
from storage.repositories import members as members_repo
from storage.repositories import privacy as repo
from storage.repositories.deadlines import REMINDER, DeadlineRecord
from storage.repositories.privacy import Footprint, Subject

FILENAME = "rekan-export.json"
FORMAT = "rekan-export"
VERSION = 1
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def iso(instant: datetime | None) -> str | None:
    """An instant in UTC, ISO 8601 with a Z: the same however the database returned it."""
    return None if instant is None else instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _epoch(seconds: int) -> str | None:
    return iso(datetime.fromtimestamp(int(seconds), UTC))


def _clock(minute: int | None) -> str | None:
    return None if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


def _day(value: date) -> str:
    return value.isoformat()


def _profile(row: MemberRow) -> dict[str, Any]:
    """Hours as wall-clock text and days by name, as the member typed them."""
    role = Role.ADMIN if row.is_admin else Role.MANAGER if row.is_manager else Role.MEMBER
    days = sorted(members_repo.decode_workdays(row.workdays or ""))
    return {
        "user_id": row.user_id, "display_name": row.display_name,
        "zone": row.tz, "zone_source": row.tz_source,
        "working_hours": None if row.work_start_minute is None else {
            "start": _clock(row.work_start_minute), "end": _clock(row.work_end_minute),
            "days": [DAY_NAMES[d] for d in days]},
        "days_off": [{"start": _day(d.start_date), "end": _day(d.end_date)} for d in row.days_off],
        "locale": row.locale, "country": row.country, "role": role.value,
        "created_at": iso(row.created_at), "updated_at": iso(row.updated_at),
    }


def _deadline(d: DeadlineRecord, user: str) -> dict[str, Any]:
    """The due instant in UTC and, beside it, the zone and wall time it was set in."""
    return {
        "id": d.id, "kind": d.kind, "title": d.title, "status": d.status,
        "due_at": iso(d.due_at), "zone": d.zone,
        "due_local": d.due_at.astimezone(get_zone(d.zone)).replace(tzinfo=None).isoformat(),
        "repeats": d.rrule, "repeat_anchor_local": d.anchor_local, "reminder_leads_minutes": list(d.leads),
        "urgent": d.urgent, "channel_id": d.channel_id, "created_by_you": d.creator == user,
        "assigned_to_you": user in d.assignees, "done_by_you": d.done_by == user,
        "created_at": iso(d.created_at), "done_at": iso(d.done_at),
    }


def _answer(a: StandupAnswerRow) -> dict[str, Any]:
    return {"day": _day(a.day), "status": a.status, "answers": list(a.answers), "skip_reason": a.skip_reason,
            "asked_at": iso(a.asked_at), "answered_at": iso(a.answered_at)}


def _standup(row: StandupRow, user: str, answers: Sequence[StandupAnswerRow]) -> dict[str, Any]:
    return {
        "id": row.id, "name": row.name, "channel_id": row.channel_id, "zone": row.zone,
        "time_mode": row.time_mode, "prompt_time": _clock(row.prompt_minute),
        "questions": [q.get("text", "") for q in row.questions],
        "you_own_it": row.owner_user_id == user,
        "you_are_a_member": any(m.user_id == user for m in row.members),
        "your_answers": [_answer(a) for a in answers if a.standup_id == row.id],
    }


def _poll(row: MeetingPollRow, user: str) -> dict[str, Any]:
    """Votes are stored as slot numbers; the export names the slots' instants instead."""
    slots = list(row.slots)
    return {
        "id": row.id, "title": row.title, "channel_id": row.channel_id, "status": row.status,
        "minutes": row.minutes, "slots": [_epoch(s) for s in slots], "you_own_it": row.owner_user_id == user,
        "you_were_invited": user in row.members,
        "your_votes": [_epoch(slots[n - 1]) for n in row.votes.get(user, []) if 0 < n <= len(slots)],
        "picked": _epoch(slots[row.picked - 1]) if row.picked and 0 < row.picked <= len(slots) else None,
        "created_at": iso(row.created_at),
    }


def _series(row: MeetingSeriesRow, user: str) -> dict[str, Any]:
    """Only their share of the tally: the others' burdens are theirs to export."""
    burden = row.tally.get(user) or {}
    return {
        "id": row.id, "minutes": row.minutes, "people": len(row.members),
        "you_started_it": row.created_by == user,
        "your_tally": {"minutes_outside_hours": int(burden.get("minutes", 0)),
                       "meetings_outside_hours": int(burden.get("times", 0))},
        "your_picks": [{"start": _epoch(start), "minutes_outside_hours": int(cost[user])}
                       for start, cost in row.picks if user in cost],
    }


def document(found: Footprint, deadlines: Sequence[DeadlineRecord], subj: Subject, ws: Workspace,
             now: datetime) -> dict[str, Any]:
    """The export: plain JSON types, every instant in UTC, nothing about other people but ids of places."""
    user = subj.user_id
    return {
        "format": FORMAT, "version": VERSION, "generated_at": iso(now),
        "workspace": {"platform": ws.ref.platform, "id": ws.ref.workspace_id, "name": ws.name},
        "profile": None if found.member is None else _profile(found.member),
        "deadlines": [_deadline(d, user) for d in deadlines if d.kind != REMINDER],
        "reminders": [_deadline(d, user) for d in deadlines if d.kind == REMINDER],
        "standups": [_standup(r, user, found.answers) for r in found.standups],
        "meeting_polls": [_poll(r, user) for r in found.polls],
        "meeting_series": [_series(r, user) for r in found.series],
        "pending_prompts": [{"key": p.key, "kind": p.kind, "payload": p.payload,
                             "created_at": iso(p.created_at), "expires_at": iso(p.expires_at)}
                            for p in found.prompts],
        "deliveries_to_you": [{"kind": d.kind, "status": d.status, "due_at": iso(d.due_at),
                               "sent_at": iso(d.sent_at)} for d in found.deliveries],
    }


async def collect(ctx: Context) -> dict[str, Any]:
    """Read in one snapshot, so the parts agree with each other."""
    async with ctx.db.read() as s:
        subj = await repo.subject(s, ctx.workspace.id, ctx.member.account.user_id)
        if subj is None:
            subj = Subject(workspace_pk=ctx.workspace.id, platform=ctx.workspace.ref.platform,
                           user_id=ctx.member.account.user_id, display_name=ctx.member.display_name)
        found = await repo.footprint(s, subj)
        items = [await deadlines_repo.get(s, ctx.workspace.id, i) for i in found.deadline_ids]
    return document(found, [d for d in items if d is not None], subj, ctx.workspace, ctx.now)


async def export_me(ctx: Context, args: Args) -> Sequence[Action]:
    """A file rather than a message: it can be long, and the member keeps it."""
    data = json.dumps(await collect(ctx), sort_keys=True, indent=2, ensure_ascii=False).encode("utf-8")
    # Always to the member's DM, whatever conversation asked: the file is about them alone.
    comment = Content.text(ctx.t("rekan.export_comment"))
    out: list[Action] = [Upload(to=ConversationRef.dm(ctx.member.account), filename=FILENAME, data=data,
                                mime_type="application/json", comment=comment)]
    if ctx.event.conversation.kind is not ConversationKind.DM:
        out.insert(0, ctx.reply(ctx.t("rekan.export_sent", filename=FILENAME)))
    return out

"""`/rekan forget-me`: after a confirmation, everything Rekan keeps about the speaker in this workspace goes.

One transaction: a failure half-way forgets nothing. The rules (what is deleted, what is kept for the
team without the member, what is scrubbed) are explained in docs/privacy.md.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import Action, Choice, Send
from bot.core.commands import Args
from bot.core.content import BulletList, Content, Emphasis, Paragraph, Text, bullets
from bot.core.context import Context, message_paragraph
from bot.core.router import Router
from bot.features.deadlines import messages as msg
from bot.features.deadlines.source import people_for, plan_for
from bot.scheduling.outbox import PlannedDelivery, enqueue
from bot.scheduling.planner import HORIZON
from storage.repositories import deadlines as deadlines_repo
from storage.repositories import privacy as repo
from storage.repositories.deadlines import DEADLINE, OPEN, REMINDER, DeadlineRecord
from storage.repositories.privacy import TOMBSTONE, Subject
from storage.session import Database

FORGET_KEY = "rekan.forget"
YES, NO = "yes", "no"
CONFIRM_WORDS = frozenset({"confirm", "konfirmasi"})
CONFIRM_TTL = timedelta(minutes=10)
KIND_NOTICE = "member_forgotten"
EXAMPLE = "/rekan forget-me confirm"


@dataclass(frozen=True, kw_only=True)
class Forgotten:
    """What went, counted for the member's receipt."""

    profile: int = 0
    days_off: int = 0
    deadlines_deleted: int = 0
    deadlines_kept: int = 0
    standups: int = 0
    answers: int = 0
    standups_owned: int = 0
    polls: int = 0
    polls_closed: int = 0
    series: int = 0
    prompts: int = 0
    withdrawn: int = 0
    scrubbed: int = 0


@dataclass(frozen=True, kw_only=True)
class _Deadlines:
    deleted: int
    kept: int
    replan: list[DeadlineRecord]
    removed_from: dict[str, list[DeadlineRecord]]
    """Open deadlines of other creators the member was taken off, by creator (who is told)."""


async def forget_me(ctx: Context, args: Args) -> Sequence[Action]:
    """Nothing is deleted on the first word: the member confirms with a button or by typing `confirm`."""
    word = args.text_or("confirm").lower()
    if word in CONFIRM_WORDS:
        return await _forget(ctx)
    if word:
        return [ctx.fail("rekan.forget_usage", example=EXAMPLE)]
    choices = [Choice(label=ctx.t("rekan.forget_yes"), value=YES),
               Choice(label=ctx.t("rekan.forget_no"), value=NO)]
    return [ctx.ask(ctx.t("rekan.forget_ask", example=EXAMPLE), choices, FORGET_KEY, ttl=CONFIRM_TTL)]


async def confirmed(ctx: Context, value: str) -> Sequence[Action]:
    """The answer to the confirmation: the router has checked it was offered to this member."""
    if value != YES:
        return [ctx.reply(ctx.t("rekan.forget_cancelled"))]
    return await _forget(ctx)


def register(router: Router) -> None:
    """The confirmation's buttons (the composition root calls this)."""
    router.on_choice(FORGET_KEY, confirmed)


async def _forget(ctx: Context) -> Sequence[Action]:
    done = await forget(ctx.db, ctx.workspace.id, ctx.member.account.user_id, now=ctx.now)
    ctx.services.wake()
    return [ctx.reply(receipt(ctx, done))]


def receipt(ctx: Context, done: Forgotten) -> Content:
    """What was removed, in the member's language (read before the profile went)."""
    lines = [ctx.t("rekan.forget_line_profile")] if done.profile else []
    counted = {f.name: getattr(done, f.name) for f in fields(done)}
    for name in ("days_off", "deadlines_deleted", "deadlines_kept", "standups", "standups_owned", "polls",
                 "series", "prompts", "withdrawn", "scrubbed"):
        if counted[name]:
            lines.append(ctx.t(f"rekan.forget_line_{name}", count=counted[name], answers=done.answers,
                               closed=done.polls_closed))
    if done.answers and not done.standups:
        lines.append(ctx.t("rekan.forget_line_answers", count=done.answers))
    return Content.of(ctx.t("rekan.forget_done"), bullets(lines), ctx.t("rekan.forget_again"))


async def forget(db: Database, workspace_pk: int, user_id: str, *, now: datetime) -> Forgotten:
    """Every row of this workspace that references the member, deleted or anonymised in one transaction."""
    async with db.session() as s:
        subj = await repo.subject(s, workspace_pk, user_id)
        if subj is None:
            return Forgotten()
        outbox = await repo.sweep_deliveries(s, subj)  # first: what was addressed to them is counted
        dl = await _deadlines(s, subj, now)
        standups = await repo.forget_standups(s, subj)
        polls, closed = await repo.forget_polls(s, subj)
        series_changed, series_deleted = await repo.forget_series(s, subj)
        prompts = await repo.sweep_prompts(s, subj)
        await repo.sweep_values(s, subj)
        await repo.sweep_events(s, subj)
        profile, days_off = await repo.forget_profile(s, subj)
        # Planned again without them: the others' reminders, and the creators told whom to give it to.
        await enqueue(s, [*await plan_for(s, dl.replan, now, now + HORIZON),
                          *await _notices(s, workspace_pk, dl.removed_from, now)], now=now)
        again = await repo.sweep_deliveries(s, subj)  # a safety net: nothing planned names them
    return Forgotten(profile=profile, days_off=days_off, deadlines_deleted=dl.deleted,
                     deadlines_kept=dl.kept, standups=standups.memberships, answers=standups.answers,
                     standups_owned=standups.owned, polls=polls, polls_closed=closed,
                     series=series_changed + series_deleted, prompts=prompts,
                     withdrawn=outbox.withdrawn + again.withdrawn, scrubbed=outbox.scrubbed + again.scrubbed)


async def _deadlines(s: AsyncSession, subj: Subject, now: datetime) -> _Deadlines:
    """Their own items go; a team deadline stays for the others, the member off it and TOMBSTONE as its
    creator (managers can still edit it); open ones are re-planned once the member row is gone."""
    ws, user = subj.workspace_pk, subj.user_id
    doomed: list[int] = []
    replan: list[DeadlineRecord] = []
    removed_from: dict[str, list[DeadlineRecord]] = defaultdict(list)
    kept = 0
    for ident in await repo.deadline_ids(s, subj):
        d = await deadlines_repo.get(s, ws, ident)
        if d is None:
            continue
        others = [u for u in d.assignees if u != user]
        mine = d.creator == user
        if mine and (d.kind == REMINDER or (not others and d.channel_id is None)):
            doomed.append(d.id)  # nobody else is on it: it was theirs alone
            continue
        changes: dict[str, object] = {}
        if user in d.assignees:
            changes["assignees"] = others
        if mine:
            changes["creator_user_id"] = TOMBSTONE
        if not changes:
            continue  # they only marked it done: forget_deadline_marks below
        updated = await deadlines_repo.update(s, ws, d.id, now=now, replan=False, **changes)
        kept += 1
        if updated is None or d.status != OPEN:
            continue
        await deadlines_repo.withdraw(s, d.source_id, keep_snoozes=True)
        replan.append(updated)
        if not mine and d.kind == DEADLINE and d.creator != TOMBSTONE:
            removed_from[d.creator].append(updated)
    await repo.forget_deadline_marks(s, subj)
    deleted = await repo.delete_deadlines(s, ws, doomed)
    return _Deadlines(deleted=deleted, kept=kept, replan=replan, removed_from=removed_from)


async def _notices(s: AsyncSession, workspace_pk: int, by_creator: dict[str, list[DeadlineRecord]],
                   now: datetime) -> list[PlannedDelivery]:
    """Each creator hears which of their deadlines lost an assignee, without being told who it was."""
    planned: list[PlannedDelivery] = []
    batch = secrets.token_hex(6)  # names this forgetting's notices without naming the member
    for creator, items in by_creator.items():
        reader = (await people_for(s, workspace_pk, items)).reader(creator)
        rows = tuple(Paragraph(inlines=(Text(text=f"#{d.id} "), Emphasis(text=d.title))) for d in items)
        hint = message_paragraph("deadlines.member_left_hint", reader.locale, id=items[0].id)
        head = message_paragraph("rekan.forget_notice", reader.locale)
        content = Content(blocks=(head, BulletList(items=rows), hint))
        planned.append(PlannedDelivery(workspace_pk=workspace_pk, kind=KIND_NOTICE,
                                       source_id=f"forget:{workspace_pk}:{batch}",
                                       occurrence=f"{creator}|{now.astimezone(UTC):%Y%m%dT%H%M%S}"[:64],
                                       due_at=now, action=Send(to=msg.dm(items[0], creator), content=content),
                                       owner_user_id=creator))
    return planned

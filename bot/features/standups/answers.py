"""Answering a standup by DM, one question at a time; each answer is stored as it comes, so a restart in
the middle asks nothing twice and loses nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from bot.core.actions import Action, Edit, Send
from bot.core.commands import Args
from bot.core.content import Content, Emphasis
from bot.core.context import Context, message_paragraph
from bot.core.identity import Member
from bot.core.prompts import pick_by_number
from bot.features.standups.compose import is_blocker, late_answer, question_text, report_content
from bot.features.standups.source import KIND_REPORT, channel, dm, members_of
from bot.i18n import normalize_locale
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import standups as repo
from storage.repositories.standups import ASKED, DONE, SKIPPED, AnswerRecord, StandupRecord

MAX_ANSWER = 3000
SKIP_WORDS = frozenset({"skip", "lewati", "skip today", "lewati hari ini"})
SKIP_REASON = re.compile(r"^(?:skip|lewati)\s*[:\-\u2013]\s*(.+)$", re.IGNORECASE | re.DOTALL)
OPEN_FOR = timedelta(hours=24)
SAME_WORDS = frozenset(
    {
        "same",
        "same as yesterday",
        "same as before",
        "sama",
        "sama seperti kemarin",
        "sama kayak kemarin",
        "idem",
    }
)


async def reply(ctx: Context, text: str) -> Sequence[Action] | None:
    """None when the member has no standup question open: the message is for someone else."""
    async with ctx.db.read() as s:
        # A question stays open for a day: a message days later is not taken as an old day's answer.
        since = ctx.now - OPEN_FOR
        answer = await repo.open_answer(s, ctx.workspace.id, ctx.member.account.user_id, since)
        standup = await repo.by_id(s, ctx.workspace.id, answer.standup_id) if answer is not None else None
    if answer is None or standup is None or answer.step >= len(standup.questions):
        return None
    said = text.strip()
    # Only `skip`, or `skip: reason`, skips the day: "Skip the migration; the API first" is an answer.
    reason = SKIP_REASON.match(said)
    if said.lower().rstrip(".!") in SKIP_WORDS or reason is not None:
        why = reason.group(1).strip()[:300] if reason else None
        async with ctx.db.session() as s:
            await repo.save_answer(s, answer.id, status=SKIPPED, skip_reason=why, answered_at=ctx.now)
        return [ctx.reply(ctx.t("standups.skipped_ok", name=standup.name))]
    if len(said) > MAX_ANSWER:
        return [ctx.fail("standups.too_long", length=len(said), max=MAX_ANSWER)]
    value = await _value(ctx, standup, answer, said)
    if isinstance(value, Send):
        return [value]
    return await _record(ctx, standup, answer, value)


async def _value(ctx: Context, standup: StandupRecord, answer: AnswerRecord, said: str) -> str | Send:
    question = standup.questions[answer.step]
    if said.lower().rstrip(".!") in SAME_WORDS:
        async with ctx.db.read() as s:
            before = await repo.previous_done(s, standup.id, answer.user_id, answer.day)
        if before is None or answer.step >= len(before.answers):
            return ctx.reply(ctx.t("standups.no_previous"))
        return before.answers[answer.step]
    if not said:
        return ctx.reply(question_text(standup, answer.step, ctx.locale))
    if question.kind == "choice" and question.choices:
        from bot.core.actions import Choice

        picked = pick_by_number(said, [Choice(label=c, value=c) for c in question.choices])
        if picked is None:
            return ctx.reply(ctx.t("common.choice_invalid", count=len(question.choices)))
        return picked.value
    return said


async def _record(ctx: Context, standup: StandupRecord, answer: AnswerRecord, value: str) -> Sequence[Action]:
    answers = [*answer.answers, value]
    step = answer.step + 1
    if step < len(standup.questions):
        async with ctx.db.session() as s:
            await repo.save_answer(s, answer.id, answers=answers, step=step)
        return [ctx.reply(question_text(standup, step, ctx.locale))]
    return await finish(ctx, standup, answer, answers)


async def finish(
    ctx: Context, standup: StandupRecord, answer: AnswerRecord, answers: list[str]
) -> Sequence[Action]:
    """All questions answered (by DM or by the form): stored, then the report follows or is updated."""
    async with ctx.db.session() as s:
        await repo.save_answer(
            s, answer.id, answers=answers, step=len(answers), status=DONE, answered_at=ctx.now
        )
        finished = await repo.answer(s, standup.id, answer.day, answer.user_id)
        report = await deliveries_repo.by_key(s, KIND_REPORT, standup.source_id, answer.day.isoformat())
        members = await members_of(s, standup)
        posted = report is not None and report.status == "sent"
        day_answers = await repo.answers_for_day(s, standup.id, answer.day)
        if finished is not None and (posted or standup.report_minute is None):
            await repo.save_answer(s, answer.id, reported=True)
    out: list[Action] = [ctx.reply(ctx.t("standups.thanks", name=standup.name))]
    if finished is None:
        return out
    if answer.reported and posted and report is not None and report.message_id:
        # An answer changed after the report showed it: the posted report is brought up to date.
        content = report_content(standup, members, answer.day, day_answers)
        out.append(Edit(to=channel(standup), message_id=report.message_id, content=content))
    elif posted or standup.report_minute is None:
        thread = report.message_id if posted and report is not None else None
        out.append(late_answer(standup, members, finished, thread, ctx.now))
    out += _blockers_to_owner(standup, members, finished)
    return out


def _blockers_to_owner(
    standup: StandupRecord, members: dict[str, Member], answer: AnswerRecord
) -> list[Action]:
    """When the owner asked for it, each blocker goes to them directly as it is answered."""
    if not standup.blockers_to_owner or answer.user_id == standup.owner:
        return []
    owner = members.get(standup.owner)
    locale = normalize_locale((owner.locale if owner else None) or standup.default_locale)
    name = members[answer.user_id].display_name if answer.user_id in members else answer.user_id
    return [
        Send(
            to=dm(standup, standup.owner),
            content=Content(
                blocks=(
                    message_paragraph(
                        "standups.owner_blocker",
                        locale,
                        name=Emphasis(text=standup.name),
                        member=name,
                        text=text,
                    ),
                )
            ),
        )
        for q, text in zip(standup.questions, answer.answers, strict=False)
        if is_blocker(q, text)
    ]


async def redo(ctx: Context, args: Args) -> Sequence[Action]:
    """`/standup redo Daily`: answer your latest day again; a report that showed it is updated."""
    name = args.text_or("name").strip()
    async with ctx.db.session() as s:
        standup = await repo.by_name(s, ctx.workspace.id, name) if name else None
        latest = (
            await repo.latest_answer(s, standup.id, ctx.member.account.user_id)
            if standup is not None
            else None
        )
        if standup is None or latest is None:
            return [ctx.fail("standups.nothing_to_redo", example="/standup redo Daily", name=name[:80])]
        await repo.save_answer(
            s, latest.id, status=ASKED, step=0, answers=[], skip_reason=None, asked_at=ctx.now
        )
    return [ctx.reply(question_text(standup, 0, ctx.locale))]

"""Answering a standup by DM, one question at a time; each answer is stored as it comes, so a restart in
the middle asks nothing twice and loses nothing."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import Action, Send
from bot.core.context import Context
from bot.core.prompts import pick_by_number
from bot.features.standups.compose import late_answer, question_text
from bot.features.standups.source import KIND_REPORT, members_of
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import standups as repo
from storage.repositories.standups import DONE, SKIPPED, AnswerRecord, StandupRecord

MAX_ANSWER = 3000
SKIP_WORDS = ("skip", "lewati", "lewat")
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
        answer = await repo.open_answer(s, ctx.workspace.id, ctx.member.account.user_id)
        standup = await repo.by_id(s, ctx.workspace.id, answer.standup_id) if answer is not None else None
    if answer is None or standup is None or answer.step >= len(standup.questions):
        return None
    said = text.strip()
    head, _, rest = said.partition(" ")
    if head.lower() in SKIP_WORDS:
        async with ctx.db.session() as s:
            await repo.save_answer(
                s, answer.id, status=SKIPPED, skip_reason=rest.strip()[:300] or None, answered_at=ctx.now
            )
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
    async with ctx.db.session() as s:
        await repo.save_answer(s, answer.id, answers=answers, step=step, status=DONE, answered_at=ctx.now)
        finished = await repo.answer(s, standup.id, answer.day, answer.user_id)
        report = await deliveries_repo.by_key(s, KIND_REPORT, standup.source_id, answer.day.isoformat())
        members = await members_of(s, standup)
        posted = report is not None and report.status == "sent"
        if finished is not None and (posted or standup.report_minute is None):
            await repo.save_answer(s, answer.id, reported=True)
    out: list[Action] = [ctx.reply(ctx.t("standups.thanks", name=standup.name))]
    if finished is not None and (posted or standup.report_minute is None):
        thread = report.message_id if posted and report is not None else None
        out.append(late_answer(standup, members, finished, thread, ctx.now))
    return out

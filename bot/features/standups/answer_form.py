"""`/standup answer <name>`: the day's questions as one form (a modal on Slack and Discord), for people
who prefer fields to a conversation. The same checks as answering by DM; the same report afterwards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.actions import Action, Choice, FieldKind, FormField, OpenForm
from bot.core.commands import Args, as_date, as_id
from bot.core.context import Context
from bot.core.prompts import pick_by_number
from bot.features.standups.answers import MAX_ANSWER, finish
from bot.features.standups.compose import wording
from storage.repositories import standups as repo
from storage.repositories.standups import AnswerRecord, StandupRecord

FORM_KEY = "su.answer"


def _form(
    ctx: Context,
    standup: StandupRecord,
    answer: AnswerRecord,
    values: Mapping[str, str] | None = None,
    errors: Sequence[tuple[str, str]] = (),
) -> OpenForm:
    fields = []
    for n, q in enumerate(standup.questions):
        initial = (values or {}).get(f"q{n}") or (answer.answers[n] if n < len(answer.answers) else None)
        if q.kind == "choice" and q.choices:
            fields.append(
                FormField(
                    key=f"q{n}",
                    label=wording(q, ctx.locale)[:45],
                    kind=FieldKind.CHOICE,
                    choices=tuple(Choice(label=c, value=c) for c in q.choices),
                    initial=initial,
                )
            )
        else:
            fields.append(
                FormField(
                    key=f"q{n}",
                    label=wording(q, ctx.locale)[:45],
                    kind=FieldKind.LONG_TEXT,
                    initial=initial,
                    required=q.kind != "blocker",
                )
            )
    return ctx.form(
        standup.name[:24], fields, f"{FORM_KEY}:{standup.id}:{answer.day.isoformat()}", errors=errors
    )


async def _target(ctx: Context, name: str) -> tuple[StandupRecord, AnswerRecord] | Action:
    """The member's open day for that standup, else their latest (answering it again)."""
    async with ctx.db.read() as s:
        standup = await repo.by_name(s, ctx.workspace.id, name) if name else None
        answer = (
            await repo.latest_answer(s, standup.id, ctx.member.account.user_id)
            if standup is not None
            else None
        )
    if standup is None or answer is None:
        return ctx.fail("standups.nothing_to_answer", example="/standup answer Daily", name=name[:80])
    return standup, answer


async def open_form(ctx: Context, args: Args) -> Sequence[Action]:
    found = await _target(ctx, args.text_or("name").strip())
    if not isinstance(found, tuple):
        return [found]
    if len(found[0].questions) > ctx.caps.max_form_fields:
        return [
            ctx.fail("standups.form_too_many", count=len(found[0].questions), max=ctx.caps.max_form_fields)
        ]
    return [_form(ctx, *found)]


async def submitted(ctx: Context, key: str, values: Mapping[str, str]) -> Sequence[Action]:
    parts = key.split(":")
    standup_id = as_id(parts[1]) if len(parts) == 3 else None
    day = as_date(parts[2]) if len(parts) == 3 else None
    if standup_id is None or day is None:  # not a key Rekan wrote
        return [ctx.reply(ctx.t("common.choice_expired"))]
    async with ctx.db.read() as s:
        standup = await repo.by_id(s, ctx.workspace.id, standup_id)
        answer = (
            await repo.answer(s, standup.id, day, ctx.member.account.user_id)
            if standup is not None
            else None
        )
    if standup is None or answer is None:
        return [ctx.reply(ctx.t("common.choice_expired"))]
    answers: list[str] = []
    errors: list[tuple[str, str]] = []
    for n, q in enumerate(standup.questions):
        text = values.get(f"q{n}", "").strip()
        if len(text) > MAX_ANSWER:
            errors.append((f"q{n}", ctx.t("standups.too_long", length=len(text), max=MAX_ANSWER)))
        elif q.kind == "choice" and q.choices:
            picked = pick_by_number(text, [Choice(label=c, value=c) for c in q.choices])
            if picked is None:
                errors.append((f"q{n}", ctx.t("common.choice_invalid", count=len(q.choices))))
            text = picked.value if picked is not None else text
        answers.append(text)
    if errors:
        return [_form(ctx, standup, answer, values, errors)]
    return await finish(ctx, standup, answer, answers)

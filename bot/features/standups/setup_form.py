"""`/standup new` as a form (a modal; questions one by one in the shell): the same set-up, field by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.actions import Action, FieldKind, FormField, OpenForm
from bot.core.context import Context
from bot.features.deadlines.create import ensure_members
from bot.features.deadlines.parse import read_targets
from bot.features.standups.commands import Refused, create, default_questions, summary
from bot.features.standups.edit import MAX_QUESTIONS, read_question
from storage.repositories import standups as repo

FORM_KEY = "su.form"
_FORM_FIELDS = ("name", "channel", "members", "time", "days", "zone", "report", "questions", "style", "owner")
_SHORT_FORM = ("name", "channel", "members", "time", "report")
"""Where a modal holds five fields (Discord): days and zone keep their defaults; `/standup edit` sets them."""


def setup_form(
    ctx: Context, values: Mapping[str, str] | None = None, errors: Sequence[tuple[str, str]] = ()
) -> OpenForm:
    v = values or {}
    hints = {
        "name": "Daily",
        "channel": "#team",
        "members": "@ayu @liam",
        "time": "09:30",
        "days": "Mon-Fri",
        "zone": ctx.t("standups.form_zone_hint"),
        "report": "17:00",
        "questions": ctx.t("standups.form_questions_hint"),
        "style": ctx.t("standups.form_style_hint"),
        "owner": "@ayu",
    }
    v = {"questions": "\n".join(_default_lines(ctx)), **v}
    fields = [
        FormField(
            key=key,
            label=ctx.t(f"standups.form_{key}"),
            hint=hints[key],
            initial=v.get(key),
            required=key in ("name", "channel"),
            kind=FieldKind.LONG_TEXT if key == "questions" else FieldKind.TEXT,
        )
        for key in (_FORM_FIELDS if ctx.caps.max_form_fields >= len(_FORM_FIELDS) else _SHORT_FORM)
    ]
    return ctx.form(ctx.t("standups.form_heading"), fields, FORM_KEY, errors=errors)


def _default_lines(ctx: Context) -> list[str]:
    """The usual three questions, one a line, the blocker marked: the owner edits them in place."""
    return [("blocker: " if q.kind == "blocker" else "") + q.text for q in default_questions(ctx)]


async def form_submitted(ctx: Context, values: Mapping[str, str]) -> Sequence[Action]:
    """The form's fields become the one-line set-up; a refusal comes back beside its field."""
    parts = [values.get("name", "").strip().replace('"', "")]
    parts.append("in " + values.get("channel", "").strip())
    for key, word in (("time", "at"), ("days", "days"), ("report", "report"), ("members", "for")):
        if values.get(key, "").strip():
            parts.append(f"{word} {values[key].strip()}")
    zone = values.get("zone", "").strip()
    parts.append(f"team {zone}" if zone else "local")
    lines = [line for line in values.get("questions", "").splitlines() if line.strip()]
    questions = [read_question(line) for line in lines]
    if None in questions or len(questions) > MAX_QUESTIONS:
        return [setup_form(ctx, values, [("questions", ctx.t("standups.bad_questions", max=MAX_QUESTIONS))])]
    unchanged = lines == _default_lines(ctx)  # the usual questions keep speaking each member's language
    asked = None if unchanged else tuple(q for q in questions if q is not None) or None
    line = " ".join(f'"{p}"' if i == 0 and " " in p else p for i, p in enumerate(parts))
    style = values.get("style", "").strip().lower()
    if style not in ("", "summary", "thread", "ringkasan", "utas"):
        return [setup_form(ctx, values, [("style", ctx.t("standups.form_style_hint"))])]
    owners = read_targets(values.get("owner", "")).users
    if values.get("owner", "").strip() and len(owners) != 1:
        return [
            setup_form(ctx, values, [("owner", ctx.t("standups.bad_member", value=values["owner"][:40]))])
        ]
    made = await create(ctx, line, asked)
    if isinstance(made, Refused):
        return [setup_form(ctx, values, [(made.part, ctx.t(made.key, **made.values))])]
    extra: dict[str, object] = {}
    if style in ("thread", "utas"):
        extra["options"] = {"style": "thread"}
    if owners and not await ensure_members(ctx, owners):
        extra["owner_user_id"] = owners[0]
    if extra:
        async with ctx.db.session() as s:
            await repo.change(s, ctx.workspace.id, made.id, now=ctx.now, **extra)
    ctx.services.wake()
    return [ctx.reply(summary(ctx, made))]

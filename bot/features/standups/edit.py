"""`/standup edit <name> …`: change the time, days, report, members, time mode, questions and options.

`/standup edit Daily at 10:00 days Sun-Thu`, `/standup edit Daily questions "Done?" "Next?" "blocker: Stuck?"
"choice: Mood | great | fine | rough"`, `/standup edit Daily mentions on`, `/standup edit Daily blockers on`.
Pending questions and the report are planned again from the new set-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.actions import Action
from bot.core.commands import Args
from bot.core.context import Context
from bot.core.identity import Role
from bot.features.deadlines.create import ensure_members
from bot.features.deadlines.parse import read_leads, read_targets, words
from bot.features.profile.parse import Refusal, parse_days, parse_time_of_day
from bot.time.zones import lookup_zone
from storage.repositories import standups as repo
from storage.repositories.deadlines import withdraw
from storage.repositories.standups import MEMBER_TIME, TEAM_TIME, Question

EXAMPLE_EDIT = '/standup edit Daily at 10:00 questions "What did you ship?" "blocker: Anything stuck?"'
MAX_QUESTIONS = 10
QUESTION_MAX = 300
_ON = frozenset({"on", "yes", "ya", "true", "aktif", "nyala"})
_OFF = frozenset({"off", "no", "tidak", "false", "mati"})


def read_question(text: str) -> Question | None:
    """`What did you do?`, `blocker: Anything stuck?`, `choice: Mood | great | fine | rough`."""
    head, sep, rest = text.partition(":")
    kind = head.strip().lower() if sep else ""
    if kind in ("blocker", "hambatan"):
        return Question(text=rest.strip(), kind="blocker") if rest.strip() else None
    if kind in ("choice", "pilihan"):
        parts = [p.strip() for p in rest.split("|")]
        if len(parts) < 3 or not all(parts):
            return None
        return Question(text=parts[0], kind="choice", choices=tuple(parts[1:]))
    return Question(text=text.strip()) if text.strip() else None


def _changes(ctx: Context, tokens: list[str]) -> dict[str, Any] | Action:
    values: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        word, value = tokens[i].lower(), tokens[i + 1] if i + 1 < len(tokens) else ""
        step = 2
        if word in ("at", "jam", "pukul", "report", "laporan"):
            if word in ("report", "laporan") and value.lower() in ("live", "langsung"):
                values["report_minute"] = None
            else:
                clock = parse_time_of_day(value)
                if isinstance(clock, Refusal) or clock.minute >= 1440:
                    return ctx.fail("standups.bad_time", example=EXAMPLE_EDIT, value=value[:40])
                values["report_minute" if word in ("report", "laporan") else "prompt_minute"] = clock.minute
        elif word in ("days", "hari"):
            days = parse_days(value)
            if isinstance(days, Refusal):
                return ctx.fail(days.key, example=EXAMPLE_EDIT, **days.values)
            values["days"] = days
        elif word in ("in", "di"):
            channels = read_targets(value).channels
            if not channels:
                return ctx.fail("standups.bad_channel", example=EXAMPLE_EDIT, value=value[:40])
            values["channel_id"] = channels[0]
        elif word in ("local", "lokal"):
            values["time_mode"], step = MEMBER_TIME, 1
        elif word in ("team", "tim"):
            found = lookup_zone(value, at=ctx.now)
            if found.status != "found" or not found.zone:
                return ctx.fail(
                    "standups.bad_zone", example="/standup edit Daily team Asia/Jakarta", value=value[:40]
                )
            values["time_mode"], values["zone"] = TEAM_TIME, found.zone
        elif word in ("for", "untuk"):
            targets = read_targets(" ".join(tokens[i + 1 :]))
            if targets.unknown or targets.roles or not (targets.users or targets.myself):
                bad = (targets.unknown or targets.roles or ("",))[0]
                return ctx.fail("standups.bad_member", example=EXAMPLE_EDIT, value=bad)
            values["members"] = [*targets.users, *([ctx.member.account.user_id] if targets.myself else [])]
            step = len(tokens) - i
        elif word in ("questions", "pertanyaan"):
            questions = [read_question(t) for t in tokens[i + 1 :]]
            if (
                not questions
                or None in questions
                or len(questions) > MAX_QUESTIONS
                or any(q is not None and len(q.text) > QUESTION_MAX for q in questions)
            ):
                return ctx.fail("standups.bad_questions", example=EXAMPLE_EDIT, max=MAX_QUESTIONS)
            values["questions"] = tuple(q for q in questions if q is not None)
            step = len(tokens) - i
        elif word in ("nudges", "nudge", "pengingat"):
            if value.lower() in _OFF:
                values["nudge_minutes"] = []
            else:
                leads = read_leads(value)
                if leads is None or 0 in leads:
                    return ctx.fail("standups.bad_nudges", example="/standup edit Daily nudges 2h,30m",
                                    value=value[:40])
                values["nudge_minutes"] = list(leads)
        elif word in ("owner", "pemilik"):
            owners = read_targets(value).users
            if len(owners) != 1:
                return ctx.fail(
                    "standups.bad_member", example="/standup edit Daily owner @ayu", value=value[:40]
                )
            values["owner_user_id"] = owners[0]
        elif word in ("style", "gaya") and value.lower() in ("thread", "summary", "utas", "ringkasan"):
            values.setdefault("options", {})["style"] = (
                "thread" if value.lower() in ("thread", "utas") else "summary"
            )
        elif word in ("mentions", "sebut", "blockers", "hambatan") and value.lower() in _ON | _OFF:
            key = "mention_missing" if word in ("mentions", "sebut") else "blockers_to_owner"
            values.setdefault("options", {})[key] = value.lower() in _ON
        else:
            return ctx.fail("standups.edit_usage", example=EXAMPLE_EDIT)
        i += step
    return values


async def edit(ctx: Context, args: Args) -> Sequence[Action]:
    tokens = words(args.text_or("name"))
    if len(tokens) < 2:
        return [ctx.fail("standups.edit_usage", example=EXAMPLE_EDIT)]
    async with ctx.db.read() as s:
        found = await repo.by_name(s, ctx.workspace.id, tokens[0])
    if found is None:
        return [ctx.fail("standups.not_found", example="/standup list", name=tokens[0][:80])]
    if found.owner != ctx.member.account.user_id and not ctx.member.role.allows(Role.MANAGER):
        return [ctx.fail("common.not_allowed", role=ctx.t("standups.role_owner"))]
    values = _changes(ctx, tokens[1:])
    if not isinstance(values, dict):
        return [values]
    prompt, report = (
        values.get("prompt_minute", found.prompt_minute),
        values.get("report_minute", found.report_minute),
    )
    if values.get("time_mode", found.time_mode) == TEAM_TIME and report is not None and report <= prompt:
        return [ctx.fail("standups.report_before_prompt", example=EXAMPLE_EDIT)]
    missing = await ensure_members(
        ctx, [u for u in values.get("members", []) if u != ctx.member.account.user_id]
    )
    if missing:
        return [ctx.fail("standups.bad_member", example=EXAMPLE_EDIT, value="@" + missing[0])]
    async with ctx.db.session() as s:
        await withdraw(s, found.source_id)  # what was planned from the old set-up; planned again below
        await repo.change(s, ctx.workspace.id, found.id, now=ctx.now, **values)
    ctx.services.wake()
    return [ctx.reply(ctx.t("standups.edited", name=found.name))]

"""`/standup`: set up, list, pause, resume and delete standups; say when you are away.

`/standup new Daily in #team at 09:30 report 17:00 days Mon-Fri local for @ayu @liam` — every part but
the name and channel is optional: 09:30 in each member's local time, Monday to Friday, report at 17:00
in the owner's zone, the three usual questions, and the owner as the only member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date

from bot.core.actions import Action
from bot.core.commands import Args
from bot.core.context import Context
from bot.core.identity import MON_FRI, Role
from bot.features.deadlines.create import ensure_members
from bot.features.deadlines.parse import read_targets, words
from bot.features.profile import service as profile
from bot.features.profile.parse import Refusal, parse_date_range, parse_days, parse_time_of_day
from bot.time.format import format_minutes_of_day, format_weekdays
from bot.time.zones import get_zone, lookup_zone
from storage.repositories import standup_lists
from storage.repositories import standups as repo
from storage.repositories.standups import MEMBER_TIME, TEAM_TIME, NewStandup, Question

EXAMPLE_NEW = "/standup new Daily in #team at 09:30 report 17:00 for @ayu @liam"
NAME_MAX = 80
LIST_MAX = 25
"""Standups a list shows; past that it says how many more there are."""
NUDGE_BEFORE_REPORT = (60,)
_KEYWORDS = frozenset(
    {
        "in",
        "di",
        "at",
        "jam",
        "pukul",
        "report",
        "laporan",
        "days",
        "hari",
        "local",
        "lokal",
        "team",
        "tim",
        "for",
        "untuk",
        "live",
    }
)


def default_questions(ctx: Context) -> tuple[Question, ...]:
    return (
        Question(text=ctx.t("standups.q_done"), key="standups.q_done"),
        Question(text=ctx.t("standups.q_next"), key="standups.q_next"),
        Question(text=ctx.t("standups.q_blockers"), kind="blocker", key="standups.q_blockers"),
    )


@dataclass(frozen=True, kw_only=True)
class Refused:
    """Which field was wrong, and the catalog key (and values) saying why."""

    part: str
    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(kw_only=True)
class _Setup:
    name: str = ""
    channel: str | None = None
    prompt: int = 9 * 60 + 30
    report: int | None = 17 * 60
    days: frozenset[int] = MON_FRI
    mode: str = MEMBER_TIME
    zone: str | None = None
    members: list[str] = field(default_factory=list)
    member_channels: list[str] = field(default_factory=list)
    """`for #team`: everyone in that channel, as the platform lists them when the standup is set up."""


def _parse_new(ctx: Context, text: str) -> _Setup | Refused:
    """Refuse with the part that was wrong and a working example; nothing is stored until all is read."""
    tokens, setup, i = words(text), _Setup(), 0
    names: list[str] = []
    while i < len(tokens) and tokens[i].lower() not in _KEYWORDS:
        names.append(tokens[i])
        i += 1
    setup.name = " ".join(names)[: NAME_MAX + 1]
    while i < len(tokens):
        word, value = tokens[i].lower(), tokens[i + 1] if i + 1 < len(tokens) else ""
        step = 2
        if word in ("in", "di"):
            channels = read_targets(value).channels
            if not channels:
                return Refused(part="channel", key="standups.bad_channel", values={"value": value[:40]})
            setup.channel = channels[0]
        elif word in ("at", "jam", "pukul", "report", "laporan"):
            if word in ("report", "laporan") and value.lower() in ("live", "langsung"):
                setup.report = None
            else:
                clock = parse_time_of_day(value)
                if isinstance(clock, Refusal) or clock.minute >= 1440:
                    return Refused(
                        part="report" if word in ("report", "laporan") else "time",
                        key="standups.bad_time",
                        values={"value": value[:40]},
                    )
                if word in ("report", "laporan"):
                    setup.report = clock.minute
                else:
                    setup.prompt = clock.minute
        elif word in ("days", "hari"):
            days = parse_days(value)
            if isinstance(days, Refusal):
                return Refused(part="days", key=days.key, values=dict(days.values))
            setup.days = days
        elif word in ("local", "lokal"):
            setup.mode, step = MEMBER_TIME, 1
        elif word in ("team", "tim"):
            found = lookup_zone(value, at=ctx.now) if value and value.lower() not in _KEYWORDS else None
            setup.mode = TEAM_TIME
            if found is not None and found.status == "found" and found.zone:
                setup.zone = found.zone
            elif found is not None:
                return Refused(part="zone", key="standups.bad_zone", values={"value": value[:40]})
            else:
                step = 1
        elif word in ("for", "untuk"):
            end = i + 1
            while end < len(tokens) and tokens[end].lower() not in _KEYWORDS:
                end += 1
            targets = read_targets(" ".join(tokens[i + 1 : end]))
            if targets.unknown or targets.roles:
                bad = (targets.unknown or targets.roles)[0]
                return Refused(part="members", key="standups.bad_member", values={"value": bad})
            setup.members += list(targets.users) + ([ctx.member.account.user_id] if targets.myself else [])
            setup.member_channels += list(targets.channels)
            step = end - i
        else:
            return Refused(part="name", key="standups.unknown_word", values={"value": tokens[i][:40]})
        i += step
    return setup


async def new(ctx: Context, args: Args) -> Sequence[Action]:
    """With a line of text, set up at once; with nothing, a form (questions one by one in the shell)."""
    text = args.text_or("setup")
    said = [w.lower() for w in words(text)]
    only_where = len(said) >= 3 and said[-2] in ("in", "di") and not _KEYWORDS & set(said[:-2])
    if not said or (only_where and read_targets(said[-1]).channels):
        # `/standup new` or `/standup new Daily in #team`: the form, with what was typed filled in.
        from bot.features.standups.setup_form import setup_form  # the form module builds on this one

        typed = words(text)
        initial = {"name": " ".join(typed[:-2]), "channel": typed[-1]} if typed else None
        return [setup_form(ctx, initial)]
    made = await create(ctx, text)
    if isinstance(made, Refused):
        return [ctx.fail(made.key, example=EXAMPLE_NEW, **made.values)]
    ctx.services.wake()
    return [ctx.reply(summary(ctx, made))]


async def create(
    ctx: Context, text: str, questions: tuple[Question, ...] | None = None
) -> repo.StandupRecord | Refused:
    """Everything is checked before the standup is stored; a refusal names the part that was wrong."""
    parsed = _parse_new(ctx, text)
    if isinstance(parsed, Refused):
        return parsed
    if not parsed.name or len(parsed.name) > NAME_MAX:
        return Refused(part="name", key="standups.new_usage")
    if parsed.channel is None:
        return Refused(part="channel", key="standups.new_usage")
    if parsed.report is not None and parsed.report <= parsed.prompt:
        return Refused(part="report", key="standups.report_before_prompt")
    zone = parsed.zone or ctx.member.tz or "UTC"
    directory, ref = ctx.services.directory, ctx.workspace.ref
    if await directory.can_post(ref, parsed.channel) is False:
        return Refused(part="channel", key="standups.cannot_post", values={"channel": parsed.channel})
    for member_channel in parsed.member_channels:
        found = await directory.channel_members(ref, member_channel)
        if found is None:
            return Refused(
                part="members", key="standups.channel_members_unknown", values={"channel": member_channel}
            )
        parsed.members += list(found)
    members = tuple(dict.fromkeys(parsed.members or [ctx.member.account.user_id]))
    missing = await ensure_members(ctx, [u for u in members if u != ctx.member.account.user_id])
    if missing:
        return Refused(part="members", key="standups.bad_member", values={"value": "@" + missing[0]})
    async with ctx.db.session() as s:
        if await repo.by_name(s, ctx.workspace.id, parsed.name) is not None:
            return Refused(part="name", key="standups.exists", values={"name": parsed.name})
        return await repo.insert(
            s,
            NewStandup(
                workspace_pk=ctx.workspace.id,
                name=parsed.name,
                channel_id=parsed.channel,
                owner=ctx.member.account.user_id,
                questions=questions or default_questions(ctx),
                days=parsed.days,
                prompt_minute=parsed.prompt,
                time_mode=parsed.mode,
                zone=zone,
                report_minute=parsed.report,
                nudge_minutes=NUDGE_BEFORE_REPORT,
                members=members,
            ),
            now=ctx.now,
        )


def summary(ctx: Context, record: repo.StandupRecord | standup_lists.StandupLine) -> str:
    when = format_minutes_of_day(record.prompt_minute, ctx.locale)
    mode = (
        ctx.t("standups.mode_member")
        if record.time_mode == MEMBER_TIME
        else ctx.t("standups.mode_team", zone=record.zone)
    )
    report = (
        ctx.t("standups.report_live")
        if record.report_minute is None
        else ctx.t(
            "standups.report_at_member" if record.time_mode == MEMBER_TIME else "standups.report_at",
            time=format_minutes_of_day(record.report_minute, ctx.locale),
            zone=record.zone,
        )
    )
    return ctx.t(
        "standups.created",
        name=record.name,
        channel=record.channel_id,
        time=when,
        mode=mode,
        days=format_weekdays(record.days, ctx.locale),
        report=report,
        count=record.member_count,
    )


async def _named(ctx: Context, args: Args) -> repo.StandupRecord | Action:
    name = args.text_or("name").strip()
    async with ctx.db.read() as s:
        found = await repo.by_name(s, ctx.workspace.id, name) if name else None
    if found is None:
        return ctx.fail("standups.not_found", example="/standup list", name=name[:NAME_MAX])
    return found


def _may_configure(ctx: Context, standup: repo.StandupRecord) -> bool:
    return standup.owner == ctx.member.account.user_id or ctx.member.role.allows(Role.MANAGER)


async def list_all(ctx: Context, args: Args) -> Sequence[Action]:
    """The first LIST_MAX standups by name, each with its member count; the rest are counted."""
    total, found = await ctx.db.read_with(
        lambda c: standup_lists.listing_on(c, ctx.workspace.id, limit=LIST_MAX))
    if not found:
        return [ctx.reply(ctx.t("standups.none", example=EXAMPLE_NEW))]
    lines = [summary(ctx, r) + (" " + ctx.t("standups.paused_tag") if r.paused else "") for r in found]
    if total > len(found):
        lines.append(ctx.t("standups.and_more", count=total - len(found)))
    return [ctx.reply("\n".join(lines))]


async def _set_paused(ctx: Context, args: Args, paused: bool) -> Sequence[Action]:
    found = await _named(ctx, args)
    if isinstance(found, Action):
        return [found]
    if not _may_configure(ctx, found):
        return [ctx.fail("common.not_allowed", role=ctx.t("standups.role_owner"))]
    async with ctx.db.session() as s:
        await repo.set_paused(s, ctx.workspace.id, found.id, paused, now=ctx.now)
        if paused:
            from storage.repositories.deadlines import withdraw

            await withdraw(s, found.source_id)
    ctx.services.wake()
    return [ctx.reply(ctx.t("standups.paused" if paused else "standups.resumed", name=found.name))]


async def pause(ctx: Context, args: Args) -> Sequence[Action]:
    return await _set_paused(ctx, args, True)


async def resume(ctx: Context, args: Args) -> Sequence[Action]:
    return await _set_paused(ctx, args, False)


async def delete(ctx: Context, args: Args) -> Sequence[Action]:
    found = await _named(ctx, args)
    if isinstance(found, Action):
        return [found]
    if not _may_configure(ctx, found):
        return [ctx.fail("common.not_allowed", role=ctx.t("standups.role_owner"))]
    async with ctx.db.session() as s:
        from storage.repositories.deadlines import withdraw

        await withdraw(s, found.source_id)
        await repo.remove(s, ctx.workspace.id, found.id)
    return [ctx.reply(ctx.t("standups.deleted", name=found.name))]


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(get_zone(ctx.member.tz) if ctx.member.tz else UTC).date()


async def away(ctx: Context, args: Args) -> Sequence[Action]:
    """Vacation: days off on the member's profile, which every standup (and quiet hours) respects."""
    span = parse_date_range(args.text_or("dates"), _today(ctx))
    if isinstance(span, Refusal):
        return [ctx.fail(span.key, example="/standup away 2026-12-20..2027-01-03", **span.values)]
    await profile.add_days_off(ctx.db, ctx.member, span)
    return [ctx.reply(ctx.t("standups.away_ok", start=span.start.isoformat(), end=span.end.isoformat()))]


async def back(ctx: Context, args: Args) -> Sequence[Action]:
    today = _today(ctx)
    removed = await profile.remove_days_off(ctx.db, ctx.member, today, date(9999, 12, 31))
    return [ctx.reply(ctx.t("standups.back_ok", count=removed))]

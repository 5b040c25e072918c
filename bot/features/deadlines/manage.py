"""Listing and changing deadlines: list, done, cancel, snooze, edit, and the buttons on reminders.

Rights are checked here, from our rows: a member acts on what they created or were given; managers on
every deadline of their workspace; nobody on another workspace's ids, which are simply "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy import Connection

from bot.core.actions import Action, Choice
from bot.core.commands import Args, as_id
from bot.core.content import BulletList, Content, Emphasis, Paragraph, Text
from bot.core.context import Context, message_paragraph
from bot.core.identity import Role
from bot.features.deadlines import service
from bot.features.deadlines.create import EXAMPLE_ADD, Draft, _people, _read
from bot.features.deadlines.messages import ACT_KEY
from bot.features.deadlines.parse import read_leads, read_targets, words
from bot.features.deadlines.plan import DEFAULT_HOURS, current_run
from bot.time.format import format_instant, format_relative
from bot.time.phrases.resolve import at_wall
from bot.time.reading import Refusal
from bot.time.zones import get_zone
from storage.repositories import deadline_lists
from storage.repositories.deadlines import CANCELLED, DEADLINE, DONE, REMINDER, DeadlineRecord

LIST_KEY = "dl.list"
LIST_BUTTONS = 5
LIST_MAX = 25
EXAMPLE_DONE = "/deadline done 12"
EXAMPLE_SNOOZE = "/deadline snooze 12 1h"
EXAMPLE_EDIT = "/deadline edit 12 when Fri 18:00"
_FILTERS = {
    "mine": "mine",
    "saya": "mine",
    "team": "team",
    "tim": "team",
    "overdue": "overdue",
    "terlambat": "overdue",
    "lewat": "overdue",
    "all": "team",
    "semua": "team",
}


def _id_of(text: str) -> int | None:
    word = text.strip().split(" ", 1)[0].lstrip("#") if text.strip() else ""
    return as_id(word)


def _is_manager(ctx: Context) -> bool:
    return ctx.member.role.allows(Role.MANAGER)


def may_see(ctx: Context, d: DeadlineRecord) -> bool:
    me = ctx.member.account.user_id
    if d.workspace_pk != ctx.workspace.id:
        return False
    if d.creator == me or me in d.assignees:
        return True
    return d.kind == DEADLINE and (d.channel_id is not None or _is_manager(ctx))


def may_change(ctx: Context, d: DeadlineRecord) -> bool:
    """Editing and cancelling: the creator, or a manager for any (non-personal) deadline."""
    return d.creator == ctx.member.account.user_id or (d.kind == DEADLINE and _is_manager(ctx))


def may_finish(ctx: Context, d: DeadlineRecord) -> bool:
    return may_change(ctx, d) or ctx.member.account.user_id in d.assignees


async def _find(ctx: Context, text: str, example: str) -> DeadlineRecord | Action:
    found_id = _id_of(text)
    if found_id is None:
        return ctx.fail("deadlines.id_missing", example=example)
    record = await service.get(ctx.db, ctx.workspace.id, found_id)
    if record is None or not may_see(ctx, record):
        return ctx.fail("deadlines.not_found", example="/deadline list", id=found_id)
    return record


def _line(ctx: Context, d: DeadlineRecord) -> Paragraph:
    zone = ctx.member.tz or "UTC"
    due = current_due(d, ctx.now)
    parts: list[Text | Emphasis] = [
        Text(text=f"#{d.id} "),
        Emphasis(text=d.title),
        Text(text=" — " + format_instant(due, zone, ctx.locale, with_utc=False)),
    ]
    if d.kind == REMINDER:
        parts.append(Text(text=" · " + ctx.t("deadlines.tag_reminder")))
    if d.rrule:
        parts.append(Text(text=" · " + ctx.t("deadlines.tag_repeats")))
    if d.channel_id:
        parts.append(Text(text=f" · #{d.channel_id}"))
    if due <= ctx.now and d.kind == DEADLINE:
        parts.append(
            Text(text=" · " + ctx.t("deadlines.tag_overdue", late=format_relative(due - ctx.now, ctx.locale)))
        )
    if d.urgent:
        parts.append(Text(text=" · " + ctx.t("deadlines.tag_urgent")))
    return Paragraph(inlines=tuple(parts))


def current_due(d: DeadlineRecord, now: datetime) -> datetime:
    return current_run(d, now).at


async def list_items(ctx: Context, args: Args) -> Sequence[Action]:
    """The first LIST_MAX items in the reader's zone, with done buttons for the first they may finish."""
    text = args.text_or("filter").strip()
    word = text.lower().split(" ", 1)[0] if text else "mine"
    channel = read_targets(text).channels
    mode = "channel" if channel else _FILTERS.get(word)
    if mode is None:
        return [ctx.fail("deadlines.list_usage", example="/deadline list overdue")]
    manager = _is_manager(ctx)

    def read(conn: Connection) -> tuple[deadline_lists.Page, list[DeadlineRecord]]:
        def page(limit: int, mine_only: bool) -> deadline_lists.Page:
            return deadline_lists.page_on(
                conn, ctx.workspace.id, ctx.workspace.ref, ctx.member.account.user_id, everything=manager,
                mode=mode, now=ctx.now, current_due=current_due, limit=limit,
                channel=channel[0] if channel else None, mine_only=mine_only)

        found = page(LIST_MAX, False)
        actionable = [d for d in found.items if may_finish(ctx, d)][:LIST_BUTTONS]
        shown = len(found.items)
        if len(actionable) < LIST_BUTTONS and len(actionable) < shown < found.total and not manager:
            # Past the items shown may come the member's own: what they created or were given.
            actionable = [d for d in page(LIST_BUTTONS, True).items if may_finish(ctx, d)]
        return found, actionable

    found, actionable = await ctx.db.read_with(read)
    items = found.items
    if not items:
        return [ctx.reply(ctx.t("deadlines.list_empty", example=EXAMPLE_ADD))]
    head = message_paragraph("deadlines.list_head", ctx.locale, count=found.total)
    body = Content(blocks=(head, BulletList(items=tuple(_line(ctx, d) for d in items))))
    if found.total > len(items):
        body += ctx.tc("deadlines.and_more", count=found.total - len(items))
    if not actionable:
        return [ctx.reply(body)]
    choices = [
        Choice(label=ctx.t("deadlines.button_done_id", id=d.id), value=f"done:{d.id}") for d in actionable
    ]
    return [ctx.ask(body, choices, LIST_KEY, ttl=timedelta(days=7))]


async def done(ctx: Context, args: Args) -> Sequence[Action]:
    found = await _find(ctx, args.text_or("id"), EXAMPLE_DONE)
    return [found] if isinstance(found, Action) else await _finish(ctx, found, DONE)


async def cancel(ctx: Context, args: Args) -> Sequence[Action]:
    found = await _find(ctx, args.text_or("id"), "/deadline cancel 12")
    return [found] if isinstance(found, Action) else await _finish(ctx, found, CANCELLED)


async def _finish(ctx: Context, d: DeadlineRecord, status: str) -> Sequence[Action]:
    allowed = may_finish(ctx, d) if status == DONE else may_change(ctx, d)
    if not allowed:
        return [ctx.fail("deadlines.not_yours", id=d.id)]
    if d.status != "open":
        return [ctx.reply(ctx.t(f"deadlines.already_{d.status}", id=d.id))]
    if status == DONE and d.rrule:
        await service.finish_occurrence(ctx.db, d, current_run(d, ctx.now), now=ctx.now)
        return [ctx.reply(ctx.t("deadlines.done_occurrence", id=d.id, title=d.title))]
    await service.finish(ctx.db, d, now=ctx.now, by=ctx.member.account.user_id, status=status)
    return [ctx.reply(ctx.t(f"deadlines.{status}_ok", id=d.id, title=d.title))]


def snooze_until(ctx: Context, word: str) -> datetime | None:
    """20m, 1h, 3h, 2 jam, tomorrow/besok (start of the working day), next week/minggu depan (Monday)."""
    low = word.strip().lower().replace(" ", "")
    zone = ctx.member.tz or "UTC"
    hours = ctx.member.hours or DEFAULT_HOURS
    start = time(hours.start_minute // 60, hours.start_minute % 60)
    today = ctx.now.astimezone(get_zone(zone)).date()
    if low in ("tomorrow", "besok"):
        return at_wall(today + timedelta(days=1), start, zone)
    if low in ("nextweek", "minggudepan"):
        return at_wall(today + timedelta(days=7 - today.weekday()), start, zone)
    leads = read_leads(word)
    if leads is None or len(leads) != 1 or leads[0] <= 0:
        return None
    return ctx.now + timedelta(minutes=leads[0])


async def snooze(ctx: Context, args: Args) -> Sequence[Action]:
    text = args.text_or("id")
    found = await _find(ctx, text, EXAMPLE_SNOOZE)
    if isinstance(found, Action):
        return [found]
    duration = str(args.get("duration") or "") or ([*text.strip().split(" ", 1), ""])[1]
    return await _snooze(ctx, found, duration)


async def _snooze(ctx: Context, d: DeadlineRecord, word: str) -> Sequence[Action]:
    me = ctx.member.account.user_id
    if me not in d.assignees and d.creator != me:
        return [ctx.fail("deadlines.not_yours", id=d.id)]
    if d.status != "open":
        return [ctx.reply(ctx.t(f"deadlines.already_{d.status}", id=d.id))]
    until = snooze_until(ctx, word)
    if until is None:
        return [ctx.fail("deadlines.snooze_bad", example=EXAMPLE_SNOOZE, value=word[:40])]
    await service.snooze(ctx.db, d, me, until, now=ctx.now)
    ctx.services.wake()
    when = format_instant(until, ctx.member.tz or "UTC", ctx.locale, with_utc=False)
    return [ctx.reply(ctx.t("deadlines.snoozed", id=d.id, when=when))]


async def button(ctx: Context, key: str, value: str) -> Sequence[Action]:
    """Done, cancel and snooze buttons on reminders (`dl.act:<id>`) and on lists (`dl.list`, `done:<id>`)."""
    if key.startswith(LIST_KEY):
        verb, _, ident = value.partition(":")
    else:
        ident = key.removeprefix(ACT_KEY + ":")
        verb, _, arg = value.partition(":")
    deadline_id = as_id(ident)
    d = await service.get(ctx.db, ctx.workspace.id, deadline_id) if deadline_id is not None else None
    if d is None or not may_see(ctx, d):
        return [ctx.reply(ctx.t("common.choice_expired"))]
    if verb == "done":
        return await _finish(ctx, d, DONE)
    if verb == "cancel":
        return await _finish(ctx, d, CANCELLED)
    if verb == "snooze" and not key.startswith(LIST_KEY):
        return await _snooze(ctx, d, {"nextweek": "next week"}.get(arg, arg))
    return [ctx.reply(ctx.t("common.choice_expired"))]


async def edit(ctx: Context, args: Args) -> Sequence[Action]:
    """`/deadline edit 12 when Fri 18:00 | title "…" | for @a @b | remind 2h | urgent on|off`."""
    text = args.text_or("id")
    found = await _find(ctx, text, EXAMPLE_EDIT)
    if isinstance(found, Action):
        return [found]
    if not may_change(ctx, found):
        return [ctx.fail("deadlines.not_yours", id=found.id)]
    if found.status != "open":
        return [ctx.reply(ctx.t(f"deadlines.already_{found.status}", id=found.id))]
    rest = str(args.get("changes") or "") or ([*text.strip().split(" ", 1), ""])[1]
    values = await _edits(ctx, found, rest)
    if isinstance(values, Action):
        return [values]
    updated = await service.change(ctx.db, found, now=ctx.now, by=ctx.member.account.user_id, **values)
    ctx.services.wake()
    if updated is None:
        return [ctx.fail("deadlines.not_found", id=found.id)]
    when = format_instant(updated.due_at, ctx.member.tz or "UTC", ctx.locale)
    return [ctx.reply(ctx.t("deadlines.edited", id=updated.id, title=updated.title, when=when))]


async def _edits(ctx: Context, d: DeadlineRecord, text: str) -> dict[str, object] | Action:
    head, _, tail = text.strip().partition(" ")
    field = head.lower()
    if field in ("title", "judul"):
        title = " ".join(words(tail)).strip()
        if not title or len(title) > 200:
            return ctx.fail(
                "deadlines.title_too_long" if title else "deadlines.title_missing",
                example='/deadline edit 12 title "Ship v2.4"',
                max=200,
                length=len(title),
            )
        return {"title": title}
    if field in ("remind", "ingatkan"):
        leads = read_leads(tail)
        return (
            {"leads": leads}
            if leads is not None
            else ctx.fail("deadlines.bad_leads", example="/deadline edit 12 remind 1d,2h", value=tail[:60])
        )
    if field in ("urgent", "penting"):
        return {"urgent": tail.strip().lower() not in ("off", "no", "false", "tidak")}
    if field in ("for", "untuk"):
        draft = Draft(kind=d.kind, title=d.title, when="", targets=read_targets(tail))
        people = await _people(ctx, draft)
        if isinstance(people, Action):
            return people
        return {"assignees": people[0], "channel_id": people[1]}
    phrase = tail if field in ("when", "waktu", "kapan", "time") else text
    return _when_edit(ctx, phrase)


def _when_edit(ctx: Context, phrase: str) -> dict[str, object] | Action:
    if not phrase.strip():
        return ctx.fail("deadlines.edit_usage", example=EXAMPLE_EDIT)
    reading = _read(ctx, phrase)
    if isinstance(reading, Refusal):
        return ctx.fail(reading.reason, example=EXAMPLE_EDIT, **reading.values)
    anchor = (
        reading.at.astimezone(get_zone(reading.zone)).replace(tzinfo=None).isoformat()
        if reading.rrule
        else None
    )
    return {"due_at": reading.at, "zone": reading.zone, "rrule": reading.rrule, "anchor_local": anchor}


async def settings(ctx: Context, args: Args) -> Sequence[Action]:
    """`/deadline settings leads 1d,1h,0` and `/deadline settings assign everyone|managers` (admins)."""
    text = args.text_or("setting").strip()
    head, _, tail = text.partition(" ")
    if not head:
        current = await service.get_settings(ctx.db, ctx.workspace.id)
        leads = tuple(current.get("leads") or service.DEFAULT_LEADS)
        return [
            ctx.reply(
                ctx.t(
                    "deadlines.settings_show",
                    leads=service.lead_words(leads, ctx.locale),
                    assign=ctx.t("deadlines.assign_" + current.get("assign", "managers")),
                )
            )
        ]
    if not ctx.member.role.allows(Role.ADMIN):
        return [ctx.fail("common.not_allowed", role=ctx.t("common.role_admin"))]
    if head.lower() in ("leads", "remind", "ingatkan"):
        leads_found = read_leads(tail)
        if leads_found is None:
            return [
                ctx.fail("deadlines.bad_leads", example="/deadline settings leads 1d,1h,0", value=tail[:60])
            ]
        await service.set_settings(ctx.db, ctx.workspace.id, leads=list(leads_found))
        return [
            ctx.reply(ctx.t("deadlines.settings_leads", leads=service.lead_words(leads_found, ctx.locale)))
        ]
    if head.lower() in ("assign", "who") and tail.strip().lower() in (
        "everyone",
        "managers",
        "semua",
        "manajer",
    ):
        who = "everyone" if tail.strip().lower() in ("everyone", "semua") else "managers"
        await service.set_settings(ctx.db, ctx.workspace.id, assign=who)
        return [ctx.reply(ctx.t("deadlines.settings_assign", assign=ctx.t("deadlines.assign_" + who)))]
    return [ctx.fail("deadlines.settings_usage", example="/deadline settings leads 1d,1h,0")]

"""`/meet overlap`, `/meet suggest` and `/meet time`: shared hours, ranked slots, one instant for all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.core.actions import Action, Choice, Send, Upload, Visibility
from bot.core.commands import Args, as_id
from bot.core.content import Block, BulletList, CodeBlock, Content, Emphasis, Paragraph, Timestamp
from bot.core.context import Context, message_paragraph
from bot.features.deadlines.create import ensure_members
from bot.features.meetings import picture, show
from bot.features.meetings.overlap import (
    Schedule,
    Span,
    day_window,
    overlap,
    to_datetime,
    to_seconds,
    working_spans,
)
from bot.features.meetings.people import channel_people, load
from bot.features.meetings.request import Group, group_of_two, no_slots, notes, slot_lines, suggest_window
from bot.features.meetings.rotation import weekly
from bot.features.meetings.slots import rank
from bot.time.format import format_date, format_duration, format_instant
from bot.time.reading import Reading, read_time
from bot.time.workhours import WorkState, work_state
from bot.time.zones import get_zone

EXAMPLE_OVERLAP = "/meet overlap @ayu @liam on Friday"
EXAMPLE_SUGGEST = "/meet suggest 30m @ayu @liam within next week"
EXAMPLE_TIME = "/meet time Friday 3pm"
TIME_KEY = "meet.time"
MAX_EPOCH = 253_402_300_799
SHOWN = show.SHOWN_NAMES * 4
"""People `/meet time` lists (the speaker first); only they are read."""
"""9999-12-31T23:59:59Z: a button value beyond it is no instant Rekan offered."""




async def overlap_command(ctx: Context, args: Args) -> Sequence[Action]:
    g = await group_of_two(ctx, args, wants_minutes=False, example=EXAMPLE_OVERLAP)
    if isinstance(g, Send):
        return [g]
    zone = show.speaker_zone(ctx)
    first = g.args.days.first if g.args.days else show.local_today(ctx)
    last = g.args.days.last if g.args.days else first
    result = overlap(g.schedules, day_window(zone, first, last), k=g.k)
    everyone = g.k == len(g.people)
    key = "meetings.overlap_all" if everyone else "meetings.overlap_k"
    blocks: list[Paragraph | BulletList | CodeBlock] = [
        message_paragraph(key, ctx.locale, names=show.names(g.people), k=g.k, count=len(g.people))]
    days = show.by_day(ctx, first, last, result.spans)
    for day, spans in days:
        blocks.append(show.day_heading(ctx, day, sum(b - a for a, b in spans)))
        lines = [show.segment_line(ctx, s, g.people, everyone)
                 for s in show.segments(spans, result.per_person)]
        if lines:
            blocks.append(BulletList(items=tuple(lines)))
    blocks += notes(ctx, g)
    pictured = next((d for d, spans in days if spans), first)
    grid = _grid(ctx, g, pictured, result.spans)
    blocks.append(CodeBlock(text=picture.text_grid(grid)))
    actions: list[Action] = [ctx.reply(Content(blocks=tuple(blocks)), ephemeral=False)]
    if ctx.caps.files:
        actions.append(Upload(to=ctx.event.conversation, filename=f"overlap-{pictured.isoformat()}.png",
                              data=picture.png(grid), mime_type="image/png",
                              comment=ctx.tc("meetings.picture_comment" if grid.now is not None
                                             else "meetings.picture_comment_day",
                                             day=format_date(pictured, ctx.locale))))
    return actions


def _grid(ctx: Context, g: Group, day: date, shared: Sequence[Span]) -> picture.Grid:
    start, end = show.day_spans(show.speaker_zone(ctx), day)
    rows = [picture.Row(label=p.name, zone=p.zone, spans=tuple(_clip(s, start, end)))
            for p, s in zip(g.people, _spans(g.schedules, start, end), strict=True)]
    rows += [picture.Row(label=p.name, zone=None, spans=()) for p in g.no_zone]
    now = to_seconds(ctx.now)
    return picture.Grid(start=start, end=end, axis_zone=show.speaker_zone(ctx), rows=tuple(rows),
                        locale=ctx.locale, overlap=tuple(_clip(list(shared), start, end)),
                        now=now if start <= now < end else None)


def _spans(schedules: Sequence[Schedule], start: int, end: int) -> list[list[Span]]:
    return [working_spans(s, start, end) for s in schedules]


def _clip(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    return [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]




async def suggest_command(ctx: Context, args: Args) -> Sequence[Action]:
    g = await group_of_two(ctx, args, wants_minutes=True, example=EXAMPLE_SUGGEST)
    if isinstance(g, Send):
        return [g]
    minutes = g.args.minutes or 30
    if g.args.weekly:
        return await weekly(ctx, g, minutes, suggest_window(ctx, g))
    slots = rank(g.schedules, suggest_window(ctx, g), minutes, at_least=g.k if g.args.at_least else 1)
    if not slots:
        return [no_slots(ctx, g, EXAMPLE_SUGGEST)]
    head = message_paragraph("meetings.suggest_head", ctx.locale, names=show.names(g.people),
                             length=format_duration(timedelta(minutes=minutes), ctx.locale))
    blocks: tuple[Block, ...] = (head, slot_lines(ctx, g, slots), *notes(ctx, g))
    return [ctx.reply(Content(blocks=blocks), ephemeral=False)]


async def time_command(ctx: Context, args: Args) -> Sequence[Action]:
    text = args.text_or("when").strip()
    if not text:
        return [ctx.fail("meetings.time_missing", example=EXAMPLE_TIME)]
    zone = show.speaker_zone(ctx)
    found = read_time(text, zone=zone, now=ctx.now, lang=ctx.locale)
    if isinstance(found, Reading):
        if found.rrule:
            return [ctx.fail("meetings.time_repeating", example=EXAMPLE_TIME)]
        return await post_time(ctx, found.at, text)
    if found.choices:
        choices = [Choice(label=format_instant(c, zone, ctx.locale), value=str(to_seconds(c)))
                   for c in found.choices]
        return [ctx.ask(ctx.t("meetings.time_which"), choices, f"{TIME_KEY}:{text[:80]}")]
    message = ctx.t(found.reason, **found.values)
    return [ctx.reply(f"{message}\n{ctx.t('common.example', example=EXAMPLE_TIME)}")]


async def time_picked(ctx: Context, value: str) -> Sequence[Action]:
    epoch = as_id(value)
    if epoch is None or epoch > MAX_EPOCH:
        return [ctx.reply(ctx.t("common.choice_expired"))]
    return await post_time(ctx, to_datetime(epoch), "")


async def post_time(ctx: Context, at: datetime, said: str) -> Sequence[Action]:
    """Once, for the channel: a native timestamp each reader sees in their zone, then each member's time."""
    in_channel = await channel_people(ctx, ctx.event.conversation.conversation_id)
    ids = list(dict.fromkeys([ctx.member.account.user_id, *(in_channel or [])]))
    if ctx.event.platform != "shell":  # the shell's channel is everyone Rekan knows: nobody new in it
        await ensure_members(ctx, ids[1:])  # members Rekan has not met start with their profile's zone
    people = await load(ctx, ids[:SHOWN])
    if said:
        head = message_paragraph("meetings.time_head", ctx.locale, said=Emphasis(text=said),
                                 who=ctx.member.display_name, when=Timestamp(instant=at))
    else:  # picked from the readings of an ambiguous phrase
        head = message_paragraph("meetings.time_head_picked", ctx.locale, who=ctx.member.display_name,
                                 when=Timestamp(instant=at))
    lines = []
    local_of: dict[str, str] = {}  # a team has few zones: each written once
    for p in people[:SHOWN]:
        if p.zone is None:
            lines.append(message_paragraph("meetings.time_no_zone", ctx.locale, name=p.name))
            continue
        local = local_of.get(p.zone)
        if local is None:
            local = local_of[p.zone] = format_instant(at, p.zone, ctx.locale, with_utc=False)
        day = at.astimezone(get_zone(p.zone)).date()
        schedule = p.schedule(day, day)  # their days off and their country's public holidays
        days_off = schedule.days_off if schedule else p.member.days_off
        outside = work_state(p.hours, days_off, p.zone, at) is not WorkState.WORKING
        key = "meetings.time_member_outside" if outside else "meetings.time_member"
        lines.append(message_paragraph(key, ctx.locale, name=p.name, zone=p.zone, local=local))
    blocks: tuple[Paragraph | BulletList, ...] = (head, BulletList(items=tuple(lines)))
    return [Send(to=ctx.event.conversation, content=Content(blocks=blocks), thread=ctx.event.thread,
                 visibility=Visibility.PUBLIC, reply_handle=ctx.event.reply_handle)]


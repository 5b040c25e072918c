"""One `/meet` request: its people split by what Rekan knows of them, its days, and shared renderings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.core.actions import AskChoice, Choice, Send, Visibility
from bot.core.commands import Args
from bot.core.content import BulletList, Content, Emphasis, Paragraph, Text, Timestamp
from bot.core.context import Context, message_paragraph
from bot.features.meetings import show
from bot.features.meetings.overlap import Schedule, Span, day_window, to_datetime, to_seconds
from bot.features.meetings.parse import MeetArgs, Problem, parse_meet
from bot.features.meetings.people import Attendee, attendees
from bot.features.meetings.slots import GRID, Slot
from bot.time.format import format_date, format_duration, format_instant, format_time
from bot.time.zones import get_zone

SUGGEST_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class Group:
    """The people of a request split by what Rekan knows of them, and the days asked about."""

    people: list[Attendee]
    """Those with a zone: the engine's input, in the order named."""
    schedules: list[Schedule]
    no_zone: list[Attendee]
    assumed: list[Attendee]
    args: MeetArgs
    k: int


def problem(ctx: Context, found: Problem, example: str) -> Send:
    return ctx.fail(found.key, example=example, **found.values)


async def group(ctx: Context, args: Args, *, wants_minutes: bool, example: str) -> Group | Send:
    parsed = parse_meet(args.text_or("details"), today=show.local_today(ctx), lang=ctx.locale,
                        wants_minutes=wants_minutes)
    if isinstance(parsed, Problem):
        return problem(ctx, parsed, example)
    found = await attendees(ctx, parsed.targets, example)
    if isinstance(found, Send):
        return found
    first = parsed.days.first if parsed.days else show.local_today(ctx)
    last = parsed.days.last if parsed.days else first + timedelta(days=SUGGEST_DAYS)
    people = [p for p in found if p.zone]
    schedules = [s for p in people if (s := p.schedule(first, last)) is not None]
    if len(found) < 2:
        return ctx.fail("meetings.need_two", example=example)
    k = parsed.at_least if parsed.at_least is not None else len(people)
    if people and not 1 <= k <= len(people):
        return ctx.fail("meetings.bad_at_least", example=example, k=k, count=len(people))
    return Group(people=people, schedules=schedules, no_zone=[p for p in found if not p.zone],
                 assumed=[p for p in people if p.assumed], args=parsed, k=k)


async def group_of_two(ctx: Context, args: Args, *, wants_minutes: bool, example: str) -> Group | Send:
    """`group`, refusing a request with fewer than two people Rekan can place in time."""
    g = await group(ctx, args, wants_minutes=wants_minutes, example=example)
    if isinstance(g, Send) or len(g.people) >= 2:
        return g
    return ctx.reply(Content(blocks=(*notes(ctx, g), *ctx.tc("meetings.need_zones").blocks)))


def notes(ctx: Context, g: Group) -> list[Paragraph]:
    """Who is left out (no zone) and whose hours are assumed, so they can fix it."""
    lines: list[Paragraph] = []
    if g.no_zone:
        lines.append(message_paragraph("meetings.no_zone", ctx.locale, names=show.names(g.no_zone)))
    if g.assumed:
        lines.append(message_paragraph("meetings.assumed_hours", ctx.locale, names=show.names(g.assumed)))
    return lines


def suggest_window(ctx: Context, g: Group) -> Span:
    """From now (on the 15-minute grid) for a week, or the days asked for in the speaker's zone."""
    now = -(-to_seconds(ctx.now) // GRID) * GRID
    if g.args.days is None:
        return now, now + SUGGEST_DAYS * 86_400
    window = day_window(show.speaker_zone(ctx), g.args.days.first, g.args.days.last)
    return max(window[0][0], now), window[-1][1]


def slot_lines(ctx: Context, g: Group, slots: Sequence[Slot]) -> BulletList:
    """Each slot as a native timestamp, then everyone's local time, then any nearby clock change."""
    items: list[Paragraph] = []
    for slot in slots:
        start = to_datetime(slot.start)
        inlines: list[Timestamp | Text | Emphasis] = [
            Timestamp(instant=start),
            Text(text=" — " + ctx.t("meetings.available", n=len(slot.available), total=len(g.people)) + ": "),
        ]
        parts = []
        for p in g.people:
            local = format_time(start, p.zone or "UTC", ctx.locale)
            day = format_date(start.astimezone(get_zone(p.zone or "UTC")).date(), ctx.locale).split(",")[0]
            outside = slot.inconvenience.get(p.user_id, 0)
            by = format_duration(timedelta(minutes=outside), ctx.locale)
            extra = " " + ctx.t("meetings.outside_by", by=by) if outside else ""
            parts.append(f"{p.name} {day} {local}{extra}")
        inlines.append(Text(text=" · ".join(parts)))
        for change in slot.changes:
            when = format_instant(to_datetime(change.at), change.zone, ctx.locale, with_utc=False)
            key = "meetings.clocks_forward" if change.shift > 0 else "meetings.clocks_back"
            inlines.append(Text(text=" ⚠ " + ctx.t(key, zone=change.zone, when=when,
                                                    by=format_duration(timedelta(seconds=abs(change.shift)),
                                                                       ctx.locale))))
        items.append(Paragraph(inlines=tuple(inlines)))
    return BulletList(items=tuple(items), numbered=True)


def pick_choices(ctx: Context, slots: Sequence[Slot]) -> tuple[Choice, ...]:
    zone = show.speaker_zone(ctx)
    return tuple(
        Choice(label=format_instant(to_datetime(s.start), zone, ctx.locale, with_utc=False),
               value=str(s.start))
        for s in slots)


def public_ask(ctx: Context, content: Content, choices: Sequence[Choice], key: str) -> AskChoice:
    return AskChoice(to=ctx.event.conversation, prompt=content, choices=tuple(choices), key=key,
                     visibility=Visibility.PUBLIC, reply_handle=ctx.event.reply_handle)



def no_slots(ctx: Context, g: Group, example: str) -> Send:
    """Nothing to offer: with `at least K` say so; otherwise no one at all is in working hours then."""
    if g.args.at_least is not None:
        return ctx.fail("meetings.no_slots", example=example, k=g.k, count=len(g.people))
    return ctx.fail("meetings.no_slots_any", example=example)

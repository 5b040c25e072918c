"""Fair rotation for a recurring meeting: remember who took the inconvenient slots and spare them next.

`/meet suggest 30m @a @b @c weekly` ranks this week's slots with each member's carried burden added to
their inconvenience (minimising the worst total), shows the running tally, and lets a member of the
series pick the week's slot; the pick adds that slot's inconvenience to the tally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from bot.core.actions import Action
from bot.core.commands import as_id
from bot.core.content import Content, Paragraph, Text
from bot.core.context import Context, message_paragraph
from bot.features.meetings import show
from bot.features.meetings.overlap import DAY, Span, to_datetime, to_seconds
from bot.features.meetings.parse import MAX_RANGE_DAYS
from bot.features.meetings.people import Attendee, load
from bot.features.meetings.request import Group, no_slots, pick_choices, public_ask, slot_lines
from bot.features.meetings.slots import GRID, cost_at, rank
from bot.time.format import format_duration, format_instant
from storage.repositories import meetings as repo
from storage.repositories.meetings import Burden, SeriesRecord

SERIES_KEY = "meet.series"


def tally_line(ctx: Context, people: Sequence[Attendee], tally: Mapping[str, Burden]) -> Paragraph:
    """`Running tally: Ayu 3 hours 30 minutes outside hours in 1 meeting · Liam none`, worst first."""
    ranked = sorted(people, key=lambda p: (-tally.get(p.user_id, Burden()).minutes, p.name))
    parts = []
    for p in ranked:
        burden = tally.get(p.user_id, Burden())
        if burden.minutes:
            parts.append(ctx.t("meetings.tally_member", name=p.name, times=burden.times,
                               outside=format_duration(timedelta(minutes=burden.minutes), ctx.locale)))
        else:
            parts.append(ctx.t("meetings.tally_none", name=p.name))
    return Paragraph(inlines=(Text(text=ctx.t("meetings.tally_head") + " " + " · ".join(parts)),))


async def burden_of(ctx: Context, g: Group, minutes: int) -> dict[str, int]:
    """Minutes each member carried so far in this group's recurring meeting (none before the first)."""
    async with ctx.db.read() as s:
        found = await repo.find_series(s, ctx.workspace.id, [p.user_id for p in g.people], minutes)
    return {} if found is None else {user: b.minutes for user, b in found.tally.items()}


async def series_of(ctx: Context, g: Group, minutes: int) -> SeriesRecord:
    """The group's series, started now if this is its first meeting (only once there are slots to offer)."""
    async with ctx.db.session() as s:
        return await repo.series_for(s, ctx.workspace.id, [p.user_id for p in g.people], minutes,
                                     by=ctx.member.account.user_id, now=ctx.now)


async def weekly(ctx: Context, g: Group, minutes: int, window: Span) -> Sequence[Action]:
    slots = rank(g.schedules, window, minutes, at_least=g.k if g.args.at_least else 1,
                 burden=await burden_of(ctx, g, minutes))
    if not slots:
        return [no_slots(ctx, g, "/meet suggest 30m @ayu @liam weekly")]
    series = await series_of(ctx, g, minutes)
    head = message_paragraph("meetings.weekly_head", ctx.locale, names=show.names(g.people),
                             length=format_duration(timedelta(minutes=minutes), ctx.locale))
    blocks = (head, slot_lines(ctx, g, slots), tally_line(ctx, g.people, series.tally),
              message_paragraph("meetings.weekly_pick", ctx.locale))
    return [public_ask(ctx, Content(blocks=blocks), pick_choices(ctx, slots), f"{SERIES_KEY}:{series.id}")]


async def picked(ctx: Context, key: str, value: str) -> Sequence[Action]:
    """A member of the series picked this week's slot: add its inconvenience to the tally."""
    ident = key.removeprefix(SERIES_KEY + ":")
    async with ctx.db.read() as s:
        series_id = as_id(ident)
        series = await repo.series_by_id(s, ctx.workspace.id, series_id) if series_id is not None else None
    if series is None or not _offered(ctx, value):
        return [ctx.reply(ctx.t("common.choice_expired"))]
    if ctx.member.account.user_id not in series.members:
        return [ctx.reply(ctx.t("meetings.not_in_series"))]
    return await record(ctx, series, int(value))


def _offered(ctx: Context, value: str) -> bool:
    """A start Rekan could have offered: on the 15-minute grid, from a day ago to a month ahead."""
    start, now = as_id(value), to_seconds(ctx.now)
    if start is None:
        return False
    return start % GRID == 0 and now - DAY <= start <= now + (MAX_RANGE_DAYS + 1) * DAY


async def record(ctx: Context, series: SeriesRecord, start: int) -> Sequence[Action]:
    people = [p for p in await load(ctx, series.members) if p.zone]
    day = to_datetime(start).date()
    schedules = [sc for p in people if (sc := p.schedule(day - timedelta(days=1), day + timedelta(days=1)))]
    async with ctx.db.session() as s:
        updated = await repo.record_pick(s, ctx.workspace.id, series.id, start,
                                         cost_at(schedules, start, series.minutes), now=ctx.now)
    if updated is None:
        return [ctx.reply(ctx.t("common.choice_expired"))]
    when = format_instant(to_datetime(start), show.speaker_zone(ctx), ctx.locale)
    head = message_paragraph("meetings.weekly_picked", ctx.locale, when=when, who=ctx.member.display_name)
    return [ctx.reply(Content(blocks=(head, tally_line(ctx, people, updated.tally))), ephemeral=False)]

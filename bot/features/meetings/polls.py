"""`/meet poll`: the best slots as buttons in the channel, votes by anyone there, the owner's pick, an invite.

Votes toggle (press again to withdraw). The owner's "Pick" button asks them which slot (with the votes
beside each); `/meet vote 12 2` and `/meet pick 12 2` do the same by text (the shell, or anyone who
prefers typing). The pick posts the result with everyone's local time and an RFC 5545 invitation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from bot.core.actions import Action, Choice, Send, Upload, Visibility
from bot.core.commands import Args, as_id
from bot.core.content import BulletList, Content, Paragraph, Text, Timestamp
from bot.core.context import Context, message_paragraph
from bot.core.identity import ConversationKind, ConversationRef
from bot.features.meetings import show
from bot.features.meetings.overlap import to_datetime
from bot.features.meetings.people import Attendee, load
from bot.features.meetings.request import (
    group_of_two,
    no_slots,
    notes,
    public_ask,
    slot_lines,
    suggest_window,
)
from bot.features.meetings.rotation import burden_of, record, series_of
from bot.features.meetings.slots import rank
from bot.time.format import format_duration, format_instant
from bot.time.zones import get_zone
from storage.repositories import meetings as repo
from storage.repositories.meetings import PollRecord

EXAMPLE_POLL = '/meet poll 30m @ayu @liam within next week "Sprint review"'
EXAMPLE_VOTE = "/meet vote 12 2"
EXAMPLE_PICK = "/meet pick 12 2"
POLL_KEY = "meet.poll"
POLL_SLOTS = 4
"""Four times and the owner's Pick are five buttons: both platforms show more than five as a menu."""
PRODID = "-//Rekan//Meetings//EN"


async def poll_command(ctx: Context, args: Args) -> Sequence[Action]:
    g = await group_of_two(ctx, args, wants_minutes=True, example=EXAMPLE_POLL)
    if isinstance(g, Send):
        return [g]
    minutes = g.args.minutes or 30
    burden = await burden_of(ctx, g, minutes) if g.args.weekly else None
    slots = rank(g.schedules, suggest_window(ctx, g), minutes, at_least=g.k if g.args.at_least else 1,
                 burden=burden, limit=POLL_SLOTS)
    if not slots:
        return [no_slots(ctx, g, EXAMPLE_POLL)]
    series = await series_of(ctx, g, minutes) if g.args.weekly else None
    title = g.args.title or ctx.t("meetings.poll_default_title")
    async with ctx.db.session() as s:
        poll = await repo.insert_poll(s, ctx.workspace.id, conversation=ctx.event.conversation,
                                      owner=ctx.member.account.user_id, title=title, minutes=minutes,
                                      slots=[x.start for x in slots], members=[p.user_id for p in g.people],
                                      series_id=series.id if series else None, now=ctx.now)
    head = message_paragraph("meetings.poll_head", ctx.locale, id=poll.id, title=title,
                             owner=ctx.member.display_name,
                             length=format_duration(timedelta(minutes=minutes), ctx.locale))
    hint = message_paragraph("meetings.poll_hint", ctx.locale, id=poll.id)
    content = Content(blocks=(head, slot_lines(ctx, g, slots), hint, *notes(ctx, g)))
    choices = [Choice(label=ctx.t("meetings.vote_label", n=n), value=f"vote:{n}")
               for n in range(1, len(slots) + 1)]
    choices.append(Choice(label=ctx.t("meetings.pick_label"), value="pick"))
    return [public_ask(ctx, content, choices, f"{POLL_KEY}:{poll.id}")]


async def _poll(ctx: Context, ident: str) -> PollRecord | None:
    poll_id = as_id(ident)
    if poll_id is None:
        return None
    async with ctx.db.read() as s:
        return await repo.poll_by_id(s, ctx.workspace.id, poll_id)


def _slot_number(text: str, poll: PollRecord) -> int | None:
    n = as_id(text)
    return n if n is not None and 1 <= n <= len(poll.slots) else None


def _tally(ctx: Context, poll: PollRecord) -> str:
    return " · ".join(ctx.t("meetings.votes_for", n=n, count=len(poll.voters(n)))
                      for n in range(1, len(poll.slots) + 1))


async def button(ctx: Context, key: str, value: str) -> Sequence[Action]:
    """`meet.poll:<id>` buttons: `vote:<n>` from anyone, `pick` and `pick:<n>` from the owner."""
    poll = await _poll(ctx, key.removeprefix(POLL_KEY + ":"))
    if poll is None:
        return [ctx.reply(ctx.t("common.choice_expired"))]
    verb, _, arg = value.partition(":")
    if verb == "vote":
        return await _vote(ctx, poll, arg)
    if verb == "pick" and not arg:
        return [_ask_pick(ctx, poll)]
    if verb == "pick":
        return await _pick(ctx, poll, arg)
    return [ctx.reply(ctx.t("common.choice_expired"))]


def _poll_and_slot(args: Args) -> tuple[str, str]:
    """`12 2` typed, or the structured `poll` and `slot` options of a slash command."""
    if args.get("poll") is not None:
        slot = args.get("slot")
        return str(args.get("poll")), "" if slot is None else str(slot)
    ident, _, number = args.text.strip().partition(" ")
    return ident.lstrip("#"), number.strip()


async def vote_command(ctx: Context, args: Args) -> Sequence[Action]:
    ident, number = _poll_and_slot(args)
    poll = await _poll(ctx, ident)
    if poll is None:
        return [ctx.fail("meetings.poll_not_found", example=EXAMPLE_VOTE, id=ident[:20])]
    return await _vote(ctx, poll, number)


async def pick_command(ctx: Context, args: Args) -> Sequence[Action]:
    ident, number = _poll_and_slot(args)
    poll = await _poll(ctx, ident)
    if poll is None:
        return [ctx.fail("meetings.poll_not_found", example=EXAMPLE_PICK, id=ident[:20])]
    if not number:
        return [_ask_pick(ctx, poll)]
    return await _pick(ctx, poll, number)


async def _vote(ctx: Context, poll: PollRecord, number: str) -> Sequence[Action]:
    n = _slot_number(number, poll)
    if n is None:
        return [ctx.fail("meetings.bad_slot", example=EXAMPLE_VOTE, count=len(poll.slots))]
    async with ctx.db.session() as s:
        updated = await repo.toggle_vote(s, ctx.workspace.id, poll.id, ctx.member.account.user_id, n,
                                         now=ctx.now)
    if updated is None:
        return [ctx.reply(ctx.t("meetings.poll_closed", id=poll.id))]
    when = format_instant(to_datetime(poll.slots[n - 1]), show.speaker_zone(ctx), ctx.locale, with_utc=False)
    mine = n in updated.votes.get(ctx.member.account.user_id, ())
    key = "meetings.voted" if mine else "meetings.unvoted"
    return [ctx.reply(f"{ctx.t(key, n=n, when=when)}\n{_tally(ctx, updated)}")]


def _ask_pick(ctx: Context, poll: PollRecord) -> Action:
    if ctx.member.account.user_id != poll.owner:
        return ctx.reply(ctx.t("meetings.not_owner"))
    if poll.status != repo.OPEN:
        return ctx.reply(ctx.t("meetings.poll_closed", id=poll.id))
    zone = show.speaker_zone(ctx)
    choices = [Choice(label=ctx.t("meetings.pick_choice", votes=len(poll.voters(n)),
                                  when=format_instant(to_datetime(start), zone, ctx.locale, with_utc=False)),
                      value=f"pick:{n}") for n, start in enumerate(poll.slots, start=1)]
    return ctx.ask(ctx.t("meetings.pick_which", id=poll.id), choices, f"{POLL_KEY}:{poll.id}")


async def _pick(ctx: Context, poll: PollRecord, number: str) -> Sequence[Action]:
    if ctx.member.account.user_id != poll.owner:
        return [ctx.reply(ctx.t("meetings.not_owner"))]
    n = _slot_number(number, poll)
    if n is None:
        return [ctx.fail("meetings.bad_slot", example=EXAMPLE_PICK, count=len(poll.slots))]
    async with ctx.db.session() as s:
        closed = await repo.close_poll(s, ctx.workspace.id, poll.id, n, now=ctx.now)
        series = await repo.series_by_id(s, ctx.workspace.id, poll.series_id) if poll.series_id else None
    if closed is None:
        return [ctx.reply(ctx.t("meetings.poll_closed", id=poll.id))]
    start = poll.slots[n - 1]
    people = await load(ctx, poll.members)
    channel = ConversationRef(platform=ctx.event.platform, workspace_id=ctx.workspace.ref.workspace_id,
                              kind=ConversationKind(poll.conversation_kind), conversation_id=poll.channel_id)
    result = _result(ctx, poll, start, people)
    actions: list[Action] = [Send(to=channel, content=result, visibility=Visibility.PUBLIC)]
    actions.append(Upload(to=channel, filename=f"meeting-{poll.id}.ics", mime_type="text/calendar",
                          data=invitation(poll, start, people, zone=show.speaker_zone(ctx), now=ctx.now),
                          comment=ctx.tc("meetings.ics_comment", title=poll.title)))
    if series is not None:
        actions += await record(ctx, series, start)
    return actions


def _result(ctx: Context, poll: PollRecord, start: int, people: Sequence[Attendee]) -> Content:
    at = to_datetime(start)
    head = message_paragraph("meetings.poll_result", ctx.locale, title=poll.title, when=Timestamp(instant=at),
                             length=format_duration(timedelta(minutes=poll.minutes), ctx.locale))
    lines = [Paragraph(inlines=(Text(text=f"{p.name}: {_local(at, p.zone, ctx.locale)}"),))
             for p in people if p.zone is not None]
    return Content(blocks=(head, BulletList(items=tuple(lines))))


def _local(at: datetime, zone: str, locale: str) -> str:
    return format_instant(at, zone, locale, with_utc=False)


def invitation(poll: PollRecord, start: int, people: Sequence[Attendee], *, zone: str, now: datetime,
               domain: str = "rekan.invalid") -> bytes:
    """RFC 5545: DTSTART/DTEND with the owner's TZID and its VTIMEZONE, so calendars keep the wall time."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{poll.workspace_pk}-{poll.id}@{domain}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", poll.title)
    begins = to_datetime(start).astimezone(get_zone(zone))
    event.add("dtstart", begins)
    event.add("dtend", begins + timedelta(minutes=poll.minutes))
    event.add("description", "\n".join(
        f"{p.name}: {to_datetime(start).astimezone(get_zone(p.zone)):%a %Y-%m-%d %H:%M} {p.zone}"
        for p in people if p.zone))
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())

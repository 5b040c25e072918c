"""`/deadline ics`: the deadlines a member can see as an RFC 5545 calendar, with an alarm per lead time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vRecur

from bot.core.actions import Action, Upload
from bot.core.commands import Args
from bot.core.content import Content
from bot.core.context import Context
from bot.core.identity import ConversationRef, Role
from bot.features.deadlines import service
from bot.time.zones import get_zone
from storage.repositories.deadlines import DeadlineRecord

PRODID = "-//Rekan//Deadlines//EN"


def calendar(items: Sequence[DeadlineRecord], *, now: datetime, domain: str = "rekan.invalid") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for item in items:
        cal.add_component(_event(item, now, domain))
    if any(i.rrule for i in items):
        cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _event(item: DeadlineRecord, now: datetime, domain: str) -> Event:
    event = Event()
    event.add("uid", f"deadline-{item.workspace_pk}-{item.id}@{domain}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", item.title)
    if item.rrule and item.anchor_local:
        # A repeating item keeps its wall time in its own zone, so DTSTART carries the TZID (RFC 5545 3.3.10).
        start = datetime.fromisoformat(item.anchor_local).replace(tzinfo=get_zone(item.zone))
        event.add("dtstart", start)
        event.add("rrule", vRecur.from_ical(item.rrule))
    else:
        start = item.due_at.astimezone(UTC)
        event.add("dtstart", start)
    event.add("duration", timedelta(0))
    event.add("transp", "TRANSPARENT")
    for lead in item.leads:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.title)
        alarm.add("trigger", timedelta(minutes=-lead))
        event.add_component(alarm)
    return event


async def export(ctx: Context, args: Args) -> Sequence[Action]:
    me = ctx.member.account.user_id
    items = await service.visible(
        ctx.db, ctx.workspace.id, me, everything=ctx.member.role.allows(Role.MANAGER)
    )
    if not items:
        return [ctx.reply(ctx.t("deadlines.ics_empty"))]
    data = calendar(items, now=ctx.now)
    comment = Content.text(ctx.t("deadlines.ics_comment", count=len(items)))
    # Always to the member's DM: the file lists what they may see, which a channel may not.
    return [
        Upload(
            to=ConversationRef.dm(ctx.member.account),
            filename="rekan-deadlines.ics",
            data=data,
            mime_type="text/calendar",
            comment=comment,
        )
    ]

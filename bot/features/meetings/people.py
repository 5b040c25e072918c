"""Who a `/meet` command is about, and their working pattern over the days asked about.

The speaker and everyone they name (people, a #channel, a Slack user group or Discord role); with no one
named, the members of the channel it was typed in. Public holidays of a member's country count as days
off, as they do for standups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.actions import Send
from bot.core.context import Context
from bot.core.identity import ConversationKind, DayOff, Member, WorkingHours
from bot.features.deadlines.create import ensure_members
from bot.features.deadlines.parse import Targets
from bot.features.meetings.overlap import Schedule
from bot.features.standups.schedule import holiday_name
from storage.repositories import member_reads

MAX_PEOPLE = 200


@dataclass(frozen=True, kw_only=True)
class Attendee:
    member: Member
    hours: WorkingHours
    """Their own hours, or 09:00–17:00 Monday to Friday when they have set none (`assumed`)."""
    assumed: bool

    @property
    def user_id(self) -> str:
        return self.member.account.user_id

    @property
    def name(self) -> str:
        return self.member.display_name or self.user_id

    @property
    def zone(self) -> str | None:
        return self.member.tz

    def schedule(self, first: date, last: date) -> Schedule | None:
        """Their pattern as the engine reads it (keyed by user id); None without a zone."""
        if self.member.tz is None:
            return None
        holidays = [DayOff(start=d, end=d) for d in _days(first - timedelta(days=1), last + timedelta(days=1))
                    if holiday_name(self.member.country, d)] if self.member.country else []
        return Schedule(name=self.user_id, zone=self.member.tz, hours=self.hours,
                        days_off=(*self.member.days_off, *holidays))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _here(ctx: Context, targets: Targets) -> bool:
    """No one named: the people where the command was typed (a channel; in the shell, everyone)."""
    named = targets.users or targets.roles or targets.channels or targets.myself
    in_channel = ctx.event.conversation.kind is ConversationKind.CHANNEL
    return not named and (in_channel or ctx.event.platform == "shell")


async def _ids(ctx: Context, targets: Targets, example: str) -> list[str] | Send:
    me = ctx.member.account.user_id
    ids: list[str] = [me]
    ids += targets.users
    for role in targets.roles:
        if role == ctx.workspace.ref.workspace_id:  # Discord's @everyone role has the guild's id
            return ctx.fail("meetings.role_everyone", example=example)
        found = await ctx.services.directory.group_members(ctx.workspace.ref, role)
        if found is None:
            return ctx.fail("meetings.roles_unavailable", example=example)
        ids += found
    channels = list(targets.channels)
    if _here(ctx, targets):
        channels.append(ctx.event.conversation.conversation_id)
    for channel in channels:
        in_channel = await channel_people(ctx, channel)
        if in_channel is None:
            return ctx.fail("meetings.channel_unknown", example=example)
        ids += in_channel
    return list(dict.fromkeys(ids))


async def channel_people(ctx: Context, channel: str) -> list[str] | None:
    """Who is in a channel; where the platform cannot tell (the shell), everyone Rekan knows here."""
    found = await ctx.services.directory.channel_members(ctx.workspace.ref, channel)
    if found is not None:
        return list(found)
    if ctx.event.platform != "shell":
        return None
    return await ctx.db.read_with(lambda c: member_reads.user_ids_on(c, ctx.workspace.id))


async def attendees(ctx: Context, targets: Targets, example: str) -> list[Attendee] | Send:
    """The speaker and the people named, loaded with their zones, hours and days off."""
    ids = await _ids(ctx, targets, example)
    if isinstance(ids, Send):
        return ids
    if len(ids) > MAX_PEOPLE:
        return ctx.fail("meetings.too_many", example=example, count=len(ids), max=MAX_PEOPLE)
    missing = await ensure_members(ctx, [u for u in ids if u != ctx.member.account.user_id])
    if missing:
        return ctx.fail("meetings.unknown_member", example=example, value="@" + missing[0])
    return await load(ctx, ids)


async def load(ctx: Context, ids: Sequence[str]) -> list[Attendee]:
    """The people with these ids, in that order (unknown ids left out)."""
    loaded = await ctx.db.read_with(lambda c: member_reads.load_members_on(c, ctx.workspace, ids))
    members = {m.account.user_id: m for m in loaded}
    found = [members[u] for u in ids if u in members]
    return [Attendee(member=m, hours=m.hours or WorkingHours(), assumed=m.hours is None) for m in found]

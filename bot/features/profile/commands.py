"""`/tz`: my zone, local time and hours; set them; days off; someone else's local time now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date

import pytz

from bot.core.actions import Action, Choice, FormField, OpenForm
from bot.core.commands import Args, CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.core.context import Context
from bot.core.identity import Member, WorkingHours
from bot.features.profile import service
from bot.features.profile.parse import Refusal, parse_date_range, parse_hours
from bot.time.format import format_instant, format_minutes_of_day, format_weekdays
from bot.time.workhours import WorkState, work_state
from bot.time.zones import ZoneLookup, get_zone, lookup_zone, utc_offset_label, zone_abbreviation

PICK_KEY = "profile.tz.pick"
SETUP_KEY = "profile.setup"
EXAMPLE_SET = "/tz set Asia/Jakarta"
EXAMPLE_HOURS = "/tz hours 09:00-17:00 Mon-Fri"
EXAMPLE_OFF = "/tz off 2026-12-24..2026-12-26"
EXAMPLE_COUNTRY = "/tz country ID"


def _refuse(ctx: Context, refusal: Refusal, example: str) -> list[Action]:
    return [ctx.fail(refusal.key, example=example, **refusal.values)]


def _zone_line(ctx: Context, zone: str) -> str:
    abbr, offset = zone_abbreviation(zone, ctx.now), utc_offset_label(zone, ctx.now)
    local = format_instant(ctx.now, zone, ctx.locale, with_utc=False)
    if abbr == offset:  # a zone without a letter abbreviation (Kathmandu) is named by its offset once
        return ctx.t("profile.zone_line_offset", zone=zone, offset=offset, local=local)
    return ctx.t("profile.zone_line", zone=zone, abbr=abbr, offset=offset, local=local)


def _hours_line(ctx: Context, hours: WorkingHours | None) -> str:
    if hours is None:
        return ctx.t("profile.hours_not_set", example=EXAMPLE_HOURS)
    key = "profile.hours_line_overnight" if hours.crosses_midnight else "profile.hours_line"
    return ctx.t(key, start=format_minutes_of_day(hours.start_minute, ctx.locale),
                 end=format_minutes_of_day(hours.end_minute, ctx.locale),
                 days=format_weekdays(hours.workdays, ctx.locale))


def _days_off_line(ctx: Context, member: Member) -> str | None:
    upcoming = [d for d in member.days_off if d.end >= ctx.now.date()]
    if not upcoming:
        return None
    spans = ", ".join(d.start.isoformat() if d.start == d.end else f"{d.start}..{d.end}" for d in upcoming)
    return ctx.t("profile.days_off_line", spans=spans)


async def show(ctx: Context, args: Args) -> Sequence[Action]:
    target = args.mentions() or ([str(args.get("member"))] if args.get("member") else [])
    if target:
        return await _show_other(ctx, target[0])
    if args.text.strip():
        return await _show_by_name(ctx, args.text.strip())
    if ctx.member.tz is None:
        return [ctx.fail("profile.zone_not_set", example=EXAMPLE_SET)]
    return [ctx.reply("\n".join(summary_lines(ctx)))]


def summary_lines(ctx: Context) -> list[str]:
    """Zone and local time, hours, coming days off: what `/tz` and the home view show."""
    member = ctx.member
    if member.tz is None:
        return [ctx.t("profile.zone_not_set"), ctx.t("common.example", example=EXAMPLE_SET)]
    off = _days_off_line(ctx, member)
    return [_zone_line(ctx, member.tz), _hours_line(ctx, member.hours), *([off] if off else [])]


async def _show_by_name(ctx: Context, name: str) -> Sequence[Action]:
    found = await service.find_by_name(ctx.db, ctx.workspace.id, name.lstrip("@"))
    if len(found) == 1:
        return [ctx.reply(_describe_other(ctx, found[0]))]
    return [ctx.fail("profile.who_unknown", example="/tz @ayu", value=name)]


async def _show_other(ctx: Context, user_id: str) -> Sequence[Action]:
    other = await service.load_member(ctx.db, ctx.workspace.id, user_id)
    if other is None:
        return [ctx.fail("profile.who_unknown", example="/tz @ayu", value=user_id)]
    return [ctx.reply(_describe_other(ctx, other))]


def _describe_other(ctx: Context, other: Member) -> str:
    if other.tz is None:
        return ctx.t("profile.who_no_zone", name=other.display_name)
    local = format_instant(ctx.now, other.tz, ctx.locale, with_utc=False)
    head = ctx.t("profile.who", name=other.display_name, local=local, zone=other.tz)
    if other.hours is None:
        return f"{head}\n{ctx.t('profile.who_no_hours')}"
    state = work_state(other.hours, other.days_off, other.tz, ctx.now)
    return f"{head}\n{ctx.t('profile.who_' + state.value)}"


async def set_zone(ctx: Context, args: Args) -> Sequence[Action]:
    text = args.text_or("zone")
    if not text:
        return [ctx.fail("profile.set_usage", example=EXAMPLE_SET)]
    found = lookup_zone(text, at=ctx.now)
    if found.status == "found" and found.zone:
        await service.set_zone(ctx.db, ctx.member, found.zone)
        return [ctx.reply(_zone_done(ctx, found.zone, found, text))]
    if found.status in ("ambiguous", "suggest") and found.candidates:
        key = "profile.set_ambiguous" if found.status == "ambiguous" else "profile.set_suggest"
        choices = [Choice(label=c.label, value=c.zone) for c in found.candidates]
        return [ctx.ask(ctx.t(key, value=text[:60]), choices, PICK_KEY)]
    return [ctx.fail("profile.set_unknown", example=EXAMPLE_SET, value=text[:60])]


def _zone_done(ctx: Context, zone: str, found: ZoneLookup | None = None, text: str = "") -> str:
    line = ctx.t("profile.set_done", line=_zone_line(ctx, zone))
    if found is not None and found.note in ("fixed_offset", "abbreviation_dst"):
        line += "\n" + ctx.t(f"profile.note_{found.note}", value=text[:60],
                             abbr=zone_abbreviation(zone, ctx.now))
    return line


async def picked_zone(ctx: Context, value: str) -> Sequence[Action]:
    await service.set_zone(ctx.db, ctx.member, value)
    return [ctx.reply(_zone_done(ctx, value))]


async def set_hours(ctx: Context, args: Args) -> Sequence[Action]:
    text = args.text_or("hours")
    if not text:
        return [ctx.fail("profile.hours_usage", example=EXAMPLE_HOURS)]
    current = ctx.member.hours.workdays if ctx.member.hours else None
    hours = parse_hours(text, current)
    if isinstance(hours, Refusal):
        return _refuse(ctx, hours, EXAMPLE_HOURS)
    await service.set_hours(ctx.db, ctx.member, hours)
    reply = ctx.t("profile.hours_done", line=_hours_line(ctx, hours))
    if ctx.member.tz is None:
        reply += "\n" + ctx.t("profile.zone_not_set_hint", example=EXAMPLE_SET)
    return [ctx.reply(reply)]


async def days_off(ctx: Context, args: Args) -> Sequence[Action]:
    text = args.text_or("dates")
    today = _local_today(ctx)
    if not text:
        line = _days_off_line(ctx, ctx.member)
        return [ctx.reply(line or ctx.t("profile.off_none", example=EXAMPLE_OFF))]
    head, _, rest = text.partition(" ")
    if head.lower() in ("remove", "hapus", "clear"):
        span = parse_date_range(rest, today)
        if isinstance(span, Refusal):
            return _refuse(ctx, span, "/tz off remove 2026-12-24..2026-12-26")
        count = await service.remove_days_off(ctx.db, ctx.member, span.start, span.end)
        return [ctx.reply(ctx.t("profile.off_removed", count=count))]
    span = parse_date_range(text, today)
    if isinstance(span, Refusal):
        return _refuse(ctx, span, EXAMPLE_OFF)
    await service.add_days_off(ctx.db, ctx.member, span)
    label = span.start.isoformat() if span.start == span.end else f"{span.start}..{span.end}"
    return [ctx.reply(ctx.t("profile.off_done", span=label))]


def _local_today(ctx: Context) -> date:
    """The member's date today: a day off "today" is the day it is where they are."""
    zone = get_zone(ctx.member.tz) if ctx.member.tz else UTC
    return ctx.now.astimezone(zone).date()


async def set_country(ctx: Context, args: Args) -> Sequence[Action]:
    text = args.text_or("country").strip()
    code = _country_code(text)
    if code is None:
        return [ctx.fail("profile.country_unknown", example=EXAMPLE_COUNTRY, value=text[:60])]
    await service.set_country(ctx.db, ctx.member, code)
    return [ctx.reply(ctx.t("profile.country_done", country=pytz.country_names[code.lower()], code=code))]


def _country_code(text: str) -> str | None:
    lowered = text.lower()
    if lowered in pytz.country_names:
        return lowered.upper()
    for code, name in pytz.country_names.items():
        if name.lower() == lowered:
            return str(code).upper()
    return None


def _setup_form(ctx: Context, zone: str | None, hours: str | None,
                errors: Sequence[tuple[str, str]] = ()) -> OpenForm:
    fields = [
        FormField(key="zone", label=ctx.t("profile.setup_zone"), initial=zone, hint=EXAMPLE_SET[8:]),
        FormField(key="hours", label=ctx.t("profile.setup_hours"), initial=hours, hint=EXAMPLE_HOURS[10:]),
    ]
    return ctx.form(ctx.t("profile.setup_title"), fields, SETUP_KEY, errors=errors)


async def setup(ctx: Context, args: Args) -> Sequence[Action]:
    """The same profile as a form, for people who prefer filling fields to typing commands."""
    hours = ctx.member.hours
    initial_hours = None
    if hours is not None:
        initial_hours = (f"{format_minutes_of_day(hours.start_minute, 'en')}-"
                         f"{format_minutes_of_day(hours.end_minute, 'en')} "
                         f"{format_weekdays(hours.workdays, 'en')}")
    return [_setup_form(ctx, ctx.member.tz, initial_hours)]


async def setup_submitted(ctx: Context, values: Mapping[str, str]) -> Sequence[Action]:
    """Validate every field first, so a refused form writes nothing and keeps what was typed."""
    errors: list[tuple[str, str]] = []
    zone_text, hours_text = values.get("zone", ""), values.get("hours", "")
    found = lookup_zone(zone_text, at=ctx.now)
    if found.status != "found" or not found.zone:
        errors.append(("zone", ctx.t("profile.set_unknown", value=zone_text[:60])))
    current = ctx.member.hours.workdays if ctx.member.hours else None
    hours = parse_hours(hours_text, current)
    if isinstance(hours, Refusal):
        errors.append(("hours", ctx.t(hours.key, **hours.values)))
    if errors:
        return [_setup_form(ctx, zone_text or None, hours_text or None, errors)]
    assert found.zone and isinstance(hours, WorkingHours)
    await service.set_zone(ctx.db, ctx.member, found.zone)
    await service.set_hours(ctx.db, ctx.member, hours)
    return [ctx.reply(ctx.t("profile.setup_done") + "\n" + _zone_line(ctx, found.zone) + "\n"
                      + _hours_line(ctx, hours))]


TZ = CommandSpec(
    name="tz",
    help_key="commands.tz",
    default="show",
    subcommands=(
        SubcommandSpec(name="show", help_key="commands.tz_show", example="/tz @ayu", handler=show,
                       options=(OptionSpec(name="member", type=OptionType.MEMBER,
                                           help_key="commands.opt_member"),)),
        SubcommandSpec(name="set", help_key="commands.tz_set", example=EXAMPLE_SET, handler=set_zone,
                       options=(OptionSpec(name="zone", help_key="commands.opt_zone", required=True,
                                           rest=True, autocomplete="zone"),)),
        SubcommandSpec(name="hours", help_key="commands.tz_hours", example=EXAMPLE_HOURS, handler=set_hours,
                       aliases=("jam",),
                       options=(OptionSpec(name="hours", help_key="commands.opt_hours", required=True,
                                           rest=True),)),
        SubcommandSpec(name="off", help_key="commands.tz_off", example=EXAMPLE_OFF, handler=days_off,
                       aliases=("libur",),
                       options=(OptionSpec(name="dates", help_key="commands.opt_dates", rest=True),)),
        SubcommandSpec(name="country", help_key="commands.tz_country", example=EXAMPLE_COUNTRY,
                       handler=set_country, aliases=("negara",),
                       options=(OptionSpec(name="country", help_key="commands.opt_country", required=True,
                                           rest=True),)),
        SubcommandSpec(name="setup", help_key="commands.tz_setup", example="/tz setup", handler=setup,
                       opens_form=True),
    ),
)

__all__ = ["PICK_KEY", "SETUP_KEY", "TZ", "WorkState", "picked_zone", "setup_submitted"]

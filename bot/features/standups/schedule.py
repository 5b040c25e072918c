"""When a standup asks whom: each member's local time or one zone, their workdays, days off and holidays."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from bot.core.identity import Member
from bot.time.phrases.resolve import at_wall
from bot.time.workhours import is_day_off
from bot.time.zones import get_zone
from storage.repositories.standups import MEMBER_TIME, StandupRecord


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:  # a country the library does not know: no holidays rather than a crash
        return None


def holiday_name(country: str | None, day: date) -> str | None:
    """The public holiday on that day in the member's country (the `holidays` library), if any."""
    if not country:
        return None
    found = _holidays(country.upper(), day.year)
    name = found.get(day) if found is not None else None
    return str(name) if name else None


def absence(member: Member | None, day: date) -> str | None:
    """Why a member is not asked on a day: "day_off" (vacation, day off), a holiday's name, or None."""
    if member is None:
        return None
    if is_day_off(day, member.days_off):
        return "day_off"
    return holiday_name(member.country, day)


def zone_of(standup: StandupRecord, member: Member | None) -> str:
    """Each member's own zone in member-time mode (the standup's until they set one); else the team's."""
    if standup.time_mode == MEMBER_TIME and member is not None and member.tz:
        return member.tz
    return standup.zone


def works_on(standup: StandupRecord, member: Member | None, day: date) -> bool:
    """A standup day that is also one of the member's workdays (Sun–Thu: asked Sunday, not Friday)."""
    if day.weekday() not in standup.days:
        return False
    return member is None or member.hours is None or day.weekday() in member.hours.workdays


def clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


def prompt_at(standup: StandupRecord, member: Member | None, day: date) -> datetime:
    """09:30 on the member's own date in their zone (a DST change keeps it 09:30), or the team's."""
    return at_wall(day, clock(standup.prompt_minute), zone_of(standup, member))


def report_at(
    standup: StandupRecord, day: date, members: Mapping[str, Member] | None = None
) -> datetime | None:
    """The report's instant for a day; None when answers are posted as they arrive.

    One zone for the team: report time in that zone. Each member's local time: report time in the zone
    where it comes last, so a Jakarta–New York team's Monday report waits for New York's Monday.
    """
    if standup.report_minute is None:
        return None
    zones = {standup.zone}
    if standup.time_mode == MEMBER_TIME and members:
        zones |= {zone_of(standup, members.get(u)) for u in standup.members}
    return max(at_wall(day, clock(standup.report_minute), zone) for zone in zones)


def local_days(start: datetime, end: datetime, zone: str) -> list[date]:
    """Every local date in `zone` that `[start, end)` touches, with a day of margin either side."""
    tz = get_zone(zone)
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]

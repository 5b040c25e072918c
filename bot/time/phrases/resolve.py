"""Wall time to instants (RFC 5545 gap and fold rules), the 5-year horizon, and zones named in a phrase."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from bot.time.zones import get_zone, is_valid_zone, lookup_zone

HORIZON_YEARS = 5

_ABBREVIATIONS: dict[str, tuple[str, str]] = {
    "pt": ("America/Los_Angeles", ""), "pst": ("America/Los_Angeles", "std"),
    "pdt": ("America/Los_Angeles", "dst"), "mt": ("America/Denver", ""), "mst": ("America/Denver", "std"),
    "mdt": ("America/Denver", "dst"), "ct": ("America/Chicago", ""), "cst": ("America/Chicago", "std"),
    "cdt": ("America/Chicago", "dst"), "et": ("America/New_York", ""), "est": ("America/New_York", "std"),
    "edt": ("America/New_York", "dst"), "wib": ("Asia/Jakarta", ""), "wita": ("Asia/Makassar", ""),
    "wit": ("Asia/Jayapura", ""), "utc": ("UTC", ""), "gmt": ("UTC", ""),
}  # fmt: skip
_ABBREVIATION = re.compile(rf"\b({'|'.join(_ABBREVIATIONS)})\b(?: time)?")
_OFFSET = re.compile(r"\b((?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?)(?![\d:])")
_IANA = re.compile(r"\b([a-z]+(?:/[a-z0-9_+-]+)+)\b(?: time)?")
_CITY = re.compile(r"\b((?:[a-z]+ ){0,2}[a-z]+) time\b|\bwaktu ((?:[a-z]+ ){0,2}[a-z]+)$")


@dataclass(frozen=True, kw_only=True)
class NamedZone:
    """A zone written in the phrase, and whether it was a standard- or daylight-time abbreviation."""

    zone: str
    season: str = ""  # "std" (PST), "dst" (PDT) or "" (PT, WIB, a city)


def localise(wall: datetime, zone: str) -> datetime:
    """Naive wall time to an aware instant: a gap moves forward by its length, a fold means the first one."""
    tz = get_zone(zone)
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def at_wall(day: date, clock: time, zone: str) -> datetime:
    """The instant of a date and a wall-clock time in zone."""
    return localise(datetime.combine(day, clock), zone)


def horizon(now: datetime) -> datetime:
    """The latest instant Rekan accepts: five years from now."""
    return now + relativedelta(years=HORIZON_YEARS)


def season_note(named: NamedZone | None, at: datetime) -> tuple[str, ...]:
    """'3pm PST' said in July is Pacific time; tell the user the abbreviation was off season."""
    if named is None or not named.season:
        return ()
    in_dst = bool(at.dst())
    if named.season == "std" and in_dst:
        return ("time.note_pst_in_summer",)
    if named.season == "dst" and not in_dst:
        return ("time.note_pdt_in_winter",)
    return ()


def _city_words(words: str, now: datetime) -> tuple[str, int] | None:
    """The zone of a city or IANA name and how many words named it (the last one, two, then three)."""
    parts = words.split()
    for size in range(1, len(parts) + 1):
        found = lookup_zone(" ".join(parts[-size:]), at=now)
        if found.status == "found" and found.zone is not None and is_valid_zone(found.zone):
            return found.zone, size
    return None


def _city_zone(words: str, now: datetime) -> str | None:
    found = _city_words(words, now)
    return None if found is None else found[0]


def take_zone(text: str, now: datetime) -> tuple[NamedZone | None, str]:
    """Take a zone named in the phrase out of it: UTC±HH:MM, abbreviations, IANA names, '<city> time'."""
    match = _OFFSET.search(text)
    if match is not None:
        offset = lookup_zone(match.group(1).replace(" ", ""), at=now)
        if offset.status == "found" and offset.zone is not None and is_valid_zone(offset.zone):
            return NamedZone(zone=offset.zone), _cut(text, match)
    match = _ABBREVIATION.search(text)
    if match is not None:
        zone, season = _ABBREVIATIONS[match.group(1)]
        return NamedZone(zone=zone, season=season), _cut(text, match)
    match = _IANA.search(text)
    if match is not None:
        iana = _city_zone(match.group(1), now)
        if iana is not None:
            return NamedZone(zone=iana), _cut(text, match)
    match = _CITY.search(text)
    if match is not None and match.group(1):
        found = _city_words(match.group(1), now)
        if found is not None:
            # Only the words that named the city go: in "at 3 pm berlin time", "at 3 pm" is the clock.
            kept = " ".join(match.group(1).split()[: -found[1]])
            rest = f"{text[: match.start()]} {kept} {text[match.end() :]}"
            return NamedZone(zone=found[0]), " ".join(rest.split())
    if match is not None and match.group(2):
        city = _city_zone(match.group(2), now)
        if city is not None:
            return NamedZone(zone=city), _cut(text, match)
    return None, text


def _cut(text: str, match: re.Match[str]) -> str:
    """The text with the match removed."""
    return f"{text[: match.start()]} {text[match.end() :]}".strip()


def add_days_wall(at: datetime, days: int, zone: str) -> datetime:
    """Days keep the wall-clock time (DST-correct): same local time, a different date."""
    wall = at.astimezone(get_zone(zone)).replace(tzinfo=None)
    return localise(wall + timedelta(days=days), zone)

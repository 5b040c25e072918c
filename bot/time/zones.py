"""Zone lookup and conversion: the one module that turns what people type into IANA zone names.

Arithmetic uses the standard library's ``zoneinfo`` backed by the pinned ``tzdata`` package. pytz is
used only as the catalogue (country names, country zones, common zone names); see docs TIME.md.

Decisions worth knowing:

- ``CET``/``CEST`` and ``EET``/``EEST`` name a rule shared by many countries, not a place, so they are
  *ambiguous*: the user picks a city. ``IST`` (India, Ireland, Israel) is ambiguous too.
- The abbreviations ``ET``, ``MT`` and ``PT`` mean US Eastern, Mountain and Pacific time, although they
  are also the ISO codes of Ethiopia, Malta and Portugal, and ``LA`` is Los Angeles, not Laos (type the
  country name for those).
- An offset with whole hours (``UTC+7``) becomes ``Etc/GMT-7``. An offset with minutes (``UTC+05:45``)
  becomes the zone(s) on that offset all year; if none, zones on that offset at ``at`` are *suggested*
  (``UTC+12:45`` in July suggests Pacific/Chatham); if none either, it is unknown.
- Countries with several zones are grouped by their UTC offsets on 15 January and 15 July; each group
  is shown by its first zone in pytz order, or by a better-known city of the group where one is listed
  in ``_PREFERRED``, so Australia offers Sydney rather than Antarctica/Macquarie.
- Old aliases (``Asia/Calcutta``, ``US/Pacific``) are answered with the zone of a country that tzdata
  stores with identical rules (``Asia/Kolkata``, ``America/Los_Angeles``).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import importlib.resources
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources.abc import Traversable
from typing import Literal
from zoneinfo import ZoneInfo

import pytz

__all__ = [
    "UnknownZoneError",
    "ZoneCandidate",
    "ZoneLookup",
    "get_zone",
    "is_valid_zone",
    "local_now",
    "lookup_zone",
    "utc_offset_label",
    "zone_abbreviation",
]

LookupStatus = Literal["found", "ambiguous", "suggest", "unknown"]
AbbreviationKind = Literal["standard", "daylight", "generic"]

MAX_INPUT_LENGTH = 100
MAX_SUGGESTIONS = 3
FUZZY_CUTOFF = 0.75
_MIN_FUZZY_LENGTH = 4
_FUZZY_MARGIN = 0.1
_SHORT_WORD = 5  # a short word needs a closer match: "Mars" is not "Madras", "Berln" is "Berlin"
_SHORT_WORD_CUTOFF = 0.85
_MAX_OFFSET = timedelta(hours=14)
_MIN_OFFSET = timedelta(hours=-12)

NOTE_ABBREVIATION_DST = "abbreviation_dst"
NOTE_FIXED_OFFSET = "fixed_offset"
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})


class UnknownZoneError(ValueError):
    """Raised when a name is not an IANA zone name known to the pinned tzdata."""


@dataclass(frozen=True, kw_only=True)
class ZoneCandidate:
    """One zone offered to the user, with the label to show for it."""

    zone: str
    label: str


@dataclass(frozen=True, kw_only=True)
class ZoneLookup:
    """A reading of typed zone text: found, ambiguous (pick one), suggest (did you mean) or unknown."""

    status: LookupStatus
    zone: str | None = None
    candidates: tuple[ZoneCandidate, ...] = ()
    note: str | None = None


_UNKNOWN = ZoneLookup(status="unknown")


# ---------------------------------------------------------------------------------------------------------
# Zones and conversion
# ---------------------------------------------------------------------------------------------------------


class _PinnedZone(ZoneInfo):
    """A ZoneInfo read from the pinned tzdata package, never from the system's (possibly older) files."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        """Pickle by key, and unpickle through get_zone so the pinned rules come back."""
        return (get_zone, (self.key,))


def _tzdata_resource(name: str) -> Traversable:
    """The pinned tzdata package's file for a zone name."""
    resource = importlib.resources.files("tzdata.zoneinfo")
    for part in name.split("/"):
        resource = resource / part
    return resource


@functools.cache
def _available_zones() -> frozenset[str]:
    """Every zone name the pinned tzdata package ships (its own list, not the system's)."""
    listed = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(name for name in listed if name not in _NOT_ZONES)


def is_valid_zone(name: str) -> bool:
    """True when name is exactly an IANA zone name in the pinned tzdata (case-sensitive)."""
    return isinstance(name, str) and name in _available_zones()


@functools.cache
def get_zone(name: str) -> ZoneInfo:
    """The zone for an exact IANA name from the pinned tzdata; raises UnknownZoneError for anything else.

    ``ZoneInfo(name)`` would read /usr/share/zoneinfo first when it exists, which can hold older rules
    than the pinned package (TIME.md), so the file is read from the tzdata package explicitly.
    """
    if not is_valid_zone(name):
        raise UnknownZoneError(f"not an IANA time zone: {name!r}")
    with _tzdata_resource(name).open("rb") as data:
        return _PinnedZone.from_file(data, key=name)


def _require_aware(at: datetime) -> None:
    """Reject naive datetimes: an instant without a zone is a bug waiting to happen."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got naive {at!r}")


def local_now(zone: str, at: datetime) -> datetime:
    """The aware instant at, converted to the zone's local time."""
    _require_aware(at)
    return at.astimezone(get_zone(zone))


def _format_offset(offset: timedelta) -> str:
    """'UTC+07:00', 'UTC-03:30', 'UTC' for zero (seconds shown only for historical local mean time)."""
    if not offset:
        return "UTC"
    sign = "-" if offset < timedelta(0) else "+"
    total = abs(int(offset.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    label = f"UTC{sign}{hours:02d}:{minutes:02d}"
    return f"{label}:{seconds:02d}" if seconds else label


def _offset_at(zone: str, at: datetime) -> timedelta:
    """The zone's UTC offset at the instant at."""
    offset = local_now(zone, at).utcoffset()
    assert offset is not None  # a ZoneInfo always answers for an aware instant
    return offset


def utc_offset_label(zone: str, at: datetime) -> str:
    """The zone's offset at the instant at: 'UTC+07:00', 'UTC+05:45', 'UTC-03:30', or 'UTC' for zero."""
    return _format_offset(_offset_at(zone, at))


def zone_abbreviation(zone: str, at: datetime) -> str:
    """tzdata's abbreviation at at ('WIB', 'CET', 'EST'), or the offset label where tzdata has '+0545'."""
    name = local_now(zone, at).tzname() or ""
    if not name or name[0] in "+-" or name[0].isdigit():
        return utc_offset_label(zone, at)
    return name


# ---------------------------------------------------------------------------------------------------------
# Static tables
# ---------------------------------------------------------------------------------------------------------

UTC_ZONE = "UTC"
_UTC_WORDS = frozenset({"utc", "gmt", "z", "zulu", "utc+0", "utc-0", "gmt+0", "gmt-0", "utc0", "gmt0"})

_INDONESIA: tuple[ZoneCandidate, ...] = (
    ZoneCandidate(zone="Asia/Jakarta", label="WIB — Asia/Jakarta"),
    ZoneCandidate(zone="Asia/Makassar", label="WITA — Asia/Makassar"),
    ZoneCandidate(zone="Asia/Jayapura", label="WIT — Asia/Jayapura"),
)


@dataclass(frozen=True, kw_only=True)
class _Abbreviation:
    """A zone abbreviation people type, the zone(s) it stands for and whether it names DST."""

    kind: AbbreviationKind
    candidates: tuple[ZoneCandidate, ...]


def _abbr(kind: AbbreviationKind, *pairs: tuple[str, str]) -> _Abbreviation:
    """Build an abbreviation entry from (zone, label) pairs."""
    return _Abbreviation(kind=kind, candidates=tuple(ZoneCandidate(zone=z, label=lb) for z, lb in pairs))


def _one(kind: AbbreviationKind, zone: str) -> _Abbreviation:
    """An abbreviation that stands for exactly one zone."""
    return _abbr(kind, (zone, zone))


_CET = (
    ("Europe/Berlin", "Germany — Europe/Berlin"),
    ("Europe/Paris", "France — Europe/Paris"),
    ("Europe/Rome", "Italy — Europe/Rome"),
    ("Europe/Madrid", "Spain — Europe/Madrid"),
    ("Europe/Warsaw", "Poland — Europe/Warsaw"),
    ("Europe/Amsterdam", "Netherlands — Europe/Amsterdam"),
)
_EET = (
    ("Europe/Athens", "Greece — Europe/Athens"),
    ("Europe/Bucharest", "Romania — Europe/Bucharest"),
    ("Europe/Helsinki", "Finland — Europe/Helsinki"),
    ("Europe/Kyiv", "Ukraine — Europe/Kyiv"),
    ("Africa/Cairo", "Egypt — Africa/Cairo"),
)

_ABBREVIATIONS: Mapping[str, _Abbreviation] = {
    "WIB": _Abbreviation(kind="generic", candidates=_INDONESIA[:1]),
    "WITA": _Abbreviation(kind="generic", candidates=_INDONESIA[1:2]),
    "WIT": _Abbreviation(kind="generic", candidates=_INDONESIA[2:]),
    "PT": _one("generic", "America/Los_Angeles"),
    "PST": _one("standard", "America/Los_Angeles"),
    "PDT": _one("daylight", "America/Los_Angeles"),
    "MT": _one("generic", "America/Denver"),
    "MST": _one("standard", "America/Denver"),
    "MDT": _one("daylight", "America/Denver"),
    "CT": _one("generic", "America/Chicago"),
    "CST": _one("standard", "America/Chicago"),
    "CDT": _one("daylight", "America/Chicago"),
    "ET": _one("generic", "America/New_York"),
    "EST": _one("standard", "America/New_York"),
    "EDT": _one("daylight", "America/New_York"),
    "AKST": _one("standard", "America/Anchorage"),
    "AKDT": _one("daylight", "America/Anchorage"),
    "HST": _one("generic", "Pacific/Honolulu"),
    "BST": _one("daylight", "Europe/London"),
    "CET": _abbr("standard", *_CET),
    "CEST": _abbr("daylight", *_CET),
    "EET": _abbr("standard", *_EET),
    "EEST": _abbr("daylight", *_EET),
    "MSK": _one("generic", "Europe/Moscow"),
    "IST": _abbr(
        "generic",
        ("Asia/Kolkata", "India — Asia/Kolkata"),
        ("Europe/Dublin", "Ireland — Europe/Dublin"),
        ("Asia/Jerusalem", "Israel — Asia/Jerusalem"),
    ),
    "JST": _one("generic", "Asia/Tokyo"),
    "KST": _one("generic", "Asia/Seoul"),
    "HKT": _one("generic", "Asia/Hong_Kong"),
    "SGT": _one("generic", "Asia/Singapore"),
    "AET": _one("generic", "Australia/Sydney"),
    "AEST": _one("standard", "Australia/Sydney"),
    "AEDT": _one("daylight", "Australia/Sydney"),
    "AWST": _one("generic", "Australia/Perth"),
    "NZT": _one("generic", "Pacific/Auckland"),
    "NZST": _one("standard", "Pacific/Auckland"),
    "NZDT": _one("daylight", "Pacific/Auckland"),
}

# Big cities that are not the last part of an IANA name (keys are normalised: see _normalize).
_CITY_ALIASES: Mapping[str, str] = {
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "madras": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "pune": "Asia/Kolkata",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "washington d.c.": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "philadelphia": "America/New_York",
    "nyc": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "salt lake city": "America/Denver",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "bali": "Asia/Makassar",
    "denpasar": "Asia/Makassar",
    "surabaya": "Asia/Jakarta",
    "bandung": "Asia/Jakarta",
    "yogyakarta": "Asia/Jakarta",
    "jogja": "Asia/Jakarta",
    "semarang": "Asia/Jakarta",
    "medan": "Asia/Jakarta",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "hcmc": "Asia/Ho_Chi_Minh",
    "hanoi": "Asia/Bangkok",
    "abu dhabi": "Asia/Dubai",
    "jeddah": "Asia/Riyadh",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "geneva": "Europe/Zurich",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "canberra": "Australia/Sydney",
    "wellington": "Pacific/Auckland",
    "rio de janeiro": "America/Sao_Paulo",
    "rio": "America/Sao_Paulo",
    "ottawa": "America/Toronto",
    "montreal": "America/Toronto",
    "calgary": "America/Edmonton",
}

# Country names people use that differ from pytz's names (keys are normalised).
_COUNTRY_ALIASES: Mapping[str, str] = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "the united states": "US",
    "uk": "GB",
    "u.k.": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "korea": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "uae": "AE",
    "czechia": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "ivory coast": "CI",
    "turkiye": "TR",
    "russian federation": "RU",
    "viet nam": "VN",
    "drc": "CD",
    "dr congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "vatican": "VA",
    "macedonia": "MK",
    "swaziland": "SZ",
    "eswatini": "SZ",
    "burma": "MM",
    "cabo verde": "CV",
    "samoa": "WS",
    "american samoa": "AS",
    "east timor": "TL",
    "timor leste": "TL",
}

# Better-known cities: preferred within a country's group of zones with the same offsets, and listed
# first among the zones on an offset.
_PREFERRED = frozenset(
    {
        "Australia/Sydney",
        "Australia/Adelaide",
        "America/Sao_Paulo",
        "America/Manaus",
        "America/Rio_Branco",
        "Europe/Samara",
        "Asia/Yakutsk",
        "Asia/Krasnoyarsk",
        "Asia/Kolkata",
        "Asia/Yangon",
    }
)

# Last parts of legacy alias names that are not places people would type as a city.
_ALIAS_CITY_STOPLIST = frozenset(
    {"north", "south", "west", "east", "virgin", "knox in", "act", "lhi", "comodrivadavia", "porto acre"}
)
_CONTINENTS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian"}
    | {"Pacific"}
)


# ---------------------------------------------------------------------------------------------------------
# Normalisation and tables built once
# ---------------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\r\n,;:!?\"'`()[]"


def _normalize(text: str) -> str:
    """Casefold, drop accents, underscores as spaces, single spaces, no spaces around '/'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("_", " ").replace("’", "'").replace("‘", "'").replace("−", "-").replace("–", "-")
    plain = _SPACES.sub(" ", plain.casefold()).strip(_EDGE_PUNCTUATION)
    return plain.replace(" / ", "/").replace("/ ", "/").replace(" /", "/")


def _zone_key(zone: str) -> str:
    """The normalised key of an IANA name: 'America/New_York' -> 'america/new york'."""
    return _normalize(zone)


def _city_key(zone: str) -> str:
    """The normalised city part of an IANA name: 'America/Argentina/Buenos_Aires' -> 'buenos aires'."""
    return _normalize(zone.rsplit("/", 1)[-1])


@functools.cache
def _country_zones() -> frozenset[str]:
    """Zones that pytz lists for some country: the canonical, present-day names."""
    return frozenset(zone for zones in pytz.country_timezones.values() for zone in zones)


def present_day_zones() -> frozenset[str]:
    """The zones a person would pick from: those some country uses today."""
    return _country_zones()


def _zone_digest(zone: str) -> str:
    """A digest of the zone's tzdata file; links are stored as identical copies."""
    return hashlib.sha1(_tzdata_resource(zone).read_bytes(), usedforsecurity=False).hexdigest()


@functools.cache
def _canonical_names() -> Mapping[str, str]:
    """Every tzdata name -> the name to answer with (aliases -> the country zone with identical rules)."""
    names = sorted(_available_zones())
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_zone_digest(name), []).append(name)
    country_zones = _country_zones()
    utc_digests = {_zone_digest("UTC"), _zone_digest("GMT")}
    canonical: dict[str, str] = {}
    for digest, members in groups.items():
        in_country = [m for m in members if m in country_zones]
        for name in members:
            if name in country_zones:
                canonical[name] = name
            elif digest in utc_digests:
                canonical[name] = UTC_ZONE
            elif len(in_country) == 1:
                canonical[name] = in_country[0]
            else:
                canonical[name] = name
    return canonical


@dataclass(frozen=True, kw_only=True)
class _Tables:
    """Lookup tables, built once: IANA names, countries, cities and the fuzzy vocabulary."""

    zones: Mapping[str, str]
    countries: Mapping[str, str]
    cities: Mapping[str, str]
    fuzzy_words: tuple[str, ...]


def _country_table() -> dict[str, str]:
    """Normalised country names (pytz's, without parentheses, and common aliases) -> ISO code."""
    table: dict[str, str] = {}
    dropped: set[str] = set()
    for code, name in pytz.country_names.items():
        if code not in pytz.country_timezones:
            continue
        full = _normalize(name)
        table[full] = code
        table[full.replace("&", "and")] = code
        short = _normalize(name.split("(", 1)[0])
        if short in table and table[short] != code:
            dropped.add(short)
        table.setdefault(short, code)
        if full.startswith("st "):
            table["saint " + full[3:]] = code
    for word in dropped:
        table.pop(word, None)
    table.update(_COUNTRY_ALIASES)
    return table


def _city_table(canonical: Mapping[str, str]) -> dict[str, str]:
    """Normalised city names -> zone: catalogue cities, then legacy alias cities, then the alias table."""
    cities: dict[str, str] = {}
    for zone in sorted(_country_zones()):
        cities.setdefault(_city_key(zone), zone)
    country_zones = _country_zones()
    for name, target in sorted(canonical.items()):
        city = _city_key(name)
        if "/" not in name or name.split("/", 1)[0] not in _CONTINENTS or city in _ALIAS_CITY_STOPLIST:
            continue
        if target in country_zones:
            cities.setdefault(city, target)
    cities.update(_CITY_ALIASES)
    return cities


@functools.cache
def _tables() -> _Tables:
    """Build every lookup table once."""
    canonical = _canonical_names()
    zones = {_zone_key(name): target for name, target in canonical.items()}
    countries = _country_table()
    cities = _city_table(canonical)
    words = {w for w in zones if "/" in w} | {w for w in (*countries, *cities) if len(w) >= _MIN_FUZZY_LENGTH}
    return _Tables(zones=zones, countries=countries, cities=cities, fuzzy_words=tuple(sorted(words)))


# ---------------------------------------------------------------------------------------------------------
# Readings
# ---------------------------------------------------------------------------------------------------------


def _found(zone: str, note: str | None = None) -> ZoneLookup:
    """A single answer."""
    return ZoneLookup(status="found", zone=zone, note=note)


def _choices(candidates: tuple[ZoneCandidate, ...], note: str | None = None) -> ZoneLookup:
    """One candidate is an answer; several are a question."""
    if len(candidates) == 1:
        return _found(candidates[0].zone, note)
    return ZoneLookup(status="ambiguous", candidates=candidates, note=note)


def _plain(zone: str) -> ZoneCandidate:
    """A candidate labelled with its IANA name."""
    return ZoneCandidate(zone=zone, label=zone)


def _seasonal_offsets(zone: str, year: int) -> tuple[timedelta, timedelta]:
    """The zone's offsets on 15 January and 15 July of year (noon UTC)."""
    return (
        _offset_at(zone, datetime(year, 1, 15, 12, tzinfo=UTC)),
        _offset_at(zone, datetime(year, 7, 15, 12, tzinfo=UTC)),
    )


@functools.cache
def _country_candidates(code: str, year: int) -> tuple[ZoneCandidate, ...]:
    """A country's zones, one per distinct pair of January/July offsets, in pytz order."""
    if code == "ID":
        return _INDONESIA
    groups: dict[tuple[timedelta, timedelta], str] = {}
    for zone in pytz.country_timezones[code]:
        key = _seasonal_offsets(zone, year)
        if key not in groups or (zone in _PREFERRED and groups[key] not in _PREFERRED):
            groups[key] = zone
    return tuple(_plain(zone) for zone in groups.values())


_OFFSET = re.compile(r"(?:(utc|gmt)\s*)?([+-])\s*(\d{1,2})(?:\s*[:.]?\s*(\d{2}))?")


def _parse_offset(key: str) -> timedelta | None:
    """'utc+7', 'gmt-03:30', '+05:45', 'utc+0545' -> the offset; None when key is not an offset."""
    match = _OFFSET.fullmatch(key)
    if match is None:
        return None
    _, sign, hours, minutes = match.groups()
    if minutes is not None and int(minutes) >= 60:
        return None
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return -offset if sign == "-" else offset


@functools.cache
def _fixed_offset_zones() -> tuple[str, ...]:
    """Catalogue zones considered for offsets: common, present-day names in a region."""
    return tuple(z for z in pytz.common_timezones if z in _country_zones())


@functools.cache
def _year_round_zones(offset: timedelta, year: int) -> tuple[str, ...]:
    """Catalogue zones on offset on both 15 January and 15 July of year."""
    return tuple(z for z in _fixed_offset_zones() if _seasonal_offsets(z, year) == (offset, offset))


def _zones_on_offset_at(offset: timedelta, at: datetime) -> tuple[str, ...]:
    """Catalogue zones whose offset at the instant at is offset."""
    return tuple(z for z in _fixed_offset_zones() if _offset_at(z, at) == offset)


def _prominent_first(zones: tuple[str, ...]) -> tuple[str, ...]:
    """Better-known zones first (Asia/Kolkata before Asia/Colombo), otherwise catalogue order."""
    return tuple(sorted(zones, key=lambda zone: zone not in _PREFERRED))


def _lookup_offset(offset: timedelta, at: datetime) -> ZoneLookup:
    """Whole hours -> Etc/GMT∓N; minutes -> zones on that offset all year, else those on it at at."""
    if offset < _MIN_OFFSET or offset > _MAX_OFFSET:
        return _UNKNOWN
    if not offset:
        return _found(UTC_ZONE)
    seconds = int(offset.total_seconds())
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return _found(f"Etc/GMT{-hours:+d}", NOTE_FIXED_OFFSET)
    year_round = _prominent_first(_year_round_zones(offset, at.year))
    if year_round:
        return _choices(tuple(_plain(z) for z in year_round), NOTE_FIXED_OFFSET)
    current = _prominent_first(_zones_on_offset_at(offset, at))
    if current:
        return ZoneLookup(status="suggest", candidates=tuple(_plain(z) for z in current[:MAX_SUGGESTIONS]))
    return _UNKNOWN


def _abbreviation_note(entry: _Abbreviation, at: datetime) -> str | None:
    """'abbreviation_dst' when a standard abbreviation is used in DST, or a DST one in standard time."""
    if entry.kind == "generic":
        return None
    in_dst = bool(local_now(entry.candidates[0].zone, at).dst())
    return NOTE_ABBREVIATION_DST if in_dst != (entry.kind == "daylight") else None


def _lookup_abbreviation(word: str, at: datetime) -> ZoneLookup | None:
    """Zone abbreviations: WIB/WITA/WIT always, others only where they name one zone (or ask)."""
    entry = _ABBREVIATIONS.get(word.upper())
    if entry is None:
        return None
    return _choices(entry.candidates, _abbreviation_note(entry, at))


def _fixed_note(zone: str) -> str | None:
    """Typed Etc/GMT±N names are fixed offsets too."""
    return NOTE_FIXED_OFFSET if zone.startswith("Etc/GMT") and zone[7:] else None


def _exact(key: str, at: datetime) -> ZoneLookup | None:
    """Everything that is not a typo: UTC words, offsets, IANA names, abbreviations, countries, cities."""
    tables = _tables()
    if key in _UTC_WORDS:
        return _found(UTC_ZONE)
    offset = _parse_offset(key)
    if offset is not None:
        return _lookup_offset(offset, at)
    if "/" in key and key in tables.zones:
        zone = tables.zones[key]
        return _found(zone, _fixed_note(zone))
    abbreviation = _lookup_abbreviation(key, at)
    if abbreviation is not None:
        return abbreviation
    if key in _CITY_ALIASES:  # before ISO codes: "LA" is Los Angeles, not Laos
        return _found(_CITY_ALIASES[key])
    if key.upper() in pytz.country_timezones:
        return _choices(_country_candidates(key.upper(), at.year))
    if key in tables.countries:
        return _choices(_country_candidates(tables.countries[key], at.year))
    if key in tables.cities:
        return _found(tables.cities[key])
    if key in tables.zones:  # legacy single-word names: Japan, Eire, PRC, Navajo, EST5EDT
        return _found(tables.zones[key])
    return None


def _target_candidates(word: str, at: datetime) -> tuple[ZoneCandidate, ...]:
    """The zone(s) a vocabulary word stands for."""
    reading = _exact(word, at)
    if reading is None:
        return ()
    if reading.zone is not None:
        return (_plain(reading.zone),)
    return reading.candidates


def _similarity(key: str, word: str) -> float:
    """difflib's similarity ratio, measured the way get_close_matches measures it."""
    return difflib.SequenceMatcher(None, word, key).ratio()


@functools.lru_cache(maxsize=4096)
def _close_words(key: str) -> tuple[str, ...]:
    """Up to three vocabulary words close to key, leaving out any clearly worse than the best one.

    Remembered: comparing a word with every zone and city name takes milliseconds, and phrases repeat."""
    cutoff = FUZZY_CUTOFF if len(key) > _SHORT_WORD else _SHORT_WORD_CUTOFF
    words = difflib.get_close_matches(key, _tables().fuzzy_words, n=MAX_SUGGESTIONS, cutoff=cutoff)
    if not words:
        return ()
    best = _similarity(key, words[0])
    return tuple(word for word in words if _similarity(key, word) >= best - _FUZZY_MARGIN)


def _suggest(key: str, at: datetime) -> ZoneLookup:
    """Did you mean: up to three zones whose names are close to key."""
    if len(key) < _MIN_FUZZY_LENGTH:
        return _UNKNOWN
    picked: list[ZoneCandidate] = []
    for word in _close_words(key):
        candidates = [c for c in _target_candidates(word, at) if c.zone not in {p.zone for p in picked}]
        if len(picked) + len(candidates) <= MAX_SUGGESTIONS:
            picked.extend(candidates)
    if not picked:
        return _UNKNOWN
    return ZoneLookup(status="suggest", candidates=tuple(picked))


def lookup_zone(text: str, *, at: datetime | None = None) -> ZoneLookup:
    """Read a zone as people type it; `at` (aware) dates offsets and abbreviations, default now."""
    if at is not None:
        _require_aware(at)
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        return _UNKNOWN
    key = _normalize(text)
    if not key:
        return _UNKNOWN
    reference = at if at is not None else datetime.now(UTC)
    try:
        return _exact(key, reference) or _suggest(key, reference)
    except OverflowError:  # a reference instant at the very ends of datetime's range
        return _UNKNOWN

"""How Rekan reads a zone that a person types, and how it converts instants (see TIME.md, "Zones")."""

from __future__ import annotations

import importlib.resources
import pickle
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.time.zones import (
    UnknownZoneError,
    ZoneCandidate,
    ZoneLookup,
    get_zone,
    is_valid_zone,
    local_now,
    lookup_zone,
    utc_offset_label,
    zone_abbreviation,
)

# Mid-January and mid-July 2026: northern winter / southern summer, and the reverse.
JAN = datetime(2026, 1, 15, 12, tzinfo=UTC)
JUL = datetime(2026, 7, 15, 12, tzinfo=UTC)


def found(text: str, at: datetime = JAN) -> str:
    """The zone lookup_zone found for text, asserting that it found one."""
    result = lookup_zone(text, at=at)
    assert result.status == "found" and result.zone is not None, result
    return result.zone


def zones_of(result: ZoneLookup) -> list[str]:
    return [candidate.zone for candidate in result.candidates]


# --- IANA names ------------------------------------------------------------------------------------------


def test_iana_name_is_found() -> None:
    assert lookup_zone("Asia/Jakarta", at=JAN) == ZoneLookup(status="found", zone="Asia/Jakarta")


@pytest.mark.parametrize("text", ["asia/jakarta", "ASIA/JAKARTA", "  Asia/Jakarta  ", "Asia / Jakarta"])
def test_iana_name_ignores_case_and_spaces(text: str) -> None:
    assert found(text) == "Asia/Jakarta"


def test_three_part_iana_name() -> None:
    assert found("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"


def test_iana_name_with_spaces_for_underscores() -> None:
    assert found("asia/ho chi minh") == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("US/Pacific", "America/Los_Angeles"),
        ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Saigon", "Asia/Ho_Chi_Minh"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Asia/Katmandu", "Asia/Kathmandu"),
    ],
)
def test_old_alias_is_answered_with_the_current_name(alias: str, canonical: str) -> None:
    assert found(alias) == canonical


def test_every_catalogue_zone_name_is_found_as_itself() -> None:
    zones = {zone for zones in pytz.country_timezones.values() for zone in zones}
    wrong = {zone: lookup_zone(zone, at=JAN).zone for zone in zones if lookup_zone(zone, at=JAN).zone != zone}
    assert wrong == {}


# --- Cities ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Jakarta", "Asia/Jakarta"),
        ("new york", "America/New_York"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Ho Chi Minh", "Asia/Ho_Chi_Minh"),
        ("London", "Europe/London"),
        ("Kathmandu", "Asia/Kathmandu"),
        ("Dubai", "Asia/Dubai"),
        ("Riyadh", "Asia/Riyadh"),
        ("Lord Howe", "Australia/Lord_Howe"),
        ("Chatham", "Pacific/Chatham"),
        ("Makassar", "Asia/Makassar"),
        ("Saigon", "Asia/Ho_Chi_Minh"),
        ("Kiev", "Europe/Kyiv"),
    ],
)
def test_city_from_the_iana_catalogue(text: str, zone: str) -> None:
    assert found(text) == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Bangalore", "Asia/Kolkata"),
        ("Bengaluru", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("Chennai", "Asia/Kolkata"),
        ("Hyderabad", "Asia/Kolkata"),
        ("San Francisco", "America/Los_Angeles"),
        ("Seattle", "America/Los_Angeles"),
        ("LA", "America/Los_Angeles"),
        ("Washington", "America/New_York"),
        ("Boston", "America/New_York"),
        ("Miami", "America/New_York"),
        ("Beijing", "Asia/Shanghai"),
        ("Munich", "Europe/Berlin"),
        ("Frankfurt", "Europe/Berlin"),
        ("Hamburg", "Europe/Berlin"),
        ("Bali", "Asia/Makassar"),
        ("Denpasar", "Asia/Makassar"),
        ("Surabaya", "Asia/Jakarta"),
        ("Bandung", "Asia/Jakarta"),
        ("Yogyakarta", "Asia/Jakarta"),
    ],
)
def test_big_city_missing_from_iana_names(text: str, zone: str) -> None:
    assert found(text) == zone


def test_la_is_los_angeles_and_laos_is_laos() -> None:
    assert (found("LA"), found("Laos")) == ("America/Los_Angeles", "Asia/Vientiane")


# --- Countries -------------------------------------------------------------------------------------------


def test_indonesia_asks_wib_wita_wit() -> None:
    assert lookup_zone("Indonesia", at=JAN) == ZoneLookup(
        status="ambiguous",
        candidates=(
            ZoneCandidate(zone="Asia/Jakarta", label="WIB — Asia/Jakarta"),
            ZoneCandidate(zone="Asia/Makassar", label="WITA — Asia/Makassar"),
            ZoneCandidate(zone="Asia/Jayapura", label="WIT — Asia/Jayapura"),
        ),
    )


def test_indonesia_by_iso_code_asks_the_same() -> None:
    assert lookup_zone("ID", at=JAN) == lookup_zone("indonesia", at=JAN)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Germany", "Europe/Berlin"),
        ("DE", "Europe/Berlin"),
        ("de", "Europe/Berlin"),
        ("India", "Asia/Kolkata"),
    ],
)
def test_country_with_one_zone_is_found(text: str, zone: str) -> None:
    assert found(text) == zone


US_CHOICES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Adak",
    "Pacific/Honolulu",
]


@pytest.mark.parametrize("text", ["US", "USA", "United States", "united states of america"])
def test_united_states_offers_one_zone_per_offset_pair_in_pytz_order(text: str) -> None:
    result = lookup_zone(text, at=JAN)
    assert result.status == "ambiguous"
    assert zones_of(result) == US_CHOICES
    assert result.candidates[0].label == "America/New_York"


@pytest.mark.parametrize("text", ["UK", "United Kingdom", "Britain", "GB", "England"])
def test_united_kingdom_names_are_london(text: str) -> None:
    assert found(text) == "Europe/London"


def test_australia_offers_sydney_rather_than_macquarie() -> None:
    result = lookup_zone("Australia", at=JAN)
    assert result.status == "ambiguous"
    assert "Australia/Sydney" in zones_of(result)
    assert "Antarctica/Macquarie" not in zones_of(result)


@pytest.mark.parametrize(
    ("text", "zones"),
    [
        ("Spain", ["Europe/Madrid", "Atlantic/Canary"]),
        ("Portugal", ["Europe/Lisbon", "Atlantic/Azores"]),
        ("New Zealand", ["Pacific/Auckland", "Pacific/Chatham"]),
    ],
)
def test_country_with_zones_on_different_offsets_asks(text: str, zones: list[str]) -> None:
    result = lookup_zone(text, at=JAN)
    assert (result.status, zones_of(result)) == ("ambiguous", zones)


def test_every_country_code_and_name_gives_loadable_zones() -> None:
    for code, name in pytz.country_names.items():
        if code not in pytz.country_timezones:
            continue
        for text in (code, name):
            result = lookup_zone(text, at=JAN)
            assert result.status in {"found", "ambiguous"}, (text, result)
            for zone in [result.zone, *zones_of(result)]:
                if zone is not None:
                    get_zone(zone)


# --- UTC and offsets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["UTC", "utc", "GMT", "Z", "Etc/UTC", "UTC+0", "+00:00"])
def test_utc_words_are_utc(text: str) -> None:
    assert lookup_zone(text, at=JAN) == ZoneLookup(status="found", zone="UTC")


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("UTC+07:00", "Etc/GMT-7"),
        ("UTC+7", "Etc/GMT-7"),
        ("+7", "Etc/GMT-7"),
        ("utc + 7", "Etc/GMT-7"),
        ("GMT-3", "Etc/GMT+3"),
        ("UTC−05:00", "Etc/GMT+5"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC-12:00", "Etc/GMT+12"),
    ],
)
def test_whole_hour_offset_is_an_etc_zone_with_inverted_sign(text: str, zone: str) -> None:
    assert lookup_zone(text, at=JAN) == ZoneLookup(status="found", zone=zone, note="fixed_offset")


@pytest.mark.parametrize("text", ["+05:45", "UTC+0545", "UTC+05:45", "GMT+5:45"])
def test_kathmandu_offset_is_kathmandu(text: str) -> None:
    assert lookup_zone(text, at=JAN) == ZoneLookup(status="found", zone="Asia/Kathmandu", note="fixed_offset")


def test_india_offset_asks_kolkata_or_colombo() -> None:
    result = lookup_zone("UTC+05:30", at=JAN)
    assert (result.status, zones_of(result), result.note) == (
        "ambiguous",
        ["Asia/Kolkata", "Asia/Colombo"],
        "fixed_offset",
    )


@pytest.mark.parametrize("text", ["UTC+15", "UTC-13", "UTC+14:30", "GMT-12:30", "UTC+7:75"])
def test_offset_beyond_the_earth_is_unknown(text: str) -> None:
    assert lookup_zone(text, at=JAN).status == "unknown"


def test_newfoundland_offset_is_suggested_only_while_in_force() -> None:
    winter = lookup_zone("GMT-03:30", at=JAN)
    assert (winter.status, zones_of(winter)) == ("suggest", ["America/St_Johns"])
    assert lookup_zone("GMT-03:30", at=JUL).status == "unknown"  # St John's is on -02:30 in July


def test_chatham_offset_follows_its_dst() -> None:
    assert zones_of(lookup_zone("UTC+12:45", at=JUL)) == ["Pacific/Chatham"]
    assert zones_of(lookup_zone("UTC+13:45", at=JAN)) == ["Pacific/Chatham"]
    assert lookup_zone("UTC+12:45", at=JAN).status == "unknown"


def test_lord_howe_ten_thirty_is_winter_only() -> None:
    july = lookup_zone("UTC+10:30", at=JUL)
    assert (july.status, zones_of(july)) == ("suggest", ["Australia/Lord_Howe"])
    january = lookup_zone("UTC+10:30", at=JAN)  # in January +10:30 is Adelaide's daylight time
    assert zones_of(january) == ["Australia/Adelaide", "Australia/Broken_Hill"]


# --- Abbreviations ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [("WIB", "Asia/Jakarta"), ("wita", "Asia/Makassar"), ("WIT", "Asia/Jayapura"), ("Wib", "Asia/Jakarta")],
)
def test_indonesian_abbreviations_are_always_unambiguous(text: str, zone: str) -> None:
    for at in (JAN, JUL):
        assert lookup_zone(text, at=at) == ZoneLookup(status="found", zone=zone)


def test_pst_in_january_is_pacific_time_without_note() -> None:
    assert lookup_zone("PST", at=JAN) == ZoneLookup(status="found", zone="America/Los_Angeles")


def test_pst_in_july_is_pacific_time_with_note() -> None:
    assert lookup_zone("PST", at=JUL) == ZoneLookup(
        status="found", zone="America/Los_Angeles", note="abbreviation_dst"
    )


@pytest.mark.parametrize(
    ("text", "zone", "at"),
    [
        ("EST", "America/New_York", JUL),
        ("CST", "America/Chicago", JUL),
        ("MST", "America/Denver", JUL),
        ("AEST", "Australia/Sydney", JAN),
        ("NZST", "Pacific/Auckland", JAN),
        ("PDT", "America/Los_Angeles", JAN),
        ("EDT", "America/New_York", JAN),
        ("BST", "Europe/London", JAN),
        ("AEDT", "Australia/Sydney", JUL),
    ],
)
def test_abbreviation_in_the_other_season_is_read_with_a_note(text: str, zone: str, at: datetime) -> None:
    assert lookup_zone(text, at=at) == ZoneLookup(status="found", zone=zone, note="abbreviation_dst")


@pytest.mark.parametrize(
    ("text", "zone", "at"),
    [
        ("EST", "America/New_York", JAN),
        ("AEST", "Australia/Sydney", JUL),
        ("NZDT", "Pacific/Auckland", JAN),
        ("BST", "Europe/London", JUL),
        ("PT", "America/Los_Angeles", JUL),
        ("ET", "America/New_York", JAN),
        ("CT", "America/Chicago", JUL),
        ("MT", "America/Denver", JAN),
        ("JST", "Asia/Tokyo", JUL),
        ("SGT", "Asia/Singapore", JAN),
        ("HKT", "Asia/Hong_Kong", JAN),
    ],
)
def test_abbreviation_in_its_own_season_has_no_note(text: str, zone: str, at: datetime) -> None:
    assert lookup_zone(text, at=at) == ZoneLookup(status="found", zone=zone)


def test_ist_is_ambiguous_india_ireland_israel() -> None:
    result = lookup_zone("IST", at=JAN)
    assert result.status == "ambiguous"
    assert zones_of(result) == ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]
    assert [c.label for c in result.candidates] == [
        "India — Asia/Kolkata",
        "Ireland — Europe/Dublin",
        "Israel — Asia/Jerusalem",
    ]


def test_cet_names_a_rule_not_a_place_so_it_asks() -> None:
    result = lookup_zone("CET", at=JAN)
    assert result.status == "ambiguous"
    assert zones_of(result)[:2] == ["Europe/Berlin", "Europe/Paris"]
    assert result.candidates[0].label == "Germany — Europe/Berlin"


def test_cest_in_winter_asks_with_a_note() -> None:
    assert lookup_zone("CEST", at=JAN).note == "abbreviation_dst"


@pytest.mark.parametrize(("code", "country"), [("ET", "Ethiopia"), ("MT", "Malta"), ("PT", "Portugal")])
def test_us_abbreviations_win_over_iso_codes_but_country_names_work(code: str, country: str) -> None:
    assert found(code).startswith("America/")
    assert lookup_zone(country, at=JAN).status in {"found", "ambiguous"}
    assert lookup_zone(country, at=JAN).zone != found(code)


# --- Typos and garbage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Jakrta", "Asia/Jakarta"),
        ("Berln", "Europe/Berlin"),
        ("new yrok", "America/New_York"),
        ("Bengalore", "Asia/Kolkata"),
        ("Asia/Jakrta", "Asia/Jakarta"),
        ("Germny", "Europe/Berlin"),
        ("Pari", "Europe/Paris"),
        ("Delh", "Asia/Kolkata"),
    ],
)
def test_typo_suggests_the_close_name(text: str, zone: str) -> None:
    result = lookup_zone(text, at=JAN)
    assert result.status == "suggest"
    assert result.zone is None
    assert zones_of(result)[0] == zone
    assert len(result.candidates) <= 3


def test_country_typo_suggests_its_zones() -> None:
    assert zones_of(lookup_zone("Indonesa", at=JAN)) == ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


@pytest.mark.parametrize(
    "text", ["Mars", "Moon", "xyzzy", "qwertyuiop", "9", "7pm", "abc", "Factory", "localtime", "???"]
)
def test_nothing_close_is_unknown(text: str) -> None:
    assert lookup_zone(text, at=JAN) == ZoneLookup(status="unknown")


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00", "/", "+", "UTC+", "𝔍𝔞𝔨𝔞𝔯𝔱𝔞 " * 3])
def test_empty_and_odd_text_is_unknown(text: str) -> None:
    assert lookup_zone(text, at=JAN).status in {"unknown", "suggest"}


def test_text_over_one_hundred_characters_is_refused() -> None:
    assert lookup_zone("Jakarta" + " " * 100, at=JAN).status == "unknown"


def test_a_million_characters_is_unknown_at_once() -> None:
    started = time.perf_counter()
    assert lookup_zone("Jakarta " * 125_000, at=JAN).status == "unknown"
    assert time.perf_counter() - started < 0.05


def test_lookup_takes_microseconds_once_tables_are_built() -> None:
    lookup_zone("Jakarta", at=JAN)
    started = time.perf_counter()
    for _ in range(1000):
        lookup_zone("Jakarta", at=JAN)
    assert time.perf_counter() - started < 0.1


def test_naive_reference_instant_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        lookup_zone("PST", at=datetime(2026, 7, 1, 12))


@pytest.mark.parametrize("at", [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)])
@pytest.mark.parametrize("text", ["AEST", "PST", "UTC+10:30", "GMT-03:30", "Australia", "Jakarta"])
def test_reference_instant_at_the_ends_of_time_never_raises(text: str, at: datetime) -> None:
    assert lookup_zone(text, at=at).status in {"found", "ambiguous", "suggest", "unknown"}


def test_without_reference_instant_lookup_still_answers() -> None:
    assert lookup_zone("Jakarta").zone == "Asia/Jakarta"


_VOCABULARY = ["Jakarta", "UTC+05:45", "PST", "Indonesia", "Asia/Kolkata", "IST", "+7", "New York", "Berln"]


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=120),
        st.from_regex(r"(UTC|GMT)?\s?[+\-−]\s?\d{1,3}(:?\d{1,3})?", fullmatch=True),
        st.builds(lambda w, junk: w + junk, st.sampled_from(_VOCABULARY), st.text(max_size=3)),
    ),
    at=st.datetimes(timezones=st.just(UTC)),
)
def test_lookup_never_raises_and_answers_within_bounds(text: str, at: datetime) -> None:
    result = lookup_zone(text, at=at)
    assert result.status in {"found", "ambiguous", "suggest", "unknown"}
    if result.status == "found":
        assert result.zone is not None and is_valid_zone(result.zone)
        assert result.candidates == ()
    else:
        assert result.zone is None
    if result.status == "ambiguous":
        assert len(result.candidates) >= 2
    if result.status == "suggest":
        assert 1 <= len(result.candidates) <= 3
    if result.status == "unknown":
        assert result.candidates == () and result.note is None
    assert all(is_valid_zone(candidate.zone) for candidate in result.candidates)
    assert result.note in {None, "fixed_offset", "abbreviation_dst"}


# --- Zones and conversion --------------------------------------------------------------------------------


def test_get_zone_returns_the_named_zone_and_caches_it() -> None:
    zone = get_zone("Asia/Jakarta")
    assert zone.key == "Asia/Jakarta"
    assert get_zone("Asia/Jakarta") is zone


@pytest.mark.parametrize(
    "name", ["asia/jakarta", "Jakarta", "", "Not/AZone", "../etc/passwd", "localtime", "WIB"]
)
def test_get_zone_refuses_what_is_not_an_exact_iana_name(name: str) -> None:
    with pytest.raises(UnknownZoneError):
        get_zone(name)
    assert not is_valid_zone(name)


def test_get_zone_accepts_aliases_and_fixed_offset_zones() -> None:
    assert is_valid_zone("Asia/Calcutta") and is_valid_zone("Etc/GMT-7") and is_valid_zone("UTC")


def test_zones_come_from_the_pinned_tzdata_package_not_the_system() -> None:
    """System tz data can be older (2025b and 2026f disagree about Morocco): we always read the package."""
    with importlib.resources.files("tzdata.zoneinfo").joinpath("Africa", "Casablanca").open("rb") as data:
        pinned = ZoneInfo.from_file(data, key="Africa/Casablanca")
    zone = get_zone("Africa/Casablanca")
    for day in range(0, 3 * 365, 3):
        instant = datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=day)
        assert instant.astimezone(zone).utcoffset() == instant.astimezone(pinned).utcoffset(), instant


def test_pickled_zone_comes_back_as_the_pinned_zone() -> None:
    zone = get_zone("Europe/Berlin")
    assert pickle.loads(pickle.dumps(zone)) is zone


@pytest.mark.parametrize(
    ("zone", "at", "label"),
    [
        ("Asia/Jakarta", JAN, "UTC+07:00"),
        ("Asia/Kathmandu", JAN, "UTC+05:45"),
        ("America/St_Johns", JAN, "UTC-03:30"),
        ("America/St_Johns", JUL, "UTC-02:30"),
        ("UTC", JAN, "UTC"),
        ("Europe/London", JAN, "UTC"),
        ("Europe/London", JUL, "UTC+01:00"),
        ("America/New_York", JAN, "UTC-05:00"),
        ("America/New_York", JUL, "UTC-04:00"),
        ("Australia/Sydney", JAN, "UTC+11:00"),
        ("Australia/Sydney", JUL, "UTC+10:00"),
        ("Australia/Lord_Howe", JAN, "UTC+11:00"),
        ("Australia/Lord_Howe", JUL, "UTC+10:30"),
        ("Pacific/Chatham", JAN, "UTC+13:45"),
        ("Pacific/Chatham", JUL, "UTC+12:45"),
        ("Etc/GMT+12", JAN, "UTC-12:00"),
    ],
)
def test_utc_offset_label_is_for_the_actual_instant(zone: str, at: datetime, label: str) -> None:
    assert utc_offset_label(zone, at) == label


@pytest.mark.parametrize(
    ("zone", "at", "abbreviation"),
    [
        ("Asia/Jakarta", JAN, "WIB"),
        ("Asia/Makassar", JAN, "WITA"),
        ("Asia/Jayapura", JAN, "WIT"),
        ("Europe/Berlin", JAN, "CET"),
        ("Europe/Berlin", JUL, "CEST"),
        ("America/New_York", JAN, "EST"),
        ("America/New_York", JUL, "EDT"),
        ("Europe/London", JAN, "GMT"),
        ("Europe/London", JUL, "BST"),
        ("Asia/Kathmandu", JAN, "UTC+05:45"),
        ("Asia/Singapore", JAN, "UTC+08:00"),
        ("Australia/Lord_Howe", JUL, "UTC+10:30"),
        ("Etc/GMT-7", JAN, "UTC+07:00"),
        ("UTC", JAN, "UTC"),
    ],
)
def test_zone_abbreviation_is_tzdata_or_the_offset(zone: str, at: datetime, abbreviation: str) -> None:
    assert zone_abbreviation(zone, at) == abbreviation


def test_local_now_converts_an_instant_to_the_zone() -> None:
    local = local_now("Asia/Jakarta", datetime(2026, 11, 30, 2, tzinfo=UTC))
    assert (local.hour, local.minute, local.utcoffset()) == (9, 0, timedelta(hours=7))
    assert local.tzinfo is get_zone("Asia/Jakarta")


def test_local_now_across_new_york_spring_forward() -> None:
    before = local_now("America/New_York", datetime(2026, 3, 8, 6, 59, tzinfo=UTC))
    after = local_now("America/New_York", datetime(2026, 3, 8, 7, 0, tzinfo=UTC))
    assert (before.strftime("%H:%M %Z"), after.strftime("%H:%M %Z")) == ("01:59 EST", "03:00 EDT")


def test_local_now_across_london_fall_back_repeats_the_hour() -> None:
    first = local_now("Europe/London", datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    second = local_now("Europe/London", datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    assert (first.strftime("%H:%M %Z"), second.strftime("%H:%M %Z")) == ("01:30 BST", "01:30 GMT")


def test_local_now_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_now("Asia/Jakarta", datetime(2026, 11, 30, 9))

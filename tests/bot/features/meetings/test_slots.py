"""Ranking meeting start times (slots.py), the engine behind `/meet suggest` and `/meet poll`.

A slot is *available* to a member who works through all of it; their *inconvenience* is how far the slot
reaches outside their hours, in minutes. Slots rank by most people available, then the kindest worst
case, then the kindest total, then the earliest; for a recurring meeting each member's carried burden
comes first (fair rotation). Everyone works 09:00–17:00 Monday to Friday unless said otherwise; in
December Jakarta is UTC+7, London UTC+0 and New York UTC−5.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.identity import WorkingHours
from bot.features.meetings.overlap import DAY, Schedule, to_seconds
from bot.features.meetings.slots import GRID, PER_DAY, ClockChange, Slot, clock_changes, cost_at, rank


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, zone: str = "UTC") -> int:
    return to_seconds(datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)))


def local(t: int, zone: str) -> str:
    return datetime.fromtimestamp(t, UTC).astimezone(ZoneInfo(zone)).strftime("%a %H:%M")


def person(name: str, zone: str, start: str = "09:00", end: str = "17:00") -> Schedule:
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return Schedule(name=name, zone=zone, hours=WorkingHours(start_minute=h1 * 60 + m1, end_minute=h2 * 60 + m2))


AYU = person("ayu", "Asia/Jakarta")
PRIYA = person("priya", "Asia/Kolkata", "10:00", "18:30")
EMMA = person("emma", "Europe/London")
JONAS = person("jonas", "Europe/Berlin")
LIAM = person("liam", "America/New_York")
WEEK = (at(2026, 11, 30), at(2026, 12, 7))  # Monday to Monday, UTC


def key(slot: Slot) -> tuple[int, int, int, int]:
    return (-len(slot.available), slot.worst, slot.total, slot.start)


# --- ranking -----------------------------------------------------------------------------------------


def test_most_people_available_wins_over_a_kinder_worst_case() -> None:
    """Jakarta, London and New York never all work at once. 09:30 UTC keeps Ayu and Emma in hours and costs
    Liam 4½ hours (04:30 in New York); 11:45 would cost Ayu and Liam only 2¼ hours each, but nobody would be
    in hours for Ayu — availability comes first for a one-off meeting."""
    best = rank([AYU, EMMA, LIAM], (at(2026, 12, 1), at(2026, 12, 2)), 30)[0]
    assert best.start == at(2026, 12, 1, 9, 30)
    assert best.available == ("ayu", "emma")
    assert dict(best.inconvenience) == {"ayu": 0, "emma": 0, "liam": 270}
    assert (best.worst, best.total) == (270, 270)


def test_ties_on_worst_go_to_the_smaller_total_then_the_earlier_start() -> None:
    """09:30 UTC (Liam out by 4½ hours) and 14:00 UTC (Ayu out by 4½ hours, 21:00–21:30 in Jakarta) tie on
    availability, worst and total: the earlier one comes first."""
    first, second = rank([AYU, EMMA, LIAM], (at(2026, 12, 1), at(2026, 12, 2)), 30)
    assert (first.start, second.start) == (at(2026, 12, 1, 9, 30), at(2026, 12, 1, 14, 0))
    assert second.available == ("emma", "liam") and second.inconvenience["ayu"] == 270
    assert key(first) < key(second)


def test_the_whole_list_is_in_ranking_order() -> None:
    """Available first, then worst, then total, then earliest, for the five-member team over a week."""
    slots = rank([AYU, PRIYA, JONAS, EMMA, LIAM], WEEK, 30)
    assert len(slots) == 5
    assert [key(s) for s in slots] == sorted(key(s) for s in slots)
    assert all(len(s.available) == 4 for s in slots)  # never all five: Jakarta and New York never meet


def test_at_least_k_drops_slots_with_fewer_people_in_hours() -> None:
    everyone = rank([JONAS, EMMA, LIAM], WEEK, 60, at_least=3)
    assert everyone and all(len(s.available) == 3 for s in everyone)
    assert all(14 * 3600 <= s.start % DAY <= 15 * 3600 for s in everyone)  # inside 14:00–16:00 UTC, shared
    assert rank([AYU, LIAM], WEEK, 30, at_least=2) == []  # Jakarta and New York: never both


def test_picks_never_overlap_and_offer_at_most_two_per_utc_day() -> None:
    """Jonas and Emma share 7½ hours a day; the five picks are spread over three days, not stacked."""
    slots = rank([JONAS, EMMA], (at(2026, 12, 1), at(2026, 12, 4)), 45)
    assert len(slots) == 5
    assert max(Counter(s.start // DAY for s in slots).values()) <= PER_DAY
    ordered = sorted(slots, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    assert all(s.end - s.start == 45 * 60 for s in slots)


def test_fewer_than_five_when_the_window_holds_fewer() -> None:
    """A single UTC day offers two non-overlapping alternatives at most."""
    assert len(rank([JONAS, EMMA], (at(2026, 12, 1), at(2026, 12, 2)), 30)) == PER_DAY


def test_nothing_in_a_weekend_when_one_person_must_be_in_hours() -> None:
    assert rank([EMMA, LIAM], (at(2026, 12, 5, 12), at(2026, 12, 6, 12)), 30) == []


# --- the 15-minute grid ------------------------------------------------------------------------------


def test_starts_lie_on_the_quarter_hour_in_kathmandu_and_chatham() -> None:
    """Kathmandu is UTC+05:45 and Chatham UTC+12:45 in June. Kathmandu's 09:00–17:00 is 03:15–11:15 UTC and
    Chatham's is 20:15–04:15 UTC, so they share 03:15–04:15 UTC: the best slots start on its first minute,
    09:00 in Kathmandu and 16:00 in Chatham."""
    kathmandu, chatham = person("k", "Asia/Kathmandu"), person("c", "Pacific/Chatham")
    slots = rank([kathmandu, chatham], (at(2026, 6, 15, 0, 7), at(2026, 6, 16, 0, 7)), 30, at_least=2)
    assert [s.start for s in slots] == [at(2026, 6, 15, 3, 15), at(2026, 6, 15, 3, 45)]
    assert [local(s.start, "Asia/Kathmandu") for s in slots] == ["Mon 09:00", "Mon 09:30"]
    assert [local(s.start, "Pacific/Chatham") for s in slots] == ["Mon 16:00", "Mon 16:30"]
    for s in rank([kathmandu, chatham, LIAM], (at(2026, 6, 15), at(2026, 6, 22)), 30):
        for zone in ("Asia/Kathmandu", "Pacific/Chatham", "America/New_York", "UTC"):
            assert datetime.fromtimestamp(s.start, UTC).astimezone(ZoneInfo(zone)).minute in (0, 15, 30, 45)


def test_a_window_that_starts_off_grid_rounds_up_to_the_next_quarter_hour() -> None:
    slots = rank([JONAS, EMMA], (at(2026, 12, 1, 9, 7), at(2026, 12, 1, 12)), 30)
    assert slots and min(s.start for s in slots) == at(2026, 12, 1, 9, 15)
    assert all(s.start % GRID == 0 for s in slots)


# --- how far a slot reaches outside working hours -----------------------------------------------------


@pytest.mark.parametrize(("start", "minutes", "outside"), [
    ((10, 0), 30, 0),      # inside working hours
    ((9, 0), 480, 0),      # exactly the working day
    ((16, 30), 60, 30),    # ends half an hour after the day ends
    ((8, 30), 60, 30),     # starts half an hour before
    ((17, 0), 30, 30),     # wholly after: its far end is 30 minutes out
    ((1, 0), 30, 480),     # the middle of the night: 8 hours from either end of the day
    ((0, 30), 60, 480),    # spanning the middle of the night: its farthest instant counts
    ((23, 0), 30, 390),    # 23:30 is 6½ hours after 17:00
])
def test_reach_is_the_farthest_instant_outside_working_hours(start: tuple[int, int], minutes: int,
                                                             outside: int) -> None:
    """Measured from the nearest edge of the working day, on Tuesday 1 December in UTC."""
    worker = person("w", "UTC")
    assert cost_at([worker], at(2026, 12, 1, *start), minutes) == {"w": outside}


def test_reach_in_the_rank_matches_what_a_pick_records_on_a_weekday() -> None:
    for slot in rank([AYU, EMMA, LIAM], WEEK, 30):
        assert cost_at([AYU, EMMA, LIAM], slot.start, 30) == dict(slot.inconvenience)


def test_reach_on_a_saturday_night_is_measured_from_friday_evening() -> None:
    """Saturday 23:00–23:30 UTC: 30½ hours after Friday 17:00, 33½ before Monday 09:00."""
    worker = person("w", "UTC")
    assert cost_at([worker], at(2026, 12, 5, 23), 30) == {"w": 30 * 60 + 30}


# --- clock changes within three days --------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "when", "change", "shift"), [
    ("America/New_York", at(2026, 10, 29, 12), at(2026, 11, 1, 6), -3600),   # 2 days 18 hours before
    ("America/New_York", at(2026, 11, 3, 12), at(2026, 11, 1, 6), -3600),    # 2 days 6 hours after
    ("Europe/London", at(2026, 10, 22, 12), at(2026, 10, 25, 1), -3600),
    ("Europe/Berlin", at(2026, 3, 27, 12), at(2026, 3, 29, 1), 3600),         # spring forward
    ("Australia/Lord_Howe", at(2026, 10, 1, 12), at(2026, 10, 3, 15, 30), 1800),  # half an hour forward
    ("Australia/Lord_Howe", at(2026, 4, 4, 12), at(2026, 4, 4, 15), -1800),   # half an hour back
])
def test_a_clock_change_within_three_days_is_flagged(zone: str, when: int, change: int, shift: int) -> None:
    assert clock_changes([zone], when) == (ClockChange(zone=zone, at=change, shift=shift),)


@pytest.mark.parametrize(("zone", "when"), [
    ("America/New_York", at(2026, 10, 28, 12)),   # 3 days 18 hours before
    ("America/New_York", at(2026, 11, 4, 12)),    # 3 days 6 hours after
    ("Europe/London", at(2026, 10, 29, 12)),
    ("Asia/Jakarta", at(2026, 10, 25, 1)),        # Jakarta has no daylight saving time
])
def test_no_flag_further_than_three_days_or_where_clocks_never_change(zone: str, when: int) -> None:
    assert clock_changes([zone], when) == ()


def test_slots_carry_the_changes_of_every_members_zone() -> None:
    """In the week of Monday 26 October 2026 London has just gone back (25 October, 01:00 UTC) and New York
    goes back on 1 November (06:00 UTC): Monday's and Tuesday's slots carry the first, Thursday's and Friday's
    the second, Wednesday's none."""
    slots = rank([EMMA, LIAM], (at(2026, 10, 26), at(2026, 10, 31)), 30, limit=10)
    by_day = {datetime.fromtimestamp(s.start, UTC).strftime("%a"): {c.zone for c in s.changes} for s in slots}
    assert by_day == {"Mon": {"Europe/London"}, "Tue": {"Europe/London"}, "Wed": set(),
                      "Thu": {"America/New_York"}, "Fri": {"America/New_York"}}
    assert all(c.shift == -3600 for s in slots for c in s.changes)


# --- fair rotation -----------------------------------------------------------------------------------------


def simulate(team: list[Schedule], weeks: int, *, fair: bool) -> dict[str, int]:
    """Pick the top slot every week and add what it cost each member to their tally."""
    tally = {s.name: 0 for s in team}
    monday = at(2027, 1, 4)
    for week in range(weeks):
        lo = monday + week * 7 * DAY
        top = rank(team, (lo, lo + 7 * DAY), 30, burden=tally if fair else None)[0]
        for name, minutes in cost_at(team, top.start, 30).items():
            tally[name] += minutes
    return tally


@pytest.mark.parametrize("team", [[AYU, EMMA, LIAM], [AYU, PRIYA, LIAM]],
                         ids=["jakarta-london-new-york", "ayu-priya-liam"])
def test_a_weekly_meeting_spreads_the_inconvenience(team: list[Schedule]) -> None:
    """Always taking the top one-off slot puts Liam at 04:30 every week (18 hours over four weeks); with the
    carried burden first, no one carries more than half of that."""
    unfair, fair = simulate(team, 4, fair=False), simulate(team, 4, fair=True)
    assert max(unfair.values()) == unfair["liam"] == 4 * 270
    assert sum(1 for v in unfair.values() if v) == 1  # one person took every early call
    assert max(fair.values()) <= max(unfair.values()) / 2
    assert sum(1 for v in fair.values() if v) >= 2


def test_the_member_who_carried_most_is_spared_next() -> None:
    """Liam already took two early calls: this week the late one goes to Ayu, not another early one to him."""
    top = rank([AYU, EMMA, LIAM], WEEK, 30, burden={"liam": 540, "ayu": 0, "emma": 0})[0]
    assert top.inconvenience["liam"] == 0
    assert top.inconvenience["ayu"] > 0
    plain = rank([AYU, EMMA, LIAM], WEEK, 30)[0]
    assert plain.inconvenience["liam"] > 0


def test_a_tally_is_minutes_per_member_name() -> None:
    """An empty burden already ranks fairly (worst first); an unknown name in it changes nothing."""
    fair = rank([AYU, LIAM], WEEK, 30, burden={})
    assert fair == rank([AYU, LIAM], WEEK, 30, burden={"someone-else": 10_000})
    assert fair[0].worst <= rank([AYU, LIAM], WEEK, 30)[0].worst


def test_durations_are_elapsed_time() -> None:
    slot = rank([JONAS, EMMA], (at(2026, 12, 1), at(2026, 12, 2)), 90)[0]
    assert timedelta(seconds=slot.end - slot.start) == timedelta(minutes=90)

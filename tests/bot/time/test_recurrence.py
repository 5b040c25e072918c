"""Expanding a stored RRULE in its zone (TIME.md).

Wall-clock rules (daily, weekly, monthly) keep their local time across DST: a wall time in a gap moves
forward, a repeated wall time means the first one, so a daily 01:30 fires exactly once on a fall-back
day. Elapsed rules (hourly and finer) count real time in UTC. Each occurrence has a key naming it by
its wall time (UTC wall time, ending in Z, for elapsed rules).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from bot.time.recurrence import Occurrence, Recurrence


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


DAILY_0130_LONDON = Recurrence(
    rrule="FREQ=DAILY;BYHOUR=1;BYMINUTE=30", zone="Europe/London", anchor=datetime(2026, 1, 1, 1, 30)
)
MONDAY_0900_NEW_YORK = Recurrence(
    rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
    zone="America/New_York",
    anchor=datetime(2026, 10, 5, 9, 0),
)
MONTHLY_25TH_JAKARTA = Recurrence(
    rrule="FREQ=MONTHLY;BYMONTHDAY=25;BYHOUR=17;BYMINUTE=0;UNTIL=20270301T000000Z",
    zone="Asia/Jakarta",
    anchor=datetime(2026, 11, 25, 17, 0),
)
EVERY_3_HOURS_LONDON = Recurrence(
    rrule="FREQ=HOURLY;INTERVAL=3", zone="Europe/London", anchor=datetime(2026, 10, 24, 18, 0)
)


def test_daily_rule_fires_once_on_the_fall_back_day_at_the_first_0130() -> None:
    """2026-10-25 01:30 happens twice in London; the first (BST, 00:30 UTC) is the one."""
    day = DAILY_0130_LONDON.between(utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 23, 0))
    assert day == [Occurrence(at=utc(2026, 10, 25, 0, 30), key="20261025T0130")]


def test_daily_rule_in_the_spring_forward_gap_moves_forward_an_hour() -> None:
    """2026-03-29 01:30 does not exist in London; it becomes 02:30 BST, which is 01:30 UTC."""
    day = DAILY_0130_LONDON.between(utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 23, 0))
    assert day == [Occurrence(at=utc(2026, 3, 29, 1, 30), key="20260329T0130")]


def test_daily_rule_keeps_its_wall_time_either_side_of_a_change() -> None:
    around = DAILY_0130_LONDON.between(utc(2026, 10, 23, 12, 0), utc(2026, 10, 27, 12, 0))
    assert [o.key[-4:] for o in around] == ["0130"] * 4
    assert [o.at.hour for o in around] == [0, 0, 1, 1]


def test_weekly_rule_keeps_nine_local_when_new_york_falls_back() -> None:
    """New York leaves EDT on 2026-11-01: 09:00 is 13:00 UTC before and 14:00 UTC after."""
    mondays = MONDAY_0900_NEW_YORK.between(utc(2026, 10, 20), utc(2026, 11, 10))
    assert [o.key for o in mondays] == ["20261026T0900", "20261102T0900", "20261109T0900"]
    assert [o.at for o in mondays] == [utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), utc(2026, 11, 9, 14)]


def test_monthly_rule_stops_at_its_until() -> None:
    months = MONTHLY_25TH_JAKARTA.between(utc(2026, 11, 1), utc(2027, 6, 1))
    assert [o.key for o in months] == ["20261125T1700", "20261225T1700", "20270125T1700", "20270225T1700"]
    assert months[0].at == utc(2026, 11, 25, 10, 0)  # 17:00 WIB is 10:00 UTC


def test_after_gives_the_next_occurrence() -> None:
    assert MONTHLY_25TH_JAKARTA.after(utc(2027, 2, 1)) == Occurrence(
        at=utc(2027, 2, 25, 10, 0), key="20270225T1700"
    )


def test_after_is_none_once_the_rule_has_ended() -> None:
    assert MONTHLY_25TH_JAKARTA.after(utc(2027, 2, 25, 10, 0)) is None


def test_after_is_strictly_after_the_instant() -> None:
    first = DAILY_0130_LONDON.after(utc(2026, 10, 25, 0, 29))
    assert first is not None and first.key == "20261025T0130"
    second = DAILY_0130_LONDON.after(utc(2026, 10, 25, 0, 30))
    assert second is not None and second.key == "20261026T0130"


def test_after_before_the_anchor_is_the_first_occurrence() -> None:
    first = DAILY_0130_LONDON.after(utc(2025, 6, 1))
    assert first == Occurrence(at=utc(2026, 1, 1, 1, 30), key="20260101T0130")


def test_hourly_rule_counts_elapsed_time_across_fall_back() -> None:
    """Every 3 hours is real time: 3 hours apart in UTC through the repeated hour; keys are UTC."""
    runs = EVERY_3_HOURS_LONDON.between(utc(2026, 10, 24, 22), utc(2026, 10, 25, 8))
    assert [o.key for o in runs] == ["20261024T2300Z", "20261025T0200Z", "20261025T0500Z"]
    assert all(b.at - a.at == timedelta(hours=3) for a, b in pairwise(runs))


def test_hourly_rule_is_elapsed_and_daily_rule_is_not() -> None:
    assert EVERY_3_HOURS_LONDON.elapsed
    assert not DAILY_0130_LONDON.elapsed


def test_between_is_half_open() -> None:
    """An occurrence at the start is included, one at the end is not."""
    runs = DAILY_0130_LONDON.between(utc(2026, 12, 1, 1, 30), utc(2026, 12, 3, 1, 30))
    assert [o.key for o in runs] == ["20261201T0130", "20261202T0130"]


def test_between_an_empty_or_reversed_range_is_empty() -> None:
    assert DAILY_0130_LONDON.between(utc(2026, 12, 1), utc(2026, 12, 1)) == []
    assert DAILY_0130_LONDON.between(utc(2026, 12, 3), utc(2026, 12, 1)) == []

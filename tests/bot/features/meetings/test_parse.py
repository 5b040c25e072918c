"""How `/meet` arguments are read, in English and Bahasa Indonesia.

`/meet suggest 45m <@ayu> <@liam> on Friday at least 2 weekly "Sprint review"`: a meeting length first
(for `suggest` and `poll`), then people, a range of days, "at least K", `weekly` and a quoted title in any
order. The days are whole local days in the speaker's zone, here counted from Wednesday 2 December 2026.
Anything not understood is reported back with the word itself; nothing is guessed.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.features.meetings.parse import (
    MAX_MINUTES,
    MAX_RANGE_DAYS,
    Days,
    MeetArgs,
    Problem,
    parse_meet,
    parse_minutes,
)

TODAY = date(2026, 12, 2)  # a Wednesday


def meet(text: str, *, lang: str = "en", length: bool = False) -> MeetArgs:
    found = parse_meet(text, today=TODAY, lang=lang, wants_minutes=length)
    assert isinstance(found, MeetArgs), found
    return found


def problem(text: str, *, lang: str = "en", length: bool = False) -> Problem:
    found = parse_meet(text, today=TODAY, lang=lang, wants_minutes=length)
    assert isinstance(found, Problem), found
    return found


# --- meeting lengths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "minutes"), [
    ("30m", 30),
    ("1h", 60),
    ("1h30m", 90),
    ("1h 30m", 90),
    ("90", 90),          # a bare number is minutes
    ("90min", 90),
    ("1 jam", 60),
    ("45 menit", 45),
    ("2 jam 30 menit", 150),
    ("8h", MAX_MINUTES),  # the longest meeting Rekan plans
])
def test_a_meeting_length_in_minutes_or_hours(word: str, minutes: int) -> None:
    assert parse_minutes(word) == minutes


@pytest.mark.parametrize("word", ["0m", "0", "9h", "481", "abc", "1.5h", "", "h", "30 seconds"])
def test_what_is_not_a_meeting_length(word: str) -> None:
    """Zero, more than eight hours, or not a length at all."""
    assert parse_minutes(word) is None


def test_the_length_comes_first_for_suggest_and_poll() -> None:
    found = meet("45m <@ayu> <@liam>", length=True)
    assert found.minutes == 45
    assert found.targets.users == ("ayu", "liam")


@pytest.mark.parametrize("text", ["0m <@liam>", "9h <@liam>", "abc <@liam>"])
def test_a_bad_length_is_reported_with_the_word_and_the_limit(text: str) -> None:
    found = problem(text, length=True)
    assert found.key == "meetings.bad_length"
    assert found.values == {"value": text.split()[0], "max": 8}


@pytest.mark.parametrize(("text", "minutes"), [("1 jam <@liam>", 60), ("45 menit <@liam>", 45),
                                               ("30 min <@liam>", 30)])
def test_a_length_written_with_a_space_is_read_in_a_command(text: str, minutes: int) -> None:
    """`/meet saran 1 jam @liam` is how an Indonesian speaker writes it."""
    found = parse_meet(text, today=TODAY, lang="id", wants_minutes=True)
    assert isinstance(found, MeetArgs) and found.minutes == minutes
    assert found.targets.users == ("liam",)


# --- days ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "first", "last"), [
    ("<@liam> on Friday", date(2026, 12, 4), date(2026, 12, 4)),
    ("<@liam> on 2026-12-04", date(2026, 12, 4), date(2026, 12, 4)),
    ("<@liam> today", TODAY, TODAY),
    ("<@liam> tomorrow", date(2026, 12, 3), date(2026, 12, 3)),
    ("<@liam> this week", TODAY, date(2026, 12, 6)),                     # to Sunday
    ("<@liam> next week", date(2026, 12, 7), date(2026, 12, 13)),        # Monday to Sunday
    ("<@liam> within next week", date(2026, 12, 7), date(2026, 12, 13)),
    ("<@liam> within 3 days", TODAY, date(2026, 12, 4)),                 # today counts
    ("<@liam> within 2 weeks", TODAY, date(2026, 12, 15)),
    ("<@liam> within 31 days", TODAY, date(2027, 1, 1)),
])
def test_english_ranges_of_days(text: str, first: date, last: date) -> None:
    assert meet(text).days == Days(first=first, last=last)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("<@liam> pada Jumat", date(2026, 12, 4), date(2026, 12, 4)),
    ("<@liam> besok", date(2026, 12, 3), date(2026, 12, 3)),
    ("<@liam> minggu ini", TODAY, date(2026, 12, 6)),
    ("<@liam> minggu depan", date(2026, 12, 7), date(2026, 12, 13)),
    ("<@liam> dalam 3 hari", TODAY, date(2026, 12, 4)),
    ("<@liam> dalam 2 minggu", TODAY, date(2026, 12, 15)),
])
def test_indonesian_ranges_of_days(text: str, first: date, last: date) -> None:
    assert meet(text, lang="id").days == Days(first=first, last=last)


def test_no_range_means_the_command_picks_its_own() -> None:
    """Overlap shows today; suggest and poll look a week ahead (request.py)."""
    assert meet("<@liam>").days is None


@pytest.mark.parametrize("text", ["<@liam> within 5 weeks", "<@liam> within 32 days", "<@liam> dalam 6 minggu"])
def test_a_range_longer_than_a_month_is_refused(text: str) -> None:
    assert problem(text) == Problem(key="meetings.range_too_long", values={"max": MAX_RANGE_DAYS})


def test_zero_days_is_not_called_too_many() -> None:
    assert problem("<@liam> within 0 days").key != "meetings.range_too_long"


@pytest.mark.parametrize(("text", "value"), [
    ("<@liam> on Fridya", "Fridya"),
    ("<@liam> on 30 February", "30 February"),
    ("<@liam> pada Jumt", "Jumt"),
])
def test_a_day_that_cannot_be_read_is_quoted_back(text: str, value: str) -> None:
    assert problem(text) == Problem(key="meetings.bad_day", values={"value": value})


# --- at least K, weekly, titles ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "k"), [
    ("<@a> <@b> <@c> at least 3", 3),
    ("<@a> <@b> paling sedikit 2", 2),
    ("<@a> <@b> <@c> at least 3 of 4", 3),   # "of N" is read and the group decides N
    ("<@a> <@b> minimal 2", 2),
    ("<@a> <@b> setidaknya 2", 2),
])
def test_at_least_k_of_the_group(text: str, k: int) -> None:
    found = meet(text)
    assert found.at_least == k
    assert found.targets.unknown == ()


def test_without_at_least_everyone_is_needed() -> None:
    assert meet("<@a> <@b>").at_least is None


@pytest.mark.parametrize("text", ["30m <@a> weekly", "30m <@a> every week", "30m <@a> mingguan",
                                  "30m <@a> setiap minggu", "30m <@a> tiap minggu"])
def test_weekly_asks_for_a_fair_rotation(text: str) -> None:
    found = meet(text, length=True)
    assert found.weekly is True
    assert found.targets.users == ("a",)


def test_minggu_depan_is_next_week_not_weekly() -> None:
    found = meet("<@a> minggu depan", lang="id")
    assert found.weekly is False and found.days == Days(first=date(2026, 12, 7), last=date(2026, 12, 13))


@pytest.mark.parametrize("text", ['30m <@a> "Sprint review"', "30m <@a> \u201cSprint review\u201d",
                                  '30m "Sprint review" <@a>'])
def test_a_quoted_title_straight_or_typographic(text: str) -> None:
    """Slack's autocorrect turns "…" into “…”; both are a title, wherever it stands."""
    found = meet(text, length=True)
    assert found.title == "Sprint review"
    assert found.targets.users == ("a",)


def test_everything_at_once_in_any_order() -> None:
    found = meet('45m <@ayu> #team at least 2 weekly "Retro" on Friday', length=True)
    assert (found.minutes, found.at_least, found.weekly, found.title) == (45, 2, True, "Retro")
    assert found.targets.users == ("ayu",) and found.targets.channels == ("team",)
    assert found.days == Days(first=date(2026, 12, 4), last=date(2026, 12, 4))


def test_slack_channel_and_group_references() -> None:
    found = meet("<@liam> <#C042|general> <@&R1> me")
    assert found.targets.channels == ("C042",)
    assert found.targets.roles == ("R1",)
    assert found.targets.myself is True


# --- unknown words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "word"), [
    ("<@liam> blah", "blah"),
    ("<@liam> Friday", "Friday"),      # a day needs `on`/`pada`: "Friday" alone could be a name
    ("liam", "liam"),                  # a name without @ is not guessed to be a member
    ("<@liam> 3 days", "3"),
])
def test_unknown_words_are_reported_never_guessed(text: str, word: str) -> None:
    assert problem(text) == Problem(key="meetings.unknown_word", values={"value": word})

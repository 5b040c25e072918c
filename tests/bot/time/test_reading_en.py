"""Rekan reads English time phrases (docs TIME.md, "Reading what people type").

Reference instants are chosen so that weekdays, month ends, the year end and the DST changes of
New York, London, Sydney and Lord Howe (30 minutes) are crossed. 2026-11-28 is a Saturday.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.i18n import translate
from bot.time.reading import Reading, Refusal, read_time
from bot.time.zones import get_zone

NY = "America/New_York"
NY_SAT = "2026-11-28T10:00:00-05:00"  # Saturday
NY_WED = "2026-12-02T10:00:00-05:00"  # Wednesday
NY_NYE = "2026-12-31T20:00:00-05:00"  # Thursday, year end
NY_JAN31 = "2026-01-31T10:00:00-05:00"  # Saturday, month end
NY_SPRING = "2026-03-07T10:00:00-05:00"  # the day before clocks go forward
NY_FALL = "2026-10-31T10:00:00-04:00"  # the day before clocks go back
LON_SPRING = "2026-03-28T12:00:00+00:00"
LON_FALL = "2026-10-24T12:00:00+01:00"
SYD_APR = "2026-04-04T12:00:00+11:00"
SYD_OCT = "2026-10-03T12:00:00+10:00"
LHI_OCT = "2026-10-03T12:00:00+10:30"
LHI_APR = "2026-04-04T12:00:00+11:00"
KTM_NYE = "2026-12-31T22:00:00+05:45"


def read(phrase: str, now: str, zone: str = NY) -> Reading | Refusal:
    return read_time(phrase, zone=zone, now=datetime.fromisoformat(now), lang="en")


def reading(phrase: str, now: str, zone: str = NY) -> Reading:
    result = read(phrase, now, zone)
    assert isinstance(result, Reading), result
    return result


READINGS = [
    # clock times and dayparts
    ("tomorrow at 9am", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("tomorrow 9am", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("Tomorrow at 9 a.m.", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("tomorrow 9", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("tomorrow at 3:30pm", NY_SAT, NY, "2026-11-29T15:30:00-05:00"),
    ("tomorrow at 15:00", NY_SAT, NY, "2026-11-29T15:00:00-05:00"),
    ("tomorrow 14.00", NY_SAT, NY, "2026-11-29T14:00:00-05:00"),
    ("tomorrow", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("at 3pm", NY_SAT, NY, "2026-11-28T15:00:00-05:00"),
    ("3pm", NY_SAT, NY, "2026-11-28T15:00:00-05:00"),
    ("3 PM", NY_SAT, NY, "2026-11-28T15:00:00-05:00"),
    ("at 9am", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("at 10am", NY_SAT, NY, "2026-11-29T10:00:00-05:00"),
    ("at 7", NY_SAT, NY, "2026-11-28T19:00:00-05:00"),
    ("at 11", NY_SAT, NY, "2026-11-28T11:00:00-05:00"),
    ("at 9", NY_SAT, NY, "2026-11-28T21:00:00-05:00"),
    ("at 12", NY_SAT, NY, "2026-11-28T12:00:00-05:00"),
    ("tomorrow at 12", NY_SAT, NY, "2026-11-29T12:00:00-05:00"),
    ("at 12:30", NY_SAT, NY, "2026-11-28T12:30:00-05:00"),
    ("tonight at midnight", NY_SAT, NY, "2026-11-29T00:00:00-05:00"),
    ("noon", "2026-11-28T13:00:00-05:00", NY, "2026-11-29T12:00:00-05:00"),
    ("EOD", "2026-11-28T18:00:00-05:00", NY, "2026-11-29T17:00:00-05:00"),
    ("9:30", NY_SAT, NY, "2026-11-28T21:30:00-05:00"),
    ("at 09:30", NY_SAT, NY, "2026-11-29T09:30:00-05:00"),
    ("at 23:59", NY_SAT, NY, "2026-11-28T23:59:00-05:00"),
    ("at 00:30", NY_SAT, NY, "2026-11-29T00:30:00-05:00"),
    ("at 12pm", NY_SAT, NY, "2026-11-28T12:00:00-05:00"),
    ("noon", NY_SAT, NY, "2026-11-28T12:00:00-05:00"),
    ("tomorrow at noon", NY_SAT, NY, "2026-11-29T12:00:00-05:00"),
    ("midnight", NY_SAT, NY, "2026-11-29T00:00:00-05:00"),
    ("EOD", NY_SAT, NY, "2026-11-28T17:00:00-05:00"),
    ("end of day", NY_SAT, NY, "2026-11-28T17:00:00-05:00"),
    ("EOD Friday", NY_SAT, NY, "2026-12-04T17:00:00-05:00"),
    ("end of day tomorrow", NY_SAT, NY, "2026-11-29T17:00:00-05:00"),
    ("tonight", NY_SAT, NY, "2026-11-28T19:00:00-05:00"),
    ("tonight at 8", NY_SAT, NY, "2026-11-28T20:00:00-05:00"),
    ("this evening", NY_SAT, NY, "2026-11-28T19:00:00-05:00"),
    ("this afternoon", NY_SAT, NY, "2026-11-28T15:00:00-05:00"),
    ("tomorrow morning", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("tomorrow afternoon", NY_SAT, NY, "2026-11-29T15:00:00-05:00"),
    ("tomorrow evening", NY_SAT, NY, "2026-11-29T19:00:00-05:00"),
    ("tomorrow at 7 in the evening", NY_SAT, NY, "2026-11-29T19:00:00-05:00"),
    ("tomorrow at 4 in the afternoon", NY_SAT, NY, "2026-11-29T16:00:00-05:00"),
    ("tomorrow at 7 in the morning", NY_SAT, NY, "2026-11-29T07:00:00-05:00"),
    ("today at 5pm", NY_SAT, NY, "2026-11-28T17:00:00-05:00"),
    ("today 11:15", NY_SAT, NY, "2026-11-28T11:15:00-05:00"),
    ("day after tomorrow", NY_SAT, NY, "2026-11-30T09:00:00-05:00"),
    ("the day after tomorrow at 2pm", NY_SAT, NY, "2026-11-30T14:00:00-05:00"),
    # durations: minutes and hours elapsed, days and weeks keep the wall time
    ("in 3 hours", NY_SAT, NY, "2026-11-28T13:00:00-05:00"),
    ("in 90 minutes", NY_SAT, NY, "2026-11-28T11:30:00-05:00"),
    ("in 45 mins", NY_SAT, NY, "2026-11-28T10:45:00-05:00"),
    ("in an hour", NY_SAT, NY, "2026-11-28T11:00:00-05:00"),
    ("in half an hour", NY_SAT, NY, "2026-11-28T10:30:00-05:00"),
    ("3 hours from now", NY_SAT, NY, "2026-11-28T13:00:00-05:00"),
    ("in 2 days", NY_SAT, NY, "2026-11-30T10:00:00-05:00"),
    ("in a week", NY_SAT, NY, "2026-12-05T10:00:00-05:00"),
    ("in 2 weeks", NY_SAT, NY, "2026-12-12T10:00:00-05:00"),
    ("in 1 month", NY_SAT, NY, "2026-12-28T10:00:00-05:00"),
    ("in 1 month", NY_JAN31, NY, "2026-02-28T10:00:00-05:00"),
    ("in two hours", NY_SAT, NY, "2026-11-28T12:00:00-05:00"),
    ("in three days", NY_SAT, NY, "2026-12-01T10:00:00-05:00"),
    ("in forty-five minutes", NY_SAT, NY, "2026-11-28T10:45:00-05:00"),
    ("an hour from now", NY_SAT, NY, "2026-11-28T11:00:00-05:00"),
    ("two hours before 5pm tomorrow", NY_SAT, NY, "2026-11-29T15:00:00-05:00"),
    ("in 2 days at 9am", NY_SAT, NY, "2026-11-30T09:00:00-05:00"),
    ("in 3 days at 10", NY_SAT, NY, "2026-12-01T10:00:00-05:00"),
    ("in a week at noon", NY_SAT, NY, "2026-12-05T12:00:00-05:00"),
    ("in 2 business days at 3pm", NY_SAT, NY, "2026-12-01T15:00:00-05:00"),
    # business days skip the weekend and keep the wall time
    ("in 2 business days", NY_SAT, NY, "2026-12-01T10:00:00-05:00"),
    ("in 1 business day", NY_SAT, NY, "2026-11-30T10:00:00-05:00"),
    ("in 5 working days", NY_SAT, NY, "2026-12-04T10:00:00-05:00"),
    ("in 2 business days", NY_NYE, NY, "2027-01-04T20:00:00-05:00"),
    ("in 3 business days", NY_WED, NY, "2026-12-07T10:00:00-05:00"),
    # weekdays
    ("Monday", NY_SAT, NY, "2026-11-30T09:00:00-05:00"),
    ("Saturday", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("Sunday", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("this Friday", NY_SAT, NY, "2026-12-04T09:00:00-05:00"),
    ("next Friday", NY_SAT, NY, "2026-12-04T09:00:00-05:00"),
    ("next Monday", NY_SAT, NY, "2026-11-30T09:00:00-05:00"),
    ("Friday next week", NY_SAT, NY, "2026-12-04T09:00:00-05:00"),
    ("next week", NY_SAT, NY, "2026-11-30T09:00:00-05:00"),
    ("Friday at 3pm", NY_SAT, NY, "2026-12-04T15:00:00-05:00"),
    ("Fri 3pm", NY_SAT, NY, "2026-12-04T15:00:00-05:00"),
    ("on Monday at 10", NY_SAT, NY, "2026-11-30T10:00:00-05:00"),
    ("Friday", NY_WED, NY, "2026-12-04T09:00:00-05:00"),
    ("this Friday", NY_WED, NY, "2026-12-04T09:00:00-05:00"),
    ("Friday next week", NY_WED, NY, "2026-12-11T09:00:00-05:00"),
    ("Wednesday", NY_WED, NY, "2026-12-09T09:00:00-05:00"),
    ("next Tuesday", NY_WED, NY, "2026-12-08T09:00:00-05:00"),
    ("next week", NY_WED, NY, "2026-12-07T09:00:00-05:00"),
    ("next week", NY_NYE, NY, "2027-01-04T09:00:00-05:00"),
    ("Monday", KTM_NYE, "Asia/Kathmandu", "2027-01-04T09:00:00+05:45"),
    # absolute dates
    ("December 5", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("Dec 5", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("5 Dec", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("5th December", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("the 5th of December", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("December 5th at 3pm", NY_SAT, NY, "2026-12-05T15:00:00-05:00"),
    ("Dec 5, 2026", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("on Dec 5 at 14:30", NY_SAT, NY, "2026-12-05T14:30:00-05:00"),
    ("2026-12-05", NY_SAT, NY, "2026-12-05T09:00:00-05:00"),
    ("2026-12-05 14:30", NY_SAT, NY, "2026-12-05T14:30:00-05:00"),
    ("January 15", NY_SAT, NY, "2027-01-15T09:00:00-05:00"),
    ("Jan 1", NY_SAT, NY, "2027-01-01T09:00:00-05:00"),
    ("November 27", NY_SAT, NY, "2027-11-27T09:00:00-05:00"),
    ("December 5", NY_NYE, NY, "2027-12-05T09:00:00-05:00"),
    ("12/25/2026", NY_SAT, NY, "2026-12-25T09:00:00-05:00"),
    ("25/12/2026", NY_SAT, NY, "2026-12-25T09:00:00-05:00"),
    ("12/12/2026", NY_SAT, NY, "2026-12-12T09:00:00-05:00"),
    ("12/25", NY_SAT, NY, "2026-12-25T09:00:00-05:00"),
    ("1/15", NY_SAT, NY, "2027-01-15T09:00:00-05:00"),
    ("February 29", NY_SAT, NY, "2028-02-29T09:00:00-05:00"),
    ("February 29", NY_JAN31, NY, "2028-02-29T09:00:00-05:00"),
    ("Nov 27 2031", NY_SAT, NY, "2031-11-27T09:00:00-05:00"),
    ("July 4 at 6pm", NY_SAT, NY, "2027-07-04T18:00:00-04:00"),
    # zones named in the phrase
    ("9am New York time", NY_SAT, NY, "2026-11-29T09:00:00-05:00"),
    ("4pm London time", NY_SAT, NY, "2026-11-28T16:00:00+00:00"),
    ("tomorrow 9am London time", NY_SAT, NY, "2026-11-29T09:00:00+00:00"),
    ("3pm PST", NY_SAT, NY, "2026-11-28T15:00:00-08:00"),
    ("3pm PT", NY_SAT, NY, "2026-11-28T15:00:00-08:00"),
    ("Dec 1 at 10am CT", NY_SAT, NY, "2026-12-01T10:00:00-06:00"),
    ("9am UTC", NY_SAT, NY, "2026-11-29T09:00:00+00:00"),
    ("10am WIB", NY_SAT, NY, "2026-11-29T10:00:00+07:00"),
    ("Dec 3 at 10 WITA", NY_SAT, NY, "2026-12-03T10:00:00+08:00"),
    ("Dec 3 at 14:00 Europe/Berlin", NY_SAT, NY, "2026-12-03T14:00:00+01:00"),
    ("Dec 3 10am Sydney time", NY_SAT, NY, "2026-12-03T10:00:00+11:00"),
    # lead times
    ("1 hour before 5pm tomorrow", NY_SAT, NY, "2026-11-29T16:00:00-05:00"),
    ("30 minutes before noon tomorrow", NY_SAT, NY, "2026-11-29T11:30:00-05:00"),
    ("2 days before December 5", NY_SAT, NY, "2026-12-03T09:00:00-05:00"),
    ("1 day before Dec 5 at 5pm", NY_SAT, NY, "2026-12-04T17:00:00-05:00"),
    # DST: New York
    ("tomorrow at 2:30am", NY_SPRING, NY, "2026-03-08T03:30:00-04:00"),
    ("in 24 hours", NY_SPRING, NY, "2026-03-08T11:00:00-04:00"),
    ("in 1 day", NY_SPRING, NY, "2026-03-08T10:00:00-04:00"),
    ("tomorrow at 9am", NY_SPRING, NY, "2026-03-08T09:00:00-04:00"),
    ("tomorrow at 1:30am", NY_FALL, NY, "2026-11-01T01:30:00-04:00"),
    ("in 24 hours", NY_FALL, NY, "2026-11-01T09:00:00-05:00"),
    ("in 1 day", NY_FALL, NY, "2026-11-01T10:00:00-05:00"),
    ("in 2 hours", "2026-11-01T00:30:00-04:00", NY, "2026-11-01T01:30:00-05:00"),
    # DST: London
    ("tomorrow at 1:30am", LON_SPRING, "Europe/London", "2026-03-29T02:30:00+01:00"),
    ("in 24 hours", LON_SPRING, "Europe/London", "2026-03-29T13:00:00+01:00"),
    ("in 1 day", LON_SPRING, "Europe/London", "2026-03-29T12:00:00+01:00"),
    ("tomorrow at 1:30am", LON_FALL, "Europe/London", "2026-10-25T01:30:00+01:00"),
    ("in 24 hours", LON_FALL, "Europe/London", "2026-10-25T11:00:00+00:00"),
    # DST: Sydney and Lord Howe (30 minutes)
    ("tomorrow at 2:30am", SYD_APR, "Australia/Sydney", "2026-04-05T02:30:00+11:00"),
    ("in 24 hours", SYD_APR, "Australia/Sydney", "2026-04-05T11:00:00+10:00"),
    ("tomorrow at 2:30am", SYD_OCT, "Australia/Sydney", "2026-10-04T03:30:00+11:00"),
    ("in 24 hours", SYD_OCT, "Australia/Sydney", "2026-10-04T13:00:00+11:00"),
    ("in 2 days", SYD_OCT, "Australia/Sydney", "2026-10-05T12:00:00+11:00"),
    ("tomorrow at 2:15am", LHI_OCT, "Australia/Lord_Howe", "2026-10-04T02:45:00+11:00"),
    ("in 24 hours", LHI_OCT, "Australia/Lord_Howe", "2026-10-04T12:30:00+11:00"),
    ("in 24 hours", LHI_APR, "Australia/Lord_Howe", "2026-04-05T11:30:00+10:30"),
    ("tomorrow at 1:45am", LHI_APR, "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00"),
    # Kathmandu +05:45 and the year end
    ("tomorrow at 9am", KTM_NYE, "Asia/Kathmandu", "2027-01-01T09:00:00+05:45"),
    ("in 3 hours", KTM_NYE, "Asia/Kathmandu", "2027-01-01T01:00:00+05:45"),
    ("midnight", KTM_NYE, "Asia/Kathmandu", "2027-01-01T00:00:00+05:45"),
    ("tomorrow", NY_NYE, NY, "2027-01-01T09:00:00-05:00"),
    ("at 9", NY_NYE, NY, "2026-12-31T21:00:00-05:00"),
    ("tomorrow", NY_JAN31, NY, "2026-02-01T09:00:00-05:00"),
]


@pytest.mark.parametrize(("phrase", "now", "zone", "expected"), READINGS)
def test_reads(phrase: str, now: str, zone: str, expected: str) -> None:
    result = reading(phrase, now, zone)
    assert result.at.isoformat() == expected
    assert result.next == (result.at,)
    assert result.rrule is None


REFUSALS = [
    ("", NY_SAT, "time.empty"),
    ("   ", NY_SAT, "time.empty"),
    ("?!", NY_SAT, "time.empty"),
    ("soon", NY_SAT, "time.vague"),
    ("later", NY_SAT, "time.vague"),
    ("asap", NY_SAT, "time.vague"),
    ("whenever", NY_SAT, "time.vague"),
    ("asdf", NY_SAT, "time.not_understood"),
    ("at some point", NY_SAT, "time.not_understood"),
    ("tomorrow-ish maybe", NY_SAT, "time.not_understood"),
    ("in 2 years", NY_SAT, "time.not_understood"),
    ("yesterday", NY_SAT, "time.past"),
    ("yesterday at 5pm", NY_SAT, "time.past"),
    ("today at 8am", NY_SAT, "time.past"),
    ("this morning", NY_SAT, "time.past"),
    ("Dec 5 2025", NY_SAT, "time.past"),
    ("last week", NY_SAT, "time.past"),
    ("1 hour before 10:30am", NY_SAT, "time.past"),
    ("in 0 minutes", NY_SAT, "time.zero_duration"),
    ("in 0 days", NY_SAT, "time.zero_duration"),
    ("in 0 days at 9", NY_SAT, "time.zero_duration"),
    ("in 2 hours at 3pm", NY_SAT, "time.not_understood"),
    ("in 2 days at 25:00", NY_SAT, "time.invalid_time"),
    ("0 hours before 5pm tomorrow", NY_SAT, "time.zero_duration"),
    ("in -3 hours", NY_SAT, "time.negative_duration"),
    ("in -1 days", NY_SAT, "time.negative_duration"),
    ("February 30", NY_SAT, "time.invalid_date"),
    ("April 31", NY_SAT, "time.invalid_date"),
    ("2026-02-30", NY_SAT, "time.invalid_date"),
    ("2026-13-01", NY_SAT, "time.invalid_date"),
    ("13/13/2026", NY_SAT, "time.invalid_date"),
    ("Feb 29 2027", NY_SAT, "time.invalid_date"),
    ("25:00", NY_SAT, "time.invalid_time"),
    ("13pm", NY_SAT, "time.invalid_time"),
    ("9:75", NY_SAT, "time.invalid_time"),
    ("tomorrow at 24:30", NY_SAT, "time.invalid_time"),
    ("at 0am", NY_SAT, "time.invalid_time"),
    ("tomorrow at 9:5", NY_SAT, "time.invalid_time"),
    ("next Fridya", NY_SAT, "time.unknown_weekday"),
    ("this Mondey at 9", NY_SAT, "time.unknown_weekday"),
    ("every Fridya", NY_SAT, "time.unknown_weekday"),
    ("Dec 5 2032", NY_SAT, "time.too_far"),
    ("9999-12-31", NY_SAT, "time.too_far"),
    ("Dec 5 1066", NY_SAT, "time.past"),
    ("every 0 days", NY_SAT, "time.zero_duration"),
    ("every 0 hours", NY_SAT, "time.zero_duration"),
    ("every day at 25:00", NY_SAT, "time.invalid_time"),
    ("every month on the 0th", NY_SAT, "time.invalid_date"),
    ("every day until yesterday", NY_SAT, "time.past"),
    ("Nov 29 2031", NY_SAT, "time.too_far"),
    ("in 2000 days", NY_SAT, "time.too_far"),
    ("in 100 months", NY_SAT, "time.too_far"),
    ("in 9999999 hours", NY_SAT, "time.too_far"),
    ("tomorrow midnight", NY_SAT, "time.ambiguous_midnight"),
    ("12am Friday", NY_SAT, "time.ambiguous_midnight"),
    ("12/10/2026", NY_SAT, "time.ambiguous_date"),
    ("next Friday", NY_WED, "time.ambiguous_next_weekday"),
    ("tomorrow 9am Asia/Tokyo", NY_SAT, "time.ambiguous_zone_day"),
]


@pytest.mark.parametrize(("phrase", "now", "reason"), REFUSALS)
def test_refuses(phrase: str, now: str, reason: str) -> None:
    result = read(phrase, now)
    assert isinstance(result, Refusal), result
    assert result.reason == reason


@pytest.mark.parametrize(("phrase", "now", "reason"), REFUSALS)
@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_refusal_has_a_message_in_both_languages(phrase: str, now: str, reason: str, lang: str) -> None:
    result = read(phrase, now)
    assert isinstance(result, Refusal)
    assert translate(result.reason, lang, **result.values)


def test_not_understood_quotes_the_text() -> None:
    result = read("asdf", NY_SAT)
    assert isinstance(result, Refusal)
    assert result.values == {"text": "asdf"}


def test_an_unknown_weekday_names_the_word() -> None:
    result = read("next Fridya", NY_SAT)
    assert isinstance(result, Refusal)
    assert result.values == {"word": "fridya"}


CHOICES = [
    ("12/10/2027", NY_SAT, ("2027-10-12T09:00:00-04:00", "2027-12-10T09:00:00-05:00")),
    # Still asked (both are real dates), but 12 October 2026 has passed, so only 10 December is offered.
    ("12/10/2026", NY_SAT, ("2026-12-10T09:00:00-05:00",)),
    ("next Friday", NY_WED, ("2026-12-04T09:00:00-05:00", "2026-12-11T09:00:00-05:00")),
    ("tomorrow midnight", NY_SAT, ("2026-11-29T00:00:00-05:00", "2026-11-30T00:00:00-05:00")),
    ("12am Friday", NY_SAT, ("2026-12-04T00:00:00-05:00", "2026-12-05T00:00:00-05:00")),
    ("tomorrow 9am Asia/Tokyo", NY_SAT, ("2026-11-29T09:00:00+09:00", "2026-11-30T09:00:00+09:00")),
    ("tomorrow 10am Sydney time", NY_SAT, ("2026-11-29T10:00:00+11:00", "2026-11-30T10:00:00+11:00")),
]


@pytest.mark.parametrize(("phrase", "now", "expected"), CHOICES)
def test_ambiguous_phrases_offer_both_readings(phrase: str, now: str, expected: tuple[str, ...]) -> None:
    result = read(phrase, now)
    assert isinstance(result, Refusal)
    assert tuple(c.isoformat() for c in result.choices) == expected


def test_midnight_today_is_only_the_coming_one() -> None:
    assert reading("today midnight", NY_SAT).at.isoformat() == "2026-11-29T00:00:00-05:00"


NOTES = [
    ("July 10 3pm PST", "2027-07-10T15:00:00-07:00", ("time.note_pst_in_summer",)),
    ("Dec 10 3pm PDT", "2026-12-10T15:00:00-08:00", ("time.note_pdt_in_winter",)),
    ("July 10 3pm EST", "2027-07-10T15:00:00-04:00", ("time.note_pst_in_summer",)),
    ("Dec 10 3pm PST", "2026-12-10T15:00:00-08:00", ()),
    ("July 10 3pm PT", "2027-07-10T15:00:00-07:00", ()),
]


@pytest.mark.parametrize(("phrase", "expected", "notes"), NOTES)
def test_abbreviations_are_read_as_the_regions_time(phrase: str, expected: str, notes: tuple[str, ...]) -> None:
    result = reading(phrase, NY_SAT)
    assert (result.at.isoformat(), result.notes) == (expected, notes)


ZONES = [
    ("4pm London time", "Europe/London"),
    ("3pm PST", "America/Los_Angeles"),
    ("9am UTC", "UTC"),
    ("10am WIB", "Asia/Jakarta"),
    ("Dec 3 at 10 WIT", "Asia/Jayapura"),
    ("tomorrow at 3pm", NY),
]


@pytest.mark.parametrize(("phrase", "zone"), ZONES)
def test_the_reading_carries_the_zone_of_the_phrase(phrase: str, zone: str) -> None:
    assert reading(phrase, NY_SAT).zone == zone


RULES = [
    ("every day at 9", NY_SAT, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
     ("2026-11-29T09:00:00-05:00", "2026-11-30T09:00:00-05:00", "2026-12-01T09:00:00-05:00")),
    ("every weekday at 9am", NY_SAT, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
     ("2026-11-30T09:00:00-05:00", "2026-12-01T09:00:00-05:00", "2026-12-02T09:00:00-05:00")),
    ("every Monday and Thursday at 10", NY_SAT, "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=10;BYMINUTE=0",
     ("2026-11-30T10:00:00-05:00", "2026-12-03T10:00:00-05:00", "2026-12-07T10:00:00-05:00")),
    ("every Monday, Wednesday and Friday at 14:30", NY_SAT, "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=14;BYMINUTE=30",
     ("2026-11-30T14:30:00-05:00", "2026-12-02T14:30:00-05:00", "2026-12-04T14:30:00-05:00")),
    ("every other Friday at 4pm", NY_SAT, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
     ("2026-12-04T16:00:00-05:00", "2026-12-18T16:00:00-05:00", "2027-01-01T16:00:00-05:00")),
    ("every other Friday at 4pm", NY_WED, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
     ("2026-12-04T16:00:00-05:00", "2026-12-18T16:00:00-05:00", "2027-01-01T16:00:00-05:00")),
    ("every 3 hours", NY_SAT, "FREQ=HOURLY;INTERVAL=3",
     ("2026-11-28T13:00:00-05:00", "2026-11-28T16:00:00-05:00", "2026-11-28T19:00:00-05:00")),
    ("every hour", NY_SAT, "FREQ=HOURLY",
     ("2026-11-28T11:00:00-05:00", "2026-11-28T12:00:00-05:00", "2026-11-28T13:00:00-05:00")),
    ("every 15 minutes", NY_SAT, "FREQ=MINUTELY;INTERVAL=15",
     ("2026-11-28T10:15:00-05:00", "2026-11-28T10:30:00-05:00", "2026-11-28T10:45:00-05:00")),
    ("on the 1st of every month", NY_SAT, "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
     ("2026-12-01T09:00:00-05:00", "2027-01-01T09:00:00-05:00", "2027-02-01T09:00:00-05:00")),
    ("every month on the last day", NY_SAT, "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=9;BYMINUTE=0",
     ("2026-11-30T09:00:00-05:00", "2026-12-31T09:00:00-05:00", "2027-01-31T09:00:00-05:00")),
    ("every day at 9 until Dec 18", NY_SAT, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261219T045959Z",
     ("2026-11-29T09:00:00-05:00", "2026-11-30T09:00:00-05:00", "2026-12-01T09:00:00-05:00")),
    ("every day at 9 until Nov 30", NY_SAT, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261201T045959Z",
     ("2026-11-29T09:00:00-05:00", "2026-11-30T09:00:00-05:00")),
    ("daily at 2:30am", NY_SPRING, "FREQ=DAILY;BYHOUR=2;BYMINUTE=30",
     ("2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00")),
    ("every day at 1:30am", NY_FALL, "FREQ=DAILY;BYHOUR=1;BYMINUTE=30",
     ("2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00", "2026-11-03T01:30:00-05:00")),
    ("every day at 9am", LON_SPRING, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
     ("2026-03-29T09:00:00+01:00", "2026-03-30T09:00:00+01:00", "2026-03-31T09:00:00+01:00")),
    ("every day at 2:15am", LHI_OCT, "FREQ=DAILY;BYHOUR=2;BYMINUTE=15",
     ("2026-10-04T02:45:00+11:00", "2026-10-05T02:15:00+11:00", "2026-10-06T02:15:00+11:00")),
]  # fmt: skip


RULE_ZONES = {LON_SPRING: "Europe/London", LHI_OCT: "Australia/Lord_Howe"}


@pytest.mark.parametrize(("phrase", "now", "rule", "expected"), RULES)
def test_recurrences_become_rrules(phrase: str, now: str, rule: str, expected: tuple[str, ...]) -> None:
    result = reading(phrase, now, RULE_ZONES.get(now, NY))
    assert result.rrule == rule
    assert tuple(at.isoformat() for at in result.next) == expected
    assert result.at == result.next[0]


def test_a_rule_for_the_31st_warns_about_short_months() -> None:
    result = reading("every month on the 31st", NY_SAT)
    assert result.notes == ("time.note_short_months",)
    assert [at.date().isoformat() for at in result.next] == ["2026-12-31", "2027-01-31", "2027-03-31"]


def test_a_rule_follows_the_members_workdays() -> None:
    result = read_time("every weekday at 9am", zone="Asia/Dubai", now=datetime.fromisoformat(NY_SAT),
                       workdays=frozenset({0, 1, 2, 3, 6}))
    assert isinstance(result, Reading)
    assert result.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SU;BYHOUR=9;BYMINUTE=0"


def test_business_days_follow_the_members_workdays() -> None:
    result = read_time("in 1 business day", zone=NY, now=datetime.fromisoformat(NY_SAT), workdays=frozenset({6}))
    assert isinstance(result, Reading)
    assert result.at.isoformat() == "2026-11-29T10:00:00-05:00"


def test_the_default_time_is_the_members() -> None:
    from datetime import time

    result = read_time("Dec 5", zone=NY, now=datetime.fromisoformat(NY_SAT), default_time=time(8, 30))
    assert isinstance(result, Reading)
    assert result.at.isoformat() == "2026-12-05T08:30:00-05:00"


WEEKDAY_NAMES = ["monday", "Mon", "tuesday", "Tue", "wednesday", "Wed", "thursday", "Thu", "friday", "Fri",
                 "saturday", "Sat", "sunday", "Sun"]


@pytest.mark.parametrize("name", WEEKDAY_NAMES)
@pytest.mark.parametrize("now", [NY_SAT, NY_WED])
def test_a_bare_weekday_is_the_next_one_strictly_after_today(name: str, now: str) -> None:
    start = datetime.fromisoformat(now).astimezone(get_zone(NY))
    day = reading(name, now).at
    assert day.strftime("%a").lower() == name[:3].lower()
    assert timedelta(days=0) < day.date() - start.date() <= timedelta(days=7)
    assert (day.hour, day.minute) == (9, 0)


def test_a_naive_now_is_refused_not_raised() -> None:
    result = read_time("tomorrow", zone=NY, now=datetime(2026, 11, 28, 10))
    assert isinstance(result, Refusal)


def test_an_unknown_member_zone_is_refused_not_raised() -> None:
    assert isinstance(read_time("tomorrow", zone="Mars/Olympus", now=datetime.fromisoformat(NY_SAT)), Refusal)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("Friday at 3 pm Berlin time", "2026-12-04T15:00:00+01:00"),
    ("3 pm Berlin time", "2026-11-28T15:00:00+01:00"),
    ("3 pm New York time", "2026-11-28T15:00:00-05:00"),
    ("at 3 pm London time", "2026-11-28T15:00:00+00:00"),
])
def test_a_spaced_am_pm_before_a_city_zone_keeps_its_half_of_the_day(phrase: str, expected: str) -> None:
    """Only the words naming the city are the zone: "3 pm" stays the clock (was read as 03:00)."""
    reading = read_time(phrase, zone="Asia/Jakarta", now=datetime.fromisoformat("2026-11-28T10:00:00+07:00"))
    assert isinstance(reading, Reading) and reading.at.isoformat() == expected


@pytest.mark.parametrize(("phrase", "expected"), [
    ("Friday, December 4 at 2 pm", "2026-12-04T14:00:00-05:00"),
    ("Fri Dec 4 2pm", "2026-12-04T14:00:00-05:00"),
    ("Friday 4 December", "2026-12-04T09:00:00-05:00"),
    ("Friday 12/4/2026 3pm", "2026-12-04T15:00:00-05:00"),  # the weekday settles day-first vs month-first
])
def test_a_weekday_that_agrees_with_the_date_confirms_it(phrase: str, expected: str) -> None:
    reading = read_time(phrase, zone="America/New_York", now=datetime.fromisoformat("2026-11-28T10:00:00-05:00"))
    assert isinstance(reading, Reading) and reading.at.isoformat() == expected


def test_a_weekday_that_contradicts_the_date_is_asked_about() -> None:
    refusal = read_time("Saturday December 4", zone="America/New_York",
                        now=datetime.fromisoformat("2026-11-28T10:00:00-05:00"))
    assert isinstance(refusal, Refusal) and refusal.reason == "time.weekday_mismatch"
    assert "2026-12-04" in translate(refusal.reason, "en", **refusal.values)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("tomorrow @ 10", "2026-11-29T10:00:00-05:00"),
    ("Friday @5pm", "2026-12-04T17:00:00-05:00"),
])
def test_an_at_sign_is_chat_shorthand_for_at(phrase: str, expected: str) -> None:
    reading = read_time(phrase, zone="America/New_York", now=datetime.fromisoformat("2026-11-28T10:00:00-05:00"))
    assert isinstance(reading, Reading) and reading.at.isoformat() == expected


@pytest.mark.parametrize(("phrase", "expected", "zone"), [
    ("tomorrow 9am UTC+7", "2026-11-29T09:00:00+07:00", "Etc/GMT-7"),
    ("15:00 GMT-5", "2026-11-28T15:00:00-05:00", "Etc/GMT+5"),
    ("9am utc+5:45", "2026-11-29T09:00:00+05:45", "Asia/Kathmandu"),
])
def test_a_utc_offset_inside_the_phrase_sets_its_zone(phrase: str, expected: str, zone: str) -> None:
    reading = read_time(phrase, zone="America/New_York", now=datetime.fromisoformat("2026-11-28T10:00:00-05:00"))
    assert isinstance(reading, Reading) and (reading.at.isoformat(), reading.zone) == (expected, zone)


@pytest.mark.parametrize(("phrase", "rule", "first"), [
    ("every 2 weeks on Monday at 10am", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
     "2026-11-30T10:00:00+07:00"),
    ("every other week on Friday at 4pm", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
     "2026-12-04T16:00:00+07:00"),
    ("tiap 2 minggu hari Senin jam 9", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
     "2026-11-30T09:00:00+07:00"),
])
def test_every_n_weeks_on_named_days(phrase: str, rule: str, first: str) -> None:
    reading = read_time(phrase, zone="Asia/Jakarta", now=datetime.fromisoformat("2026-11-28T10:00:00+07:00"))
    assert isinstance(reading, Reading) and (reading.rrule, reading.at.isoformat()) == (rule, first)

"""Rekan reads Bahasa Indonesia time phrases (docs TIME.md): besok, lusa, jam/pukul, dayparts, hari kerja.

2026-11-28 is a Saturday (Sabtu). Jakarta has no DST; the DST cases use the same Indonesian phrases in
zones that change their clocks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.time.reading import Reading, Refusal, read_time
from bot.time.zones import get_zone

JKT = "Asia/Jakarta"
JKT_SAT = "2026-11-28T10:00:00+07:00"  # Sabtu
JKT_EVE = "2026-11-28T21:00:00+07:00"  # Sabtu malam
JKT_WED = "2026-12-02T10:00:00+07:00"  # Rabu
JKT_NYE = "2026-12-31T20:00:00+07:00"  # Kamis, akhir tahun
NY_SPRING = "2026-03-07T10:00:00-05:00"
NY_FALL = "2026-10-31T10:00:00-04:00"
LON_FALL = "2026-10-24T12:00:00+01:00"
SYD_OCT = "2026-10-03T12:00:00+10:00"
LHI_OCT = "2026-10-03T12:00:00+10:30"
KTM_NYE = "2026-12-31T22:00:00+05:45"


def read(phrase: str, now: str, zone: str = JKT, lang: str = "id") -> Reading | Refusal:
    return read_time(phrase, zone=zone, now=datetime.fromisoformat(now), lang=lang)


def reading(phrase: str, now: str, zone: str = JKT, lang: str = "id") -> Reading:
    result = read(phrase, now, zone, lang)
    assert isinstance(result, Reading), result
    return result


def test_the_issue_acceptance_example() -> None:
    result = read_time("besok jam 9 pagi", zone="Asia/Jakarta", now=datetime.fromisoformat(JKT_SAT))
    assert isinstance(result, Reading)
    assert result.at.isoformat() == "2026-11-29T09:00:00+07:00"
    assert result.zone == "Asia/Jakarta"


READINGS = [
    # jam, pukul, dot times and dayparts
    ("besok jam 9 pagi", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("Besok jam 09.00", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("besok pukul 9", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("besok pukul 14.30", JKT_SAT, JKT, "2026-11-29T14:30:00+07:00"),
    ("besok jam 7 malam", JKT_SAT, JKT, "2026-11-29T19:00:00+07:00"),
    ("besok jam 8 malam", JKT_SAT, JKT, "2026-11-29T20:00:00+07:00"),
    ("besok jam 4 sore", JKT_SAT, JKT, "2026-11-29T16:00:00+07:00"),
    ("besok jam 12 malam", JKT_SAT, JKT, "2026-11-30T00:00:00+07:00"),
    ("besok jam 1 siang", JKT_SAT, JKT, "2026-11-29T13:00:00+07:00"),
    ("besok jam 11 siang", JKT_SAT, JKT, "2026-11-29T11:00:00+07:00"),
    ("besok siang", JKT_SAT, JKT, "2026-11-29T12:00:00+07:00"),
    ("besok pagi", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("besok sore", JKT_SAT, JKT, "2026-11-29T15:00:00+07:00"),
    ("besok malam", JKT_SAT, JKT, "2026-11-29T19:00:00+07:00"),
    ("besok", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("jam 4 sore", JKT_SAT, JKT, "2026-11-28T16:00:00+07:00"),
    ("jam 8 malam", JKT_SAT, JKT, "2026-11-28T20:00:00+07:00"),
    ("jam 9 malam", JKT_SAT, JKT, "2026-11-28T21:00:00+07:00"),
    ("jam 12 malam", JKT_SAT, JKT, "2026-11-29T00:00:00+07:00"),
    ("jam 2 malam", JKT_SAT, JKT, "2026-11-29T02:00:00+07:00"),
    ("jam 7", JKT_SAT, JKT, "2026-11-28T19:00:00+07:00"),
    ("jam 11", JKT_SAT, JKT, "2026-11-28T11:00:00+07:00"),
    ("besok jam 12", JKT_SAT, JKT, "2026-11-29T12:00:00+07:00"),
    ("besok jam 12 siang", JKT_SAT, JKT, "2026-11-29T12:00:00+07:00"),
    ("jam 9", JKT_SAT, JKT, "2026-11-28T21:00:00+07:00"),
    ("jam 7 pagi", JKT_SAT, JKT, "2026-11-29T07:00:00+07:00"),
    ("pukul 7 pagi", JKT_SAT, JKT, "2026-11-29T07:00:00+07:00"),
    ("jam 1 siang", JKT_SAT, JKT, "2026-11-28T13:00:00+07:00"),
    ("pukul 14.30", JKT_SAT, JKT, "2026-11-28T14:30:00+07:00"),
    ("14.00", JKT_SAT, JKT, "2026-11-28T14:00:00+07:00"),
    ("jam 14:00", JKT_SAT, JKT, "2026-11-28T14:00:00+07:00"),
    ("jam 9.30", JKT_SAT, JKT, "2026-11-28T21:30:00+07:00"),
    ("pukul 07.00", JKT_SAT, JKT, "2026-11-29T07:00:00+07:00"),
    ("pukul 23.59", JKT_SAT, JKT, "2026-11-28T23:59:00+07:00"),
    ("siang", JKT_SAT, JKT, "2026-11-28T12:00:00+07:00"),
    ("sore", JKT_SAT, JKT, "2026-11-28T15:00:00+07:00"),
    ("malam", JKT_SAT, JKT, "2026-11-28T19:00:00+07:00"),
    ("nanti malam", JKT_SAT, JKT, "2026-11-28T19:00:00+07:00"),
    ("nanti sore", JKT_SAT, JKT, "2026-11-28T15:00:00+07:00"),
    ("nanti jam 3", JKT_SAT, JKT, "2026-11-28T15:00:00+07:00"),
    ("nanti jam 3 sore", JKT_SAT, JKT, "2026-11-28T15:00:00+07:00"),
    ("malam ini", JKT_SAT, JKT, "2026-11-28T19:00:00+07:00"),
    ("sore ini jam 4", JKT_SAT, JKT, "2026-11-28T16:00:00+07:00"),
    ("tengah malam", JKT_SAT, JKT, "2026-11-29T00:00:00+07:00"),
    ("tengah hari", JKT_SAT, JKT, "2026-11-28T12:00:00+07:00"),
    ("hari ini jam 5 sore", JKT_SAT, JKT, "2026-11-28T17:00:00+07:00"),
    ("hari ini pukul 11.15", JKT_SAT, JKT, "2026-11-28T11:15:00+07:00"),
    ("akhir hari", JKT_SAT, JKT, "2026-11-28T17:00:00+07:00"),
    ("lusa", JKT_SAT, JKT, "2026-11-30T09:00:00+07:00"),
    ("lusa jam 10", JKT_SAT, JKT, "2026-11-30T10:00:00+07:00"),
    ("besok lusa", JKT_SAT, JKT, "2026-11-30T09:00:00+07:00"),
    ("jam 9", JKT_EVE, JKT, "2026-11-29T09:00:00+07:00"),
    ("jam 8", JKT_EVE, JKT, "2026-11-29T08:00:00+07:00"),
    ("jam 10", JKT_EVE, JKT, "2026-11-28T22:00:00+07:00"),
    ("tengah malam", JKT_EVE, JKT, "2026-11-29T00:00:00+07:00"),
    # durations: menit and jam elapsed, hari and minggu keep the wall time
    ("30 menit lagi", JKT_SAT, JKT, "2026-11-28T10:30:00+07:00"),
    ("2 jam lagi", JKT_SAT, JKT, "2026-11-28T12:00:00+07:00"),
    ("setengah jam lagi", JKT_SAT, JKT, "2026-11-28T10:30:00+07:00"),
    ("seminggu lagi", JKT_SAT, JKT, "2026-12-05T10:00:00+07:00"),
    ("sejam lagi", JKT_SAT, JKT, "2026-11-28T11:00:00+07:00"),
    ("sehari lagi", JKT_SAT, JKT, "2026-11-29T10:00:00+07:00"),
    ("3 hari lagi", JKT_SAT, JKT, "2026-12-01T10:00:00+07:00"),
    ("2 minggu lagi", JKT_SAT, JKT, "2026-12-12T10:00:00+07:00"),
    ("sebulan lagi", JKT_SAT, JKT, "2026-12-28T10:00:00+07:00"),
    ("dalam 3 jam", JKT_SAT, JKT, "2026-11-28T13:00:00+07:00"),
    ("dalam 45 menit", JKT_SAT, JKT, "2026-11-28T10:45:00+07:00"),
    ("90 menit lagi", JKT_SAT, JKT, "2026-11-28T11:30:00+07:00"),
    ("2 jam dari sekarang", JKT_SAT, JKT, "2026-11-28T12:00:00+07:00"),
    ("setengah hari lagi", JKT_SAT, JKT, "2026-11-28T22:00:00+07:00"),
    ("dua jam lagi", JKT_SAT, JKT, "2026-11-28T12:00:00+07:00"),
    ("tiga hari lagi", JKT_SAT, JKT, "2026-12-01T10:00:00+07:00"),
    ("lima belas menit lagi", JKT_SAT, JKT, "2026-11-28T10:15:00+07:00"),
    ("empat puluh lima menit lagi", JKT_SAT, JKT, "2026-11-28T10:45:00+07:00"),
    ("dua hari kerja lagi", JKT_SAT, JKT, "2026-12-01T10:00:00+07:00"),
    ("3 hari lagi jam 9 pagi", JKT_SAT, JKT, "2026-12-01T09:00:00+07:00"),
    ("seminggu lagi jam 14.00", JKT_SAT, JKT, "2026-12-05T14:00:00+07:00"),
    ("dalam 2 hari jam 8 malam", JKT_SAT, JKT, "2026-11-30T20:00:00+07:00"),
    ("2 hari kerja lagi jam 10", JKT_SAT, JKT, "2026-12-01T10:00:00+07:00"),
    # hari kerja: skip Saturday and Sunday, keep the wall time
    ("2 hari kerja lagi", JKT_SAT, JKT, "2026-12-01T10:00:00+07:00"),
    ("1 hari kerja lagi", JKT_SAT, JKT, "2026-11-30T10:00:00+07:00"),
    ("5 hari kerja lagi", JKT_SAT, JKT, "2026-12-04T10:00:00+07:00"),
    ("dalam 2 hari kerja", JKT_SAT, JKT, "2026-12-01T10:00:00+07:00"),
    ("3 hari kerja lagi", JKT_WED, JKT, "2026-12-07T10:00:00+07:00"),
    ("2 hari kerja lagi", JKT_NYE, JKT, "2027-01-04T20:00:00+07:00"),
    # weekdays: Minggu is Sunday, minggu depan is next week
    ("Senin", JKT_SAT, JKT, "2026-11-30T09:00:00+07:00"),
    ("hari Senin", JKT_SAT, JKT, "2026-11-30T09:00:00+07:00"),
    ("Jum'at", JKT_SAT, JKT, "2026-12-04T09:00:00+07:00"),
    ("Ahad", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("Minggu", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("Jumat ini", JKT_SAT, JKT, "2026-12-04T09:00:00+07:00"),
    ("Jumat depan", JKT_SAT, JKT, "2026-12-04T09:00:00+07:00"),
    ("Jumat minggu depan", JKT_SAT, JKT, "2026-12-04T09:00:00+07:00"),
    ("minggu depan", JKT_SAT, JKT, "2026-11-30T09:00:00+07:00"),
    ("Senin minggu depan", JKT_SAT, JKT, "2026-11-30T09:00:00+07:00"),
    ("Minggu minggu depan", JKT_SAT, JKT, "2026-12-06T09:00:00+07:00"),
    ("Jumat jam 3 sore", JKT_SAT, JKT, "2026-12-04T15:00:00+07:00"),
    ("Kamis ini jam 14.00", JKT_SAT, JKT, "2026-12-03T14:00:00+07:00"),
    ("Selasa jam 7", JKT_SAT, JKT, "2026-12-01T07:00:00+07:00"),
    ("Jumat ini", JKT_WED, JKT, "2026-12-04T09:00:00+07:00"),
    ("Jumat minggu depan", JKT_WED, JKT, "2026-12-11T09:00:00+07:00"),
    ("minggu depan", JKT_WED, JKT, "2026-12-07T09:00:00+07:00"),
    ("Rabu", JKT_WED, JKT, "2026-12-09T09:00:00+07:00"),
    ("Selasa depan", JKT_WED, JKT, "2026-12-08T09:00:00+07:00"),
    ("minggu depan", JKT_NYE, JKT, "2027-01-04T09:00:00+07:00"),
    # dates: day-first, month names in Indonesian
    ("tanggal 5 Desember", JKT_SAT, JKT, "2026-12-05T09:00:00+07:00"),
    ("5 Desember", JKT_SAT, JKT, "2026-12-05T09:00:00+07:00"),
    ("5 Des", JKT_SAT, JKT, "2026-12-05T09:00:00+07:00"),
    ("5 Desember 2026", JKT_SAT, JKT, "2026-12-05T09:00:00+07:00"),
    ("tanggal 5 Desember jam 14.00", JKT_SAT, JKT, "2026-12-05T14:00:00+07:00"),
    ("25 Desember jam 19.00", JKT_SAT, JKT, "2026-12-25T19:00:00+07:00"),
    ("tanggal 1 Januari", JKT_SAT, JKT, "2027-01-01T09:00:00+07:00"),
    ("1 Januari 2027", JKT_SAT, JKT, "2027-01-01T09:00:00+07:00"),
    ("15 Januari", JKT_SAT, JKT, "2027-01-15T09:00:00+07:00"),
    ("27 November", JKT_SAT, JKT, "2027-11-27T09:00:00+07:00"),
    ("17 Agustus", JKT_SAT, JKT, "2027-08-17T09:00:00+07:00"),
    ("1 Mei", JKT_SAT, JKT, "2027-05-01T09:00:00+07:00"),
    ("10 Okt 2027 jam 8 pagi", JKT_SAT, JKT, "2027-10-10T08:00:00+07:00"),
    ("29 Februari", JKT_SAT, JKT, "2028-02-29T09:00:00+07:00"),
    ("tgl 25", JKT_SAT, JKT, "2026-12-25T09:00:00+07:00"),
    ("tanggal 1", JKT_SAT, JKT, "2026-12-01T09:00:00+07:00"),
    ("tanggal 31", JKT_SAT, JKT, "2026-12-31T09:00:00+07:00"),
    ("10/12/2026", JKT_SAT, JKT, "2026-12-10T09:00:00+07:00"),
    ("10.12.2026", JKT_SAT, JKT, "2026-12-10T09:00:00+07:00"),
    ("5/12", JKT_SAT, JKT, "2026-12-05T09:00:00+07:00"),
    ("25/12/2026", JKT_SAT, JKT, "2026-12-25T09:00:00+07:00"),
    ("12/25/2026", JKT_SAT, JKT, "2026-12-25T09:00:00+07:00"),
    ("2026-12-05", JKT_SAT, JKT, "2026-12-05T09:00:00+07:00"),
    ("besok", JKT_NYE, JKT, "2027-01-01T09:00:00+07:00"),
    ("5 Desember", JKT_NYE, JKT, "2027-12-05T09:00:00+07:00"),
    # zones named in the phrase
    ("jam 9 pagi WIB", JKT_SAT, JKT, "2026-11-29T09:00:00+07:00"),
    ("jam 10 pagi WITA", JKT_SAT, JKT, "2026-11-29T10:00:00+08:00"),
    ("besok jam 10 WIT", JKT_SAT, JKT, "2026-11-29T10:00:00+09:00"),
    ("jam 3 sore waktu London", JKT_SAT, JKT, "2026-11-28T15:00:00+00:00"),
    ("jam 15.00 UTC", JKT_SAT, JKT, "2026-11-28T15:00:00+00:00"),
    ("jam 9 pagi WIB", JKT_SAT, "Asia/Makassar", "2026-11-29T09:00:00+07:00"),
    # lead times
    ("sehari sebelum 5 Desember jam 17.00", JKT_SAT, JKT, "2026-12-04T17:00:00+07:00"),
    ("sejam sebelum besok jam 9", JKT_SAT, JKT, "2026-11-29T08:00:00+07:00"),
    ("2 jam sebelum lusa jam 10", JKT_SAT, JKT, "2026-11-30T08:00:00+07:00"),
    ("30 menit sebelum besok jam 9 pagi", JKT_SAT, JKT, "2026-11-29T08:30:00+07:00"),
    # the same words in zones with DST
    ("besok jam 2.30 pagi", NY_SPRING, "America/New_York", "2026-03-08T03:30:00-04:00"),
    ("24 jam lagi", NY_SPRING, "America/New_York", "2026-03-08T11:00:00-04:00"),
    ("sehari lagi", NY_SPRING, "America/New_York", "2026-03-08T10:00:00-04:00"),
    ("besok jam 1.30 pagi", NY_FALL, "America/New_York", "2026-11-01T01:30:00-04:00"),
    ("24 jam lagi", NY_FALL, "America/New_York", "2026-11-01T09:00:00-05:00"),
    ("sehari lagi", NY_FALL, "America/New_York", "2026-11-01T10:00:00-05:00"),
    ("24 jam lagi", LON_FALL, "Europe/London", "2026-10-25T11:00:00+00:00"),
    ("besok jam 2.30 pagi", SYD_OCT, "Australia/Sydney", "2026-10-04T03:30:00+11:00"),
    ("besok jam 2.15 pagi", LHI_OCT, "Australia/Lord_Howe", "2026-10-04T02:45:00+11:00"),
    ("besok jam 9 pagi", KTM_NYE, "Asia/Kathmandu", "2027-01-01T09:00:00+05:45"),
    ("3 jam lagi", KTM_NYE, "Asia/Kathmandu", "2027-01-01T01:00:00+05:45"),
]


@pytest.mark.parametrize(("phrase", "now", "zone", "expected"), READINGS)
def test_reads(phrase: str, now: str, zone: str, expected: str) -> None:
    result = reading(phrase, now, zone)
    assert result.at.isoformat() == expected
    assert result.next == (result.at,)


REFUSALS = [
    ("", "time.empty"),
    ("nanti", "time.vague"),
    ("segera", "time.vague"),
    ("kapan-kapan", "time.vague"),
    ("secepatnya", "time.vague"),
    ("blabla", "time.not_understood"),
    ("kapan saja", "time.not_understood"),
    ("bulan depan", "time.not_understood"),
    ("setiap minggu", "time.not_understood"),
    ("kemarin", "time.past"),
    ("kemarin jam 5", "time.past"),
    ("hari ini jam 8 pagi", "time.past"),
    ("pagi ini", "time.past"),
    ("minggu lalu", "time.past"),
    ("12/10/2026", "time.past"),
    ("0 menit lagi", "time.zero_duration"),
    ("0 hari lagi", "time.zero_duration"),
    ("-2 jam lagi", "time.negative_duration"),
    ("30 Februari", "time.invalid_date"),
    ("31 April", "time.invalid_date"),
    ("tanggal 32", "time.invalid_date"),
    ("31/4/2027", "time.invalid_date"),
    ("jam 25", "time.invalid_time"),
    ("pukul 9.75", "time.invalid_time"),
    ("jam 24.30", "time.invalid_time"),
    ("Jumaat depan", "time.unknown_weekday"),
    ("Senen ini", "time.unknown_weekday"),
    ("setiap Jumaat", "time.unknown_weekday"),
    ("5 Desember 2032", "time.too_far"),
    ("2000 hari lagi", "time.too_far"),
    ("besok tengah malam", "time.ambiguous_midnight"),
    ("besok jam 9 pagi waktu New York", "time.ambiguous_zone_day"),
]


@pytest.mark.parametrize(("phrase", "reason"), REFUSALS)
def test_refuses(phrase: str, reason: str) -> None:
    result = read(phrase, JKT_SAT)
    assert isinstance(result, Refusal), result
    assert result.reason == reason


def test_jumat_depan_on_a_wednesday_asks_which_friday() -> None:
    result = read("Jumat depan", JKT_WED)
    assert isinstance(result, Refusal)
    assert result.reason == "time.ambiguous_next_weekday"
    assert [c.isoformat() for c in result.choices] == ["2026-12-04T09:00:00+07:00", "2026-12-11T09:00:00+07:00"]


def test_a_named_zone_that_moves_tomorrow_offers_both_days() -> None:
    result = read("besok jam 9 pagi waktu New York", JKT_SAT)
    assert isinstance(result, Refusal)
    assert [c.isoformat() for c in result.choices] == ["2026-11-28T09:00:00-05:00", "2026-11-29T09:00:00-05:00"]


def test_the_zone_of_a_witta_time_is_makassar() -> None:
    assert reading("jam 10 pagi WITA", JKT_SAT).zone == "Asia/Makassar"


LANGUAGE = [
    ("tanggal 10/12/2026", "en", "2026-12-10T09:00:00+07:00"),
    ("10/12/2026", "id", "2026-12-10T09:00:00+07:00"),
    ("tomorrow at 9am", "id", "2026-11-29T09:00:00+07:00"),
    ("besok jam 9 pagi", "en", "2026-11-29T09:00:00+07:00"),
    ("in 2 hours", "id", "2026-11-28T12:00:00+07:00"),
    ("2 jam lagi", "en", "2026-11-28T12:00:00+07:00"),
]


@pytest.mark.parametrize(("phrase", "lang", "expected"), LANGUAGE)
def test_either_language_is_understood_whatever_the_members_language(phrase: str, lang: str, expected: str) -> None:
    assert reading(phrase, JKT_SAT, lang=lang).at.isoformat() == expected


def test_english_words_make_a_numeric_date_ambiguous_even_for_an_indonesian_member() -> None:
    result = read("on 10/12/2026 at 9am", JKT_SAT, lang="id")
    assert isinstance(result, Refusal)
    assert result.reason == "time.ambiguous_date"


RULES = [
    ("setiap hari kerja jam 9 pagi", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
     ("2026-11-30T09:00:00+07:00", "2026-12-01T09:00:00+07:00", "2026-12-02T09:00:00+07:00")),
    ("setiap hari kerja jam 9", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
     ("2026-11-30T09:00:00+07:00", "2026-12-01T09:00:00+07:00", "2026-12-02T09:00:00+07:00")),
    ("setiap Senin dan Kamis jam 10", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=10;BYMINUTE=0",
     ("2026-11-30T10:00:00+07:00", "2026-12-03T10:00:00+07:00", "2026-12-07T10:00:00+07:00")),
    ("tiap tanggal 25", "FREQ=MONTHLY;BYMONTHDAY=25;BYHOUR=9;BYMINUTE=0",
     ("2026-12-25T09:00:00+07:00", "2027-01-25T09:00:00+07:00", "2027-02-25T09:00:00+07:00")),
    ("setiap hari jam 8 pagi", "FREQ=DAILY;BYHOUR=8;BYMINUTE=0",
     ("2026-11-29T08:00:00+07:00", "2026-11-30T08:00:00+07:00", "2026-12-01T08:00:00+07:00")),
    ("tiap Jumat jam 4 sore", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
     ("2026-12-04T16:00:00+07:00", "2026-12-11T16:00:00+07:00", "2026-12-18T16:00:00+07:00")),
    ("setiap hari Minggu jam 10", "FREQ=WEEKLY;BYDAY=SU;BYHOUR=10;BYMINUTE=0",
     ("2026-11-29T10:00:00+07:00", "2026-12-06T10:00:00+07:00", "2026-12-13T10:00:00+07:00")),
    ("setiap 2 jam", "FREQ=HOURLY;INTERVAL=2",
     ("2026-11-28T12:00:00+07:00", "2026-11-28T14:00:00+07:00", "2026-11-28T16:00:00+07:00")),
    ("setiap 30 menit", "FREQ=MINUTELY;INTERVAL=30",
     ("2026-11-28T10:30:00+07:00", "2026-11-28T11:00:00+07:00", "2026-11-28T11:30:00+07:00")),
    ("setiap akhir bulan", "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=9;BYMINUTE=0",
     ("2026-11-30T09:00:00+07:00", "2026-12-31T09:00:00+07:00", "2027-01-31T09:00:00+07:00")),
    ("setiap hari jam 9 sampai 18 Desember", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261218T165959Z",
     ("2026-11-29T09:00:00+07:00", "2026-11-30T09:00:00+07:00", "2026-12-01T09:00:00+07:00")),
    ("setiap Jumat jam 4 sore sampai 18 Desember",
     "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0;UNTIL=20261218T165959Z",
     ("2026-12-04T16:00:00+07:00", "2026-12-11T16:00:00+07:00", "2026-12-18T16:00:00+07:00")),
]  # fmt: skip


@pytest.mark.parametrize(("phrase", "rule", "expected"), RULES)
def test_recurrences_become_rrules(phrase: str, rule: str, expected: tuple[str, ...]) -> None:
    result = reading(phrase, JKT_SAT)
    assert result.rrule == rule
    assert tuple(at.isoformat() for at in result.next) == expected


def test_tiap_tanggal_31_warns_about_short_months() -> None:
    assert reading("tiap tanggal 31", JKT_SAT).notes == ("time.note_short_months",)


WEEKDAYS = [("Senin", 0), ("Selasa", 1), ("Rabu", 2), ("Kamis", 3), ("Jumat", 4), ("Sabtu", 5), ("Minggu", 6),
            ("Ahad", 6)]


@pytest.mark.parametrize(("name", "number"), WEEKDAYS)
@pytest.mark.parametrize("now", [JKT_SAT, JKT_WED])
def test_a_bare_weekday_is_the_next_one_strictly_after_today(name: str, number: int, now: str) -> None:
    start = datetime.fromisoformat(now).astimezone(get_zone(JKT))
    day = reading(name, now).at
    assert day.weekday() == number
    assert timedelta(days=0) < day.date() - start.date() <= timedelta(days=7)


def test_hari_dan_tanggal_yang_cocok_saling_menguatkan() -> None:
    reading = read_time("Jumat, 4 Desember jam 14.00", zone="Asia/Jakarta", lang="id",
                        now=datetime.fromisoformat("2026-11-28T10:00:00+07:00"))
    assert isinstance(reading, Reading) and reading.at.isoformat() == "2026-12-04T14:00:00+07:00"


@pytest.mark.parametrize(("phrase", "expected"), [
    ("minggu depan hari Rabu", "2026-12-02T09:00:00+07:00"),
    ("minggu depan hari Rabu jam 10", "2026-12-02T10:00:00+07:00"),
    ("hari Rabu minggu depan", "2026-12-02T09:00:00+07:00"),
])
def test_hari_minggu_depan_dalam_urutan_mana_pun(phrase: str, expected: str) -> None:
    reading = read_time(phrase, zone="Asia/Jakarta", lang="id",
                        now=datetime.fromisoformat("2026-11-28T10:00:00+07:00"))
    assert isinstance(reading, Reading) and reading.at.isoformat() == expected

"""`/tz` as a member meets it: set a zone, hours and days off, look at someone else's time.

Every case runs on SQLite and PostgreSQL. Every refused input gets a one-line reason and an example,
in the member's language, and leaves the database exactly as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import ManualClock
from bot.features.profile import commands as profile
from storage.session import Database
from tests.support import Person, make_router, snapshot


@pytest.fixture
def ayu(db: Database, clock: ManualClock) -> Person:
    return Person(router=make_router(db, clock), clock=clock, user_id="ayu", name="Ayu")


def other(person: Person, user_id: str, name: str) -> Person:
    return Person(router=person.router, clock=person.clock, user_id=user_id, name=name)


async def test_set_a_city_then_show_zone_local_time_and_hours(ayu: Person) -> None:
    reply = await ayu.run("/tz set Jakarta")
    assert "Asia/Jakarta (WIB, UTC+07:00)" in reply
    assert "Saturday, 28 November 2026, 15:00 WIB" in reply  # 08:00 UTC is 15:00 in Jakarta
    await ayu.run("/tz hours 09:00-17:00 Mon-Fri")
    shown = await ayu.run("/tz")
    assert "Asia/Jakarta" in shown
    assert "09:00–17:00, Mon–Fri" in shown


async def test_everything_switches_to_indonesian_after_rekan_lang_id(ayu: Person) -> None:
    await ayu.run("/tz set Asia/Jakarta")
    await ayu.run("/tz hours 09:00-17:00 Mon-Fri")
    assert "Bahasa Indonesia" in await ayu.run("/rekan lang id")
    shown = await ayu.run("/tz")
    assert "Zona waktu: Asia/Jakarta" in shown
    assert "Sabtu, 28 November 2026 pukul 15.00 WIB" in shown
    assert "Jam kerja: 09.00–17.00, Sen–Jum." in shown
    assert "Beres" in await ayu.run("/tz hours 10:00-18:00 Sen-Jum")


async def test_indonesia_asks_which_of_wib_wita_wit_and_the_pick_is_stored(ayu: Person) -> None:
    reply = await ayu.run("/tz set Indonesia")
    assert "WIB" in reply and "WITA" in reply and "WIT " in reply + " "
    assert "Asia/Makassar" in await ayu.run("2")
    assert "Asia/Makassar" in await ayu.run("/tz")


async def test_a_forged_choice_value_is_refused(ayu: Person) -> None:
    await ayu.run("/tz set Indonesia")
    before = await ayu.run("/tz")
    reply = await ayu.click(profile.PICK_KEY, "Europe/Moscow")
    assert "expired" in reply or "already answered" in reply
    assert await ayu.run("/tz") == before


async def test_the_pending_choice_survives_a_restart(db: Database, clock: ManualClock) -> None:
    first = Person(router=make_router(db, clock), clock=clock)
    await first.run("/tz set Indonesia")
    restarted = Person(router=make_router(db, clock), clock=clock)
    assert "Asia/Jayapura" in await restarted.run("3")


async def test_utc_offset_and_wita_are_accepted(ayu: Person) -> None:
    assert "Etc/GMT-7" in await ayu.run("/tz set UTC+07:00")
    assert "Asia/Makassar" in await ayu.run("/tz set WITA")


async def test_shift_across_midnight_and_sun_thu_week(ayu: Person) -> None:
    reply = await ayu.run("/tz hours 22:00-06:00 Sun-Thu")
    assert "22:00–06:00 (ending the next day), Sun–Thu" in reply


async def test_nine_to_five_means_office_hours(ayu: Person) -> None:
    assert "09:00–17:00" in await ayu.run("/tz hours 9-5")


async def test_24_00_is_a_valid_end(ayu: Person) -> None:
    assert "16:00–24:00" in await ayu.run("/tz hours 16:00-24:00 Mon-Fri")


async def test_days_off_are_recorded_and_listed(ayu: Person) -> None:
    assert "2026-12-24..2026-12-26" in await ayu.run("/tz off 2026-12-24..2026-12-26")
    assert "2026-12-24..2026-12-26" in await ayu.run("/tz off")
    assert "1" in await ayu.run("/tz off remove 2026-12-25")
    assert "no days off" in await ayu.run("/tz off")


async def test_someone_elses_local_time_and_whether_they_work(ayu: Person) -> None:
    liam = other(ayu, "liam", "Liam")
    await liam.run("/tz set America/New_York")
    await liam.run("/tz hours 09:00-17:00 Mon-Fri")
    reply = await ayu.run("/tz <@liam>")
    assert "Liam: Saturday, 28 November 2026, 03:00 EST (America/New_York)." in reply
    assert "Not a working day" in reply
    ayu.clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # Monday 10:00 in New York
    assert "Working now." in await ayu.run("/tz <@liam>")


async def test_a_member_of_another_workspace_is_unknown(ayu: Person) -> None:
    stranger = Person(router=ayu.router, clock=ayu.clock, user_id="zed", workspace_id="T2")
    await stranger.run("/tz set Europe/Berlin")
    assert "don't know" in await ayu.run("/tz <@zed>")


async def test_the_setup_form_is_asked_step_by_step_in_the_shell(ayu: Person) -> None:
    first = await ayu.run("/tz setup")
    assert "(1/2)" in first
    assert "(2/2)" in await ayu.run("Berlin")
    done = await ayu.run("08:00-16:00 Mon-Thu")
    assert "Europe/Berlin" in done and "08:00–16:00, Mon–Thu" in done


async def test_a_refused_form_field_is_asked_again_and_nothing_is_saved(ayu: Person, db: Database) -> None:
    await ayu.run("/tz setup")
    await ayu.run("Atlantis")
    before = await snapshot(db, skip=("processed_events", "pending_prompts"))
    again = await ayu.run("09:00-17:00")
    assert "Atlantis" in again and "(1/2)" in again
    assert await snapshot(db, skip=("processed_events", "pending_prompts")) == before
    done = await ayu.run("Jakarta")
    assert "Asia/Jakarta" in done and "09:00–17:00" in done


async def test_a_form_can_be_cancelled(ayu: Person) -> None:
    await ayu.run("/tz setup")
    assert "Nothing was saved" in await ayu.run("cancel")


BAD_INPUTS = [
    ("/tz set Mars", "I don't know the time zone \"Mars\".", "/tz set Asia/Jakarta"),
    ("/tz set", "Tell me a city", "/tz set Asia/Jakarta"),
    ("/tz hours 25:00-26:00", "\"25:00\" is not a time of day", "/tz hours 09:00-17:00 Mon-Fri"),
    ("/tz hours 9-5 Funday", "\"Funday\" is not a day of the week.", "/tz hours 09:00-17:00 Mon-Fri"),
    ("/tz hours 9:75-17:00", "\"9:75\" is not a time of day", "/tz hours 09:00-17:00 Mon-Fri"),
    ("/tz hours 13pm-5pm", "\"13pm\" is not a time of day", "/tz hours 09:00-17:00 Mon-Fri"),
    ("/tz hours whenever", "could not read working hours", "/tz hours 09:00-17:00 Mon-Fri"),
    ("/tz hours 09:00-09:00", "starts and ends at the same time", "/tz hours 09:00-17:00 Mon-Fri"),
    ("/tz off 2026-02-30", "\"2026-02-30\" is not a date", "/tz off 2026-12-24..2026-12-26"),
    ("/tz off 2026-12-26..2026-12-24", "ends (2026-12-24) before it starts", "/tz off 2026-12-24"),
    ("/tz off 2026-01-01", "already over", "/tz off 2026-12-24..2026-12-26"),
    ("/tz off 2026-12-01..2028-12-01", "at most 366 days", "/tz off 2026-12-24..2026-12-26"),
    ("/tz country Narnia", "\"Narnia\" is not a country", "/tz country ID"),
    ("/tz fly", "I don't know \"fly\" in this workspace.", "/tz @ayu"),
    ("/rekan lang fr", "\"fr\" is not a language", "/rekan lang id"),
    ("/nope", "I don't know `/nope`", "/rekan help"),
]


@pytest.mark.parametrize(("line", "reason", "example"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
async def test_bad_input_gets_a_reason_and_an_example_and_changes_nothing(
    ayu: Person, db: Database, line: str, reason: str, example: str
) -> None:
    await ayu.run("/tz set Asia/Jakarta")
    before = await snapshot(db)
    reply = await ayu.run(line)
    assert reason in reply
    assert example in reply
    assert len(reply.splitlines()) <= 3
    assert await snapshot(db) == before


INDONESIAN_BAD_INPUTS = [
    ("/tz set Mars", "Saya tidak mengenal zona waktu \"Mars\"."),
    ("/tz hours 25:00-26:00", "\"25:00\" bukan jam yang valid"),
    ("/tz hours 9-5 Funday", "\"Funday\" bukan nama hari."),
]


@pytest.mark.parametrize(("line", "reason"), INDONESIAN_BAD_INPUTS, ids=[b[0] for b in INDONESIAN_BAD_INPUTS])
async def test_bad_input_is_answered_in_indonesian_for_an_indonesian_member(
    ayu: Person, db: Database, line: str, reason: str
) -> None:
    await ayu.run("/rekan lang id")
    before = await snapshot(db)
    reply = await ayu.run(line)
    assert reason in reply
    assert "Contoh: `" in reply
    assert await snapshot(db) == before

"""`/deadline` as people type it: what they are told, what is stored, and what is refused (storing nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.clock import ManualClock
from bot.core.actions import AskChoice, OpenForm, Upload
from bot.core.capabilities import SLACK
from bot.core.events import FormSubmitted
from storage.models import DeadlineRow, DeliveryRow
from storage.repositories import deliveries as deliveries_repo
from storage.session import Database
from tests.bot.features.deadlines.team import Harness, seed_team
from tests.support import count, dm_to, snapshot, text_of

EN_DEADLINE = '/deadline add "Ship v2.3" Fri 17:00 for <@priya> <@liam> remind 1d,2h'


async def pending(db: Database, kind: str = "reminder") -> list[deliveries_repo.DeliveryRecord]:
    async with db.read() as s:
        return await deliveries_repo.find(s, kind=kind, status="pending")


@pytest.fixture
async def h(db: Database, clock: ManualClock) -> Harness:
    await seed_team(db, clock.now())
    return Harness(db, clock)


async def test_the_confirmation_shows_the_instant_in_the_setters_zone_and_each_assignees(h: Harness) -> None:
    reply = await h.who("priya").run(EN_DEADLINE)
    assert reply.splitlines() == [
        "Deadline #1 set: *Ship v2.3*, due Friday, 4 December 2026, 17:00 IST (11:30 UTC).",
        "For Liam: Friday, 4 December 2026, 06:30 EST.",
        "Reminders: 1 day and 2 hours before.",
    ]
    assert await count(h.db, DeadlineRow) == 1


async def test_indonesian_phrases_and_a_repeating_channel_deadline(h: Harness) -> None:
    reply = await h.who("ayu").run("/deadline add Laporan bulanan tiap tanggal 25 jam 17.00 for #finance")
    assert "Tenggat #1 dibuat: *Laporan bulanan*, jatuh tempo Jumat, 25 Desember 2026 pukul 17.00 WIB" in reply
    assert "Berulang; berikutnya: Senin, 25 Januari 2027 pukul 17.00 WIB" in reply
    assert "#finance" in reply
    reply = await h.who("ayu").run("/deadline ingatkan saya minum obat besok jam 9 pagi")
    assert "Pengingat #2 dibuat: *minum obat*, Minggu, 29 November 2026 pukul 09.00 WIB" in reply


async def test_a_channel_deadline_reaches_the_channel_with_a_native_timestamp(h: Harness) -> None:
    await h.who("ayu").run('/deadline add "Release notes" Mon 10:00 for #releases remind 1h')
    await h.advance(timedelta(days=3))
    channel = h.to("#releases")
    assert len(channel) == 1 and "*Release notes* is due in 1 hour" in channel[0].text


@pytest.mark.parametrize(("line", "reason"), [
    ('/deadline add "' + "x" * 201 + '" Fri 17:00', "201 characters"),
    ("/deadline add Ship it kemarin", "already passed"),
    ('/deadline add "Ship" 2040-01-01 09:00', "5 years"),
    ('/deadline add "Ship" Fri 17:00 for @nobody', "@nobody"),
    ('/deadline add "Ship" Fri 17:00 for <@ghost>', "@ghost"),
    ('/deadline add "Ship" Fri 17:00 for <@&R1>', "role"),
    ('/deadline add "Ship" Fri 17:00 remind 1 fortnight', "lead times"),
    ('/deadline add "Ship"', "when"),
    ("/deadline add", "what is due"),
])
async def test_bad_input_gets_a_reason_and_an_example_and_stores_nothing(h: Harness, line: str,
                                                                          reason: str) -> None:
    before = await snapshot(h.db)
    reply = await h.who("jonas").run(line)
    assert reason in reply and "Example: `" in reply
    assert await snapshot(h.db) == before


async def test_members_set_deadlines_for_themselves_but_only_managers_for_others(h: Harness) -> None:
    refused = await h.who("jonas").run('/deadline add "Ship" Fri 17:00 for <@liam>')
    assert "Only managers and admins can set deadlines for others" in refused
    assert "Deadline #1 set" in await h.who("jonas").run('/deadline add "My part" Fri 17:00')
    assert "Deadline #2 set" in await h.who("priya").run('/deadline add "Ship" Fri 17:00 for <@liam>')
    assert "Only" in await h.who("jonas").run('/deadline add "Ship" Fri 17:00 for #general')


async def test_admins_can_let_everyone_assign(h: Harness) -> None:
    assert "Only workspace admins" in await h.who("jonas").run("/deadline settings assign everyone")
    assert "semua orang" in await h.who("ayu").run("/deadline settings assign everyone")
    assert "Deadline #1 set" in await h.who("jonas").run('/deadline add "Ship" Fri 17:00 for <@liam>')


async def test_workspace_default_leads_apply_unless_the_deadline_says_otherwise(h: Harness) -> None:
    assert "Reminders: 1 day and 1 hour before, and at the deadline." in await h.who("jonas").run(
        '/deadline add "Ship" Fri 17:00')
    await h.who("ayu").run("/deadline settings leads 2d,30m")
    assert "Reminders: 2 days and 30 minutes before." in await h.who("jonas").run('/deadline add "Two" Fri 17:00')


async def test_an_ambiguous_time_is_asked_and_the_pick_finishes_the_request(h: Harness) -> None:
    ask = h.who("liam")
    reply = await ask.run('/deadline add "Report" 12/10/2027 9am')
    assert await count(h.db, DeadlineRow) == 0 and "day-first or month-first" in reply
    asked = ask.last[0]
    assert isinstance(asked, AskChoice) and len(asked.choices) == 2
    done = await ask.click(asked.key, asked.choices[1].value)
    assert "Deadline #1 set: *Report*" in done
    assert "already answered" in await ask.click(asked.key, asked.choices[0].value)
    assert await count(h.db, DeadlineRow) == 1


async def test_ids_from_another_workspace_are_not_found(h: Harness, db: Database, clock: ManualClock) -> None:
    await h.who("ayu").run(EN_DEADLINE)
    await seed_team(db, clock.now(), workspace="T2")
    stranger = h.who("ayu")
    stranger.workspace_id = "T2"
    for line in ("/deadline done 1", "/deadline cancel 1", "/deadline edit 1 when Mon 10:00",
                 "/deadline snooze 1 1h"):
        assert "Tidak ada tenggat #1" in await stranger.run(line)
    assert "Tidak ada yang jatuh tempo" in await stranger.run("/deadline list team")


async def test_assignees_finish_but_only_the_creator_or_a_manager_changes(h: Harness) -> None:
    await h.who("priya").run(EN_DEADLINE)
    assert "not yours to change" in await h.who("liam").run("/deadline cancel 1")
    assert "not yours to change" in await h.who("liam").run("/deadline edit 1 when Mon 10:00")
    assert "no deadline #1 that you can see" in await h.who("jonas").run("/deadline done 1")
    assert "Done: #1 Ship v2.3" in await h.who("liam").run("/deadline done 1")
    assert "already done" in await h.who("priya").run("/deadline done 1")
    assert await pending(h.db) == []


async def test_editing_the_time_replans_every_pending_reminder(h: Harness) -> None:
    await h.who("priya").run(EN_DEADLINE)
    await h.advance(timedelta(days=1))
    reply = await h.who("priya").run("/deadline edit 1 when Wed 17:00")
    assert "Changed #1 Ship v2.3: due Wednesday, 2 December 2026, 17:00 IST" in reply
    await h.advance(timedelta(days=4))
    dues = sorted(s.at for s in h.sent if "is due in" in s.text)
    assert dues == [datetime(2026, 11, 30, 22, 0, tzinfo=UTC),   # Liam 1 day ahead: Mon 17:00 EST
                    datetime(2026, 12, 1, 11, 30, tzinfo=UTC),   # Priya 1 day ahead: Tue 17:00 IST
                    datetime(2026, 12, 1, 22, 0, tzinfo=UTC),    # Liam 2 hours ahead: Tue 17:00 EST
                    datetime(2026, 12, 2, 9, 30, tzinfo=UTC)]    # Priya 2 hours ahead: Wed 15:00 IST
    assert "Priya changed a deadline of yours: *Ship v2.3*, now due Wednesday, 2 December 2026, 06:30 EST" in \
        h.to("liam")[1].text


async def test_a_reminder_with_no_working_time_left_before_the_deadline_is_folded_into_the_notice(
    h: Harness
) -> None:
    """Monday 07:30 in Berlin, set on a Saturday: no working hour of Jonas's is left before it."""
    await h.who("priya").run('/deadline add "Ship" Mon 12:00 for <@jonas> remind 1d,2h')
    await h.planner.run()
    assert await pending(h.db) == []
    await h.dispatcher.run_due()
    assert "Priya set a deadline for you: *Ship*, due Monday, 30 November 2026, 07:30 CET" in h.to("jonas")[0].text


async def test_cancelling_withdraws_every_pending_reminder(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Ship" Tue 18:00 for <@jonas> remind 1d,2h')
    await h.advance(timedelta(days=2, hours=12))  # Monday 20:00 UTC: 1 day ahead went, 2 hours ahead is planned
    assert [r.due_at.hour for r in await pending(h.db)] == [10]
    assert "Cancelled: #1 Ship" in await h.who("priya").run("/deadline cancel 1")
    assert await pending(h.db) == [] and await pending(h.db, "deadline_overdue") == []
    await h.advance(timedelta(days=5))
    assert [s.at.day for s in h.sent if "*Ship* is due" in s.text or "overdue" in s.text] == [30]


async def test_the_list_is_sorted_in_the_readers_zone_with_done_buttons(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Later" Fri 17:00 for <@liam>')
    await h.who("priya").run('/deadline add "Sooner" Tue 09:00 for <@liam>')
    reply = await h.who("liam").run("/deadline list")
    lines = reply.splitlines()
    assert lines[0] == "Deadlines and reminders (2):"
    assert "#2 *Sooner* — Monday, 30 November 2026, 22:30 EST" in lines[1]
    assert "#1 *Later* — Friday, 4 December 2026, 06:30 EST" in lines[2]
    choice = h.who("liam")
    await choice.run("/deadline list")
    ask = choice.last[0]
    assert isinstance(ask, AskChoice) and [c.value for c in ask.choices] == ["done:2", "done:1"]
    assert "Done: #2 Sooner" in await choice.run("1")  # the shell's numbered reply
    assert "Done: #1 Later" in await choice.click(ask.key, "done:1")


async def test_list_filters(h: Harness, clock: ManualClock) -> None:
    await h.who("ayu").run('/deadline add "Ops" Mon 09:00 for #ops')
    await h.who("priya").run('/deadline add "Ship" Tue 09:00 for <@liam>')
    await h.who("jonas").run("/deadline remind me water the plants tomorrow 8am")
    ops = await h.who("jonas").run("/deadline list #ops")
    assert "#1 *Ops*" in ops and "Ship" not in ops
    assert "Ship" not in await h.who("jonas").run("/deadline list team")  # not his, not in a channel
    assert "Ship" in await h.who("priya").run("/deadline list team")      # a manager sees the team's
    clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    overdue = await h.who("ayu").run("/deadline list overdue")
    assert "#1 *Ops*" in overdue and "#2 *Ship*" in overdue and "terlambat" in overdue
    assert "water the plants" not in overdue  # a personal reminder is never "overdue"


async def test_snoozing_from_a_reminder_button_reminds_that_person_once_more(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Ship" Tue 18:00 for <@jonas> remind 2h')
    await h.advance(timedelta(days=3, hours=3))  # Tuesday 11:00 UTC: the 2-hour reminder went at 10:30
    reminder = [s for s in h.to("jonas") if isinstance(s.action, AskChoice)][-1].action
    assert isinstance(reminder, AskChoice)
    assert [c.value for c in reminder.choices] == ["done", "snooze:20m", "snooze:1h", "snooze:3h",
                                                   "snooze:tomorrow", "snooze:nextweek"]
    reply = await h.who("jonas").click(reminder.key, "snooze:20m")
    assert "I will remind you about #1 again" in reply
    before = len(h.to("jonas"))
    await h.advance(timedelta(minutes=25))
    assert len(h.to("jonas")) == before + 1
    assert "no longer" in await h.who("liam").click(reminder.key, "snooze:1h") or \
        "expired" in await h.who("liam").click(reminder.key, "snooze:1h")  # not his: he cannot see it


async def test_snooze_durations(h: Harness) -> None:
    await h.who("jonas").run('/deadline add "Mine" Fri 17:00')
    assert "again Saturday, 28 November 2026, 10:00 CET" in await h.who("jonas").run("/deadline snooze 1 1h")
    assert "again Sunday, 29 November 2026, 09:00 CET" in await h.who("jonas").run("/deadline snooze 1 tomorrow")
    assert "again Monday, 30 November 2026, 09:00 CET" in await h.who("jonas").run("/deadline snooze 1 next week")
    assert "not \"soon\"" in await h.who("jonas").run("/deadline snooze 1 soon")


async def test_ics_export_lists_what_the_member_can_see_with_alarms(h: Harness) -> None:
    await h.who("priya").run(EN_DEADLINE)
    await h.who("jonas").run('/deadline add "Private" Fri 17:00')
    await h.who("liam").run("/deadline ics")
    upload = h.who("liam")
    await upload.run("/deadline ics")
    action = upload.last[0]
    assert isinstance(action, Upload) and action.filename.endswith(".ics")
    assert action.to == dm_to("liam")
    cal = Calendar.from_ical(action.data)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Ship v2.3"]
    assert sorted(str(a["TRIGGER"].to_ical(), "ascii") for a in events[0].walk("VALARM")) == ["-P1D", "-PT2H"]


async def test_the_form_sets_the_same_deadline_and_keeps_what_was_typed_when_refused(h: Harness) -> None:
    priya = h.who("priya")
    await priya.run("/deadline form")
    assert "New deadline" in text_of(priya.last)  # the shell has no modals: one question at a time
    priya.caps = SLACK
    base = priya._base(None)
    bad = FormSubmitted(key="dl.form", values={"title": "Ship", "when": "yesterday", "for": "", "remind": "",
                                               "urgent": "no"}, **base)  # type: ignore[arg-type]
    refused = await h.router.handle(bad, priya.caps)  # type: ignore[union-attr]
    assert isinstance(refused[0], OpenForm) and refused[0].errors and refused[0].errors[0][0] == "when"
    assert await count(h.db, DeadlineRow) == 0
    good = FormSubmitted(key="dl.form", values={"title": "Ship", "when": "Fri 17:00", "for": "<@liam>",
                                                "remind": "1d", "urgent": "yes"}, **priya._base(None))  # type: ignore[arg-type]
    done = text_of(await h.router.handle(good, priya.caps))  # type: ignore[union-attr]
    assert "Deadline #1 set: *Ship*" in done and "Urgent" in done


async def test_assignees_hear_at_once_in_their_language(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Laporan" Fri 17:00 for <@ayu> <@liam>')
    await h.dispatcher.run_due()
    assert "Priya membuat tenggat untuk Anda: *Laporan*, jatuh tempo Jumat, 4 Desember 2026 pukul 18.30 WIB" in \
        h.to("ayu")[0].text
    assert "Priya set a deadline for you: *Laporan*, due Friday, 4 December 2026, 06:30 EST" in h.to("liam")[0].text
    assert await count(h.db, DeliveryRow) >= 2


async def test_a_channel_reminder_has_a_done_button_only_those_with_rights_can_use(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Release notes" Mon 10:00 for #releases remind 1h')
    await h.advance(timedelta(days=3))
    [posted] = h.to("#releases")
    assert isinstance(posted.action, AskChoice) and [c.value for c in posted.action.choices] == ["done"]
    assert "not yours" in await h.who("jonas").click(posted.action.key, "done")
    assert "Done: #1 Release notes" in await h.who("priya").click(posted.action.key, "done")


async def test_assignees_hear_when_they_are_added_removed_or_the_deadline_is_cancelled(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Ship" Fri 17:00 for <@liam> <@jonas>')
    await h.who("priya").run("/deadline edit 1 for <@jonas> <@emma>")
    await h.who("priya").run('/deadline edit 1 title "Ship it"')
    await h.who("priya").run('/deadline edit 1 when Fri 18:00')
    await h.who("ayu").run("/deadline cancel 1")
    await h.dispatcher.run_due()
    assert [s.text.splitlines()[0] for s in h.to("liam")] == [
        "Priya set a deadline for you: *Ship*, due Friday, 4 December 2026, 06:30 EST.",
        "Priya took you off deadline #1, *Ship*. No more reminders for it."]
    assert [s.text.splitlines()[0] for s in h.to("emma")] == [
        "Priya set a deadline for you: *Ship*, due Friday, 4 December 2026, 11:30 GMT.",
        "Priya changed a deadline of yours: *Ship it*, now due Friday, 4 December 2026, 11:30 GMT.",
        "Priya changed a deadline of yours: *Ship it*, now due Friday, 4 December 2026, 12:30 GMT.",
        "Ayu cancelled deadline #1, *Ship it*. No more reminders for it."]
    assert "Deadline #1, set by Priya." in h.to("emma")[1].text


async def test_a_reminder_is_for_yourself(h: Harness) -> None:
    before = await snapshot(h.db)
    assert "A reminder is for yourself" in await h.who("jonas").run("/deadline remind me stretch tomorrow for <@liam>")
    assert await snapshot(h.db) == before


async def test_a_snooze_past_the_deadline_says_it_is_overdue(h: Harness) -> None:
    await h.who("priya").run('/deadline add "Ship" Mon 12:00 for <@jonas> urgent')
    h.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    await h.who("jonas").run("/deadline snooze 1 1h")
    await h.advance(timedelta(hours=2))
    [snoozed] = [s for s in h.to("jonas") if s.at == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)]
    assert "is overdue: it was due Monday, 30 November 2026, 07:30 CET" in snoozed.text

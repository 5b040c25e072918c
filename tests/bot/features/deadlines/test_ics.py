"""`/deadline ics`: deadlines as an RFC 5545 calendar, read back with icalendar.

Each deadline is one VEVENT with a stable UID and one VALARM per lead time. A one-off is placed in
UTC; a repeating one keeps its wall time with a TZID and an RRULE, and the zone is described in a
VTIMEZONE.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from bot.features.deadlines.ics import PRODID, calendar
from storage.repositories.deadlines import DeadlineRecord

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def record(**changes: Any) -> DeadlineRecord:
    fields: dict[str, Any] = {
        "id": 7,
        "workspace_pk": 3,
        "platform": "slack",
        "workspace_external_id": "T1",
        "kind": "deadline",
        "title": "Ship v2.3",
        "creator": "U1",
        "assignees": ("U2",),
        "channel_id": None,
        "due_at": DUE,
        "zone": "Asia/Jakarta",
        "rrule": None,
        "anchor_local": None,
        "leads": (1440, 120, 0),
        "urgent": False,
        "status": "open",
        "planned_from": NOW,
        "created_at": NOW,
    }
    fields.update(changes)
    return DeadlineRecord(**fields)


MONTHLY = {
    "id": 8,
    "title": "Laporan bulanan",
    "rrule": "FREQ=MONTHLY;BYMONTHDAY=25;BYHOUR=17;BYMINUTE=0",
    "anchor_local": "2026-12-25T17:00:00",
    "due_at": datetime(2026, 12, 25, 10, 0, tzinfo=UTC),
    "leads": (60,),
}


def parsed(*items: DeadlineRecord) -> Calendar:
    return Calendar.from_ical(calendar(items, now=NOW))


def events(cal: Calendar) -> list[Any]:
    return cal.walk("VEVENT")


def test_calendar_header() -> None:
    cal = parsed(record())
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == PRODID


def test_one_event_per_deadline_with_a_stable_uid() -> None:
    cal = parsed(record(id=7), record(id=8))
    assert [str(e["UID"]) for e in events(cal)] == [
        "deadline-3-7@rekan.invalid",
        "deadline-3-8@rekan.invalid",
    ]
    again = parsed(record(id=7), record(id=8))
    assert [str(e["UID"]) for e in events(again)] == [str(e["UID"]) for e in events(cal)]


def test_an_empty_list_is_a_calendar_with_no_events() -> None:
    assert events(parsed()) == []


def test_summary_is_the_title() -> None:
    [event] = events(parsed(record()))
    assert str(event["SUMMARY"]) == "Ship v2.3"


def test_unicode_title_round_trips() -> None:
    [event] = events(parsed(record(title="Rapat ☕ tim 日本")))
    assert str(event["SUMMARY"]) == "Rapat ☕ tim 日本"


def test_title_with_commas_and_semicolons_round_trips() -> None:
    """Commas and semicolons are escaped in TEXT values and must come back as written."""
    [event] = events(parsed(record(title="Q4 report; draft, final")))
    assert str(event["SUMMARY"]) == "Q4 report; draft, final"


def test_one_off_starts_at_its_due_instant_in_utc() -> None:
    [event] = events(parsed(record()))
    start = event.decoded("DTSTART")
    assert start == DUE
    assert start.utcoffset() == timedelta(0)
    assert "TZID" not in event["DTSTART"].params
    assert "RRULE" not in event


def test_one_alarm_per_lead_time_before_the_deadline() -> None:
    [event] = events(parsed(record(leads=(1440, 120, 0))))
    alarms = event.walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [
        -timedelta(days=1),
        -timedelta(hours=2),
        timedelta(0),
    ]
    assert all(str(a["ACTION"]) == "DISPLAY" for a in alarms)


def test_triggers_are_written_as_negative_durations() -> None:
    text = calendar([record(leads=(1440, 120, 0))], now=NOW).decode()
    assert "TRIGGER:-P1D" in text
    assert "TRIGGER:-PT2H" in text
    # Lead 0 is a zero duration (icalendar writes it as P0D, equal to PT0S): at the deadline.
    assert "TRIGGER:P0D" in text or "TRIGGER:PT0S" in text


def test_no_leads_means_no_alarms() -> None:
    [event] = events(parsed(record(leads=())))
    assert event.walk("VALARM") == []


def test_repeating_deadline_keeps_its_wall_time_in_its_zone() -> None:
    [event] = events(parsed(record(**MONTHLY)))
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    start = event.decoded("DTSTART")
    assert (start.replace(tzinfo=None), start.astimezone(UTC)) == (
        datetime(2026, 12, 25, 17, 0),
        datetime(2026, 12, 25, 10, 0, tzinfo=UTC),
    )


def test_repeating_deadline_has_its_rrule() -> None:
    [event] = events(parsed(record(**MONTHLY)))
    rule = event["RRULE"]
    assert (rule["FREQ"], rule["BYMONTHDAY"], rule["BYHOUR"], rule["BYMINUTE"]) == (
        ["MONTHLY"],
        [25],
        [17],
        [0],
    )


def test_repeating_deadline_comes_with_a_vtimezone_for_its_zone() -> None:
    cal = parsed(record(), record(**MONTHLY))
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]


def test_one_offs_alone_need_no_vtimezone() -> None:
    assert parsed(record()).walk("VTIMEZONE") == []

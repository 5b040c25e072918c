"""`/deadline` on Slack end to end: signed requests into real slack-bolt, slack_sdk calling a fake Slack.

The clock is the suite's manual one (Saturday 28 November 2026, 08:00 UTC); deliveries go out when a test
runs the app's own planner and dispatcher at the instant they are due.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from adapters.slack.render import CHOICE_BLOCK_PREFIX
from bot.clock import ManualClock
from bot.features.deadlines.plan import KIND_REMIND
from storage.models import DeadlineAssigneeRow, DeadlineRow, DeliveryRow
from storage.repositories import deliveries as deliveries_repo
from tests.adapters.slack.conftest import TEAM, Running
from tests.adapters.slack.test_injection import pings, unverbatim
from tests.fakes.slack import UPLOAD, Call, block_actions_payload, form_payload_body, slash_command_body
from tests.fakes.slack_api import as_json
from tests.support import count, snapshot
from tests.support import drain as drain_dispatcher

WHEN = "2026-12-04 17:00"
"""Friday next week: well after the harness clock, and read the same way in every language and zone."""
ADD = f'add "Ship v2.3" {WHEN} for <@U0PRIYA|priya> remind 1d,2h'
"""The mention as Slack escapes it in a slash command's text: `<@id|name>`."""
SNOOZES = ["snooze:20m", "snooze:1h", "snooze:3h", "snooze:tomorrow", "snooze:nextweek"]


def texts(obj: Any) -> str:
    """Every string in a JSON document, joined: what a reader of the message could see."""
    if isinstance(obj, dict):
        return " ".join(texts(v) for v in obj.values())
    if isinstance(obj, list):
        return " ".join(texts(v) for v in obj)
    return obj if isinstance(obj, str) else ""


async def run(running: Running, text: str, *, user: str, name: str,
              command: str = "/deadline") -> dict[str, Any]:
    """Post a signed slash command and wait for its answer on its own response_url."""
    before = len(running.fake.responses)
    body = slash_command_body(command=command, text=text, user_id=user, team_id=TEAM, channel_id="C0GENERAL",
                              response_url=running.fake.response_url(name))
    assert (await running.post(body)).status == 200
    await running.fake.wait_for_response(count=before + 1)
    return dict(running.fake.responses)[name]


async def team_with_a_manager(running: Running) -> None:
    """Priya and Liam have used Rekan once (zones seeded from Slack); Ayu, an admin, makes Liam a manager."""
    await run(running, "", user="U0PRIYA", name="priya-tz", command="/tz")
    await run(running, "", user="U0LIAM", name="liam-tz", command="/tz")
    granted = await run(running, "managers add <@U0LIAM|liam>", user="U0AYU", name="granted",
                        command="/rekan")
    assert "is now a manager" in texts(granted)


async def drain(running: Running) -> None:
    await drain_dispatcher(running.rekan.dispatcher)


def dms_to(running: Running, user: str) -> list[Call]:
    channel = running.fake.dm_channel(user)
    return [c for c in running.fake.calls_to("chat.postMessage")
            if not c.failed and c.params.get("channel") in {user, channel}]


async def first_reminder(running: Running, clock: ManualClock, user: str) -> Call:
    """Plan from two days before the deadline, then dispatch at the instant of `user`'s first reminder."""
    async with running.rekan.db.read() as s:
        due = (await s.execute(select(DeadlineRow.due_at))).scalar_one()
    clock.set(due - timedelta(days=2))
    await running.rekan.planner.run()
    async with running.rekan.db.read() as s:
        pending = await deliveries_repo.find(s, kind=KIND_REMIND, status="pending")
    mine = [d for d in pending if d.occurrence.endswith("|" + user)]
    assert mine, f"no reminder planned for {user}: {pending}"
    before = len(dms_to(running, user))
    clock.set(mine[0].due_at)
    await drain(running)
    sent = dms_to(running, user)
    assert len(sent) == before + 1
    return sent[-1]


async def test_a_manager_sets_a_deadline_for_a_mentioned_member_who_is_told_by_dm(running: Running) -> None:
    await team_with_a_manager(running)
    answer = await run(running, ADD, user="U0LIAM", name="added")
    said = texts(answer)
    assert answer["response_type"] == "ephemeral"
    assert "Deadline #1 set" in said and "Ship v2.3" in said
    assert "For priya: Saturday, 5 December 2026, 03:30 IST" in said  # Liam's 17:00 EST, in Priya's zone
    assert "1 day and 2 hours before" in said
    async with running.rekan.db.read() as s:
        assignees = (await s.execute(select(DeadlineAssigneeRow.user_id))).scalars().all()
    assert assignees == ["U0PRIYA"]  # the escaped mention <@U0PRIYA|priya> is the member, not the name

    assert dms_to(running, "U0PRIYA") == []  # nothing is sent until the dispatcher runs
    await drain(running)
    [told] = dms_to(running, "U0PRIYA")
    assert "liam set a deadline for you" in texts(told.params) and "Ship v2.3" in texts(told.params)
    assert pings(told.params) == []


async def test_a_reminder_offers_done_and_snoozes_and_a_snooze_click_is_answered(running: Running,
                                                                                clock: ManualClock) -> None:
    await team_with_a_manager(running)
    await run(running, ADD, user="U0LIAM", name="added")
    await drain(running)
    reminder = await first_reminder(running, clock, "U0PRIYA")
    assert "Ship v2.3" in texts(reminder.params) and "Deadline #1" in texts(reminder.params)

    [actions] = [b for b in as_json(reminder.params["blocks"]) if b["type"] == "actions"]
    assert actions["block_id"] == CHOICE_BLOCK_PREFIX + "dl.act:1"
    [menu] = actions["elements"]  # six choices: more than Slack's five buttons, so one static select
    assert menu["type"] == "static_select"
    assert [o["value"] for o in menu["options"]] == ["done", *SNOOZES]
    hour = next(o for o in menu["options"] if o["value"] == "snooze:1h")

    payload = block_actions_payload(user_id="U0PRIYA", team_id=TEAM, block_id=actions["block_id"],
                                    action_id=menu["action_id"], selected_option=hour,
                                    channel_id=running.fake.dm_channel("U0PRIYA"),
                                    response_url=running.fake.response_url("snoozed"))
    before = len(running.fake.responses)
    assert (await running.post(form_payload_body(payload))).status == 200
    await running.fake.wait_for_response(count=before + 1)
    snoozed = dict(running.fake.responses)["snoozed"]
    assert snoozed["response_type"] == "ephemeral" and "I will remind you about #1 again" in texts(snoozed)
    async with running.rekan.db.read() as s:
        again = [d for d in await deliveries_repo.find(s, kind=KIND_REMIND, status="pending")
                 if d.occurrence.startswith("s|U0PRIYA|")]
    assert [d.due_at for d in again] == [clock.now() + timedelta(hours=1)]


async def test_ics_uploads_a_calendar_file_to_the_members_dm(running: Running) -> None:
    await team_with_a_manager(running)
    await run(running, ADD, user="U0LIAM", name="added")
    body = slash_command_body(command="/deadline", text="ics", user_id="U0LIAM", team_id=TEAM,
                              channel_id="C0GENERAL", response_url=running.fake.response_url("ics"))
    assert (await running.post(body)).status == 200
    [completed] = await running.fake.wait_for("files.completeUploadExternal")
    [asked] = running.fake.calls_to("files.getUploadURLExternal")
    [uploaded] = running.fake.calls_to(UPLOAD)
    assert completed.failed is None and asked.failed is None and uploaded.failed is None
    assert asked.params["filename"] == "rekan-deadlines.ics"
    [stored] = running.fake.files.values()
    assert stored["channels"] == [running.fake.dm_channel("U0LIAM")]  # the member's DM, never the channel
    assert "calendar file" in str(stored["initial_comment"])
    calendar = Calendar.from_ical(stored["data"])
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ship v2.3"
    assert event.decoded("DTSTART") == datetime(2026, 12, 4, 22, 0, tzinfo=UTC)  # 17:00 in Liam's New York
    assert sorted(a.decoded("TRIGGER") for a in event.walk("VALARM")) == [-timedelta(days=1),
                                                                         -timedelta(hours=2)]


async def test_a_title_over_200_characters_is_refused_with_the_reason_and_nothing_is_stored(
        running: Running) -> None:
    await team_with_a_manager(running)
    before = await snapshot(running.rekan.db)
    answer = await run(running, f'add "{"x" * 201}" {WHEN} for <@U0PRIYA|priya>', user="U0LIAM", name="long")
    said = texts(answer)
    assert "That title is 201 characters long; at most 200." in said and "/deadline add" in said  # an example
    assert await snapshot(running.rekan.db) == before
    assert await count(running.rekan.db, DeadlineRow) == 0 and await count(running.rekan.db, DeliveryRow) == 0


async def test_pings_typed_in_a_title_are_echoed_without_pinging(running: Running) -> None:
    """As Slack delivers them: typed @channel arrives as <!channel>, a user group as <!subteam^…|@handle>."""
    await team_with_a_manager(running)
    typed = "Ship <!channel> @here <!subteam^S1|@team>"
    answer = await run(running, f'add "{typed}" {WHEN} for <@U0PRIYA|priya>', user="U0LIAM", name="pingy")
    said = texts(answer)
    assert "Deadline #1 set" in said and "Ship @channel @here" in said  # echoed, as words
    assert pings(answer) == [] and unverbatim(answer) == []
    async with running.rekan.db.read() as s:
        assignees = (await s.execute(select(DeadlineAssigneeRow.user_id))).scalars().all()
    assert assignees == ["U0PRIYA"]  # the group in the title is text, not a target
    await drain(running)
    [told] = dms_to(running, "U0PRIYA")  # the assignee's DM echoes the title too
    assert "Ship @channel @here" in texts(told.params)
    assert pings(told.params) == [] and unverbatim(told.params) == []


async def test_the_default_lead_times_read_as_a_sentence(running: Running) -> None:
    await team_with_a_manager(running)
    line = f'add "Ship v2.3" {WHEN} for <@U0PRIYA|priya>'  # no `remind`: the workspace's default leads
    answer = await run(running, line, user="U0LIAM", name="defaults")
    assert "Deadline #1 set" in texts(answer)
    await drain(running)
    [told] = dms_to(running, "U0PRIYA")
    for said in (texts(answer), texts(told.params)):
        assert "1 day" in said and "at the deadline" in said  # the default: 1 day, 1 hour, at the deadline
        assert "at the deadline before" not in said

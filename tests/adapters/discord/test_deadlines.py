"""`/deadline` on Discord end to end: the real discord.py client, a fake Discord, and the core behind it.

The clock is the suite's manual one (Saturday 28 November 2026, 08:00 UTC); deliveries go out when a test
runs the app's own planner and dispatcher at the instant they are due.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar
from sqlalchemy import select

from adapters.discord.render import parse_choice
from bot.clock import ManualClock
from bot.features.deadlines.plan import KIND_REMIND
from storage.models import DeadlineAssigneeRow, DeadlineRow
from storage.repositories import deliveries as deliveries_repo
from tests.adapters.discord.conftest import Running
from tests.adapters.discord.test_end_to_end import DEFERRED, said, strings
from tests.fakes.discord import (
    APPLICATION_ID,
    GUILD_ID,
    OWNER_ID,
    Callback,
    dm_channel_id,
    interaction_command,
    interaction_component,
    interaction_modal_submit,
)
from tests.support import drain as drain_dispatcher

ASSIGNEE = 1180000000000000301
WHEN = "2026-12-04 17:00"
"""Friday next week: well after the harness clock, and read the same way in every language and zone."""
MODAL = 9
FOLLOW_UPS = r"/webhooks/\d+/.+"


async def until_said(running: Running, text: str) -> None:
    """Wait until an interaction follow-up says `text` (a member's first exchange may add a zone question)."""
    await running.fake.wait_until(lambda: text in said(running), f"a follow-up saying {text!r}")


async def in_jakarta(running: Running) -> None:
    """The guild owner (discord.py grants the owner every permission: a Rekan admin) sets their zone."""
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command(
        "tz", "set", {"zone": "Asia/Jakarta"}, guild_id=GUILD_ID, user_id=OWNER_ID))
    await until_said(running, "Asia/Jakarta")


ADD = {"title": "Ship v2.3", "when": WHEN, "for": f"<@{ASSIGNEE}>", "remind": "1d,2h", "urgent": True}


async def add(running: Running) -> dict[str, Any]:
    """`/deadline add` with typed options from the owner in #general; the interaction, once answered."""
    interaction = interaction_command("deadline", "add", ADD, guild_id=GUILD_ID, user_id=OWNER_ID)
    await running.fake.dispatch("INTERACTION_CREATE", interaction)
    await until_said(running, "Deadline #1 set")
    return interaction


async def drain(running: Running) -> None:
    await drain_dispatcher(running.rekan.dispatcher)


def dms(running: Running, user_id: int) -> list[dict[str, Any]]:
    return running.fake.messages_in(dm_channel_id(user_id))


async def first_reminder(running: Running, clock: ManualClock, user_id: int) -> dict[str, Any]:
    """Plan from two days before the deadline, then dispatch at the instant of the member's first reminder."""
    async with running.rekan.db.read() as s:
        due = (await s.execute(select(DeadlineRow.due_at))).scalar_one()
    clock.set(due - timedelta(days=2))
    await running.rekan.planner.run()
    async with running.rekan.db.read() as s:
        pending = await deliveries_repo.find(s, kind=KIND_REMIND, status="pending")
    mine = [d for d in pending if d.occurrence.endswith(f"|{user_id}")]
    assert mine, f"no reminder planned for {user_id}: {pending}"
    before = len(dms(running, user_id))
    clock.set(mine[0].due_at)
    await drain(running)
    sent = dms(running, user_id)
    assert len(sent) == before + 1
    return sent[-1]


def offered(message: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Each value a message offers → (custom_id, the select option's value or None for a button)."""
    out: dict[str, tuple[str, str | None]] = {}
    for row in message["components"]:
        assert row["type"] == 1 and len(row["components"]) <= 5  # an action row holds at most 5 buttons
        for component in row["components"]:
            if component["type"] == 2:
                picked = parse_choice(component["custom_id"], [])
                assert picked is not None
                out[picked[1]] = (component["custom_id"], None)
            else:
                assert component["type"] == 3
                out |= {o["value"]: (component["custom_id"], o["value"]) for o in component["options"]}
    return out


async def test_add_with_typed_options_is_deferred_then_confirmed_by_a_follow_up(running: Running) -> None:
    await in_jakarta(running)
    interaction = await add(running)
    [deferred] = [c for c in running.fake.callbacks if c.interaction_id == int(interaction["id"])]
    assert deferred.type == DEFERRED and deferred.data is not None and deferred.data.get("flags") == 64
    paths = [c.path for c in running.fake.calls]
    callback = paths.index(f"/interactions/{interaction['id']}/{interaction['token']}/callback")
    follow_up = paths.index(f"/webhooks/{APPLICATION_ID}/{interaction['token']}")
    assert callback < follow_up  # deferred within Discord's 3 seconds, answered after the core
    answer = running.fake.calls[follow_up].json
    text = " ".join(strings(answer))
    assert "Deadline #1 set" in text and "Ship v2.3" in text and "Friday, 4 December 2026, 17:00 WIB" in text
    assert "1 day and 2 hours before" in text and "Urgent: reminders ignore quiet hours." in text
    assert answer["flags"] == 64 and answer["allowed_mentions"]["parse"] == []
    async with running.rekan.db.read() as s:
        assignees = (await s.execute(select(DeadlineAssigneeRow.user_id))).scalars().all()
        urgent = (await s.execute(select(DeadlineRow.urgent))).scalar_one()
    assert assignees == [str(ASSIGNEE)] and urgent is True  # `for` <@id> is the member; `urgent` a boolean
    await drain(running)
    [told] = dms(running, ASSIGNEE)
    assert "set a deadline for you" in told["content"] and "Ship v2.3" in told["content"]


async def test_the_synced_tree_has_deadline_add_with_its_required_options_first(running: Running) -> None:
    [sync] = running.fake.calls_to("PUT", r"/applications/\d+(/guilds/\d+)?/commands")
    [deadline] = [c for c in sync.json if c["name"] == "deadline"]
    subs = {s["name"]: s for s in deadline["options"]}
    assert set(subs) >= {"add", "remind", "list", "done", "edit", "snooze", "cancel", "ics", "form",
                         "settings"}
    add = subs["add"]
    assert add["type"] == 1
    options = [(o["name"], o["type"], o["required"]) for o in add["options"]]
    assert options == [("title", 3, True), ("when", 3, True), ("for", 3, False), ("remind", 3, False),
                       ("urgent", 5, False)]
    stored = running.fake.guild_commands.get(GUILD_ID) or running.fake.commands
    assert "deadline" in {c["name"] for c in stored}


async def test_a_reminder_in_the_dm_offers_done_and_snoozes_and_a_snooze_click_is_answered(
        running: Running, clock: ManualClock) -> None:
    await in_jakarta(running)
    await add(running)
    await drain(running)
    reminder = await first_reminder(running, clock, ASSIGNEE)
    assert "Ship v2.3" in reminder["content"] and "Deadline #1" in reminder["content"]
    posted = running.fake.calls_to("POST", rf"/channels/{dm_channel_id(ASSIGNEE)}/messages")[-1].json
    assert posted["allowed_mentions"] == {"parse": [], "users": [], "roles": [], "replied_user": False}
    choices = offered(reminder)  # six choices: more than a row of buttons holds
    assert list(choices) == ["done", "snooze:20m", "snooze:1h", "snooze:3h", "snooze:tomorrow",
                             "snooze:nextweek"]
    custom_id, option = choices["snooze:1h"]
    assert parse_choice(custom_id, [option] if option else []) == ("dl.act:1", "snooze:1h")

    click = interaction_component(custom_id, 3 if option else 2, [option] if option else None,
                                  message=running.fake.messages[int(reminder["id"])], user_id=ASSIGNEE)
    await running.fake.dispatch("INTERACTION_CREATE", click)  # in the DM: no guild, no view in memory
    await until_said(running, "I will remind you about #1 again")
    [deferred] = [c for c in running.fake.callbacks if c.interaction_id == int(click["id"])]
    assert deferred.type == DEFERRED
    async with running.rekan.db.read() as s:
        again = [d for d in await deliveries_repo.find(s, kind=KIND_REMIND, status="pending")
                 if d.occurrence.startswith(f"s|{ASSIGNEE}|")]
    assert [d.due_at for d in again] == [clock.now() + timedelta(hours=1)]


async def test_ics_uploads_a_calendar_file_to_the_members_dm(running: Running) -> None:
    await in_jakarta(running)
    await add(running)
    await running.fake.dispatch("INTERACTION_CREATE", interaction_command(
        "deadline", "ics", guild_id=GUILD_ID, user_id=OWNER_ID))
    dm = dm_channel_id(OWNER_ID)
    [upload] = await running.fake.wait_for("POST", rf"/channels/{dm}/messages")
    [(filename, data)] = upload.files
    assert filename == "rekan-deadlines.ics"
    assert upload.json["attachments"] == [{"id": 0, "filename": "rekan-deadlines.ics"}]
    assert "calendar file" in upload.json["content"]
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ship v2.3"
    assert event.decoded("DTSTART") == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # 17:00 in Jakarta
    assert sorted(a.decoded("TRIGGER") for a in event.walk("VALARM")) == [-timedelta(days=1),
                                                                         -timedelta(hours=2)]


async def open_form(running: Running) -> Callback:
    """`/deadline form` from the owner: the modal must be the interaction's first and only answer."""
    interaction = interaction_command("deadline", "form", guild_id=GUILD_ID, user_id=OWNER_ID)
    await running.fake.dispatch("INTERACTION_CREATE", interaction)
    await running.fake.wait_until(lambda: any(c.interaction_id == int(interaction["id"])
                                              for c in running.fake.callbacks), "the form's callback")
    [modal] = [c for c in running.fake.callbacks if c.interaction_id == int(interaction["id"])]
    assert modal.type == MODAL and modal.data is not None
    return modal


async def submit(running: Running, modal: Callback, **changed: str) -> None:
    assert modal.data is not None
    values = {"title": "Ship v2.3", "when": WHEN, "for": f"<@{ASSIGNEE}>", "remind": "1d,2h", "urgent": "yes",
              **changed}
    await running.fake.dispatch("INTERACTION_CREATE", interaction_modal_submit(
        modal.data["custom_id"], values, guild_id=GUILD_ID, user_id=OWNER_ID))
    await until_said(running, "Deadline #1 set")


async def test_form_answers_with_a_modal_whose_submission_sets_the_deadline(running: Running) -> None:
    await in_jakarta(running)
    modal = await open_form(running)
    assert modal.data is not None and modal.data["custom_id"] == "rf|dl.form"
    fields = [c["custom_id"] for row in modal.data["components"] for c in row["components"]]
    assert fields == ["title", "when", "for", "remind", "urgent"]
    await submit(running, modal)
    assert "Urgent: reminders ignore quiet hours." in said(running)
    async with running.rekan.db.read() as s:
        assert (await s.execute(select(DeadlineAssigneeRow.user_id))).scalars().all() == [str(ASSIGNEE)]


async def test_the_forms_urgent_field_takes_the_number_the_modal_offers(running: Running) -> None:
    await in_jakarta(running)
    modal = await open_form(running)
    assert modal.data is not None
    inputs = {c["custom_id"]: c for row in modal.data["components"] for c in row["components"]}
    urgent = inputs["urgent"]
    assert "2. yes" in urgent["placeholder"].lower()
    await submit(running, modal, urgent="2")
    async with running.rekan.db.read() as s:
        assert (await s.execute(select(DeadlineRow.urgent))).scalar_one() is True

"""Scheduled sends to Slack through the outbox and the rate-limited queue: none lost, none twice."""

from __future__ import annotations

from collections import Counter

from bot.clock import ManualClock
from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.lateness import MISSED_SUMMARY
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import WorkspaceRow
from storage.repositories import deliveries as repo
from tests.adapters.slack.conftest import TEAM, Running
from tests.fakes.slack import rate_limited, slack_error
from tests.support import drain as drain_dispatcher

PEOPLE = ["U0AYU", "U0PRIYA", "U0LIAM"]


async def plan(running: Running, clock: ManualClock, texts: dict[str, str]) -> None:
    """One due DM per text, to the person named by the key's prefix."""
    async with running.rekan.db.session() as s:
        ws = WorkspaceRow(platform="slack", external_id=TEAM, name="Acme", default_locale="en",
                          created_at=clock.now())
        s.add(ws)
        await s.flush()
        items = [PlannedDelivery(
            workspace_pk=ws.id, kind="reminder", source_id=key, occurrence="o", due_at=clock.now(),
            owner_user_id="U0AYU",
            action=Send(to=ConversationRef.dm(AccountRef(platform="slack", workspace_id=TEAM,
                                                         user_id=key.split("/")[0])),
                        content=Content.text(text)))
            for key, text in texts.items()]
        await enqueue(s, items, now=clock.now())


async def drain(running: Running) -> None:
    await drain_dispatcher(running.rekan.dispatcher)


def posted_texts(running: Running) -> Counter[str]:
    return Counter(str(c.params.get("text")) for c in running.fake.calls_to("chat.postMessage") if not c.failed)


async def test_a_429_storm_loses_no_message_and_sends_none_twice(running: Running, clock: ManualClock) -> None:
    running.fake.fail_when("chat.postMessage", lambda n: rate_limited(1) if n % 2 == 1 else None)
    texts = {f"{PEOPLE[i % 3]}/{i}": f"Reminder number {i}" for i in range(6)}
    await plan(running, clock, texts)
    await drain(running)
    assert posted_texts(running) == Counter(texts.values())
    async with running.rekan.db.read() as s:
        rows = await repo.find(s, kind="reminder")
    assert {r.status for r in rows} == {"sent"} and all(r.message_id for r in rows)
    assert sum(1 for c in running.fake.calls_to("chat.postMessage") if c.failed) >= 3


async def test_a_dead_destination_is_recorded_and_reported_to_the_owner(running: Running,
                                                                        clock: ManualClock) -> None:
    running.fake.fail_next("chat.postMessage", slack_error("account_inactive"))
    await plan(running, clock, {"U0LIAM/1": "Ship the release notes"})
    await drain(running)
    async with running.rekan.db.read() as s:
        [row] = await repo.find(s, kind="reminder")
        [summary] = await repo.find(s, kind=MISSED_SUMMARY)
    assert (row.status, row.error) == ("failed", "account_inactive")
    assert summary.status == "sent"
    [report] = [c for c in running.fake.calls_to("chat.postMessage") if c.params.get("channel") == "U0AYU"]
    assert "Ship the release notes" in str(report.params)

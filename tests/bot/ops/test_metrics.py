"""The metrics page: sends by kind and outcome with their lateness, 429s, commands, and the figures read
from the database at each scrape (backlog per platform, standup answer rate)."""

from __future__ import annotations

from datetime import date, timedelta

from prometheus_client.parser import text_string_to_metric_families

from bot.clock import ManualClock
from bot.ops.metrics import Metrics
from storage.models import StandupAnswerRow, StandupRow
from storage.session import Database
from tests.bot.scheduling.helpers import add, planned, seed_workspace


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(metrics.render().decode()) for s in family.samples}


def test_sends_retries_and_429s_are_counted_by_kind_outcome_and_platform() -> None:
    m = Metrics()
    m.sent("reminder", False, timedelta(seconds=0.3))
    m.sent("reminder", True, timedelta(minutes=20))
    m.outcome("standup_prompt", "expired", 2)
    m.transient("slack", rate_limited=True)
    m.transient("slack", rate_limited=False)
    m.commands.labels("deadline").observe(0.004)
    got = samples(m)
    assert got[("rekan_deliveries_total", (("kind", "reminder"), ("outcome", "sent")))] == 1
    assert got[("rekan_deliveries_total", (("kind", "reminder"), ("outcome", "late")))] == 1
    assert got[("rekan_deliveries_total", (("kind", "standup_prompt"), ("outcome", "expired")))] == 2
    assert got[("rekan_delivery_lateness_seconds_count", (("kind", "reminder"),))] == 2
    assert got[("rekan_delivery_lateness_seconds_bucket", (("kind", "reminder"), ("le", "0.5")))] == 1
    assert got[("rekan_platform_rate_limited_total", (("platform", "slack"),))] == 1
    assert got[("rekan_platform_retries_total", (("platform", "slack"),))] == 2
    assert got[("rekan_command_seconds_count", (("command", "deadline"),))] == 1


async def test_backlog_and_answer_rate_are_read_from_the_database_at_each_scrape(
        db: Database, clock: ManualClock) -> None:
    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "due", clock.now() - timedelta(minutes=1)),
                   planned(ws, "later", clock.now() + timedelta(hours=1))], clock.now())
    async with db.session() as s:
        standup = StandupRow(workspace_id=ws, name="daily", channel_id="C1", owner_user_id="U1", questions=[],
                             days="01234", prompt_minute=570, time_mode="member", zone="UTC",
                             report_minute=None, nudge_minutes=[], options={}, created_at=clock.now(),
                             updated_at=clock.now())
        s.add(standup)
        await s.flush()
        for user, answered in (("U1", True), ("U2", True), ("U3", False), ("U4", True)):
            s.add(StandupAnswerRow(workspace_id=ws, standup_id=standup.id, day=date(2026, 11, 30), user_id=user,
                                   status="done" if answered else "asked", step=0, answers=[],
                                   asked_at=clock.now() - timedelta(hours=2),
                                   answered_at=clock.now() if answered else None))
    m = Metrics()
    await m.refresh(db, clock.now())
    got = samples(m)
    assert got[("rekan_outbox_pending", (("platform", "shell"),))] == 2
    assert got[("rekan_outbox_due", (("platform", "shell"),))] == 1
    assert got[("rekan_standup_answer_ratio", ())] == 0.75


async def test_the_dispatcher_reports_each_send_and_its_lateness(db: Database, clock: ManualClock) -> None:
    from bot.scheduling.dispatcher import Dispatcher
    from bot.scheduling.lateness import Policies
    from tests.bot.scheduling.helpers import RecordingSender

    ws = await seed_workspace(db, clock.now())
    await add(db, [planned(ws, "punctual", clock.now() - timedelta(seconds=20)),
                   planned(ws, "tardy", clock.now() - timedelta(minutes=20)),
                   planned(ws, "stale", clock.now() - timedelta(hours=5))], clock.now())
    m = Metrics()
    dispatcher = Dispatcher(db, clock, RecordingSender(clock), Policies({}, timedelta(hours=1)), worker_id="w",
                            observer=m)
    await dispatcher.run_due()
    got = samples(m)
    assert got[("rekan_deliveries_total", (("kind", "reminder"), ("outcome", "sent")))] == 1
    assert got[("rekan_deliveries_total", (("kind", "reminder"), ("outcome", "late")))] == 1
    assert got[("rekan_deliveries_total", (("kind", "reminder"), ("outcome", "expired")))] == 1
    assert got[("rekan_delivery_lateness_seconds_bucket", (("kind", "reminder"), ("le", "30.0")))] == 1
    assert got[("rekan_delivery_lateness_seconds_sum", (("kind", "reminder"),))] == 20 + 20 * 60

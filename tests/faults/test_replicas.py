"""Three Rekan replicas on one PostgreSQL, one SIGKILLed mid-burst: its claims are taken over once its lease
lapses, nothing is lost, and no delivery is sent twice (no two live replicas ever post the same one; the
victim's send in flight is deduplicated by Discord's nonce and, on Slack, is the one possible copy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import SchedulingSettings
from bot.scheduling.marks import MARK_LIMIT
from tests.faults.scenarios import replicas_burst

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

COUNT, LEASE = 450, 2


async def test_a_replica_killed_mid_burst_is_taken_over_after_its_lease(empty_postgres: str,
                                                                       tmp_path: Path) -> None:
    result = await replicas_burst(empty_postgres, tmp_path, count=COUNT, replicas=3, lease=LEASE, within=120)
    print("\n" + json.dumps(result))
    assert result["lost"] == {"slack": 0, "discord": 0}, result
    assert result["rows_not_sent"] == 0, result
    assert result["posted_by_two_live_replicas"] == 0, result
    assert result["duplicates"]["discord"] == 0, result
    # The victim's sends under way and its accepted sends awaiting their group-committed mark.
    in_flight_max = SchedulingSettings().dispatch_concurrency + MARK_LIMIT
    assert result["duplicates"]["slack"] == result["in_flight_at_kill"]["slack"] <= in_flight_max, result
    # Nobody takes a claim over before its lease lapses, and the survivors do it promptly after.
    assert result["takeover_s"] >= result["victim_lease_left_s"] - 0.05, result
    assert result["takeover_s"] <= LEASE + 10, result

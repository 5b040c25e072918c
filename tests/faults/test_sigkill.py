"""SIGKILL at random moments of a burst, five times, restarting each time: nothing lost; on Slack no more
duplicates than sends in flight at the kills; on Discord none (the message nonce).

Each Rekan is a process (tests/faults/worker.py) sending through the real Slack and Discord senders to the
fakes, behind proxies that record who posted what; the in-flight count at each kill is exact (a post by
the victim whose row the victim never marked), not a race against the kill.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import SchedulingSettings
from bot.scheduling.marks import MARK_LIMIT
from tests.faults.scenarios import sigkill_burst

pytestmark = pytest.mark.slow

COUNT, KILLS = 400, 5
IN_FLIGHT_MAX = SchedulingSettings().dispatch_concurrency + MARK_LIMIT


async def test_five_kills_mid_burst_lose_nothing_and_duplicate_only_what_was_in_flight(
        sqlite_url: str, tmp_path: Path) -> None:
    result = await sigkill_burst(sqlite_url, tmp_path, count=COUNT, kills=KILLS, lease=1, within=120)
    print("\n" + json.dumps(result))
    assert result["lost"] == {"slack": 0, "discord": 0}, result
    assert result["rows_not_sent"] == 0, result
    assert len(result["kills"]) == KILLS
    # In flight at a kill: the sends under way (dispatch_concurrency) and those the platform took whose
    # group-committed marks had not landed (at most MARK_LIMIT).
    assert all(sum(k["in_flight"].values()) <= IN_FLIGHT_MAX for k in result["kills"]), result
    assert result["duplicates"]["slack"] == result["in_flight_total"]["slack"] <= KILLS * IN_FLIGHT_MAX, result
    assert result["duplicates"]["discord"] == 0, result
    assert result["discord_nonce_dedupes"] == result["in_flight_total"]["discord"], result

"""The database crashes and comes back mid-burst (a throwaway PostgreSQL cluster, `pg_ctl stop -m
immediate` then start): Rekan reconnects by itself and finishes, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.faults.scenarios import db_restart_burst

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("cluster_binaries")
async def test_rekan_reconnects_after_a_database_restart_and_finishes(tmp_path: Path) -> None:
    # Production timing: a 60 s lease and a 60 s poll; Rekan must not wait either out to carry on.
    result = await db_restart_burst(tmp_path, count=400, restarts=1, lease=60, planner_interval=60,
                                    within=120)
    print("\n" + json.dumps(result))
    assert result["lost"] == {"slack": 0, "discord": 0}, result
    assert result["rows_not_sent"] == 0, result
    assert result["duplicates"]["discord"] == 0, result
    # At most the one send whose mark the crash cut off is repeated on Slack.
    assert result["duplicates"]["slack"] <= len(result["restarts"]), result
    [restart] = result["restarts"]
    assert restart["reconnect_s"] < 10, result

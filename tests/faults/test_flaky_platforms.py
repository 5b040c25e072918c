"""Both platforms fail 20% of the sends. Refused ones (429, 500, a timeout, a reset) cost only time: 0 lost,
0 duplicated. Answers lost after the platform posted are deduplicated on Discord (the message nonce); on
Slack each is exactly one extra copy, and nothing else is (Slack has no idempotency key: docs/reliability.md).

One Rekan dispatcher in this process, its scheduler service and the real senders behind the core's
SendQueue, as in production; the faults come from proxies in front of the fake platforms.
"""

from __future__ import annotations

import json

from tests.faults.proxy import LOST_ANSWERS, REFUSALS
from tests.faults.scenarios import flaky_burst

# Out of every 7 refusals: two 429s, two 500s, one timeout (it costs a whole request timeout), two resets.
COUNTS = (2, 2, 1, 2)


async def test_refused_calls_lose_nothing_and_duplicate_nothing(sqlite_url: str) -> None:
    result = await flaky_burst(sqlite_url, count=60, rate=0.2, faults=REFUSALS, counts=COUNTS, seed=9,
                               request_timeout=2.0, within=120)
    print("\n" + json.dumps(result))
    assert result["lost"] == {"slack": 0, "discord": 0}, result
    assert result["rows_not_sent"] == 0, result
    assert result["duplicates"] == {"slack": 0, "discord": 0}, result
    for platform in ("slack", "discord"):
        assert set(result["faults_injected"][platform]) == {f.value for f in REFUSALS}, result


async def test_answers_lost_after_posting_are_deduplicated_on_discord_and_counted_on_slack(
        sqlite_url: str) -> None:
    result = await flaky_burst(sqlite_url, count=40, rate=0.2, faults=LOST_ANSWERS, seed=11,
                               request_timeout=2.0, within=120)
    print("\n" + json.dumps(result))
    assert result["lost"] == {"slack": 0, "discord": 0}, result
    assert result["rows_not_sent"] == 0, result
    assert result["duplicates"]["discord"] == 0, result
    assert result["discord_nonce_dedupes"] >= result["posted_then_failed"]["discord"] > 0, result
    # Every extra Slack copy is one answer lost after posting, and nothing else.
    assert result["duplicates"]["slack"] == result["posted_then_failed"]["slack"] > 0, result
    assert result["unrecorded_posts_without_fault"] == 0, result

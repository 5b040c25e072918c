"""In Slack's HTTP mode the probes share the events' port: a load balancer checks the replica it routes to."""

from __future__ import annotations

from tests.adapters.slack.conftest import Running


async def test_healthz_readyz_and_metrics_beside_the_slack_events(running: Running) -> None:
    base = f"http://127.0.0.1:{running.adapter.port}"
    async with running.http.get(f"{base}/healthz") as r:
        assert (r.status, await r.text()) == (200, "ok")
    async with running.http.get(f"{base}/readyz") as r:
        assert r.status == 200
        assert (await r.json())["checks"] == {"database": True, "migrations": True, "slack": True}
    async with running.http.get(f"{base}/metrics") as r:
        assert r.status == 200
        assert "rekan_standup_answer_ratio 1.0" in await r.text()


async def test_the_adapter_is_not_ready_once_it_stopped_taking_events(running: Running) -> None:
    assert await running.adapter.connected()
    await running.adapter.stop_events()
    assert not await running.adapter.connected()

"""`rekan run` stopped by SIGTERM mid-burst: it takes no new events, finishes the sends under way, gives
the rest back to the outbox, exits 0 — nothing lost, nothing sent twice, nothing left claimed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.core.actions import Send
from bot.core.content import Content
from bot.core.identity import AccountRef, ConversationRef
from bot.scheduling.outbox import PlannedDelivery, enqueue
from storage.models import WorkspaceRow
from storage.repositories import deliveries as repo
from storage.session import Database
from tests.bot.scheduling.helpers import wait_until
from tests.fakes.slack import FakeSlack

pytestmark = pytest.mark.slow
REKAN = Path(sys.executable).with_name("rekan")
BURST, RATE = 60, 20.0


async def seed(url: str, team_id: str) -> None:
    db = Database(url)
    await db.upgrade()
    now = datetime.now(UTC)
    async with db.session() as s:
        ws = WorkspaceRow(platform="slack", external_id=team_id, name="Team", default_locale="en", created_at=now)
        s.add(ws)
        await s.flush()
        await enqueue(s, [PlannedDelivery(
            workspace_pk=ws.id, kind="reminder", source_id=f"burst:{i}", occurrence="o", due_at=now - timedelta(seconds=1),
            action=Send(to=ConversationRef.dm(AccountRef(platform="slack", workspace_id=team_id, user_id=f"U{i:04d}")),
                        content=Content.text(f"burst {i}")))
            for i in range(BURST)], now=now)
    await db.dispose()


async def test_sigterm_mid_burst_finishes_what_is_under_way_and_gives_back_the_rest(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}"
    async with FakeSlack() as fake:
        fake.enforce_budget(RATE)
        await seed(url, fake.team_id)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
        env.update(HOME=str(tmp_path), REKAN_DATABASE_URL=url, SLACK_BOT_TOKEN="xoxb-1-2-runner",
                   SLACK_SIGNING_SECRET="runner-signing-secret", SLACK_API_URL=fake.api_url,
                   SLACK_WORKSPACE_RATE=str(RATE / 2), REKAN_HTTP_PORT="0", REKAN_HTTP_HOST="127.0.0.1")
        command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
        proc = await asyncio.create_subprocess_exec(*command, "run", env=env, cwd=tmp_path,
                                                    stderr=asyncio.subprocess.PIPE)

        def posts() -> list[str]:
            return [str(c.params.get("text")) for c in fake.calls_to("chat.postMessage") if c.failed is None]

        async def some_posted() -> bool:
            assert proc.returncode is None, "rekan run exited early"
            return len(posts()) >= 10
        await wait_until(some_posted, within=60)
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, stderr.decode()[-2000:]
        posted = posts()
    db = Database(url)
    try:
        async with db.read() as s:
            rows = await repo.find(s)
    finally:
        await db.dispose()
    status = Counter(r.status for r in rows)
    assert status["claimed"] == 0, status  # everything not finished was given back
    assert 10 <= status["sent"] < BURST and status["sent"] + status["pending"] == BURST, status  # stopped mid-burst
    assert len(posted) == status["sent"]  # every send under way was finished and marked: none will go twice
    assert Counter(posted).most_common(1)[0][1] == 1
    assert "stopping" in stderr.decode()


async def test_the_probes_answer_on_the_http_port_when_no_adapter_serves_http(tmp_path: Path) -> None:
    """A Discord-only or Socket Mode deployment still has /healthz, /readyz and /metrics."""
    from adapters.runner import serve
    from bot.config import load_settings

    settings = load_settings(None, env={"REKAN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
                                        "REKAN_HTTP_PORT": "0", "REKAN_HTTP_HOST": "127.0.0.1"})
    stop = asyncio.Event()
    ports: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
    running = asyncio.create_task(serve(settings, stop=stop, on_ready=ports.set_result))
    try:
        port = await asyncio.wait_for(ports, 30)
        assert port
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                assert r.status == 200
            async with http.get(f"http://127.0.0.1:{port}/readyz") as r:
                assert r.status == 200
                assert (await r.json())["checks"] == {"database": True, "migrations": True}
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                assert r.status == 200
                assert "rekan_standup_answer_ratio" in await r.text()
    finally:
        stop.set()
        assert await asyncio.wait_for(running, 30) == 0

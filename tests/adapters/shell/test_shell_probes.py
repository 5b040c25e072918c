"""`rekan shell` with REKAN_HTTP_PORT set serves the probes too: a demo or a small team's terminal bot can
be watched like any other deployment."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp
import pytest

pytestmark = pytest.mark.slow
REKAN = Path(sys.executable).with_name("rekan")


async def test_the_shell_serves_healthz_readyz_and_metrics_when_a_port_is_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
    env.update(HOME=str(tmp_path), REKAN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}",
               REKAN_HTTP_PORT="0", REKAN_HTTP_HOST="127.0.0.1", REKAN_LOG_FORMAT="json")
    command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
    proc = await asyncio.create_subprocess_exec(*command, "shell", env=env, cwd=tmp_path,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None and proc.stdin is not None
    try:
        port = None
        while port is None:
            line = (await asyncio.wait_for(proc.stderr.readline(), 30)).decode()
            assert line, "the shell ended before serving the probes"
            found = re.search(r"health and metrics on http://[^:]+:(\d+)", line)
            port = int(found.group(1)) if found else None
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/readyz") as r:
                assert r.status == 200
                assert (await r.json())["checks"] == {"database": True, "migrations": True}
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                assert r.status == 200
                assert "rekan_standup_answer_ratio 1.0" in await r.text()
    finally:
        proc.stdin.close()
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode == 0

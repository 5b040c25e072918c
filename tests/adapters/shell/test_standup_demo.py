"""Acceptance, in the shell demo: a standup for the five-member team, walked through one day — each member
asked at their own 09:30, one on a public holiday, the report with blockers first, a late answer after it.
"""

from __future__ import annotations

import io
import re

from adapters.shell.adapter import ShellAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import load_settings
from bot.features.profile.demo import DEMO_WORKSPACE, seed_demo
from storage.session import Database

DAY = [
    "/clock set 2027-01-17T12:00:00+00:00",  # Sunday; Monday 18 January is Martin Luther King Jr. Day (US)
    "/standup new Daily in #team at 09:30 report 17:00 for @ayu @priya @jonas @emma @liam",
    "/clock advance 15h",  # Monday 03:00 UTC: Ayu was asked at 09:30 WIB
    "Selesai halaman login", "API pembayaran", "tidak ada",
    "/clock advance 2h",  # 05:00 UTC: Priya at 09:30 IST
    "/as priya", "Reviewed the designs", "Payments API", "waiting for the API keys",
    "/clock advance 5h",  # 10:00 UTC: Jonas (08:30 UTC) and Emma (09:30 UTC)
    "/as emma", "Release notes", "Support rota", "none",
    "/clock advance 13h",  # 23:00 UTC: the report went at 17:00 in New York (22:00 UTC)
    "/as jonas", "Fixed the flaky tests", "Docs", "no",
]


def blocks_to(out: str, where: str) -> list[str]:
    return [" | ".join(line.strip() for line in b.splitlines())
            for b in re.findall(rf"→ {re.escape(where)}\n((?:  .*\n?)+)", out)]


async def test_a_standup_day_in_the_demo(db: Database, clock: ManualClock) -> None:
    app = Rekan(load_settings(env={}), clock=clock, database_url=db.url)
    out = io.StringIO()
    await app.start()
    try:
        await seed_demo(app.db, clock.now())
        shell = ShellAdapter(app, workspace_id=DEMO_WORKSPACE.workspace_id, speaker="ayu", out=out)
        for line in DAY:
            await shell.feed(line)
    finally:
        await app.stop()
    text = out.getvalue()
    assert "Selamat pagi! Waktunya *Daily*, Senin, 18 Januari 2027." in text  # Ayu, at her own 09:30
    for member in ("priya", "jonas", "emma"):
        [prompt] = [b for b in blocks_to(text, f"DM @{member}") if "Good morning" in b]
        assert "Monday, 18 January 2027" in prompt
    assert not any("Good morning" in b for b in blocks_to(text, "DM @liam"))  # a US public holiday
    report, late = blocks_to(text, "#team")
    assert report.startswith("*Daily*, Monday, 18 January 2027: 3 of 5 answered.")
    assert report.index("*Blockers*") < report.index("*Ayu*")
    assert "*Priya*: waiting for the API keys" in report
    assert "*Priya* (answered 10:30 IST)" in report and "*Emma* (answered 10:00 GMT)" in report
    assert "Away: Liam (Martin Luther King Jr. Day)." in report
    assert "No answer yet: Jonas." in report
    assert late.startswith("Late answer for *Daily*: | *Jonas* (answered 00:00 CET)")
    assert "<@" not in report and "@here" not in report

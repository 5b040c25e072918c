"""Acceptance, in the shell demo: a manager in Jakarta sets a deadline for Priya (Kolkata) and Liam
(New York), moves the clock, and watches each reminder arrive in each member's local time and language,
then the overdue follow-up.
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


def deliveries_to(out: str, member: str) -> list[str]:
    """The blocks the shell printed as `→ DM @member`, each as one line of text."""
    blocks = re.findall(rf"→ DM @{member}\n((?:  .*\n?)+)", out)
    return [" ".join(line.strip() for line in b.splitlines()) for b in blocks]


async def test_a_manager_sees_each_reminder_in_each_members_time_and_language(
        db: Database, clock: ManualClock) -> None:
    app = Rekan(load_settings(env={}), clock=clock, database_url=db.url)
    out = io.StringIO()
    await app.start()
    try:
        await seed_demo(app.db, clock.now())
        shell = ShellAdapter(app, workspace_id=DEMO_WORKSPACE.workspace_id, speaker="ayu", out=out)
        await shell.feed('/deadline add "Ship v2.3" Fri 17:00 for @priya @liam remind 1d,2h')
        confirmation = out.getvalue()
        assert "Tenggat #1 dibuat: *Ship v2.3*, jatuh tempo Jumat, 4 Desember 2026 pukul 17.00 WIB" in confirmation
        assert "Untuk Priya: Jumat, 4 Desember 2026 pukul 15.30 IST." in confirmation
        assert "Untuk Liam: Jumat, 4 Desember 2026 pukul 05.00 EST." in confirmation
        await shell.feed("/clock advance 4d")
        await shell.feed("/clock advance 5d")  # to Monday 09:00 WIB, when Ayu's working week starts
    finally:
        await app.stop()
    text = out.getvalue()
    liam = deliveries_to(text, "liam")
    assert [m.split(".")[0] for m in liam] == [
        "Ayu set a deadline for you: *Ship v2",
        "⏰ *Ship v2",
        "⏰ *Ship v2",
        "⚠️ *Ship v2",
    ]
    assert "is due in 1 day 12 hours: Friday, 4 December 2026, 05:00 EST" in liam[1]  # sent Wed 17:00 EST
    assert "is due in 12 hours: Friday, 4 December 2026, 05:00 EST" in liam[2]         # sent Thu 17:00 EST
    assert "is overdue: it was due Friday, 4 December 2026, 05:00 EST" in liam[3]
    priya = deliveries_to(text, "priya")
    assert "is due in 1 day: Friday, 4 December 2026, 15:30 IST" in priya[1]
    assert "is due in 2 hours: Friday, 4 December 2026, 15:30 IST" in priya[2]
    assert "is overdue" in priya[3]
    # Ayu's own follow-up, in Indonesian, printed to her as the person at the keyboard.
    assert "⚠️ *Ship v2.3* (untuk Priya, Liam) terlambat: jatuh temponya Jumat, 4 Desember 2026 pukul 17.00 WIB" in text
    assert text.count("is due in") == 4  # each lead reminder exactly once

"""Acceptance, in the shell demo: `/meet overlap`, `/meet suggest 30m`, `/meet time` and `/meet poll` work for
the five-member team (Ayu in Jakarta, Priya in Kolkata, Jonas in Berlin, Emma in London, Liam in New York).

Ayu types, in Indonesian, on Tuesday 1 December 2026 at 13:00 in Jakarta (06:00 UTC). The shell has no
channels, so the team is named as `#team` (in the shell, everyone Rekan knows in the workspace).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from adapters.shell.adapter import ShellAdapter
from bot.app import Rekan
from bot.clock import ManualClock
from bot.config import load_settings
from bot.features.profile.demo import DEMO_WORKSPACE, seed_demo
from storage.session import Database

START = "/clock set 2026-12-01T06:00:00+00:00"
NAMES = ("Ayu", "Priya", "Jonas", "Emma", "Liam")


async def shell_session(db: Database, clock: ManualClock, lines: Sequence[str]) -> list[str]:
    """What the shell printed for each typed line."""
    app = Rekan(load_settings(env={}), clock=clock, database_url=db.url)
    out = io.StringIO()
    printed: list[str] = []
    await app.start()
    try:
        await seed_demo(app.db, clock.now())
        shell = ShellAdapter(app, workspace_id=DEMO_WORKSPACE.workspace_id, speaker="ayu", out=out)
        for line in lines:
            before = len(out.getvalue())
            await shell.feed(line)
            printed.append(out.getvalue()[before:])
    finally:
        await app.stop()
    return printed


async def test_the_meeting_commands_work_for_the_demo_team(db: Database, clock: ManualClock) -> None:
    said = dict(zip(
        ["clock", "overlap", "overlap4", "suggest", "time", "poll", "as_liam", "vote", "as_ayu", "pick", "which"],
        await shell_session(db, clock, [
            START,
            "/meet overlap #team",
            "/meet overlap @priya @jonas @emma",
            "/meet suggest 30m #team",
            "/meet time Jumat jam 3 sore",
            '/meet poll 30m #team "Sprint review"',
            "/as liam",
            "/meet vote 1 2",
            "/as ayu",
            "5",  # the poll's last button: Tetapkan (pembuat)
            "2",  # Wednesday
        ]), strict=True))

    overlap = said["overlap"].splitlines()
    assert overlap[:2] == ["Jam kerja bersama Ayu, Emma, Jonas, Liam, Priya:",
                           "Selasa, 1 Desember 2026 — tidak ada jam kerja bersama"]
    assert overlap[2].startswith("WIB       00    03    06    09")  # the grid, on Ayu's clock
    assert re.search(r"\[file overlap-2026-12-01\.png, \d+ bytes\]", said["overlap"])

    assert ("• *08.30–10.00 UTC* (1 jam 30 menit): Ayu 15.30–17.00 (UTC+07:00) · Priya 14.00–15.30 (UTC+05:30) · "
            "Jonas 09.30–11.00 (UTC+01:00) · Emma 08.30–10.00 (UTC)") in said["overlap4"]

    suggest = said["suggest"].splitlines()
    assert suggest[0] == ("Waktu terbaik untuk 30 menit bersama Ayu, Emma, Jonas, Liam, Priya (setiap waktu tampil "
                          "di zona Anda sendiri):")
    slots = [line for line in suggest if re.match(r"[1-5]\. ", line)]
    assert 3 <= len(slots) <= 5
    assert slots[0] == ("1. Selasa, 1 Desember 2026 pukul 16.30 WIB (09.30 UTC) — 4 dari 5 dalam jam kerja: "
                        "Ayu Selasa 16.30 · Emma Selasa 09.30 · Jonas Selasa 10.30 · Liam Selasa 04.30 (4 jam 30 "
                        "menit di luar jam kerja) · Priya Selasa 15.00")
    assert all(all(f"{name} " in line for name in NAMES) for line in slots)

    assert said["time"].splitlines() == [
        "*Jumat jam 3 sore* (kata Ayu) adalah Jumat, 4 Desember 2026 pukul 15.00 WIB (08.00 UTC) untuk Anda. "
        "Untuk semua orang di sini:",
        "• Ayu (Asia/Jakarta): Jumat, 4 Desember 2026 pukul 15.00 WIB",
        "• Emma (Europe/London): Jumat, 4 Desember 2026 pukul 08.00 GMT (di luar jam kerja)",
        "• Jonas (Europe/Berlin): Jumat, 4 Desember 2026 pukul 09.00 CET",
        "• Liam (America/New_York): Jumat, 4 Desember 2026 pukul 03.00 EST (di luar jam kerja)",
        "• Priya (Asia/Kolkata): Jumat, 4 Desember 2026 pukul 13.30 IST",
    ]

    poll = said["poll"].splitlines()
    assert poll[0] == "Jajak 1: Sprint review, 30 menit, dibuat oleh Ayu. Pilih semua waktu yang cocok untuk Anda:"
    assert poll[2].startswith("2. Rabu, 2 Desember 2026 pukul 16.30 WIB (09.30 UTC) — 4 dari 5 dalam jam kerja")
    assert [line.strip() for line in poll[-5:]] == ["1. Pilih 1", "2. Pilih 2", "3. Pilih 3", "4. Pilih 4",
                                                    "5. Tetapkan (pembuat)"]
    assert said["vote"].splitlines() == ["You voted for 2 (Wednesday, 2 December 2026, 04:30 EST).",
                                         "1: 0 vote(s) · 2: 1 vote(s) · 3: 0 vote(s) · 4: 0 vote(s)"]
    assert [line.strip() for line in said["pick"].splitlines()[:3]] == [
        "Waktu mana untuk jajak 1?",
        "1. Selasa, 1 Desember 2026 pukul 16.30 WIB (0 suara)",
        "2. Rabu, 2 Desember 2026 pukul 16.30 WIB (1 suara)",
    ]
    assert said["which"].splitlines()[:6] == [
        "Sprint review ditetapkan: Rabu, 2 Desember 2026 pukul 16.30 WIB (09.30 UTC), 30 menit. Waktu setempat:",
        "• Ayu: Rabu, 2 Desember 2026 pukul 16.30 WIB",
        "• Emma: Rabu, 2 Desember 2026 pukul 09.30 GMT",
        "• Jonas: Rabu, 2 Desember 2026 pukul 10.30 CET",
        "• Liam: Rabu, 2 Desember 2026 pukul 04.30 EST",
        "• Priya: Rabu, 2 Desember 2026 pukul 15.00 IST",
    ]
    assert "Undangan kalender untuk Sprint review." in said["which"]
    assert re.search(r"\[file meeting-1\.ics, \d+ bytes\]", said["which"])


async def test_an_english_speaker_sees_english_and_their_own_clock(db: Database, clock: ManualClock) -> None:
    """Liam, at 01:00 on Tuesday in New York: at least 3 of the 5, and an hour with Emma and Jonas on Friday."""
    *_, overlap, suggest = await shell_session(db, clock, [
        START, "/as liam", "/meet overlap #team at least 3", "/meet suggest 1h @emma @jonas on Friday"])
    assert overlap.splitlines()[:2] == ["When at least 3 of 5 work (Liam, Ayu, Emma, Jonas, Priya):",
                                        "Tuesday, 1 December 2026 — 7 hours shared"]
    assert "• *14:00–16:00 UTC* (2 hours): Liam 09:00–11:00 (UTC-05:00)" in overlap
    assert any(line.startswith("EST       00    03") for line in overlap.splitlines())
    first = suggest.splitlines()[1]
    assert first.startswith("1. Friday, 4 December 2026, 09:00 EST (14:00 UTC) — 3 of 3 in working hours: ")


async def test_the_bare_commands_of_the_issue_cover_the_whole_demo_team(db: Database, clock: ManualClock) -> None:
    _, overlap, suggest, poll = await shell_session(db, clock, [START, "/meet overlap", "/meet suggest 30m",
                                                                "/meet poll 30m"])
    assert overlap.startswith("Jam kerja bersama Ayu, Emma, Jonas, Liam, Priya:")
    assert suggest.startswith("Waktu terbaik untuk 30 menit bersama Ayu, Emma, Jonas, Liam, Priya")
    assert poll.startswith("Jajak 1: Rapat, 30 menit, dibuat oleh Ayu.")


async def test_a_poll_waiting_for_its_owner_is_shown_again_in_her_zone_and_language(
        db: Database, clock: ManualClock) -> None:
    *_, again = await shell_session(db, clock, [START, "/meet poll 30m #team", "/as liam", "/as ayu"])
    assert "1. Selasa, 1 Desember 2026 pukul 16.30 WIB (09.30 UTC)" in again
    assert "Tuesday" not in again

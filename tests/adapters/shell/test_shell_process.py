"""`rekan shell` as a user runs it: a real process, lines on standard input, output on standard output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REKAN = Path(sys.executable).with_name("rekan")


def rekan(tmp_path: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
    env.update(HOME=str(tmp_path), REKAN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}")
    command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60, check=False)


def test_piped_commands_with_json_print_one_json_object_per_line_and_exit_0(tmp_path: Path) -> None:
    done = rekan(tmp_path, "shell", "--json", stdin="/tz set Asia/Jakarta\n/tz\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2
    assert all(obj["type"] == "send" and obj["to"] == {"kind": "dm", "id": "me"} for obj in lines)
    assert "Asia/Jakarta (WIB, UTC+07:00)" in lines[1]["text"]


def test_the_profile_is_still_there_after_quitting_and_starting_again(tmp_path: Path) -> None:
    first = rekan(tmp_path, "shell", stdin="/tz set Jakarta\n/tz hours 09:00-17:00 Mon-Fri\n/quit\n")
    assert first.returncode == 0, first.stderr
    second = rekan(tmp_path, "shell", stdin="/tz\n")
    assert "Asia/Jakarta" in second.stdout and "09:00–17:00, Mon–Fri" in second.stdout


def test_rekan_lang_id_switches_the_shell_to_indonesian(tmp_path: Path) -> None:
    done = rekan(tmp_path, "shell", stdin="/tz set Jakarta\n/rekan lang id\n/tz\n")
    assert "Zona waktu: Asia/Jakarta" in done.stdout
    assert "pukul" in done.stdout


def test_a_pending_choice_survives_a_restart_of_the_shell(tmp_path: Path) -> None:
    rekan(tmp_path, "shell", stdin="/tz set Indonesia\n")
    again = rekan(tmp_path, "shell", "--json", stdin="2\n/tz\n")
    texts = [json.loads(line)["text"] for line in again.stdout.splitlines()]
    assert any("WITA" in t for t in texts[:2])  # the question is shown again
    assert "Asia/Makassar" in texts[-1]


def test_as_speaks_as_another_member_of_the_local_workspace(tmp_path: Path) -> None:
    done = rekan(tmp_path, "shell", "--as", "liam", stdin="/tz set New York\n/as me\n/tz @liam\n")
    assert done.returncode == 0, done.stderr
    assert "liam: " in done.stdout and "(America/New_York)" in done.stdout


def test_the_demo_team_is_seeded_and_its_clock_moves(tmp_path: Path) -> None:
    script = "/tz @liam\n/clock set 2026-11-30T14:00:00+00:00\n/tz @liam\n/clock advance 1h30m\n/clock\n"
    done = rekan(tmp_path, "shell", "--demo", stdin=script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Liam: " in out and "America/New_York" in out
    assert "Senin, 30 November 2026 pukul 21.00 WIB" in out  # ayu, the demo's first member, reads Indonesian
    assert "Senin, 30 November 2026 pukul 22.30" in out


def test_the_demo_clock_refuses_to_go_backwards_and_bad_durations(tmp_path: Path) -> None:
    done = rekan(tmp_path, "shell", "--demo", "--as", "liam",
                 stdin="/clock advance soon\n/clock set 2000-01-01T00:00:00+00:00\n")
    assert '"soon" is not a duration' in done.stdout
    assert "only moves forward" in done.stdout


def test_a_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "rekan.toml").write_text("[scheduling]\nlease_seconds = -5\n")
    done = rekan(tmp_path, "check-config", stdin="")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "scheduling.lease_seconds" in done.stderr and "-5" in done.stderr


def test_check_config_passes_on_defaults(tmp_path: Path) -> None:
    done = rekan(tmp_path, "check-config", stdin="")
    assert done.returncode == 0, done.stderr
    assert "configuration OK" in done.stdout


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    done = rekan(tmp_path, "db", "upgrade", stdin="")
    assert done.returncode == 0, done.stderr
    assert "at revision" in done.stdout
    current = rekan(tmp_path, "db", "current", stdin="")
    assert current.stdout.split("at revision ")[1].split(" ")[0] == done.stdout.split("at revision ")[1].split(" ")[0]

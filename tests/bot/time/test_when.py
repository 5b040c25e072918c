"""`rekan when`: the reader on the command line, in the JSON shape scripts and checks rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bot.time.when import when

NOW = datetime.fromisoformat("2026-11-28T10:00:00+07:00")
REKAN = Path(sys.executable).with_name("rekan")


def test_the_acceptance_phrase_reads_as_tomorrow_nine_in_the_morning_jakarta() -> None:
    result = when("besok jam 9 pagi", zone="Asia/Jakarta", now=NOW, as_json=True)
    body = json.loads(result.output)
    assert result.exit_code == 0
    assert body["ok"] is True and body["at"] == "2026-11-29T09:00:00+07:00"
    assert body["zone"] == "Asia/Jakarta" and body["rrule"] is None
    assert body["next"] == ["2026-11-29T09:00:00+07:00"]
    assert "29 November 2026" in body["text"]


def test_a_recurring_phrase_has_a_rule_and_the_next_three_times() -> None:
    body = json.loads(when("every weekday at 9am", zone="Europe/Berlin", now=NOW, as_json=True).output)
    assert body["ok"] and body["rrule"] and "BYDAY=MO,TU,WE,TH,FR" in body["rrule"]
    assert len(body["next"]) == 3 and all(t.endswith("+01:00") and "T09:00:00" in t for t in body["next"])


def test_a_refusal_says_why_offers_choices_and_exits_2() -> None:
    result = when("12/10/2027 at 9am", zone="America/New_York", now=NOW, as_json=True)
    body = json.loads(result.output)
    assert result.exit_code == 2 and body["ok"] is False and body["error"]
    assert len(body["choices"]) == 2


def test_human_output_in_indonesian() -> None:
    result = when("besok jam 9 pagi", zone="Asia/Jakarta", now=NOW, lang="id")
    assert result.exit_code == 0 and "Minggu, 29 November 2026 pukul 09.00 WIB" in result.output


def test_an_unknown_zone_is_refused() -> None:
    result = when("tomorrow 9am", zone="Mars/Base", now=NOW, as_json=True)
    assert result.exit_code == 2 and "Mars/Base" in json.loads(result.output)["error"]


def test_the_command_itself(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
    env["HOME"] = str(tmp_path)
    command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
    done = subprocess.run([*command, "when", "besok jam 9 pagi", "--tz", "Asia/Jakarta",
                           "--now", "2026-11-28T10:00:00+07:00", "--json"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["at"] == "2026-11-29T09:00:00+07:00"
    bad = subprocess.run([*command, "when", "tomorrow", "--now", "yesterday-ish"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert bad.returncode == 2 and "ISO-8601" in bad.stderr

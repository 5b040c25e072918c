"""`rekan overlap --team FILE`: the meeting engine from the command line, end to end through `bot.cli.main`.

Good input prints the shared hours and exits 0; anything doubtful exits 2 with the reason on standard error
and nothing on standard output.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

MON_FRI = ["Mon", "Tue", "Wed", "Thu", "Fri"]
SARI: dict[str, Any] = {"name": "Sari", "tz": "Asia/Jakarta", "work_start": "09:00", "work_end": "17:00",
                        "workdays": MON_FRI}  # 02:00–10:00Z
TOM: dict[str, Any] = {"name": "Tom", "tz": "Europe/London", "work_start": "09:00", "work_end": "17:00",
                       "workdays": MON_FRI}  # 08:00–16:00Z in June
DANA: dict[str, Any] = {"name": "Dana", "tz": "America/New_York", "work_start": "09:00", "work_end": "17:00",
                        "workdays": MON_FRI}  # 13:00–21:00Z in June
REKAN = Path(sys.executable).with_name("rekan")
Capture = pytest.CaptureFixture[str]


def team_file(tmp_path: Path, members: Any, name: str = "team.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(members), encoding="utf-8")
    return path


def rekan(capsys: Capture, *args: str) -> tuple[int, str, str]:
    code = main(["overlap", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rekan_json(capsys: Capture, *args: str) -> dict[str, Any]:
    code, out, err = rekan(capsys, *args, "--json")
    assert (code, err) == (0, "")
    assert out.endswith("\n") and out.count("\n") == 1
    result: dict[str, Any] = json.loads(out)
    return result


# --- Answers ------------------------------------------------------------------------------------------

def test_json_lists_utc_intervals_and_the_total_in_minutes(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    assert rekan_json(capsys, "--team", str(team), "--from", "2026-06-01") == {
        "intervals": [["2026-06-01T08:00:00Z", "2026-06-01T10:00:00Z"]],
        "total_minutes": 120,
    }


def test_json_has_exactly_two_keys_and_string_pairs(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    result = rekan_json(capsys, "--team", str(team), "--from", "2026-06-01", "--to", "2026-06-02")
    assert list(result) == ["intervals", "total_minutes"]
    assert all(isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
               for pair in result["intervals"])
    assert isinstance(result["total_minutes"], int)


def test_text_output_shows_utc_and_window_zone_times(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    code, out, err = rekan(capsys, "--team", str(team), "--from", "2026-06-01", "--window-tz", "Asia/Jakarta")
    assert (code, err) == (0, "")
    assert out == (
        "Shared working hours (at least 2 of 2), UTC and Asia/Jakarta:\n"
        "  2026-06-01T08:00:00Z – 2026-06-01T10:00:00Z"
        "   Mon 2026-06-01 15:00 – Mon 2026-06-01 17:00   (120 min)\n"
        "Total: 120 minutes\n"
    )


def test_text_output_says_when_there_is_nothing(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM, DANA])
    assert rekan(capsys, "--team", str(team), "--from", "2026-06-01") == (
        0, "No shared working hours in that window.\n", "")


def test_no_overlap_is_an_empty_list_and_zero_minutes(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM, DANA])
    assert rekan_json(capsys, "--team", str(team), "--from", "2026-06-01", "--to", "2026-06-07") == {
        "intervals": [], "total_minutes": 0}


def test_window_tz_chooses_whose_calendar_days_are_meant(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    in_utc = rekan_json(capsys, "--team", str(team), "--from", "2026-06-01")
    # Monday 1 June in Honolulu (-10:00) runs from 10:00Z Monday to 10:00Z Tuesday.
    in_honolulu = rekan_json(capsys, "--team", str(team), "--from", "2026-06-01",
                             "--window-tz", "Pacific/Honolulu")
    assert in_utc["intervals"] == [["2026-06-01T08:00:00Z", "2026-06-01T10:00:00Z"]]
    assert in_honolulu["intervals"] == [["2026-06-02T08:00:00Z", "2026-06-02T10:00:00Z"]]


def test_window_tz_can_cut_an_overlap_at_its_midnight(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    # Pacific/Gambier is -09:00 all year: its Monday is 09:00Z Monday to 09:00Z Tuesday.
    gambier = rekan_json(capsys, "--team", str(team), "--from", "2026-06-01",
                         "--window-tz", "Pacific/Gambier")
    assert gambier == {
        "intervals": [["2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z"],
                      ["2026-06-02T08:00:00Z", "2026-06-02T09:00:00Z"]],
        "total_minutes": 120,
    }


def test_to_is_inclusive(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    result = rekan_json(capsys, "--team", str(team), "--from", "2026-06-01", "--to", "2026-06-03")
    assert result == {
        "intervals": [["2026-06-01T08:00:00Z", "2026-06-01T10:00:00Z"],
                      ["2026-06-02T08:00:00Z", "2026-06-02T10:00:00Z"],
                      ["2026-06-03T08:00:00Z", "2026-06-03T10:00:00Z"]],
        "total_minutes": 360,
    }


def test_from_alone_is_one_day(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    assert rekan_json(capsys, "--team", str(team), "--from", "2026-06-01") == rekan_json(
        capsys, "--team", str(team), "--from", "2026-06-01", "--to", "2026-06-01")


def test_min_members_asks_for_at_least_k(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM, DANA])
    assert rekan_json(capsys, "--team", str(team), "--from", "2026-06-01", "--min-members", "2") == {
        "intervals": [["2026-06-01T08:00:00Z", "2026-06-01T10:00:00Z"],
                      ["2026-06-01T13:00:00Z", "2026-06-01T16:00:00Z"]],
        "total_minutes": 300,
    }
    assert rekan_json(capsys, "--team", str(team), "--from", "2026-06-01", "--min-members", "1") == {
        "intervals": [["2026-06-01T02:00:00Z", "2026-06-01T21:00:00Z"]],
        "total_minutes": 19 * 60,
    }


def test_days_off_and_overnight_shifts_from_the_file(tmp_path: Path, capsys: Capture) -> None:
    tom_off = {**TOM, "days_off": ["2026-06-02"]}
    night = {"name": "Budi", "tz": "Asia/Jakarta", "work_start": "22:00", "work_end": "06:00",
             "workdays": ["Mon"]}  # Monday 15:00Z to 23:00Z
    late = {"name": "Ana", "tz": "UTC", "work_start": "12:00", "work_end": "24:00",
            "workdays": ["mon", "TUE"]}
    team = team_file(tmp_path, [tom_off, night, late])
    # Monday: Tom and Ana from 12:00Z, then Budi (past Jakarta's midnight, 17:00Z) and Ana until 23:00Z.
    # Tuesday: Tom's day off leaves Ana alone.
    assert rekan_json(capsys, "--team", str(team), "--from", "2026-06-01", "--to", "2026-06-02",
                      "--min-members", "2") == {
        "intervals": [["2026-06-01T12:00:00Z", "2026-06-01T23:00:00Z"]],
        "total_minutes": 11 * 60,
    }


# --- Refusals -----------------------------------------------------------------------------------------

def refused(capsys: Capture, *args: str) -> str:
    """Runs a command that must be refused; returns its reason."""
    code, out, err = rekan(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("rekan overlap: ") and err.endswith("\n") and err.count("\n") == 1
    return err


def test_a_missing_team_file_is_refused(tmp_path: Path, capsys: Capture) -> None:
    assert "cannot read" in refused(capsys, "--team", str(tmp_path / "nobody.json"), "--from", "2026-06-01")


def test_a_team_file_that_is_a_directory_is_refused(tmp_path: Path, capsys: Capture) -> None:
    assert "cannot read" in refused(capsys, "--team", str(tmp_path), "--from", "2026-06-01")


def test_invalid_json_is_refused(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "team.json"
    path.write_text('[{"name": "Sari",', encoding="utf-8")
    assert "is not valid JSON" in refused(capsys, "--team", str(path), "--from", "2026-06-01")


def test_a_file_that_is_not_utf_8_is_refused(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "team.json"
    path.write_bytes(b'[{"name": "\xff"}]')
    assert "is not UTF-8" in refused(capsys, "--team", str(path), "--from", "2026-06-01")


@pytest.mark.parametrize("data", [{"name": "Sari"}, "Sari", 7, None],
                         ids=["object", "string", "number", "null"])
def test_a_team_that_is_not_a_list_is_refused(data: Any, tmp_path: Path, capsys: Capture) -> None:
    reason = refused(capsys, "--team", str(team_file(tmp_path, data)), "--from", "2026-06-01")
    assert "must be a JSON list of members" in reason


def test_an_empty_team_is_refused(tmp_path: Path, capsys: Capture) -> None:
    reason = refused(capsys, "--team", str(team_file(tmp_path, [])), "--from", "2026-06-01")
    assert "lists no members" in reason


def test_a_member_that_is_not_an_object_is_refused(tmp_path: Path, capsys: Capture) -> None:
    reason = refused(capsys, "--team", str(team_file(tmp_path, [SARI, "Tom"])), "--from", "2026-06-01")
    assert "member 2 is not a JSON object" in reason


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("tz", "Mars/Olympus", "\"tz\" must be an IANA zone name"),
    ("tz", "asia/jakarta", "\"tz\" must be an IANA zone name"),
    ("tz", 7, "\"tz\" must be an IANA zone name"),
    ("work_start", "24:00", "\"work_start\" must be a time \"HH:MM\" from 00:00 to 23:59"),
    ("work_start", "9:5", "\"work_start\" must be a time"),
    ("work_start", "09:60", "\"work_start\" must be a time"),
    ("work_start", "9am", "\"work_start\" must be a time"),
    ("work_start", 900, "\"work_start\" must be a time"),
    ("work_end", "25:00", "\"work_end\" must be a time \"HH:MM\" from 00:00 to 24:00"),
    ("work_end", "24:01", "\"work_end\" must be a time"),
    ("work_end", "9:5", "\"work_end\" must be a time"),
    ("work_end", "17:00\n", "\"work_end\" must be a time"),
    ("work_start", "\uff10\uff19:\uff10\uff10", "\"work_start\" must be a time"),  # full-width digits
    ("workdays", ["Mon", "Funday"], "'Funday' in \"workdays\" is not a weekday"),
    ("workdays", ["Mon", 2], "2 in \"workdays\" is not a weekday"),
    ("workdays", "Mon-Fri", "\"workdays\" must be a list"),
    ("days_off", ["2026-02-30"], "'2026-02-30' in \"days_off\" is not a date YYYY-MM-DD"),
    ("days_off", ["2026-6-1"], "in \"days_off\" is not a date"),
    ("days_off", ["tomorrow"], "in \"days_off\" is not a date"),
    ("days_off", "2026-06-01", "\"days_off\" must be a list of dates"),
    ("name", "", "\"name\" must be a non-empty string"),
    ("name", 7, "\"name\" must be a non-empty string"),
])
def test_a_bad_member_field_is_refused_and_named(field: str, value: Any, reason: str, tmp_path: Path,
                                                 capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, {**TOM, field: value}])
    said = refused(capsys, "--team", str(team), "--from", "2026-06-01")
    assert "member 2" in said
    assert reason in said


@pytest.mark.parametrize("field", ["tz", "work_start", "work_end", "workdays"])
def test_a_missing_required_field_is_refused(field: str, tmp_path: Path, capsys: Capture) -> None:
    member = {key: value for key, value in TOM.items() if key != field}
    said = refused(capsys, "--team", str(team_file(tmp_path, [member])), "--from", "2026-06-01")
    assert f'member 1 (Tom): "{field}" is missing' in said


def test_a_missing_name_is_refused(tmp_path: Path, capsys: Capture) -> None:
    member = {key: value for key, value in TOM.items() if key != "name"}
    said = refused(capsys, "--team", str(team_file(tmp_path, [member])), "--from", "2026-06-01")
    assert 'member 1: "name" must be a non-empty string' in said


def test_to_before_from_is_refused(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    said = refused(capsys, "--team", str(team), "--from", "2026-06-02", "--to", "2026-06-01")
    assert "--to (2026-06-01) is before --from (2026-06-02)" in said


@pytest.mark.parametrize("text", ["2026-6-1", "01/06/2026", "2026-02-30", "tomorrow", ""])
def test_a_bad_from_date_is_refused(text: str, tmp_path: Path, capsys: Capture) -> None:
    said = refused(capsys, "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", text)
    assert f"--from must be a date YYYY-MM-DD, such as 2026-06-01, not {text!r}" in said


def test_an_iso_week_date_is_not_a_from_date(tmp_path: Path, capsys: Capture) -> None:
    # "2026-W23-1" is ten characters long and Python 3.11 reads it as Monday 1 June 2026.
    said = refused(capsys, "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", "2026-W23-1")
    assert "--from must be a date YYYY-MM-DD" in said


def test_an_iso_week_date_is_not_a_day_off(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, {**TOM, "days_off": ["2026-W23-1"]}])
    said = refused(capsys, "--team", str(team), "--from", "2026-06-01")
    assert "'2026-W23-1' in \"days_off\" is not a date YYYY-MM-DD" in said


def test_a_bad_to_date_is_refused(tmp_path: Path, capsys: Capture) -> None:
    said = refused(capsys, "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", "2026-06-01",
                   "--to", "2026-13-01")
    assert "--to must be a date YYYY-MM-DD" in said


def test_a_window_longer_than_366_days_is_refused(tmp_path: Path, capsys: Capture) -> None:
    team = team_file(tmp_path, [SARI, TOM])
    said = refused(capsys, "--team", str(team), "--from", "2026-01-01", "--to", "2027-01-02")
    assert "the window spans 367 days; at most 366 are computed" in said
    a_leap_year_of_days = rekan_json(capsys, "--team", str(team), "--from", "2026-01-01",
                                     "--to", "2027-01-01")
    # 262 weekdays: 150 while London is on BST (08:00–10:00Z with Jakarta), 112 on GMT (09:00–10:00Z).
    assert a_leap_year_of_days["total_minutes"] == 150 * 120 + 112 * 60


@pytest.mark.parametrize("zone", ["Mars/Olympus", "utc", "UTC+7", ""])
def test_an_unknown_window_tz_is_refused(zone: str, tmp_path: Path, capsys: Capture) -> None:
    said = refused(capsys, "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", "2026-06-01",
                   "--window-tz", zone)
    assert f"--window-tz must be an IANA zone name such as Asia/Jakarta, not {zone!r}" in said


@pytest.mark.parametrize("k", ["0", "-1", "3"])
def test_min_members_outside_one_to_the_team_size_is_refused(k: str, tmp_path: Path,
                                                             capsys: Capture) -> None:
    said = refused(capsys, "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", "2026-06-01",
                   "--min-members", k)
    assert f"--min-members must be between 1 and 2 (the team's size), not {k}" in said


def test_min_members_that_is_not_a_number_is_an_argparse_error(tmp_path: Path,
                                                               capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["overlap", "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", "2026-06-01",
              "--min-members", "two"])
    captured = capsys.readouterr()
    assert exit_info.value.code == 2
    assert captured.out == ""
    assert "--min-members: invalid int value: 'two'" in captured.err


def test_output_follows_a_redirected_stdout(tmp_path: Path) -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["overlap", "--team", str(team_file(tmp_path, [SARI, TOM])), "--from", "2026-06-01",
                     "--json"])
    assert code == 0
    assert json.loads(buffer.getvalue())["total_minutes"] == 120


# --- The real entry point -----------------------------------------------------------------------------

@pytest.mark.slow
def test_the_installed_rekan_command_answers_in_json(tmp_path: Path) -> None:
    team = team_file(tmp_path, [SARI, TOM, DANA])
    command = [str(REKAN)] if REKAN.exists() else [sys.executable, "-m", "bot.cli"]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "DISCORD_", "REKAN_"))}
    args = ["overlap", "--team", str(team), "--from", "2026-06-01", "--min-members", "2", "--json"]
    done = subprocess.run([*command, *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {
        "intervals": [["2026-06-01T08:00:00Z", "2026-06-01T10:00:00Z"],
                      ["2026-06-01T13:00:00Z", "2026-06-01T16:00:00Z"]],
        "total_minutes": 300,
    }
    refused = subprocess.run([*command, *args[:-3], "--min-members", "4"], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=60, check=False)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert "--min-members must be between 1 and 3" in refused.stderr

"""`rekan overlap`: the meeting engine from the command line, for planners, operators and checks."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.core.commands import as_date
from bot.features.meetings.overlap import Overlap, day_window, overlap, to_datetime
from bot.features.meetings.teamfile import TeamFileError, read_team
from bot.time.zones import get_zone, is_valid_zone

BAD_INPUT = 2
MAX_DAYS = 366


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("overlap", help="shared working hours of a team described in a JSON file")
    parser.add_argument("--team", type=Path, required=True, metavar="FILE",
                        help='JSON list of {"name", "tz", "work_start", "work_end", "workdays", "days_off"}')
    parser.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day")
    parser.add_argument("--to", dest="last", metavar="DATE", help="last day, inclusive (default: the first)")
    parser.add_argument("--window-tz", default="UTC", metavar="ZONE",
                        help="the IANA zone whose calendar days --from/--to name (default UTC)")
    parser.add_argument("--min-members", type=int, metavar="K",
                        help="hours when at least K members work (default: all of them)")
    parser.add_argument("--json", action="store_true",
                        help='print {"intervals": [[start, end], …], "total_minutes": N} in UTC')


class _Refused(Exception):
    """Bad input on the command line: its message is printed and the exit code is 2."""


def _day(text: str, flag: str) -> date:
    found = as_date(text)
    if found is not None:
        return found
    raise _Refused(f"{flag} must be a date YYYY-MM-DD, such as 2026-06-01, not {text!r}")


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr  # looked up per call: a redirect in effect now counts
    try:
        result = _compute(args)
    except (_Refused, TeamFileError) as exc:
        print(f"rekan overlap: {exc}", file=err)
        return BAD_INPUT
    out.write(_json(result) if args.json else _text(result, args.window_tz))
    return 0


def _compute(args: argparse.Namespace) -> Overlap:
    first = _day(args.first, "--from")
    last = _day(args.last, "--to") if args.last else first
    if last < first:
        raise _Refused(f"--to ({last}) is before --from ({first})")
    if (last - first).days >= MAX_DAYS:
        raise _Refused(f"the window spans {(last - first).days + 1} days; at most {MAX_DAYS} are computed")
    if not is_valid_zone(args.window_tz):
        raise _Refused(f"--window-tz must be an IANA zone name such as Asia/Jakarta, not {args.window_tz!r}")
    team = read_team(args.team)
    k = len(team) if args.min_members is None else args.min_members
    if not 1 <= k <= len(team):
        raise _Refused(f"--min-members must be between 1 and {len(team)} (the team's size), not {k}")
    return overlap(team, day_window(args.window_tz, first, last), k=k)


def _stamp(t: int) -> str:
    return to_datetime(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(result: Overlap) -> str:
    intervals = [[_stamp(lo), _stamp(hi)] for lo, hi in result.spans]
    return json.dumps({"intervals": intervals, "total_minutes": result.total_seconds // 60}) + "\n"


def _text(result: Overlap, zone: str) -> str:
    if not result.spans:
        return "No shared working hours in that window.\n"
    tz = get_zone(zone)
    where = "UTC" if zone == "UTC" else f"UTC and {zone}"
    lines = [f"Shared working hours (at least {result.k} of {len(result.per_person)}), {where}:"]
    for lo, hi in result.spans:
        start, end = to_datetime(lo), to_datetime(hi)
        local = f"{start.astimezone(tz):%a %Y-%m-%d %H:%M} – {end.astimezone(tz):%a %Y-%m-%d %H:%M}"
        lines.append(f"  {_stamp(lo)} – {_stamp(hi)}   {local}   ({(hi - lo) // 60} min)")
    lines.append(f"Total: {result.total_seconds // 60} minutes")
    return "\n".join(lines) + "\n"

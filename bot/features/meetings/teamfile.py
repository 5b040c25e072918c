"""`rekan overlap --team FILE`: reading a team of members from JSON, refusing anything doubtful.

FILE is a JSON list of `{"name", "tz", "work_start": "HH:MM", "work_end": "HH:MM" (24:00 allowed),
"workdays": ["Mon", …], "days_off": ["YYYY-MM-DD", …]}`; `days_off` may be left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.commands import as_date
from bot.core.identity import DayOff, WorkingHours
from bot.features.meetings.overlap import Schedule
from bot.features.profile.parse import DAY_NAMES
from bot.time.zones import is_valid_zone

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
MAX_MEMBERS = 10_000


class TeamFileError(ValueError):
    """What is wrong with a team file, said so that its author can fix it."""


@dataclass(frozen=True, kw_only=True)
class _Where:
    index: int
    name: str

    def __str__(self) -> str:
        return f"member {self.index + 1}" + (f" ({self.name})" if self.name else "")


def read_team(path: Path) -> list[Schedule]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TeamFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise TeamFileError(f"{path} is not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TeamFileError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    return parse_team(data)


def parse_team(data: Any) -> list[Schedule]:
    if not isinstance(data, list):
        raise TeamFileError('the team file must be a JSON list of members: [{"name": …, "tz": …}, …]')
    if not data:
        raise TeamFileError("the team file lists no members")
    if len(data) > MAX_MEMBERS:
        raise TeamFileError(f"the team file lists {len(data)} members; at most {MAX_MEMBERS} are read")
    return [_member(item, index) for index, item in enumerate(data)]


def _member(item: Any, index: int) -> Schedule:
    if not isinstance(item, dict):
        raise TeamFileError(f"member {index + 1} is not a JSON object")
    name = item.get("name", "")
    where = _Where(index=index, name=name if isinstance(name, str) else "")
    if not isinstance(name, str) or not name.strip():
        raise TeamFileError(f"{where}: \"name\" must be a non-empty string")
    zone = _required(item, "tz", where)
    if not isinstance(zone, str) or not is_valid_zone(zone):
        raise TeamFileError(f'{where}: "tz" must be an IANA zone name such as "Asia/Jakarta", not {zone!r}')
    start = _clock(_required(item, "work_start", where), "work_start", where, allow_24=False)
    end = _clock(_required(item, "work_end", where), "work_end", where, allow_24=True)
    workdays = _workdays(_required(item, "workdays", where), where)
    days_off = _days_off(item.get("days_off", []), where)
    hours = WorkingHours(start_minute=start, end_minute=end, workdays=workdays)
    return Schedule(name=name.strip(), zone=zone, hours=hours, days_off=days_off)


def _required(item: dict[str, Any], key: str, where: _Where) -> Any:
    if key not in item:
        raise TeamFileError(f'{where}: "{key}" is missing')
    return item[key]


def _clock(value: Any, key: str, where: _Where, *, allow_24: bool) -> int:
    match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    valid = 0 <= minute < 60 and (0 <= hour < 24 or (allow_24 and hour == 24 and minute == 0))
    if not valid:
        latest = "24:00" if allow_24 else "23:59"
        raise TeamFileError(f'{where}: "{key}" must be a time "HH:MM" from 00:00 to {latest}, not {value!r}')
    return hour * 60 + minute


def _workdays(value: Any, where: _Where) -> frozenset[int]:
    if not isinstance(value, list):
        raise TeamFileError(f'{where}: "workdays" must be a list such as ["Mon", "Tue", "Wed", "Thu", "Fri"]')
    days: set[int] = set()
    for word in value:
        day = DAY_NAMES.get(word.strip().lower()) if isinstance(word, str) else None
        if day is None:
            raise TeamFileError(f'{where}: {word!r} in "workdays" is not a weekday (Mon, Tue, … Sun)')
        days.add(day)
    return frozenset(days)


def _days_off(value: Any, where: _Where) -> tuple[DayOff, ...]:
    if not isinstance(value, list):
        raise TeamFileError(f'{where}: "days_off" must be a list of dates such as ["2026-12-25"]')
    found: list[DayOff] = []
    for text in value:
        day = as_date(text) if isinstance(text, str) else None
        if day is None:
            raise TeamFileError(f'{where}: {text!r} in "days_off" is not a date YYYY-MM-DD')
        found.append(DayOff(start=day, end=day))
    return tuple(found)

"""`rekan when "TEXT"`: the time reader on the command line, for users and operators to try phrases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import ensure_aware_utc
from bot.i18n import normalize_locale, translate
from bot.time.format import format_instant
from bot.time.reading import Reading, Refusal, read_time
from bot.time.zones import is_valid_zone

OK, REFUSED = 0, 2


@dataclass(frozen=True, kw_only=True)
class WhenResult:
    output: str
    exit_code: int


def when(text: str, *, zone: str, now: datetime, lang: str = "en", as_json: bool = False) -> WhenResult:
    """Read one phrase; JSON is the stable shape the held-out phrase checks read."""
    locale = normalize_locale(lang)
    if not is_valid_zone(zone):
        return _refused(translate("when.bad_zone", locale, zone=zone[:60]), (), as_json)
    reading = read_time(text, zone=zone, now=ensure_aware_utc(now), lang=locale)
    if isinstance(reading, Refusal):
        return _refused(translate(reading.reason, locale, **reading.values), reading.choices, as_json)
    return WhenResult(output=_success_json(reading, locale) if as_json else _human(reading, locale),
                      exit_code=OK)


def _instant(at: datetime) -> str:
    return at.isoformat()


def _human(reading: Reading, locale: str) -> str:
    lines = [format_instant(reading.at, reading.zone, locale)]
    if reading.rrule:
        lines.append(f"RRULE:{reading.rrule}")
        lines += [f"  {format_instant(at, reading.zone, locale)}" for at in reading.next[1:]]
    lines += [translate(note, locale) for note in reading.notes]
    return "\n".join(lines)


def _success_json(reading: Reading, locale: str) -> str:
    body: dict[str, Any] = {
        "ok": True, "at": _instant(reading.at), "zone": reading.zone, "rrule": reading.rrule,
        "next": [_instant(at) for at in reading.next[:3]],
        "text": format_instant(reading.at, reading.zone, locale),
    }
    return json.dumps(body, ensure_ascii=False)


def _refused(reason: str, choices: tuple[datetime, ...], as_json: bool) -> WhenResult:
    if as_json:
        body = {"ok": False, "error": reason, "choices": [_instant(c) for c in choices]}
        return WhenResult(output=json.dumps(body, ensure_ascii=False), exit_code=REFUSED)
    lines = [reason] + [f"  {n}. {_instant(c)}" for n, c in enumerate(choices, start=1)]
    return WhenResult(output="\n".join(lines), exit_code=REFUSED)

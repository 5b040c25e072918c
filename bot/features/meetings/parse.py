"""Reading `/meet` arguments in English and Bahasa Indonesia: people, days, "at least K", lengths.

`/meet overlap @a @b #team on Friday at least 2`, `/meet suggest 45m @a @b within next week weekly`,
`/meet poll 30m @a @b "Sprint review"`. Anything not understood is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.commands import as_id
from bot.features.deadlines.parse import Targets, read_targets
from bot.time.phrases.days import read_day
from bot.time.phrases.vocab import normalise

MAX_RANGE_DAYS = 31
MAX_MINUTES = 8 * 60
MIN_MINUTES = 5

_AT_LEAST = re.compile(r"\b(?:at least|min(?:imal|imum)?|paling sedikit|setidaknya)\s+(\d{1,4})"
                       r"(?:\s+(?:of|dari)\s+\d{1,4})?\b", re.IGNORECASE)
_WEEKLY = re.compile(r"\b(?:weekly|every week|mingguan|(?:setiap|tiap) minggu)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"\u201c\u201d]([^\"\u201c\u201d]{1,200})[\"\u201c\u201d]")
_DURATION = re.compile(r"^(?:(\d{1,2})\s*(?:h|hr|hrs|hour|hours|jam))?\s*(?:(\d{1,3})\s*(?:m|min|mins|minute|"
                       r"minutes|menit))?$", re.IGNORECASE)
_RANGE_WORDS = ("within", "dalam", "on", "pada", "tanggal")
_THIS_WEEK = ("this week", "minggu ini", "pekan ini")
_NEXT_WEEK = ("next week", "minggu depan", "pekan depan")
_TODAY = ("today", "hari ini")
_COUNT = re.compile(r"^(\d{1,2})\s*(days?|hari|weeks?|minggu|pekan)$")


@dataclass(frozen=True, kw_only=True)
class Days:
    """Whole local days, first..last inclusive, in the speaker's zone."""

    first: date
    last: date


@dataclass(frozen=True, kw_only=True)
class Problem:
    """What was not understood: a catalog key and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class MeetArgs:
    targets: Targets
    days: Days | None = None
    at_least: int | None = None
    minutes: int | None = None
    weekly: bool = False
    title: str | None = None


def parse_minutes(word: str) -> int | None:
    """`30m`, `1h`, `1h30m`, `90min`, `1 jam`, `45 menit` → minutes; None when it is not a length."""
    text = word.strip().lower()
    if as_id(text) is not None:
        return int(text) if MIN_MINUTES <= int(text) <= MAX_MINUTES else None
    match = _DURATION.match(text)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    return minutes if MIN_MINUTES <= minutes <= MAX_MINUTES else None


def _take_length(text: str) -> tuple[int | None, str, str]:
    """The meeting length at the start (`30m`, `1 jam`, `1 hour 30 minutes`), what it said, and the rest."""
    words = text.split()
    for count in range(min(4, len(words)), 0, -1):
        said = " ".join(words[:count])
        minutes = parse_minutes(said)
        if minutes is not None:
            return minutes, said, " ".join(words[count:])
    return None, words[0] if words else "", " ".join(words[1:])


def _range(text: str, today: date, lang: str) -> Days | Problem:
    """`today`, `tomorrow`, `Friday`, `2026-12-04`, `this week`, `next week`, `3 days`, `2 weeks`."""
    phrase = normalise(text)
    monday = today - timedelta(days=today.weekday())
    if phrase in _TODAY:
        return Days(first=today, last=today)
    if phrase in _THIS_WEEK:
        return Days(first=today, last=monday + timedelta(days=6))
    if phrase in _NEXT_WEEK:
        return Days(first=monday + timedelta(days=7), last=monday + timedelta(days=13))
    if (count := _COUNT.match(phrase)) is not None:
        n = int(count.group(1)) * (1 if count.group(2).startswith(("day", "hari")) else 7)
        if n < 1:
            return Problem(key="meetings.bad_day", values={"value": text.strip()[:40]})
        if n > MAX_RANGE_DAYS:
            return Problem(key="meetings.range_too_long", values={"max": MAX_RANGE_DAYS})
        return Days(first=today, last=today + timedelta(days=n - 1))
    found = read_day(phrase, today, lang)
    if found.refusal or len(found.dates) != 1 or found.rest.strip():
        return Problem(key="meetings.bad_day", values={"value": text.strip()[:40]})
    return Days(first=found.dates[0], last=found.dates[0])


def _split_range(text: str) -> tuple[str, str | None]:
    """The text before `on|within …` and the range phrase after it (None when there is none)."""
    lowered = text.lower()
    for word in _RANGE_WORDS:
        match = re.search(rf"(?:^|\s){word}\s+(.+)$", lowered)
        if match is not None:
            return text[: match.start()].strip(), text[match.start(1):].strip()
    for phrase in (*_THIS_WEEK, *_NEXT_WEEK, *_TODAY, "tomorrow", "besok"):
        match = re.search(rf"(?:^|\s)({phrase})\s*$", lowered)
        if match is not None:
            return text[: match.start()].strip(), text[match.start(1):].strip()
    return text, None


def parse_meet(text: str, *, today: date, lang: str, wants_minutes: bool) -> MeetArgs | Problem:
    """The arguments of one `/meet` subcommand; `wants_minutes` when the first word is a meeting length."""
    title = None
    if (quoted := _QUOTED.search(text)) is not None:
        title, text = quoted.group(1).strip(), text[: quoted.start()] + " " + text[quoted.end():]
    weekly = _WEEKLY.search(text) is not None
    text = _WEEKLY.sub(" ", text)
    at_least = None
    if (match := _AT_LEAST.search(text)) is not None:
        at_least, text = int(match.group(1)), text[: match.start()] + " " + text[match.end():]
    minutes = None
    if wants_minutes:
        minutes, said, text = _take_length(text)
        if not said:
            return Problem(key="meetings.length_missing")
        if minutes is None:
            return Problem(key="meetings.bad_length", values={"value": said[:20], "max": MAX_MINUTES // 60})
    people, phrase = _split_range(text.strip())
    days = None
    if phrase is not None:
        found = _range(phrase, today, lang)
        if isinstance(found, Problem):
            return found
        days = found
    targets = read_targets(people)
    if targets.unknown:
        return Problem(key="meetings.unknown_word", values={"value": targets.unknown[0]})
    return MeetArgs(targets=targets, days=days, at_least=at_least, minutes=minutes, weekly=weekly,
                    title=title)

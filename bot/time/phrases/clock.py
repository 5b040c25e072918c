"""Clock times and dayparts: '14.00', '9:30pm', 'jam 4 sore', 'noon', 'EOD', 'tengah malam'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Daypart = Literal["morning", "noon", "afternoon", "evening", "night"]


@dataclass(frozen=True, kw_only=True)
class Clock:
    """A time of day as read; `either` means a bare hour that may be am or pm."""

    hour: int
    minute: int = 0
    either: bool = False
    midnight: bool = False  # 'midnight' / '12am': start or end of a day
    next_day: bool = False  # 'jam 12 malam', 'jam 2 malam': that night, after the date changes


@dataclass(frozen=True, kw_only=True)
class ClockResult:
    """What the clock step found, the text left for other steps, and an invalid-time fragment if any."""

    clock: Clock | None
    rest: str
    invalid: str | None = None
    daypart: Daypart | None = None
    tonight: bool = False


_DAYPARTS: dict[str, Daypart] = {
    "morning": "morning", "pagi": "morning", "noon": "noon", "siang": "noon",
    "afternoon": "afternoon", "sore": "afternoon", "evening": "evening", "malam": "night",
    "night": "evening", "tonight": "evening",
}  # fmt: skip
_DEFAULT_HOUR: dict[Daypart, int] = {"morning": 9, "noon": 12, "afternoon": 15, "evening": 19, "night": 19}

_INTRO = r"(?:(?:at|jam|pukul|pkl)\s+)?"
_HM_AMPM = re.compile(rf"\b{_INTRO}(\d{{1,2}})[:.](\d{{1,2}})\s*(am|pm)\b")
_HM = re.compile(rf"\b{_INTRO}(\d{{1,2}})[:.](\d{{1,2}})\b(?![./:]\d)")
_H_AMPM = re.compile(rf"\b{_INTRO}(\d{{1,3}})\s*(am|pm)\b")
_H_BARE = re.compile(r"\b(?:at|jam|pukul|pkl)\s+(\d{1,3})\b(?![./:]\d)")
_NOON = re.compile(r"\b(?:noon|midday|tengah hari)\b")
_MIDNIGHT = re.compile(r"\b(?:midnight|tengah malam)\b")
_EOD = re.compile(r"\b(?:eod|end of (?:the )?day|cob|close of business|akhir hari)\b")
_DAYPART = re.compile(
    r"\b(?:in the |this |at )?(morning|afternoon|evening|tonight|night|pagi|siang|sore|malam)( ini)?\b"
)


def _cut(text: str, match: re.Match[str]) -> str:
    """The text with the match removed."""
    return f"{text[: match.start()]} {text[match.end() :]}".strip()


def _twelve_hour(hour: int, minute: int, half: str) -> Clock | None:
    """am/pm reading; None for hours outside 1–12 ('13pm', '0am')."""
    if not 1 <= hour <= 12 or minute > 59:
        return None
    if half == "am":
        if hour == 12:
            return Clock(hour=0, minute=minute, midnight=minute == 0)
        return Clock(hour=hour, minute=minute)
    return Clock(hour=12 if hour == 12 else hour + 12, minute=minute)


def _plain(hour: int, minute: int, padded: bool) -> Clock | None:
    """24-hour or bare reading; hours 1–11 without a leading zero may be am or pm."""
    if hour > 23 or minute > 59:
        return None
    return Clock(hour=hour, minute=minute, either=1 <= hour <= 11 and not padded)  # a bare 12 is noon


def _numeric(text: str) -> ClockResult | None:
    """The first numeric clock pattern found in text, valid or not."""
    for pattern in (_HM_AMPM, _HM, _H_AMPM, _H_BARE):
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groups()
        hour = int(groups[0])
        minute = int(groups[1]) if pattern in (_HM_AMPM, _HM) else 0
        if pattern in (_HM_AMPM, _HM) and len(groups[1]) != 2:
            return ClockResult(clock=None, rest=text, invalid=match.group(0))
        half = groups[-1] if pattern in (_HM_AMPM, _H_AMPM) else None
        padded = groups[0].startswith("0") and len(groups[0]) == 2
        clock = _twelve_hour(hour, minute, half) if half else _plain(hour, minute, padded)
        if clock is None:
            return ClockResult(clock=None, rest=text, invalid=match.group(0))
        return ClockResult(clock=clock, rest=_cut(text, match))
    return None


def _words(text: str) -> ClockResult | None:
    """'noon', 'midnight', 'EOD' and friends."""
    for pattern, clock in (
        (_NOON, Clock(hour=12)),
        (_MIDNIGHT, Clock(hour=0, midnight=True)),
        (_EOD, Clock(hour=17)),
    ):
        match = pattern.search(text)
        if match is not None:
            return ClockResult(clock=clock, rest=_cut(text, match))
    return None


def _with_daypart(clock: Clock, part: Daypart) -> Clock:
    """Fix a bare hour with its daypart: 'jam 4 sore' 16:00, 'jam 8 malam' 20:00, 'jam 12 malam' midnight."""
    hour = clock.hour
    if not clock.either and not (part == "night" and hour == 12 and clock.minute == 0):
        return clock
    if part == "morning":
        return Clock(hour=0 if hour == 12 else hour, minute=clock.minute)
    if part == "noon":
        return Clock(hour=hour + 12 if hour <= 5 else hour, minute=clock.minute)
    if part == "afternoon":
        return Clock(hour=hour + 12 if hour < 12 else hour, minute=clock.minute)
    if hour == 12:
        return Clock(hour=0, minute=clock.minute, next_day=True)
    if part == "night" and hour <= 4:
        return Clock(hour=hour, minute=clock.minute, next_day=True)
    return Clock(hour=hour + 12 if hour < 12 else hour, minute=clock.minute)


def read_clock(text: str) -> ClockResult:
    """Take one time of day (and its daypart) out of text."""
    found = _numeric(text)
    if found is not None and found.invalid is not None:
        return found
    if found is None:
        found = _words(text)
    rest = found.rest if found else text
    clock = found.clock if found else None
    match = _DAYPART.search(rest)
    if match is None:
        return ClockResult(clock=clock, rest=rest)
    part = _DAYPARTS[match.group(1)]
    tonight = match.group(1) == "tonight" or match.group(0).startswith("this ") or bool(match.group(2))
    rest = _cut(rest, match)
    if clock is None:
        clock = Clock(hour=_DEFAULT_HOUR[part])
    elif clock.midnight:
        clock = Clock(hour=0, next_day=True)
    else:
        clock = _with_daypart(clock, part)
    return ClockResult(clock=clock, rest=rest, daypart=part, tonight=tonight)


def recurring_hour(clock: Clock) -> Clock:
    """A bare hour in a rule ('every day at 9') is read in working hours: 7–12 as is, 1–6 in the afternoon."""
    if not clock.either:
        return clock
    return Clock(hour=clock.hour + 12 if clock.hour <= 6 else clock.hour, minute=clock.minute)

"""The reader's answers: a Reading, or a Refusal that names a catalog key (and choices when ambiguous)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time


@dataclass(frozen=True, kw_only=True)
class Reading:
    """A phrase read confidently: the instant (first occurrence of a rule) in the zone it was read in."""

    at: datetime
    zone: str
    rrule: str | None = None
    next: tuple[datetime, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """A phrase not read: the catalog key saying why, its placeholders, and readings to offer if ambiguous."""

    reason: str
    values: Mapping[str, str] = field(default_factory=dict)
    choices: tuple[datetime, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Context:
    """Who is speaking, where and when: the reference every relative word is read against."""

    zone: str
    now: datetime
    lang: str
    default_time: time
    workdays: frozenset[int]


def not_understood(text: str) -> Refusal:
    """The refusal for anything not read confidently (never guess)."""
    return Refusal(reason="time.not_understood", values={"text": text[:60]})

"""Expanding a stored RRULE in its zone: wall-clock rules keep their local time across DST (TIME.md).

A rule is stored as its RFC 5545 RRULE value, the IANA zone and the local wall time of its first
occurrence (the DTSTART). Wall-clock rules expand in naive local time and each wall time is placed in
the zone once (a gap moves forward, a fold means the first), so a daily 01:30 fires once on a
fall-back day. Elapsed rules ("every 3 hours") expand in UTC.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil import rrule as du

from bot.time.phrases.resolve import localise
from bot.time.zones import get_zone

_ELAPSED = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_SCAN = 10_000


@dataclass(frozen=True, kw_only=True)
class Occurrence:
    """One run of a rule: its instant, and a key naming it in the rule's own terms (its wall time)."""

    at: datetime
    key: str


def _parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.split(";") if "=" in part)


@dataclass(frozen=True, kw_only=True)
class Recurrence:
    rrule: str
    zone: str
    anchor: datetime
    """Naive local wall time of the first occurrence."""

    @property
    def elapsed(self) -> bool:
        return _parts(self.rrule).get("FREQ", "") in _ELAPSED

    def _rule(self) -> du.rrule:
        parts = _parts(self.rrule)
        until = parts.pop("UNTIL", None)
        body = ";".join(f"{k}={v}" for k, v in parts.items())
        start = self._start()
        rule: du.rrule = du.rrulestr(body, dtstart=start)  # type: ignore[assignment]
        if until is not None:
            end = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            rule = rule.replace(until=self._wall(end))
        return rule

    def _start(self) -> datetime:
        if self.elapsed:
            return localise(self.anchor, self.zone).astimezone(UTC).replace(tzinfo=None)
        return self.anchor

    def _wall(self, instant: datetime) -> datetime:
        """An instant as the naive time the rule expands in (UTC for elapsed rules)."""
        tz = UTC if self.elapsed else get_zone(self.zone)
        return instant.astimezone(tz).replace(tzinfo=None)

    def _place(self, wall: datetime) -> Occurrence:
        if self.elapsed:
            return Occurrence(at=wall.replace(tzinfo=UTC), key=wall.strftime("%Y%m%dT%H%MZ"))
        return Occurrence(at=localise(wall, self.zone).astimezone(UTC), key=wall.strftime("%Y%m%dT%H%M"))

    def between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Occurrences with `start <= at < end`, in order."""
        if end <= start:
            return []
        pad = timedelta(days=1)
        walls = self._rule().between(self._wall(start) - pad, self._wall(end) + pad, inc=True)
        placed = (self._place(w) for w in itertools.islice(walls, _SCAN))
        return [o for o in placed if start <= o.at < end]

    def after(self, instant: datetime) -> Occurrence | None:
        """The first occurrence strictly after `instant`, or None when the rule has ended."""
        walls = self._rule().xafter(self._wall(instant) - timedelta(days=1), count=_SCAN, inc=True)
        for wall in walls:
            occurrence = self._place(wall)
            if occurrence.at > instant:
                return occurrence
        return None

"""Rekan's reader of time phrases in English and Bahasa Indonesia (docs TIME.md, "Reading what people type").

``read_time`` never raises for any string: it answers a ``Reading`` (never in the past, never more than
five years ahead) or a ``Refusal`` naming a ``time.*`` catalog key, with choices when the phrase is
ambiguous. The pieces live in ``bot.time.phrases``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.time.phrases.days import MAX_YEAR, MIN_YEAR
from bot.time.phrases.oneoff import read_one
from bot.time.phrases.recur import is_rule, read_rule
from bot.time.phrases.results import Context, Reading, Refusal, not_understood
from bot.time.phrases.vocab import VAGUE, normalise
from bot.time.zones import is_valid_zone

__all__ = ["MAX_TEXT", "Reading", "Refusal", "read_time"]

MAX_TEXT = 1000


def _usable_now(now: datetime) -> bool:
    """An aware reference instant within the years the reader computes with."""
    return (
        now.tzinfo is not None and now.utcoffset() is not None and MIN_YEAR + 1 <= now.year <= MAX_YEAR - 10
    )


def read_time(
    text: str,
    *,
    zone: str,
    now: datetime,
    lang: str = "en",
    default_time: time = time(9, 0),
    workdays: frozenset[int] = frozenset(range(5)),
) -> Reading | Refusal:
    """Read one time phrase said by someone in zone at now; refuse rather than guess."""
    if not isinstance(text, str) or len(text) > MAX_TEXT or not _usable_now(now) or not is_valid_zone(zone):
        return not_understood(text[:60] if isinstance(text, str) else "")
    phrase = normalise(text)
    if not phrase:
        return Refusal(reason="time.empty")
    if set(phrase.split()) <= VAGUE:
        return Refusal(reason="time.vague", values={"text": text.strip()[:60]})
    ctx = Context(
        zone=zone,
        now=now.astimezone(UTC),
        lang=lang,
        default_time=default_time.replace(second=0, microsecond=0, tzinfo=None),
        workdays=frozenset(workdays),
    )
    if is_rule(phrase):
        return read_rule(phrase, ctx)
    return read_one(phrase, ctx)

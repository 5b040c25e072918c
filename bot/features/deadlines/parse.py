"""`/deadline add` as typed: title, when, `for` targets, `remind` lead times, `urgent` (EN and ID).

Slack and the shell send one line of text; Discord sends the same parts as typed options. Mentions
arrive in the core's neutral forms: `<@user>`, `<#channel>`, `<@&role>`; the shell's `#name` is a
channel named `name`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

FOR_WORDS = frozenset({"for", "untuk", "to", "kepada"})
REMIND_WORDS = frozenset({"remind", "ingatkan", "reminders", "pengingat"})
URGENT_WORDS = frozenset({"urgent", "penting", "mendesak", "!urgent"})
SELF_WORDS = frozenset({"me", "myself", "saya", "aku", "sendiri"})
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})
MAX_LEADS = 6
MAX_LEAD_MINUTES = 60 * 24 * 60

_SINGLE_QUOTED = re.compile(r"^\s*['\u2018]([^'\u2018\u2019]+)['\u2019](?=\s|$)")
_USER = re.compile(r"^<@([A-Za-z0-9_.\-]+)>$")
_ROLE = re.compile(r"^<@&([A-Za-z0-9_.\-^]+)>$")
_CHANNEL = re.compile(r"^<#([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$|^#([A-Za-z0-9_.\-]+)$")
_PLAIN_NAME = re.compile(r"^@([\w.\-]+)$")
_LEAD = re.compile(
    r"(\d{1,4})\s*(m|min|mins|minute|minutes|menit|h|hr|hrs|hour|hours|jam|d|day|days|hari|w|wk|week|weeks|minggu)$"
)
_UNIT_MINUTES = {
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "menit": 1,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "jam": 60,
    "d": 1440,
    "day": 1440,
    "days": 1440,
    "hari": 1440,
    "w": 10080,
    "wk": 10080,
    "week": 10080,
    "weeks": 10080,
    "minggu": 10080,
}
_AT_WORDS = frozenset({"0", "at", "on", "due", "pada", "saat"})
READS, REFUSED = 2, 1


@dataclass(frozen=True, kw_only=True)
class Targets:
    """Who a deadline is for, as written: member ids, channel ids, role ids, and names not understood."""

    users: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    myself: bool = False

    @property
    def empty(self) -> bool:
        return not (self.users or self.channels or self.roles or self.unknown or self.myself)


@dataclass(frozen=True, kw_only=True)
class AddText:
    """The parts of a typed `/deadline add` line; `when` is still to be read by `bot.time`."""

    title: str
    when: str
    targets: Targets
    leads: tuple[int, ...] | None
    urgent: bool
    bad_leads: str | None = None


def words(text: str) -> list[str]:
    """Split like a shell on double quotes only (typographic ones too, from Slack's autocorrect), so the
    apostrophes of "Bob's and Ayu's report" stay in the words."""
    lexer = shlex.shlex(text.translate(QUOTES), posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.escape = ""
    lexer.commenters = ""  # "#finance" is a channel, not a comment
    try:
        return list(lexer)
    except ValueError:
        return text.translate(QUOTES).replace('"', " ").split()


def _is_target(word: str) -> bool:
    w = word.rstrip(",")
    return bool(
        _USER.match(w)
        or _ROLE.match(w)
        or _CHANNEL.match(w)
        or _PLAIN_NAME.match(w)
        or w.lower() in SELF_WORDS
    )


def read_targets(text: str) -> Targets:
    """`<@a> <@b>, #finance me` → the ids; anything else is reported, never guessed."""
    users: list[str] = []
    channels: list[str] = []
    roles: list[str] = []
    unknown: list[str] = []
    myself = False
    for raw in text.replace(",", " ").split():
        if raw.lower() in ("and", "dan", "&"):
            continue
        if (m := _USER.match(raw)) is not None:
            users.append(m.group(1))
        elif (m := _ROLE.match(raw)) is not None:
            roles.append(m.group(1))
        elif (m := _CHANNEL.match(raw)) is not None:
            channels.append(m.group(1) or m.group(2))
        elif raw.lower() in SELF_WORDS:
            myself = True
        else:
            unknown.append(raw[:40])
    return Targets(
        users=tuple(dict.fromkeys(users)),
        channels=tuple(dict.fromkeys(channels)),
        roles=tuple(dict.fromkeys(roles)),
        unknown=tuple(unknown),
        myself=myself,
    )


def read_leads(text: str) -> tuple[int, ...] | None:
    """`1d,2h`, `1 day, 2 hours`, `1 hari 2 jam`, `30m`, `0`/`at` → minutes, largest first."""
    cleaned = re.sub(
        r"\s+(?=(m|min|mins|minute|minutes|menit|h|hr|hrs|hour|hours|jam|d|day|days|hari|w|wk|"
        r"week|weeks|minggu)\b)",
        "",
        text.lower(),
    )
    parts = [p for p in re.split(r"[,\s]+|\band\b|\bdan\b", cleaned) if p]
    if not parts or len(parts) > MAX_LEADS:
        return None
    minutes: list[int] = []
    for part in parts:
        if part in _AT_WORDS:
            minutes.append(0)
            continue
        match = _LEAD.fullmatch(part)
        if match is None:
            return None
        value = int(match.group(1)) * _UNIT_MINUTES[match.group(2)]
        if value > MAX_LEAD_MINUTES:
            return None
        minutes.append(value)
    return tuple(sorted(set(minutes), reverse=True))


def _clause_end(tokens: list[str], start: int, keep: Callable[[str], bool]) -> int:
    end = start
    while end < len(tokens) and keep(tokens[end]):
        end += 1
    return end


def _opens_leads(word: str) -> bool:
    """`remind 1d…`, `remind at…`: a lead clause starts with a number or an at-word, so a title like
    "Send remind emails" keeps its words."""
    return word[:1].isdigit() or word.lower() in _AT_WORDS


def _lead_clause_end(tokens: list[str], start: int) -> int:
    """Lead words run until a `for` clause, a final `urgent`, or the end."""
    end = start
    while end < len(tokens):
        low = tokens[end].lower()
        if low in FOR_WORDS and end + 1 < len(tokens) and _is_target(tokens[end + 1]):
            break
        if low in URGENT_WORDS and end >= len(tokens) - 1 - _trailing(tokens, end):
            break
        end += 1
    return end


def split_add(text: str, reads: Callable[[str], int]) -> AddText:
    """Take the `for`/`remind`/`urgent` clauses out, then split title from when.

    `reads(phrase)` rates a phrase: READS when the time reader understands it (or asks about it),
    REFUSED when it is a time the reader refuses (the past, a bad date), 0 otherwise. Without quotes the
    title is everything before the longest trailing phrase that reads, else that is refused.
    """
    single = _SINGLE_QUOTED.match(text.translate(QUOTES))
    if single is not None:  # 'Ship it' Fri 17:00: a title in single quotes, apostrophes elsewhere kept
        text = f'"{single.group(1)}"{text.translate(QUOTES)[single.end(1) + 1:]}'
    tokens = words(text)
    quoted = text.translate(QUOTES).lstrip().startswith('"')
    target_words: list[str] = []
    lead_words: list[str] = []
    urgent = False
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        word = tokens[i]
        low = word.lower()
        if low in FOR_WORDS and i + 1 < len(tokens) and _is_target(tokens[i + 1]):
            end = _clause_end(tokens, i + 1, lambda w: _is_target(w) or w.lower() in ("and", "dan"))
            target_words += tokens[i + 1 : end]
            i = end
        elif low in REMIND_WORDS and i > 0 and i + 1 < len(tokens) and _opens_leads(tokens[i + 1]):
            end = _lead_clause_end(tokens, i + 1)
            lead_words += tokens[i + 1 : end]
            i = end
        elif low in URGENT_WORDS and (i > 0) and i >= len(tokens) - 1 - _trailing(tokens, i):
            urgent = True
            i += 1
        else:
            rest.append(word)
            i += 1
    title, when = _title_when(rest, quoted, reads)
    leads = read_leads(" ".join(lead_words)) if lead_words else None
    bad = " ".join(lead_words)[:60] if lead_words and leads is None else None
    return AddText(
        title=title,
        when=when,
        targets=read_targets(" ".join(target_words)),
        leads=leads,
        urgent=urgent,
        bad_leads=bad,
    )


def _trailing(tokens: list[str], i: int) -> int:
    """How many words after `urgent` belong to clauses (so `urgent for @a` still counts as a flag)."""
    after = tokens[i + 1 :]
    if after and after[0].lower() in FOR_WORDS | REMIND_WORDS:
        return len(after)
    return 0


def _title_when(rest: list[str], quoted: bool, reads: Callable[[str], int]) -> tuple[str, str]:
    if not rest:
        return "", ""
    if quoted or len(rest) == 1:
        return rest[0].strip(), " ".join(rest[1:]).strip()
    rated = [(reads(" ".join(rest[cut:])), cut) for cut in range(1, len(rest))]
    for wanted in (READS, REFUSED):
        cut = next((c for rating, c in rated if rating == wanted), None)
        if cut is not None:
            return " ".join(rest[:cut]).strip(), " ".join(rest[cut:])
    return " ".join(rest).strip(), ""

"""Commands are declared once: the Discord tree, the Slack manifest, the shell grammar and help."""

from __future__ import annotations

import enum
import re
import shlex
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.core.events import OptionValue
from bot.core.identity import Role

if TYPE_CHECKING:
    from bot.core.actions import Action
    from bot.core.context import Context

Handler = Callable[["Context", "Args"], Awaitable[Sequence["Action"]]]

MAX_ID_DIGITS = 18
"""Row ids fit in 64 bits: a longer number is no id of ours (and would overflow the database's integer)."""


def as_id(text: str) -> int | None:
    """A typed or clicked number as an id: ASCII digits only (`²` and `٣` are digits to `isdigit`, not to
    `int`), at most 18 of them; None for anything else."""
    text = text.strip()
    if not text or not text.isascii() or not text.isdecimal() or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def as_date(text: str) -> date | None:
    """`YYYY-MM-DD` and nothing else: `date.fromisoformat` also takes week dates like `2026-W23-1`."""
    if _ISO_DATE.fullmatch(text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# Adapters normalise platform mentions in free text to this one neutral form.
MENTION = re.compile(r"<@([A-Za-z0-9_.\-]+)>")


class OptionType(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    MEMBER = "member"
    CHANNEL = "channel"


@dataclass(frozen=True, kw_only=True)
class OptionSpec:
    name: str
    type: OptionType = OptionType.TEXT
    help_key: str
    required: bool = False
    rest: bool = False
    """Takes the remainder of a typed command line (Slack/shell text) rather than one word."""
    autocomplete: str | None = None


@dataclass(frozen=True, kw_only=True)
class SubcommandSpec:
    name: str
    help_key: str
    example: str
    handler: Handler
    options: tuple[OptionSpec, ...] = ()
    permission: Role = Role.MEMBER
    aliases: tuple[str, ...] = ()
    opens_form: bool = False
    """Answers with a form: Discord can only show a modal as the first, undeferred answer."""


@dataclass(frozen=True, kw_only=True)
class CommandSpec:
    name: str
    help_key: str
    subcommands: tuple[SubcommandSpec, ...]
    default: str | None = None
    """Subcommand run when the first word names none (e.g. `/tz` and `/tz @ayu` run `show`)."""

    def find(self, word: str) -> SubcommandSpec | None:
        lowered = word.lower()
        for sub in self.subcommands:
            if lowered == sub.name or lowered in sub.aliases:
                return sub
        return None


@dataclass(frozen=True, kw_only=True)
class Args:
    """A subcommand's arguments, whether they came as typed text or as structured options."""

    text: str = ""
    options: Mapping[str, OptionValue] | None = None

    def get(self, name: str) -> OptionValue | None:
        return None if self.options is None else self.options.get(name)

    def text_or(self, name: str) -> str:
        """The named option as text when it was given structured, else the free text."""
        value = self.get(name)
        return str(value).strip() if value is not None else self.text.strip()

    def words(self) -> list[str]:
        try:
            return shlex.split(self.text)
        except ValueError:
            return self.text.split()

    def mentions(self) -> list[str]:
        """User ids mentioned in the text (adapters normalise them to `<@id>`) or in options."""
        ids = MENTION.findall(self.text)
        for value in (self.options or {}).values():
            if isinstance(value, str):
                ids.extend(MENTION.findall(value))
        return list(dict.fromkeys(ids))


@dataclass(frozen=True, kw_only=True)
class Resolved:
    command: CommandSpec
    sub: SubcommandSpec
    args: Args


def resolve(
    spec: CommandSpec, subcommand: str | None, text: str, options: Mapping[str, OptionValue] | None
) -> Resolved | None:
    """Pick the subcommand from a structured name or the first typed word; None when there is none."""
    if subcommand:
        sub = spec.find(subcommand)
        return None if sub is None else Resolved(command=spec, sub=sub, args=Args(text=text, options=options))
    head, _, tail = text.strip().partition(" ")
    sub = spec.find(head) if head else None
    if sub is not None:
        return Resolved(command=spec, sub=sub, args=Args(text=tail.strip(), options=options))
    if spec.default is not None:
        default = spec.find(spec.default)
        if default is not None:
            return Resolved(command=spec, sub=default, args=Args(text=text.strip(), options=options))
    return None


class CommandRegistry:
    """All declared commands; features register theirs at composition time."""

    def __init__(self) -> None:
        self._commands: dict[str, CommandSpec] = {}

    def add(self, spec: CommandSpec) -> None:
        if spec.name in self._commands:
            raise ValueError(f"command /{spec.name} declared twice")
        self._commands[spec.name] = spec

    def get(self, name: str) -> CommandSpec | None:
        return self._commands.get(name.lower().lstrip("/"))

    def all(self) -> list[CommandSpec]:
        return list(self._commands.values())

    def describe(self) -> list[dict[str, Any]]:
        """A plain description, for manifests and the Discord command tree."""
        return [
            {"name": c.name, "help_key": c.help_key,
             "subcommands": [{"name": s.name, "help_key": s.help_key, "example": s.example,
                              "permission": s.permission.value,
                              "options": [{"name": o.name, "type": o.type.value,
                                           "required": o.required, "help_key": o.help_key}
                                          for o in s.options]}
                             for s in c.subcommands]}
            for c in self.all()
        ]

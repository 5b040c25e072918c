"""A typed line becomes a core event, or a shell-only instruction (`/as`, `/clock`, `/quit`)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from bot.core.events import CommandInvoked, Event, MessageReceived
from bot.core.identity import AccountRef, ConversationRef

PLATFORM = "shell"
# `@ayu` typed in the shell is the member whose id is "ayu"; the core reads mentions as `<@id>`.
_MENTION = re.compile(r"(?<![\w<])@([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)")
# No `actor_name`: the terminal knows only the id, and a name set elsewhere (the demo's "Ayu") must stay.
SHELL_ONLY = frozenset({"as", "clock", "quit", "exit", "help"})


@dataclass(frozen=True, kw_only=True)
class ShellInstruction:
    name: str
    argument: str


def normalise_mentions(text: str) -> str:
    return _MENTION.sub(lambda m: f"<@{m.group(1)}>", text)


def translate_line(
    line: str, *, workspace_id: str, speaker: str, now: datetime
) -> Event | ShellInstruction | None:
    """None for a blank line; otherwise an event for the core or an instruction for the shell."""
    text = line.strip()
    if not text:
        return None
    actor = AccountRef(platform=PLATFORM, workspace_id=workspace_id, user_id=speaker)
    where = ConversationRef.dm(actor)
    event_id = uuid.uuid4().hex
    if not text.startswith("/"):
        return MessageReceived(platform=PLATFORM, event_id=event_id, actor=actor, conversation=where,
                               at=now, text=normalise_mentions(text))
    name, _, rest = text[1:].partition(" ")
    name, rest = name.lower(), rest.strip()
    if name == "help":
        name, rest = "rekan", f"help {rest}".strip()
    elif name in SHELL_ONLY:
        return ShellInstruction(name="quit" if name == "exit" else name, argument=rest)
    return CommandInvoked(platform=PLATFORM, event_id=event_id, actor=actor, conversation=where, at=now,
                          name=name, text=normalise_mentions(rest))

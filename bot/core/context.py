"""One reply surface for a handler, whatever platform the event came from."""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.core.actions import AskChoice, Choice, FormField, OpenForm, Send, Visibility
from bot.core.capabilities import Capabilities
from bot.core.content import Code, Content, Emphasis, Inline, Link, Mention, Paragraph, Text, Timestamp
from bot.core.directory import Directories, Directory
from bot.core.events import Event
from bot.core.identity import AccountRef, ConversationRef, Member, Workspace
from bot.i18n import normalize_locale, translate
from storage.session import Database

DEFAULT_CHOICE_TTL = timedelta(days=1)
INLINE_TYPES = (Text, Emphasis, Code, Link, Mention, Timestamp)


@dataclass(frozen=True, kw_only=True)
class Services:
    """What every handler may use, whatever the platform: the database and the clock."""

    db: Database
    clock: Clock
    directory: Directory = field(default_factory=Directories)
    """Members of roles and user groups, from whichever adapter serves the platform."""
    wake: Callable[[], None] = field(default=lambda: None)
    """Called after a handler enqueued deliveries, so the dispatcher re-reads the next due time."""
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Context:
    event: Event
    workspace: Workspace
    member: Member
    services: Services
    caps: Capabilities

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def locale(self) -> str:
        return normalize_locale(self.member.locale or self.workspace.default_locale)

    def t(self, key: str, /, **values: Any) -> str:
        return translate(key, self.locale, **values)

    def tc(self, key: str, /, **values: Any) -> Content:
        """A catalog message as content; Inline values (mentions, timestamps) stay live nodes."""
        return Content(blocks=(message_paragraph(key, self.locale, **values),))

    def reply(self, content: Content | str, *, ephemeral: bool = True,
              ping: Sequence[str] = ()) -> Send:
        body = Content.text(content) if isinstance(content, str) else content
        return Send(to=self.event.conversation, content=body, thread=self.event.thread,
                    visibility=Visibility.EPHEMERAL if ephemeral else Visibility.PUBLIC,
                    reply_handle=self.event.reply_handle, ping=tuple(ping))

    def fail(self, key: str, *, example: str | None = None, **values: Any) -> Send:
        """A short reason and an example that works, in the member's language."""
        text = self.t(key, **values)
        if example:
            text = f"{text}\n{self.t('common.example', example=example)}"
        return self.reply(text)

    def dm(self, account: AccountRef, content: Content) -> Send:
        return Send(to=ConversationRef.dm(account), content=content)

    def ask(self, prompt: Content | str, choices: Sequence[Choice], key: str,
            *, ttl: timedelta = DEFAULT_CHOICE_TTL) -> AskChoice:
        body = Content.text(prompt) if isinstance(prompt, str) else prompt
        return AskChoice(to=self.event.conversation, prompt=body, choices=tuple(choices), key=key,
                         expires_at=self.now + ttl, visibility=Visibility.EPHEMERAL,
                         reply_handle=self.event.reply_handle)

    def form(self, title: str, fields: Sequence[FormField], key: str,
             *, submit_label: str | None = None,
             errors: Sequence[tuple[str, str]] = ()) -> OpenForm:
        return OpenForm(to=self.event.conversation, title=title, fields=tuple(fields), key=key,
                        submit_label=submit_label or self.t("common.yes"),
                        reply_handle=self.event.reply_handle, errors=tuple(errors))


@functools.lru_cache(maxsize=2048)
def _parsed(key: str, locale: str) -> tuple[tuple[Text | None, str | None, str], ...]:
    """A catalog template split once: (literal text, placeholder name, format of the value)."""
    parts = []
    for literal, name, spec, conv in string.Formatter().parse(translate(key, locale)):
        fmt = "{" + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        parts.append((Text(text=literal) if literal else None, name, fmt))
    return tuple(parts)


def message_paragraph(key: str, locale: str, **values: Any) -> Paragraph:
    """Format a catalog template, keeping Inline values as nodes and strings as escaped Text."""
    inlines: list[Inline] = []
    for literal, name, fmt in _parsed(key, locale):
        if literal is not None:
            inlines.append(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, INLINE_TYPES):
            inlines.append(value)
        else:
            inlines.append(Text(text=format(value) if fmt == "{}" else fmt.format(value)))
    return Paragraph(inlines=tuple(inlines))

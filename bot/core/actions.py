"""What the core asks adapters to do: frozen value objects, serialisable for the outbox."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from bot.core.content import Content
from bot.core.identity import ConversationRef


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    EPHEMERAL = "ephemeral"


@dataclass(frozen=True, kw_only=True)
class Send:
    to: ConversationRef
    content: Content
    thread: str | None = None
    visibility: Visibility = Visibility.PUBLIC
    reply_handle: Any = field(default=None, compare=False, repr=False)
    ping: tuple[str, ...] = ()
    """User ids this message means to ping; every other mention renders without a ping."""


@dataclass(frozen=True, kw_only=True)
class Edit:
    to: ConversationRef
    message_id: str
    content: Content


@dataclass(frozen=True, kw_only=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True, kw_only=True)
class AskChoice:
    """A question with buttons (numbered options in the shell); the answer comes back as ActionTriggered."""

    to: ConversationRef
    prompt: Content
    choices: tuple[Choice, ...]
    key: str
    expires_at: datetime | None = None
    visibility: Visibility = Visibility.PUBLIC
    reply_handle: Any = field(default=None, compare=False, repr=False)


class FieldKind(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"


@dataclass(frozen=True, kw_only=True)
class FormField:
    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    choices: tuple[Choice, ...] = ()
    initial: str | None = None
    hint: str | None = None


@dataclass(frozen=True, kw_only=True)
class OpenForm:
    """A modal where the platform has one; the core turns it into questions one by one elsewhere."""

    to: ConversationRef
    title: str
    fields: tuple[FormField, ...]
    key: str
    submit_label: str = "OK"
    reply_handle: Any = field(default=None, compare=False, repr=False)
    errors: tuple[tuple[str, str], ...] = ()
    """(field key, message) pairs shown beside the fields when a submission was refused."""


@dataclass(frozen=True, kw_only=True)
class React:
    to: ConversationRef
    message_id: str
    emoji: str


@dataclass(frozen=True, kw_only=True)
class Upload:
    to: ConversationRef
    filename: str
    data: bytes
    mime_type: str
    comment: Content | None = None


@dataclass(frozen=True, kw_only=True)
class PublishHome:
    """Replace a member's personal home view (Slack's App Home); `to` is the member's DM."""

    to: ConversationRef
    content: Content


Action: TypeAlias = Send | Edit | AskChoice | OpenForm | React | Upload | PublishHome


@dataclass(frozen=True, kw_only=True)
class SendResult:
    """What a platform said back: its id for the message, so later edits can find it."""

    message_id: str | None = None

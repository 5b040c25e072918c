"""What adapters hand to the core: frozen value objects, one per kind of thing a person does.

Adapters normalise user mentions inside free text to the neutral form `<@user_id>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from bot.core.identity import AccountRef, ConversationRef

OptionValue: TypeAlias = str | int | float | bool


@dataclass(frozen=True, kw_only=True)
class EventBase:
    """Fields every event carries; `reply_handle` is opaque to the core and never compared."""

    platform: str
    event_id: str
    actor: AccountRef
    conversation: ConversationRef
    at: datetime
    thread: str | None = None
    actor_name: str | None = None
    actor_is_admin: bool | None = None
    """What the platform says of the actor's admin rights; None when it did not say."""
    actor_tz: str | None = None
    """The IANA zone the platform's profile shows; seeds a member who has not chosen one."""
    reply_handle: Any = field(default=None, compare=False, repr=False)
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("event timestamps must be aware")


@dataclass(frozen=True, kw_only=True)
class CommandInvoked(EventBase):
    """`/name subcommand …`: Slack sends `text`, Discord sends typed `options`; one handler reads both."""

    name: str
    subcommand: str | None = None
    text: str = ""
    options: Mapping[str, OptionValue] | None = None


@dataclass(frozen=True, kw_only=True)
class MessageReceived(EventBase):
    """A direct message to the bot (a standup answer, a form step in the shell)."""

    text: str


@dataclass(frozen=True, kw_only=True)
class ActionTriggered(EventBase):
    """A button or choice: `key` is the stable key of the prompt, `value` the picked choice."""

    key: str
    value: str


@dataclass(frozen=True, kw_only=True)
class FormSubmitted(EventBase):
    key: str
    values: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class FormClosed(EventBase):
    key: str


@dataclass(frozen=True, kw_only=True)
class HomeOpened(EventBase):
    """A member looked at Rekan's home (Slack's App Home tab): answered with a PublishHome."""


@dataclass(frozen=True, kw_only=True)
class MemberLeft(EventBase):
    """The platform says the actor left the workspace (Slack: the account was deactivated)."""


Event: TypeAlias = (CommandInvoked | MessageReceived | ActionTriggered | FormSubmitted | FormClosed
                    | HomeOpened | MemberLeft)

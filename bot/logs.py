"""Logging for operators: secrets redacted from every record, an id per event on every record, JSON lines.

Redaction happens when a record is created (a log record factory), not in one handler's formatter, so
no handler can see a token: not ours, not one a library or a test adds, not slack_sdk's own DEBUG dump
of an `oauth.v2.access` answer. Our formatters redact their output once more, for tracebacks and for
`extra=` fields (which `Logger.makeRecord` adds after the factory has run).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

MASK = "***"
MIN_SECRET = 6
"""Shorter configured values are not masked by value: replacing every "abc" in every log line helps nobody."""

EVENT_ID: ContextVar[str | None] = ContextVar("rekan_event_id", default=None)
"""The event (or delivery) this task is working for: set by the router and the dispatcher."""

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, refresh, configuration.
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]{6,}"), MASK),
    (re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"), MASK),
    (re.compile(r"\bxoxe\.[A-Za-z0-9.-]{6,}"), MASK),
    # Discord bot tokens: the user id in base64, a timestamp, an HMAC, dot-separated.
    (re.compile(r"\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}"), MASK),
    # Authorization headers as libraries print them (dicts, reprs, raw HTTP).
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(?:bearer |bot |basic )?[^\s'\",}]+"),
     r"\1" + MASK),
    # key=value and "key": "value" forms of the names secrets go by.
    (re.compile(r"(?i)((?:client_secret|signing_secret|secret|password|passwd|token|access_token)"
                r"['\"]?\s*[:=]\s*['\"]?)(?!\*\*\*)[^\s'\",&}]{4,}"), r"\1" + MASK),
    # A password in a URL: scheme://user:password@host.
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),
)

_secrets: frozenset[str] = frozenset()
_lock = threading.Lock()


def add_secrets(values: Iterable[str | None]) -> None:
    """Mask these exact values wherever they appear (tokens from settings, an installed bot's token)."""
    global _secrets
    with _lock:
        _secrets = _secrets | {v for v in values if v and len(v) >= MIN_SECRET}


def redact(text: str) -> str:
    """The text with every known secret and everything shaped like a credential masked."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what was given, redacted, rather than lose the record
        message = f"{record.msg!r} % {record.args!r}"
    record.msg, record.args = redact(message), None
    for key, value in list(record.__dict__.items()):
        if key not in _STANDARD and isinstance(value, str):
            record.__dict__[key] = redact(value)


def _factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def create(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record)
        record.event_id = EVENT_ID.get()
        return record

    create.rekan_redacting = True  # type: ignore[attr-defined]
    return create


def install_redaction(secrets: Iterable[str | None] = ()) -> None:
    """Redact every record of this process from now on (idempotent: installs the factory once)."""
    add_secrets(secrets)
    current = logging.getLogRecordFactory()
    if not getattr(current, "rekan_redacting", False):
        logging.setLogRecordFactory(_factory(current))


@contextmanager
def event_scope(event_id: str) -> Iterator[None]:
    """Every record logged inside carries `event_id`, across awaits and tasks started inside."""
    token = EVENT_ID.set(event_id)
    try:
        yield
    finally:
        EVENT_ID.reset(token)


class TextFormatter(logging.Formatter):
    """The classic line, with the event id when there is one, redacted once more (tracebacks)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(event)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        event_id = getattr(record, "event_id", None)
        record.event = f" [{event_id}]" if event_id else ""
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log collectors: time (UTC), level, logger, message, event id, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        event_id = getattr(record, "event_id", None)
        if event_id:
            entry["event_id"] = event_id
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = record.stack_info
        return redact(json.dumps(entry, ensure_ascii=False))


def formatter(kind: str) -> logging.Formatter:
    """`text` or `json` (`--log-format`, `rekan.log_format`)."""
    return JsonFormatter() if kind == "json" else TextFormatter()

"""Settings from one TOML file plus the environment, checked at start-up so a mistake stops Rekan in one line.

Secrets and deployment values (tokens, database URL, port) come from the environment and override the file.
Every problem becomes a `ConfigError` whose text is a single line naming the key, its value (never a
secret's value) and what was expected.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Generic, TypeVar, final
from urllib.parse import unquote

T = TypeVar("T")

DEFAULT_CONFIG_NAME: Final = "rekan.toml"
CONFIG_PATH_ENV: Final = "REKAN_CONFIG"
DEFAULT_DATABASE_URL: Final = "sqlite+aiosqlite:///rekan.db"
LOCALES: Final = ("en", "id")
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS: Final = ("text", "json")
DEFAULT_GRACE_MINUTES: Final[Mapping[str, int]] = MappingProxyType(
    {"reminder": 120, "deadline_assigned": 1440, "deadline_overdue": 720, "deadline_digest": 720,
     "deadline_left": 1440, "standup_prompt": 120, "standup_report": 240, "default": 60}
)

DEFAULT_DISPATCH_CONCURRENCY: Final = 8
"""Sends in flight at once: about R x (round trip + 5 ms) x 1.5 for a 100 ms platform round trip at 50/s."""
DEFAULT_SLACK_WORKSPACE_RATE: Final = 10.0
"""600 posts a minute: Slack allows "several hundred a minute" per workspace above 1/s per channel."""
DEFAULT_DISCORD_GLOBAL_RATE: Final = 49
"""One under Discord's global 50 requests a second, so a second's last request is not the one refused."""

_SQLITE: Final = "sqlite+aiosqlite://"
_SQLITE_INLINE: Final = "sqlite+rekaninline://"
"""Opt-in: SQLite on the event loop's own thread (storage/sqlite_inline.py); faster, SQL on the loop."""
_POSTGRES: Final = "postgresql+asyncpg://"
_POSTGRES_ALIASES: Final = ("postgresql://", "postgres://")
# user:password@ split exactly as SQLAlchemy's make_url splits it (a password may hold "/" but not "@")
_URL_PASSWORD: Final = re.compile(r"^([\w+.-]+://[^:/]*):.*@(?=[^@]*$)")
_QUERY_PASSWORD: Final = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#]*", re.IGNORECASE)
_SHOWN_MAX: Final = 80


# --- secrets and errors -------------------------------------------------------------------------------


@final
class Secret:
    """A string that hides itself from repr, str and logs; `reveal()` is the one deliberate way out."""

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a string")
        object.__setattr__(self, "_value", value)

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse changes so a Secret can sit inside frozen settings."""
        raise AttributeError("Secret is immutable")

    def reveal(self) -> str:
        """Return the real value, only where it is handed to the platform or driver."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __copy__(self) -> Secret:
        """Immutable, so a copy (e.g. of the whole settings) can share it."""
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        """Immutable, so a deep copy can share it too."""
        return self

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        """Rebuild through __init__, since attribute assignment is refused."""
        return (Secret, (self._value,))


class ConfigError(Exception):
    """Start-up must stop: `str(error)` is one line naming the key, the value and what was expected."""


class _Invalid(Exception):
    """A check failed; the caller knows where the value came from and turns this into a ConfigError."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def redact_url(url: str) -> str:
    """Hide a database password so the URL can be logged, shown in repr() or quoted in an error: after the
    user (whose name may itself hold an `@`, as Azure's `user@server` does) and in a `password=` query."""
    url = _URL_PASSWORD.sub(r"\1:***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", url)


# --- the settings -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, repr=False)
class RekanSettings:
    """Process-wide settings: where the data lives, the default language and how logs look."""

    database_url: str = DEFAULT_DATABASE_URL
    default_locale: str = "en"
    log_level: str = "INFO"
    log_format: str = "text"

    def __repr__(self) -> str:
        """Show every field but never a database password."""
        shown = dataclasses.replace(self, database_url=redact_url(self.database_url))
        parts = ", ".join(f"{f.name}={getattr(shown, f.name)!r}" for f in dataclasses.fields(self))
        return f"RekanSettings({parts})"


@dataclass(frozen=True, kw_only=True)
class HttpSettings:
    """Where the HTTP server (Slack events in HTTP mode, health checks) listens."""

    port: int = 3000
    host: str = "0.0.0.0"


@dataclass(frozen=True, kw_only=True)
class SlackSettings:
    """Slack credentials: a single-workspace bot token, or an OAuth client for many workspaces."""

    bot_token: Secret | None = None
    signing_secret: Secret | None = None
    app_token: Secret | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    api_url: str | None = None
    """Web API base URL; unset is slack.com. For a fake Slack in tests, or a corporate proxy."""
    workspace_rate: float = DEFAULT_SLACK_WORKSPACE_RATE
    """Messages a second Rekan posts across one workspace (each channel gets about one a second anyway)."""

    @property
    def enabled(self) -> bool:
        """Slack runs when the bot can authenticate, by token or by OAuth client."""
        return self.bot_token is not None or (self.client_id is not None and self.client_secret is not None)

    @property
    def socket_mode(self) -> bool:
        """An app-level token means Socket Mode; without it Slack posts events over HTTP."""
        return self.app_token is not None


@dataclass(frozen=True, kw_only=True)
class DiscordSettings:
    """Discord credentials, sharding for several processes, and how slash commands are synced."""

    bot_token: Secret | None = None
    application_id: str | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    sync_commands_on_start: bool = True
    guild_id: str | None = None
    api_url: str | None = None
    """REST base URL (…/api/v10); unset is discord.com. For a fake Discord in tests, or a proxy."""
    gateway_url: str | None = None
    """Gateway websocket URL; unset is whatever Discord's /gateway says."""
    global_rate: int = DEFAULT_DISCORD_GLOBAL_RATE
    """REST requests a second across the bot, kept under Discord's global limit (50) before it refuses."""

    @property
    def enabled(self) -> bool:
        """Discord runs when there is a bot token to log in with."""
        return self.bot_token is not None


@final
class FrozenMap(Mapping[str, int]):
    """A read-only, hashable, copyable mapping, so a frozen settings object really cannot change."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, int]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> int:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


def _default_grace() -> Mapping[str, int]:
    """A fresh read-only copy of the defaults."""
    return FrozenMap(DEFAULT_GRACE_MINUTES)


@dataclass(frozen=True, kw_only=True)
class SchedulingSettings:
    """How often the planner runs, how long a dispatcher holds a claim, and how late a send may still go."""

    planner_interval_seconds: int = 60
    lease_seconds: int = 60
    dispatch_batch_size: int = 500
    dispatch_concurrency: int = DEFAULT_DISPATCH_CONCURRENCY
    shutdown_timeout_seconds: int = 10
    """On SIGTERM, how long sends under way may take to finish before the rest is given back."""
    grace_minutes: Mapping[str, int] = field(default_factory=_default_grace)

    def grace_for(self, kind: str) -> timedelta:
        """Lateness allowed for a delivery kind, falling back to the "default" entry."""
        fallback = self.grace_minutes.get("default", DEFAULT_GRACE_MINUTES["default"])
        return timedelta(minutes=self.grace_minutes.get(kind, fallback))


def _default_history() -> Path:
    """Expanded when settings are built, not at import, so HOME set later still counts."""
    return Path("~/.rekan_history").expanduser()


@dataclass(frozen=True, kw_only=True)
class ShellSettings:
    """The terminal front end: where line history is kept and who the local user is."""

    history_file: Path = field(default_factory=_default_history)
    member: str = "me"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything Rekan reads at start-up, one typed and frozen object passed to the composition root."""

    rekan: RekanSettings = field(default_factory=RekanSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    scheduling: SchedulingSettings = field(default_factory=SchedulingSettings)
    shell: ShellSettings = field(default_factory=ShellSettings)
    source: Path | None = None

    def platforms(self) -> tuple[str, ...]:
        """Chat platforms to connect to; empty means no credentials, so run the terminal shell."""
        enabled = (("slack", self.slack.enabled), ("discord", self.discord.enabled))
        return tuple(name for name, on in enabled if on)


KNOWN_KEYS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "rekan": ("database_url", "default_locale", "log_level", "log_format"),
        "http": ("port", "host"),
        "slack": ("bot_token", "signing_secret", "app_token", "client_id", "client_secret", "api_url",
                  "workspace_rate"),
        "discord": (
            "bot_token",
            "application_id",
            "shard_count",
            "shard_ids",
            "sync_commands_on_start",
            "guild_id",
            "api_url",
            "gateway_url",
            "global_rate",
        ),
        "scheduling": ("planner_interval_seconds", "lease_seconds", "dispatch_batch_size",
                       "dispatch_concurrency", "shutdown_timeout_seconds", "grace_minutes"),
        "shell": ("history_file", "member"),
    }
)


# --- showing values in errors -------------------------------------------------------------------------


def _render(value: object) -> str:
    """Write a value the way TOML would, shortened, so the error line quotes what the user typed."""
    text = _render_full(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _render_full(value: object) -> str:
    """TOML-like text for a value of any type tomllib returns."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_render_full(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_render_full(item)}" for key, item in value.items()) + " }"
    return repr(value)


def _one_line(text: str) -> str:
    """Collapse whitespace so a third-party message cannot break the one-line promise."""
    return " ".join(text.split())


def _error(key: str, file: str | None, shown: str | None, expected: str) -> ConfigError:
    """Build the single error line: key, value unless hidden, file when there is one, what was expected."""
    value = "" if shown is None else f" = {shown}"
    place = "" if file is None else f" ({file})"
    return ConfigError(f"config error: {key}{value}{place}: expected {expected}")


# --- checks: raw value in, typed value out ------------------------------------------------------------


class _Check(Generic[T]):
    """Turn a raw value into a typed one, strictly from the file and by parsing text from the environment."""

    def parse(self, value: object) -> T:
        """Check a value as TOML typed it; a string where a number belongs is an error, not coerced."""
        raise NotImplementedError

    def parse_text(self, text: str) -> T:
        """Check an environment variable, which is always text."""
        return self.parse(text)

    def show(self, value: object) -> str | None:
        """How the value may appear in an error; None keeps it out."""
        return _render(value)


@dataclass(frozen=True)
class _Int(_Check[int]):
    """A whole number within bounds; booleans and quoted numbers are refused."""

    low: int
    high: int | None
    expected: str

    def parse(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            hint = ", written without quotes" if isinstance(value, str) else ""
            raise _Invalid(self.expected + hint)
        if value < self.low or (self.high is not None and value > self.high):
            raise _Invalid(self.expected)
        return value

    def parse_text(self, text: str) -> int:
        try:
            number = int(text, 10)
        except ValueError:
            raise _Invalid(self.expected) from None
        return self.parse(number)


@dataclass(frozen=True)
class _Number(_Check[float]):
    """A number (whole or not) above `low`, at most `high`; booleans and quoted numbers are refused."""

    low: float
    high: float
    expected: str

    def parse(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = ", written without quotes" if isinstance(value, str) else ""
            raise _Invalid(self.expected + hint)
        if not self.low < value <= self.high:
            raise _Invalid(self.expected)
        return float(value)

    def parse_text(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise _Invalid(self.expected) from None
        return self.parse(number)


@dataclass(frozen=True)
class _Choice(_Check[str]):
    """One of a few words, compared after case folding so "info" and "INFO" both work."""

    choices: tuple[str, ...]
    fold: Callable[[str], str]

    def parse(self, value: object) -> str:
        if isinstance(value, str) and self.fold(value) in self.choices:
            return self.fold(value)
        raise _Invalid("one of " + ", ".join(f'"{choice}"' for choice in self.choices))


@dataclass(frozen=True)
class _Text(_Check[str]):
    """A non-blank string."""

    expected: str

    def parse(self, value: object) -> str:
        if isinstance(value, str) and value.strip():
            return value
        raise _Invalid(self.expected)


@dataclass(frozen=True)
class _Snowflake(_Check[str]):
    """A Discord id as a digit string, the form the API and discord.py's Object(id=int(...)) start from."""

    what: str

    def parse(self, value: object) -> str:
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return value
        raise _Invalid(f'a Discord {self.what} id as digits in quotes, e.g. "123456789012345678"')


@dataclass(frozen=True)
class _Bool(_Check[bool]):
    """A TOML boolean; from the environment the usual words for yes and no."""

    def parse(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        raise _Invalid("true or false")

    def parse_text(self, text: str) -> bool:
        words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        if text.lower() in words:
            return words[text.lower()]
        raise _Invalid("true or false")


@dataclass(frozen=True)
class _Token(_Check[Secret]):
    """A credential, wrapped in Secret and never shown in an error; a known prefix catches swapped tokens."""

    label: str
    prefix: str | None = None

    def parse(self, value: object) -> Secret:
        if self.prefix is None:
            expected = f"a non-empty {self.label}"
        else:
            expected = f'a {self.label} starting with "{self.prefix}"'
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(expected)
        if self.prefix is not None and not value.startswith(self.prefix):
            raise _Invalid(expected)
        return Secret(value)

    def show(self, value: object) -> str | None:
        return None


@dataclass(frozen=True)
class _DatabaseUrl(_Check[str]):
    """An async SQLAlchemy URL for a driver we ship, normalised, and shown without its password."""

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise _Invalid(_URL_EXPECTED)
        for alias in _POSTGRES_ALIASES:
            if value.startswith(alias):
                return _POSTGRES + value[len(alias) :]
        if value.startswith(_POSTGRES):
            return value
        if value.startswith(_SQLITE):
            return _absolute_sqlite(value)
        if value.startswith(_SQLITE_INLINE):
            return _SQLITE_INLINE + _absolute_sqlite(_SQLITE + value[len(_SQLITE_INLINE):])[len(_SQLITE):]
        raise _Invalid(_URL_EXPECTED)

    def show(self, value: object) -> str | None:
        return _render(redact_url(value) if isinstance(value, str) else value)


_URL_EXPECTED: Final = f'a URL starting with "{_SQLITE}" or "{_POSTGRES}" (or "postgresql://", "postgres://")'


def _absolute_sqlite(url: str) -> str:
    """Pin a relative SQLite file to the current directory so a later chdir cannot move the database."""
    rest = url[len(_SQLITE) :]
    if not rest:
        return url  # sqlite+aiosqlite:// is an in-memory database
    if not rest.startswith("/"):
        raise _Invalid(f'a SQLite URL like "{DEFAULT_DATABASE_URL}" (three slashes, then the file path)')
    path, sep, query = rest[1:].partition("?")
    if path in ("", ":memory:") or path.startswith("/"):
        return url
    return f"{_SQLITE}/{os.path.abspath(os.path.expanduser(path))}{sep}{query}"


@dataclass(frozen=True)
class _FilePath(_Check[Path]):
    """A file path with "~" expanded."""

    def parse(self, value: object) -> Path:
        if isinstance(value, str) and value.strip():
            return Path(value).expanduser()
        raise _Invalid('a file path, e.g. "~/.rekan_history"')


@dataclass(frozen=True)
class _ShardIds(_Check[tuple[int, ...]]):
    """A non-empty list of distinct shard numbers; the bound against shard_count is checked by the caller."""

    def parse(self, value: object) -> tuple[int, ...]:
        expected = "a list of distinct shard ids, whole numbers 0 or more, e.g. [0, 1]"
        if not isinstance(value, list) or not value:
            raise _Invalid(expected)
        if not all(isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value):
            raise _Invalid(expected)
        if len(set(value)) != len(value):
            raise _Invalid(expected)
        return tuple(value)


# --- reading one section ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Origin:
    """Where an accepted value came from, so a later cross-check can point at it."""

    key: str
    file: str | None
    shown: str | None


class _Section:
    """One [table] of the file with its environment overrides, read key by key."""

    def __init__(
        self, name: str, values: Mapping[str, object], file: str | None, env: Mapping[str, str]
    ) -> None:
        self.name = name
        self._values = values
        self._file = file
        self._env = env
        self._origins: dict[str, _Origin] = {}

    def optional(self, key: str, check: _Check[T], env_var: str | None = None) -> T | None:
        """The environment's value if set, else the file's, else None."""
        text = _env_text(self._env, env_var)
        if env_var is not None and text is not None:
            return self._accept(key, _Origin(env_var, None, check.show(text)), lambda: check.parse_text(text))
        if key in self._values:
            raw = self._values[key]
            origin = _Origin(f"{self.name}.{key}", self._file, check.show(raw))
            return self._accept(key, origin, lambda: check.parse(raw))
        return None

    def value(self, key: str, check: _Check[T], default: T, env_var: str | None = None) -> T:
        """Like `optional`, with a default for a key set nowhere."""
        found = self.optional(key, check, env_var)
        return default if found is None else found

    def raw(self, key: str) -> object | None:
        """The file's value untouched, for keys that are read piece by piece."""
        return self._values.get(key)

    def fail(self, key: str, expected: str) -> ConfigError:
        """An error about a key already read, pointing where its value came from."""
        origin = self._origins.get(key, _Origin(f"{self.name}.{key}", self._file, None))
        return _error(origin.key, origin.file, origin.shown, expected)

    def _accept(self, key: str, origin: _Origin, parse: Callable[[], T]) -> T:
        try:
            result = parse()
        except _Invalid as invalid:
            raise _error(origin.key, origin.file, origin.shown, invalid.expected) from None
        self._origins[key] = origin
        return result


def _env_text(env: Mapping[str, str], name: str | None) -> str | None:
    """An environment variable's stripped text; unset and empty are the same thing."""
    if name is None:
        return None
    text = env.get(name, "").strip()
    return text or None


# --- the sections -------------------------------------------------------------------------------------

_SECONDS: Final = _Int(5, 3600, "a whole number of seconds from 5 to 3600")
_GRACE: Final = _Int(0, None, "a whole number of minutes, 0 or more")


def _read_rekan(section: _Section) -> RekanSettings:
    """Database, language and logging, each overridable from the environment."""
    return RekanSettings(
        database_url=section.value(
            "database_url", _DatabaseUrl(), _DatabaseUrl().parse(DEFAULT_DATABASE_URL), "REKAN_DATABASE_URL"
        ),
        default_locale=section.value(
            "default_locale", _Choice(LOCALES, str.lower), "en", "REKAN_DEFAULT_LOCALE"
        ),
        log_level=section.value("log_level", _Choice(LOG_LEVELS, str.upper), "INFO", "REKAN_LOG_LEVEL"),
        log_format=section.value("log_format", _Choice(LOG_FORMATS, str.lower), "text", "REKAN_LOG_FORMAT"),
    )


def _read_http(section: _Section) -> HttpSettings:
    """The listening address; the port usually comes from the deployment."""
    return HttpSettings(
        port=section.value("port", _Int(0, 65535, "a port number from 0 to 65535"), 3000, "REKAN_HTTP_PORT"),
        host=section.value("host", _Text('a host name or address, e.g. "0.0.0.0"'), "0.0.0.0",
                           "REKAN_HTTP_HOST"),
    )


_SLACK_API_URL = re.compile(r"https?://[^\s/]+(/\S*)?/api/")


def _read_slack(section: _Section) -> SlackSettings:
    """Slack credentials, refusing a half-configured app that would only fail later at connect time."""
    settings = SlackSettings(
        bot_token=section.optional("bot_token", _Token("Slack bot token", "xoxb-"), "SLACK_BOT_TOKEN"),
        signing_secret=section.optional(
            "signing_secret", _Token("Slack signing secret"), "SLACK_SIGNING_SECRET"
        ),
        app_token=section.optional("app_token", _Token("Slack app-level token", "xapp-"), "SLACK_APP_TOKEN"),
        client_id=section.optional("client_id", _Text("a Slack client id in quotes"), "SLACK_CLIENT_ID"),
        client_secret=section.optional("client_secret", _Token("Slack client secret"), "SLACK_CLIENT_SECRET"),
        api_url=section.optional("api_url", _Text('an http(s) URL ending in "/api/"'), "SLACK_API_URL"),
        workspace_rate=section.value(
            "workspace_rate", _Number(0, 1000, "a number of messages a second above 0, at most 1000"),
            DEFAULT_SLACK_WORKSPACE_RATE, "SLACK_WORKSPACE_RATE",
        ),
    )
    if settings.api_url is not None and not _SLACK_API_URL.fullmatch(settings.api_url):
        raise section.fail("api_url", 'an http(s) URL ending in "/api/", e.g. "https://slack.com/api/"')
    if settings.client_id is not None and settings.client_secret is None:
        raise section.fail("client_id", "slack.client_secret as well (or SLACK_CLIENT_SECRET)")
    if settings.enabled and settings.signing_secret is None and settings.app_token is None:
        key = "bot_token" if settings.bot_token is not None else "client_secret"
        raise section.fail(
            key,
            "slack.signing_secret (HTTP mode) or slack.app_token (Socket Mode) as well "
            "(or SLACK_SIGNING_SECRET / SLACK_APP_TOKEN)",
        )
    return settings


def _read_discord(section: _Section) -> DiscordSettings:
    """Discord credentials and sharding, with shard ids checked against the shard count."""
    shard_count = section.optional("shard_count", _Int(1, None, "a whole number of shards, 1 or more"))
    shard_ids = section.optional("shard_ids", _ShardIds())
    if shard_ids is not None and shard_count is None:
        raise section.fail("shard_ids", "discord.shard_count to be set as well")
    if shard_ids is not None and shard_count is not None and max(shard_ids) >= shard_count:
        raise section.fail("shard_ids", f"every shard id below shard_count ({shard_count})")
    return DiscordSettings(
        bot_token=section.optional("bot_token", _Token("Discord bot token"), "DISCORD_BOT_TOKEN"),
        application_id=section.optional(
            "application_id", _Snowflake("application"), "DISCORD_APPLICATION_ID"
        ),
        shard_count=shard_count,
        shard_ids=shard_ids,
        sync_commands_on_start=section.value("sync_commands_on_start", _Bool(), True),
        guild_id=section.optional("guild_id", _Snowflake("guild")),
        api_url=_url(section, "api_url", "DISCORD_API_URL", _DISCORD_API_URL,
                     'an http(s) URL ending in "/api/v10"'),
        gateway_url=_url(section, "gateway_url", "DISCORD_GATEWAY_URL", _WS_URL, "a ws:// or wss:// URL"),
        global_rate=section.value(
            "global_rate", _Int(1, 10000, "a whole number of requests a second from 1 to 10000"),
            DEFAULT_DISCORD_GLOBAL_RATE, "DISCORD_GLOBAL_RATE",
        ),
    )


_DISCORD_API_URL = re.compile(r"https?://[^\s/]+(/\S*)?/api/v10")
_WS_URL = re.compile(r"wss?://[^\s/]+(/\S*)?")


def _url(section: _Section, key: str, env: str, pattern: re.Pattern[str], expected: str) -> str | None:
    value: str | None = section.optional(key, _Text(expected), env)
    if value is not None and not pattern.fullmatch(value):
        raise section.fail(key, expected)
    return value


def _read_scheduling(section: _Section, file: str | None) -> SchedulingSettings:
    """Planner and dispatcher pacing, and the open map of grace windows per delivery kind."""
    return SchedulingSettings(
        planner_interval_seconds=section.value("planner_interval_seconds", _SECONDS, 60),
        lease_seconds=section.value("lease_seconds", _SECONDS, 60),
        dispatch_batch_size=section.value(
            "dispatch_batch_size", _Int(1, 10000, "a whole number from 1 to 10000"), 500
        ),
        dispatch_concurrency=section.value(
            "dispatch_concurrency", _Int(1, 256, "a whole number from 1 to 256"), DEFAULT_DISPATCH_CONCURRENCY
        ),
        shutdown_timeout_seconds=section.value(
            "shutdown_timeout_seconds", _Int(1, 600, "a whole number of seconds from 1 to 600"), 10
        ),
        grace_minutes=_read_grace(section.raw("grace_minutes"), file),
    )


def _read_grace(raw: object | None, file: str | None) -> Mapping[str, int]:
    """Merge the file's grace windows over the defaults; any kind name is allowed, values must be minutes."""
    merged = dict(DEFAULT_GRACE_MINUTES)
    if raw is None:
        return FrozenMap(merged)
    if not isinstance(raw, dict):
        expected = "a table of kind = minutes, e.g. { reminder = 120 }"
        raise _error("scheduling.grace_minutes", file, _render(raw), expected)
    for kind, minutes in raw.items():
        try:
            merged[kind] = _GRACE.parse(minutes)
        except _Invalid as invalid:
            key = f"scheduling.grace_minutes.{kind}"
            raise _error(key, file, _render(minutes), invalid.expected) from None
    return FrozenMap(merged)


def _read_shell(section: _Section) -> ShellSettings:
    """The terminal front end's local settings."""
    return ShellSettings(
        history_file=section.value("history_file", _FilePath(), _default_history()),
        member=section.value("member", _Text("a non-empty member name"), "me"),
    )


# --- the file -----------------------------------------------------------------------------------------


def _read_document(path: Path) -> dict[str, Any]:
    """Parse the TOML file, turning every way it can fail into one line."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config error: config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"config error: cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config error: {path} is not valid TOML: it is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config error: {path} is not valid TOML: {_one_line(str(exc))}") from None


def _sections(document: Mapping[str, object], file: str | None) -> dict[str, Mapping[str, object]]:
    """Split the document into known sections, refusing any unknown section or key."""
    for name in document:
        if name not in KNOWN_KEYS:
            raise ConfigError(
                f'config error: unknown key "{name}" in {file}; known sections: {", ".join(KNOWN_KEYS)}'
            )
    tables: dict[str, Mapping[str, object]] = {}
    for name, keys in KNOWN_KEYS.items():
        table = document.get(name, {})
        if not isinstance(table, dict):
            raise _error(name, file, _render(table), f"a table [{name}]")
        for key in table:
            if key not in keys:
                known = ", ".join(keys)
                raise ConfigError(
                    f'config error: unknown key "{name}.{key}" in {file}; known keys in [{name}]: {known}'
                )
        tables[name] = table
    return tables


def default_config_path(env: Mapping[str, str]) -> Path | None:
    """The file to read when none is named: $REKAN_CONFIG if set, else ./rekan.toml if present."""
    named = _env_text(env, CONFIG_PATH_ENV)
    if named is not None:
        return Path(named).expanduser()
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.is_file() else None


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the file (if any) and the environment into one checked Settings, or raise ConfigError."""
    environ: Mapping[str, str] = os.environ if env is None else env
    if path is None:
        path = default_config_path(environ)
    document = {} if path is None else _read_document(path)
    file = None if path is None else str(path)
    tables = _sections(document, file)

    def section(name: str) -> _Section:
        return _Section(name, tables[name], file, environ)

    return Settings(
        rekan=_read_rekan(section("rekan")),
        http=_read_http(section("http")),
        slack=_read_slack(section("slack")),
        discord=_read_discord(section("discord")),
        scheduling=_read_scheduling(section("scheduling"), file),
        shell=_read_shell(section("shell")),
        source=None if path is None else path.absolute(),
    )


def secrets_of(settings: Settings) -> list[str]:
    """Every credential in the settings, for the log redaction: tokens, secrets, the database password."""
    found = [v.reveal() for section in (settings.slack, settings.discord)
             for v in vars(section).values() if isinstance(v, Secret)]
    match = _URL_PASSWORD.search(settings.rekan.database_url)
    if match is not None:
        password = settings.rekan.database_url[match.end(1) + 1:match.end() - 1]
        found.append(unquote(password))
        found.append(password)
    return found

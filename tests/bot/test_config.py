"""How Rekan reads its settings: one TOML file, the environment on top, and one clear line for any mistake."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import (
    KNOWN_KEYS,
    ConfigError,
    Secret,
    Settings,
    default_config_path,
    load_settings,
    redact_url,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
SLACK_CANARY = "xoxb-CANARY-123"
CANARY = "CANARY-123"
SLACK_OK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "sign"}


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from an empty directory so no stray ./rekan.toml is picked up."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "rekan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={} if env is None else env)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- defaults and the example file --------------------------------------------------------------------


def test_without_a_file_every_setting_has_its_default(tmp_path: Path) -> None:
    settings = load_settings(env={})

    assert settings.source is None
    assert settings.rekan.database_url == f"sqlite+aiosqlite:///{tmp_path / 'rekan.db'}"
    assert settings.rekan.default_locale == "en"
    assert settings.rekan.log_level == "INFO"
    assert settings.rekan.log_format == "text"
    assert (settings.http.port, settings.http.host) == (3000, "0.0.0.0")
    assert not settings.slack.enabled
    assert not settings.discord.enabled
    assert settings.discord.sync_commands_on_start is True
    assert settings.scheduling.planner_interval_seconds == 60
    assert settings.scheduling.lease_seconds == 60
    assert settings.scheduling.dispatch_batch_size == 500
    assert settings.scheduling.dispatch_concurrency == 8
    assert settings.scheduling.shutdown_timeout_seconds == 10
    assert settings.slack.workspace_rate == 10.0
    assert settings.discord.global_rate == 49
    assert dict(settings.scheduling.grace_minutes) == {
        "reminder": 120,
        "deadline_assigned": 1440,
        "deadline_overdue": 720,
        "deadline_digest": 720,
        "deadline_left": 1440,
        "standup_prompt": 120,
        "standup_report": 240,
        "default": 60,
    }
    assert settings.shell.history_file == Path("~/.rekan_history").expanduser()
    assert settings.shell.member == "me"
    assert settings.platforms() == ()


def test_the_example_file_loads_and_equals_the_defaults() -> None:
    from_example = load_settings(EXAMPLE, env={})

    assert from_example.source == EXAMPLE
    assert dataclasses.replace(from_example, source=None) == load_settings(env={})


def test_the_example_file_documents_every_key_with_its_default() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for section, keys in KNOWN_KEYS.items():
        for key in keys:
            pattern = re.compile(rf"^(# )?{key} = |^\[{section}\.{key}\]$")
            index = next(i for i, line in enumerate(lines) if pattern.match(line) and _in(lines, i, section))
            comment = _comment_above(lines, index)
            assert comment, f"{section}.{key} has no comment above it"
            assert "Default" in comment, f"{section}.{key} does not state its default"


def _in(lines: list[str], index: int, section: str) -> bool:
    headers = [line for line in lines[:index] if line.startswith("[")]
    return bool(headers) and headers[-1].strip("[]").split(".")[0] == section


def _comment_above(lines: list[str], index: int) -> str:
    block: list[str] = []
    for line in reversed(lines[:index]):
        if not line.startswith("#") or re.match(r"^# \w+ = ", line):
            break
        block.append(line)
    return "\n".join(block)


def test_the_example_file_holds_secrets_only_as_commented_out_placeholders() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in ("bot_token", "signing_secret", "app_token", "client_secret"):
        assert re.search(rf"^{key} =", text, re.MULTILINE) is None
    assert "environment" in text
    assert load_settings(EXAMPLE, env={}).platforms() == ()


# --- where the file comes from ------------------------------------------------------------------------


def test_default_config_path_prefers_REKAN_CONFIG(tmp_path: Path) -> None:
    write(tmp_path, "")
    assert default_config_path({"REKAN_CONFIG": "/etc/rekan/rekan.toml"}) == Path("/etc/rekan/rekan.toml")


def test_default_config_path_finds_rekan_toml_in_the_current_directory(tmp_path: Path) -> None:
    assert default_config_path({}) is None
    write(tmp_path, "")
    assert default_config_path({"REKAN_CONFIG": ""}) == Path("rekan.toml")


def test_without_a_path_the_default_path_is_loaded(tmp_path: Path) -> None:
    write(tmp_path, "[http]\nport = 8080\n")
    settings = load_settings(env={})
    assert settings.http.port == 8080
    assert settings.source == tmp_path / "rekan.toml"


def test_a_path_given_explicitly_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert error_of(missing) == f"config error: config file {missing} does not exist"


def test_a_REKAN_CONFIG_that_does_not_exist_stops_start_up(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert (
        error_of(None, {"REKAN_CONFIG": str(missing)})
        == f"config error: config file {missing} does not exist"
    )


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[http]\nport = 3000\nhost = \n")
    message = error_of(path)
    assert message.startswith(f"config error: {path} is not valid TOML: ")
    assert "line 3" in message


# --- the environment ----------------------------------------------------------------------------------


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[rekan]\ndatabase_url = "sqlite+aiosqlite:///file.db"\ndefault_locale = "en"\nlog_level = "INFO"\n'
        "[http]\nport = 3000\n"
        '[slack]\nbot_token = "xoxb-from-file"\nsigning_secret = "file-secret"\n'
        '[discord]\nbot_token = "file-token"\n',
    )
    env = {
        "REKAN_DATABASE_URL": "postgresql+asyncpg://db/rekan",
        "REKAN_DEFAULT_LOCALE": "id",
        "REKAN_LOG_LEVEL": "debug",
        "REKAN_HTTP_PORT": "8080",
        "SLACK_BOT_TOKEN": "xoxb-from-env",
        "SLACK_SIGNING_SECRET": "env-secret",
        "SLACK_APP_TOKEN": "xapp-from-env",
        "SLACK_CLIENT_ID": "123.456",
        "SLACK_CLIENT_SECRET": "client-secret",
        "DISCORD_BOT_TOKEN": "env-token",
        "DISCORD_APPLICATION_ID": "42",
    }

    settings = load_settings(path, env=env)

    assert settings.rekan.database_url == "postgresql+asyncpg://db/rekan"
    assert settings.rekan.default_locale == "id"
    assert settings.rekan.log_level == "DEBUG"
    assert settings.http.port == 8080
    assert settings.slack.bot_token == Secret("xoxb-from-env")
    assert settings.slack.signing_secret == Secret("env-secret")
    assert settings.slack.app_token == Secret("xapp-from-env")
    assert settings.slack.client_id == "123.456"
    assert settings.slack.client_secret == Secret("client-secret")
    assert settings.discord.bot_token == Secret("env-token")
    assert settings.discord.application_id == "42"


def test_an_empty_environment_variable_counts_as_unset(tmp_path: Path) -> None:
    path = write(tmp_path, '[http]\nport = 4000\n[slack]\nbot_token = "xoxb-file"\nsigning_secret = "s"\n')
    env = {"REKAN_HTTP_PORT": "", "SLACK_BOT_TOKEN": "", "DISCORD_BOT_TOKEN": "  ", "REKAN_CONFIG": ""}

    settings = load_settings(path, env=env)

    assert settings.http.port == 4000
    assert settings.slack.bot_token == Secret("xoxb-file")
    assert not settings.discord.enabled


def test_a_bad_environment_value_is_named_with_what_was_expected() -> None:
    assert error_of(None, {"REKAN_HTTP_PORT": "abc"}) == (
        'config error: REKAN_HTTP_PORT = "abc": expected a port number from 0 to 65535'
    )
    assert error_of(None, {"REKAN_HTTP_PORT": "70000"}) == (
        'config error: REKAN_HTTP_PORT = "70000": expected a port number from 0 to 65535'
    )
    assert error_of(None, {"REKAN_DEFAULT_LOCALE": "fr"}) == (
        'config error: REKAN_DEFAULT_LOCALE = "fr": expected one of "en", "id"'
    )


# --- unknown keys -------------------------------------------------------------------------------------


def test_an_unknown_section_is_named_with_the_known_sections(tmp_path: Path) -> None:
    path = write(tmp_path, '[slak]\nbot_token = "xoxb-1"\n')
    assert error_of(path) == (
        f'config error: unknown key "slak" in {path}; '
        "known sections: rekan, http, slack, discord, scheduling, shell"
    )


def test_an_unknown_key_is_named_with_the_known_keys_of_its_section(tmp_path: Path) -> None:
    path = write(tmp_path, "[http]\nprot = 80\n")
    assert (
        error_of(path) == f'config error: unknown key "http.prot" in {path}; known keys in [http]: port, host'
    )


def test_a_section_must_be_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "http = 80\n")
    assert error_of(path) == f"config error: http = 80 ({path}): expected a table [http]"


# --- bad values, one class at a time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        pytest.param(
            '[http]\nport = "80"\n',
            'http.port = "80" ({path}): expected a port number from 0 to 65535, written without quotes',
            id="wrong type: a string where a number belongs is not coerced",
        ),
        pytest.param(
            "[http]\nport = true\n",
            "http.port = true ({path}): expected a port number from 0 to 65535",
            id="wrong type: a boolean is not a number",
        ),
        pytest.param(
            "[scheduling]\nlease_seconds = -5\n",
            "scheduling.lease_seconds = -5 ({path}): expected a whole number of seconds from 5 to 3600",
            id="out of range",
        ),
        pytest.param(
            "[scheduling]\nplanner_interval_seconds = 1.5\n",
            "scheduling.planner_interval_seconds = 1.5 ({path}): "
            "expected a whole number of seconds from 5 to 3600",
            id="a fraction where a whole number belongs",
        ),
        pytest.param(
            "[scheduling]\ndispatch_batch_size = 0\n",
            "scheduling.dispatch_batch_size = 0 ({path}): expected a whole number from 1 to 10000",
            id="batch size out of range",
        ),
        pytest.param(
            "[scheduling]\ndispatch_concurrency = 0\n",
            "scheduling.dispatch_concurrency = 0 ({path}): expected a whole number from 1 to 256",
            id="no sends at once",
        ),
        pytest.param(
            '[scheduling]\ndispatch_concurrency = "8"\n',
            'scheduling.dispatch_concurrency = "8" ({path}): expected a whole number from 1 to 256, '
            "written without quotes",
            id="concurrency in quotes",
        ),
        pytest.param(
            "[slack]\nworkspace_rate = 0\n",
            "slack.workspace_rate = 0 ({path}): expected a number of messages a second above 0, at most 1000",
            id="no workspace budget",
        ),
        pytest.param(
            "[slack]\nworkspace_rate = true\n",
            "slack.workspace_rate = true ({path}): expected a number of messages a second above 0, at most 1000",
            id="workspace rate as a boolean",
        ),
        pytest.param(
            "[discord]\nglobal_rate = 49.5\n",
            "discord.global_rate = 49.5 ({path}): expected a whole number of requests a second from 1 to 10000",
            id="a fraction of a request",
        ),
        pytest.param(
            '[rekan]\ndefault_locale = "fr"\n',
            'rekan.default_locale = "fr" ({path}): expected one of "en", "id"',
            id="bad locale",
        ),
        pytest.param(
            '[rekan]\nlog_level = "LOUD"\n',
            'rekan.log_level = "LOUD" ({path}): expected one of "DEBUG", "INFO", "WARNING", "ERROR"',
            id="bad log level",
        ),
        pytest.param(
            '[rekan]\nlog_format = "xml"\n',
            'rekan.log_format = "xml" ({path}): expected one of "text", "json"',
            id="bad log format",
        ),
        pytest.param(
            '[rekan]\ndatabase_url = "mysql://db/rekan"\n',
            'rekan.database_url = "mysql://db/rekan" ({path}): expected a URL starting with '
            '"sqlite+aiosqlite://" or "postgresql+asyncpg://" (or "postgresql://", "postgres://")',
            id="bad url scheme",
        ),
        pytest.param(
            '[rekan]\ndatabase_url = "sqlite+aiosqlite://rekan.db"\n',
            'rekan.database_url = "sqlite+aiosqlite://rekan.db" ({path}): expected a SQLite URL like '
            '"sqlite+aiosqlite:///rekan.db" (three slashes, then the file path)',
            id="sqlite url with two slashes",
        ),
        pytest.param(
            "[discord]\nshard_ids = [0, 1]\n",
            "discord.shard_ids = [0, 1] ({path}): expected discord.shard_count to be set as well",
            id="shard ids without count",
        ),
        pytest.param(
            "[discord]\nshard_count = 2\nshard_ids = [1, 2]\n",
            "discord.shard_ids = [1, 2] ({path}): expected every shard id below shard_count (2)",
            id="shard id not below count",
        ),
        pytest.param(
            "[discord]\nshard_count = 2\nshard_ids = [1, 1]\n",
            "discord.shard_ids = [1, 1] ({path}): "
            "expected a list of distinct shard ids, whole numbers 0 or more, e.g. [0, 1]",
            id="repeated shard id",
        ),
        pytest.param(
            "[discord]\nshard_count = 0\n",
            "discord.shard_count = 0 ({path}): expected a whole number of shards, 1 or more",
            id="no shards",
        ),
        pytest.param(
            "[discord]\napplication_id = 123456789012345678\n",
            "discord.application_id = 123456789012345678 ({path}): "
            'expected a Discord application id as digits in quotes, e.g. "123456789012345678"',
            id="discord id written as a number",
        ),
        pytest.param(
            '[discord]\nsync_commands_on_start = "yes"\n',
            'discord.sync_commands_on_start = "yes" ({path}): expected true or false',
            id="boolean written as a string",
        ),
        pytest.param(
            "[scheduling.grace_minutes]\nreminder = -1\n",
            "scheduling.grace_minutes.reminder = -1 ({path}): expected a whole number of minutes, 0 or more",
            id="negative grace",
        ),
        pytest.param(
            "[scheduling]\ngrace_minutes = 30\n",
            "scheduling.grace_minutes = 30 ({path}): "
            "expected a table of kind = minutes, e.g. {{ reminder = 120 }}",
            id="grace not a table",
        ),
        pytest.param(
            '[shell]\nmember = ""\n',
            'shell.member = "" ({path}): expected a non-empty member name',
            id="empty member name",
        ),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line(tmp_path: Path, toml: str, message: str) -> None:
    path = write(tmp_path, toml)
    assert error_of(path) == "config error: " + message.format(path=path)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("bot_token", 'a Slack bot token starting with "xoxb-"'),
        ("app_token", 'a Slack app-level token starting with "xapp-"'),
    ],
)
def test_a_bad_token_prefix_is_reported_without_the_token(tmp_path: Path, key: str, expected: str) -> None:
    path = write(tmp_path, f'[slack]\n{key} = "xoxp-{CANARY}"\nsigning_secret = "s"\n')
    message = error_of(path)
    assert message == f"config error: slack.{key} ({path}): expected {expected}"
    assert CANARY not in message


def test_a_bad_token_from_the_environment_is_reported_without_the_token() -> None:
    message = error_of(None, {"SLACK_BOT_TOKEN": f"xoxp-{CANARY}"})
    assert message == 'config error: SLACK_BOT_TOKEN: expected a Slack bot token starting with "xoxb-"'


def test_a_secret_of_the_wrong_type_is_reported_without_its_value(tmp_path: Path) -> None:
    path = write(tmp_path, "[discord]\nbot_token = 1234567\n")
    message = error_of(path)
    assert message == f"config error: discord.bot_token ({path}): expected a non-empty Discord bot token"
    assert "1234567" not in message


def test_slack_with_a_client_id_needs_its_client_secret() -> None:
    message = error_of(None, {"SLACK_CLIENT_ID": "123.456", "SLACK_SIGNING_SECRET": "s"})
    assert message == (
        'config error: SLACK_CLIENT_ID = "123.456": '
        "expected slack.client_secret as well (or SLACK_CLIENT_SECRET)"
    )


def test_slack_needs_a_way_to_receive_events() -> None:
    message = error_of(None, {"SLACK_BOT_TOKEN": SLACK_CANARY})
    assert message == (
        "config error: SLACK_BOT_TOKEN: expected slack.signing_secret (HTTP mode) or slack.app_token "
        "(Socket Mode) as well (or SLACK_SIGNING_SECRET / SLACK_APP_TOKEN)"
    )
    assert SLACK_CANARY not in message


# --- secrets ------------------------------------------------------------------------------------------


def test_secrets_never_appear_in_repr_or_str_of_the_settings(tmp_path: Path) -> None:
    path = write(tmp_path, f'[slack]\nsigning_secret = "sign-{CANARY}"\nclient_secret = "client-{CANARY}"\n')
    env = {
        "SLACK_BOT_TOKEN": SLACK_CANARY,
        "SLACK_APP_TOKEN": f"xapp-{CANARY}",
        "SLACK_CLIENT_ID": "123.456",
        "DISCORD_BOT_TOKEN": f"discord-{CANARY}",
        "REKAN_DATABASE_URL": f"postgresql://rekan:{CANARY}@db:5432/rekan",
    }

    settings = load_settings(path, env=env)

    for shown in (
        repr(settings),
        str(settings),
        repr(settings.slack),
        f"{settings.discord}",
        repr(settings.rekan),
    ):
        assert CANARY not in shown
    assert "Secret('***')" in repr(settings)
    assert "postgresql+asyncpg://rekan:***@db:5432/rekan" in repr(settings)
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.reveal() == SLACK_CANARY
    assert settings.rekan.database_url == f"postgresql+asyncpg://rekan:{CANARY}@db:5432/rekan"


def test_a_database_password_is_hidden_in_error_messages() -> None:
    message = error_of(None, {"REKAN_DATABASE_URL": f"mysql://rekan:{CANARY}@db/rekan"})
    assert message.startswith(
        'config error: REKAN_DATABASE_URL = "mysql://rekan:***@db/rekan": expected a URL'
    )
    assert CANARY not in message


def test_a_secret_hides_itself_and_reveals_on_request() -> None:
    secret = Secret(SLACK_CANARY)

    assert repr(secret) == str(secret) == f"{secret}" == "Secret('***')"
    assert secret.reveal() == SLACK_CANARY
    assert secret == Secret(SLACK_CANARY)
    assert secret != Secret("other")
    assert hash(secret) == hash(Secret(SLACK_CANARY))
    with pytest.raises(AttributeError):
        secret._value = "changed"


def test_redact_url_hides_only_the_password() -> None:
    assert (
        redact_url("postgresql+asyncpg://u:p/w@h:5432/db?ssl=on")
        == "postgresql+asyncpg://u:***@h:5432/db?ssl=on"
    )
    assert redact_url("postgresql+asyncpg://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert redact_url("sqlite+aiosqlite:////tmp/x.db") == "sqlite+aiosqlite:////tmp/x.db"


# --- database URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgres://", "postgresql://", "postgresql+asyncpg://"])
def test_postgres_urls_are_normalised_to_asyncpg(scheme: str) -> None:
    settings = load_settings(env={"REKAN_DATABASE_URL": f"{scheme}rekan@db:5432/rekan"})
    assert settings.rekan.database_url == "postgresql+asyncpg://rekan@db:5432/rekan"


def test_a_relative_sqlite_path_is_resolved_against_the_current_directory(tmp_path: Path) -> None:
    path = write(tmp_path, '[rekan]\ndatabase_url = "sqlite+aiosqlite:///data/../data/rekan.db?timeout=5"\n')
    settings = load_settings(path, env={})
    assert settings.rekan.database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rekan.db'}?timeout=5"


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite:////var/lib/rekan/rekan.db", "sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"],
)
def test_absolute_and_in_memory_sqlite_urls_are_kept_as_written(url: str) -> None:
    assert load_settings(env={"REKAN_DATABASE_URL": url}).rekan.database_url == url


def test_a_home_relative_path_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = write(
        tmp_path,
        '[rekan]\ndatabase_url = "sqlite+aiosqlite:///~/rekan.db"\n[shell]\nhistory_file = "~/hist"\n',
    )
    settings = load_settings(path, env={})
    assert settings.rekan.database_url == f"sqlite+aiosqlite:///{tmp_path / 'home' / 'rekan.db'}"
    assert settings.shell.history_file == tmp_path / "home" / "hist"


# --- scheduling ---------------------------------------------------------------------------------------


def test_grace_minutes_is_an_open_map_merged_over_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "[scheduling.grace_minutes]\nreminder = 30\ndeadline_nudge = 0\n")
    scheduling = load_settings(path, env={}).scheduling

    assert dict(scheduling.grace_minutes) == {
        "reminder": 30,
        "deadline_assigned": 1440,
        "deadline_overdue": 720,
        "deadline_digest": 720,
        "deadline_left": 1440,
        "standup_prompt": 120,
        "standup_report": 240,
        "default": 60,
        "deadline_nudge": 0,
    }
    assert scheduling.grace_for("reminder") == timedelta(minutes=30)
    assert scheduling.grace_for("meeting_poll") == timedelta(minutes=60)


def test_discord_shards_within_the_count_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "[discord]\nshard_count = 4\nshard_ids = [2, 3]\nsync_commands_on_start = false\n")
    discord = load_settings(path, env={}).discord
    assert (discord.shard_count, discord.shard_ids, discord.sync_commands_on_start) == (4, (2, 3), False)


# --- platforms and the settings object ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "platforms"),
    [
        ({}, ()),
        (SLACK_OK, ("slack",)),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_APP_TOKEN": "xapp-1"}, ("slack",)),
        ({"DISCORD_BOT_TOKEN": "d"}, ("discord",)),
        ({**SLACK_OK, "DISCORD_BOT_TOKEN": "d"}, ("slack", "discord")),
    ],
)
def test_platforms_lists_those_with_credentials_and_empty_means_the_shell(
    env: dict[str, str], platforms: tuple[str, ...]
) -> None:
    assert load_settings(env=env).platforms() == platforms


def test_settings_with_secrets_can_be_copied_and_pickled() -> None:
    settings = load_settings(env=SLACK_OK)
    assert copy.deepcopy(settings) == settings
    assert dataclasses.asdict(settings)["scheduling"]["grace_minutes"]["reminder"] == 120
    assert hash(settings) == hash(copy.deepcopy(settings))
    assert pickle.loads(pickle.dumps(settings.slack)) == settings.slack


def test_the_settings_are_frozen() -> None:
    settings = load_settings(env={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.http.port = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.scheduling.grace_minutes["reminder"] = 1  # type: ignore[index]


def test_settings_can_be_built_directly_for_tests_elsewhere() -> None:
    assert Settings().platforms() == ()
    assert Settings().http.port == 3000


@pytest.mark.parametrize("url", ["slack.com/api/", "https://slack.com/api", "ftp://x/api/"])
def test_a_slack_api_url_must_be_an_http_url_ending_in_api(url: str) -> None:
    with pytest.raises(ConfigError, match="SLACK_API_URL"):
        load_settings(None, env={"SLACK_API_URL": url})


def test_a_slack_api_url_points_the_adapter_elsewhere() -> None:
    assert load_settings(None, env={"SLACK_API_URL": "http://127.0.0.1:9/api/"}).slack.api_url == (
        "http://127.0.0.1:9/api/")


def test_the_pacing_settings_are_read_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[slack]\nworkspace_rate = 50\n[discord]\nglobal_rate = 45\n"
                           "[scheduling]\ndispatch_concurrency = 16\n")
    settings = load_settings(path, env={})
    assert (settings.slack.workspace_rate, settings.discord.global_rate) == (50.0, 45)
    assert isinstance(settings.slack.workspace_rate, float)
    assert settings.scheduling.dispatch_concurrency == 16
    assert load_settings(write(tmp_path, "[slack]\nworkspace_rate = 0.5\n"), env={}).slack.workspace_rate == 0.5


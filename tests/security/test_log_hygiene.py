"""Log hygiene: with canary credentials configured, no canary appears in any log record (every logger at
DEBUG, slack_sdk's, slack_bolt's and discord.py's included), in any error message, or in any reply, across
runs of the Slack and Discord adapters against the fakes (forged requests, failed sends and a failing
handler included) and the configuration and CLI paths (`rekan check-config`, `rekan db current`)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import traceback
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cli import main
from bot.clock import ManualClock
from bot.config import ConfigError, load_settings
from bot.core.actions import Action
from storage.session import Database
from tests.adapters.discord.conftest import start_rekan as start_discord
from tests.adapters.slack.conftest import TEAM, USERS
from tests.adapters.slack.conftest import start_rekan as start_slack
from tests.fakes.discord import GUILD_ID, USER_ID, FakeDiscord, guild, interaction_command, message_create
from tests.fakes.discord import server_error as discord_5xx
from tests.fakes.slack import (
    FakeSlack,
    event_callback,
    message_im_event,
    server_error,
    signed_headers,
    slack_error,
    slash_command_body,
)

DB_PASSWORD = "CANARYdbPassw0rd7"
CANARIES = {
    "SLACK_BOT_TOKEN": "xoxb-9999-8888-CANARYslackBot5",
    "SLACK_SIGNING_SECRET": "CANARYsigningSecret0123456789ab",
    "SLACK_CLIENT_SECRET": "CANARYclientSecret42",
    "SLACK_APP_TOKEN": "xapp-1-A0REKAN-1-CANARYappToken9",
    "DISCORD_BOT_TOKEN": "MTE4MDAwMDAwMDAwMDAwMDAwMQ.CANARY.discordBotToken3",
    "REKAN_DATABASE_URL": f"postgresql+asyncpg://rekan:{DB_PASSWORD}@db.invalid:5432/rekan",
}
SECRETS = [v for k, v in CANARIES.items() if k != "REKAN_DATABASE_URL"] + [DB_PASSWORD]
INSTALLED_TOKEN = "xoxb-7777-6666-CANARYinstalledBot"
"""The bot token Slack hands over at an OAuth install (oauth.v2.access): a secret as much as the others."""
LOUD = ("", "slack_sdk", "slack_bolt", "discord", "aiohttp", "asyncio", "rekan", "adapters", "bot",
        "apscheduler", "alembic", "urllib3", "websockets")
QUIET = ("sqlalchemy", "aiosqlite")
"""SQL statements and driver chatter: kept at WARNING so the run stays quick (a connection error is still
an ERROR and still captured); they never see the settings, only the URL the test's own engine uses."""


def found_in(texts: Sequence[str], secrets: Sequence[str] = SECRETS) -> list[str]:
    """Each canary that appears in any of the texts, with the start of the text it appears in."""
    return [f"{secret!r} in {text[:200]!r}" for text in texts for secret in secrets if secret in text]


class Recorder(logging.Handler):
    """Every record, formatted with its arguments, traceback and stack, as a log file would keep it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + " " + repr(record.args) + " " + repr(record.__dict__))


@pytest.fixture
def logs() -> Iterator[Recorder]:
    recorder = Recorder()
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in LOUD + QUIET}
    root.addHandler(recorder)
    for name in LOUD:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield recorder
    finally:
        root.removeHandler(recorder)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def db(lite_db: Database) -> Database:
    return lite_db


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any `/rekan …` raises, with the settings' repr in its message: the router logs the traceback."""
    from bot.core.events import CommandInvoked
    from bot.core.middleware import Request
    from bot.core.router import Router

    settings = load_settings(None, env=CANARIES)
    original = Router._dispatch

    async def dispatch(self: Router, req: Request) -> Sequence[Action]:
        event = req.ctx.event
        if isinstance(event, CommandInvoked) and event.name == "rekan":
            raise RuntimeError(f"handler failed with {settings!r} and {settings.slack!r}")
        return await original(self, req)

    monkeypatch.setattr(Router, "_dispatch", dispatch)


# --- Slack ---------------------------------------------------------------------------------------


@pytest.fixture
async def slack(db: Database, clock: ManualClock, failing: None) -> AsyncIterator[tuple[FakeSlack, Any]]:
    async with FakeSlack(team_id=TEAM) as fake:
        fake.users.update(USERS)
        env = {k: v for k, v in CANARIES.items() if k in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
                                                         "REKAN_DATABASE_URL")}
        rekan, adapter = await start_slack(db, fake, clock, **env)
        try:
            yield fake, adapter
        finally:
            await adapter.stop()
            await rekan.stop()


async def test_a_slack_run_logs_and_says_no_secret(logs: Recorder, slack: tuple[FakeSlack, Any]) -> None:
    fake, adapter = slack
    url = f"http://127.0.0.1:{adapter.port}/slack/events"
    secret = CANARIES["SLACK_SIGNING_SECRET"]
    answers: list[str] = []

    async def post(http: aiohttp.ClientSession, body: str, headers: dict[str, str]) -> None:
        async with http.post(url, data=body.encode(), headers=headers) as response:
            answers.append(f"{response.status} {await response.text()} {dict(response.headers)}")

    def command(text: str, name: str, command: str = "/tz") -> str:
        return slash_command_body(command=command, text=text, user_id="U0AYU", team_id=TEAM, channel_id="C0GENERAL",
                                  response_url=fake.response_url(name))

    async with aiohttp.ClientSession() as http:
        await post(http, command("set Asia/Jakarta", "ok"), signed_headers(command("set x", "x"), secret))  # tampered
        body = command("set Asia/Jakarta", "signed")
        await post(http, body, signed_headers(body, secret))
        await post(http, body, signed_headers(body, "wrong-secret"))
        await post(http, body, signed_headers(body, secret, timestamp=int(time.time()) - 600))
        await post(http, body, {"Content-Type": "application/x-www-form-urlencoded"})
        failing_body = command("help", "failing", command="/rekan")
        await post(http, failing_body, signed_headers(failing_body, secret))
        fake.fail_next("chat.postMessage", slack_error("invalid_auth"))
        fake.fail_next("users.info", server_error(500))
        event = event_callback(message_im_event(user="U0PRIYA", text="hi"), team_id=TEAM, event_id="Ev0LOG",
                               event_time=int(time.time()))
        payload = json.dumps(event)
        await post(http, payload, {**signed_headers(payload, secret), "Content-Type": "application/json"})
        await post(http, "{not json", {**signed_headers("{not json", secret), "Content-Type": "application/json"})
        await fake.wait_for_response(count=2)
        await fake.wait_for("chat.postMessage")
        await asyncio.sleep(0.3)  # the refused send is logged after Slack's answer
    replies = [json.dumps(body) for _, body in fake.responses]
    assert any("error" in r for r in replies)  # the failing handler was reached and answered
    for expected in ("failed: error id", "Invalid request signature", "was not delivered", "users.info"):
        assert any(expected in line for line in logs.lines), expected
    assert len(logs.lines) > 20  # slack_sdk and slack_bolt did talk, at DEBUG
    assert found_in(logs.lines + answers + replies) == []


async def test_an_oauth_install_logs_no_token(logs: Recorder, db: Database, clock: ManualClock) -> None:
    """slack_sdk logs whole API responses at DEBUG; oauth.v2.access's holds the new workspace's bot token."""
    from tests.adapters.slack.test_oauth import install

    async with FakeSlack(team_id=TEAM) as fake:
        fake.users.update(USERS)
        fake.oauth_response["access_token"] = INSTALLED_TOKEN
        rekan, adapter = await start_slack(db, fake, clock, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222",
                                           SLACK_CLIENT_SECRET=CANARIES["SLACK_CLIENT_SECRET"],
                                           SLACK_SIGNING_SECRET=CANARIES["SLACK_SIGNING_SECRET"])
        try:
            async with aiohttp.ClientSession() as http:
                await install(http, f"http://127.0.0.1:{adapter.port}")
        finally:
            await adapter.stop()
            await rekan.stop()
    assert found_in(logs.lines, [CANARIES["SLACK_CLIENT_SECRET"], CANARIES["SLACK_SIGNING_SECRET"]]) == []


async def test_an_oauth_install_at_debug_does_not_log_the_installed_token(logs: Recorder, db: Database,
                                                                          clock: ManualClock) -> None:
    """slack_sdk at DEBUG logs oauth.v2.access's answer, the new bot token in it: every record is
    redacted when it is made (bot.logs), whatever handler or level a process sets."""
    from tests.adapters.slack.test_oauth import install

    async with FakeSlack(team_id=TEAM) as fake:
        fake.oauth_response["access_token"] = INSTALLED_TOKEN
        rekan, adapter = await start_slack(db, fake, clock, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222",
                                           SLACK_CLIENT_SECRET=CANARIES["SLACK_CLIENT_SECRET"])
        try:
            async with aiohttp.ClientSession() as http:
                await install(http, f"http://127.0.0.1:{adapter.port}")
        finally:
            await adapter.stop()
            await rekan.stop()
    assert found_in(logs.lines, [INSTALLED_TOKEN]) == []


# --- Discord -------------------------------------------------------------------------------------


async def test_a_discord_run_logs_and_says_no_secret(logs: Recorder, db: Database, clock: ManualClock,
                                                     failing: None) -> None:
    async with FakeDiscord(guilds=[guild()]) as fake:
        env = {k: CANARIES[k] for k in ("DISCORD_BOT_TOKEN", "REKAN_DATABASE_URL")}
        run = await start_discord(db, fake, clock, **env)
        try:
            await fake.dispatch("INTERACTION_CREATE", interaction_command("tz", "set", {"zone": "Asia/Jakarta"},
                                                                          guild_id=GUILD_ID))
            await fake.wait_for("POST", r"/webhooks/\d+/.+")
            await fake.dispatch("INTERACTION_CREATE", interaction_command("rekan", "help", guild_id=GUILD_ID))
            await fake.wait_for("POST", r"/webhooks/\d+/.+", count=2)
            fake.fail_next("POST", r"/channels/\d+/messages", discord_5xx(500), discord_5xx(500), discord_5xx(500),
                           discord_5xx(500), discord_5xx(500), discord_5xx(500))
            await fake.dispatch("MESSAGE_CREATE", message_create("hello?", author_id=USER_ID))
            await fake.wait_for("POST", r"/channels/\d+/messages", count=2)
            replies = [str(c.json) for c in fake.calls_to("POST", r".*")]
        finally:
            await run.adapter.stop()
            await run.rekan.stop()
    assert any("error" in r for r in replies)  # the failing handler was reached and answered
    assert any("failed: error id" in line for line in logs.lines)
    assert len(logs.lines) > 20
    assert found_in(logs.lines + replies) == []


# --- configuration and the command line ------------------------------------------------------------


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str],
         env: dict[str, str]) -> list[str]:
    """Run `rekan <argv>` with only `env` set; its output, its error (with traceback) and its exit code."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "DISCORD_", "REKAN_")):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    outcome: list[str] = []
    try:
        outcome.append(f"exit {main(argv)}")
    except BaseException as exc:  # a crash must not leak either: its message and traceback are checked
        outcome.append("".join(traceback.format_exception(exc)))
    captured = capsys.readouterr()
    return [*outcome, captured.out, captured.err]


CONFIGS: list[tuple[str, dict[str, str]]] = [
    ("all set", dict(CANARIES)),
    ("socket mode", {**CANARIES, "SLACK_SIGNING_SECRET": ""}),
    ("bad slack token", {**CANARIES, "SLACK_BOT_TOKEN": "CANARYnotAnXoxbToken"}),
    ("bad app token", {**CANARIES, "SLACK_APP_TOKEN": "xoxb-CANARYswapped"}),
    ("bad url scheme", {"REKAN_DATABASE_URL": f"mysql://rekan:{DB_PASSWORD}@db.invalid/rekan"}),
    ("bad sqlite url", {"REKAN_DATABASE_URL": f"sqlite+aiosqlite://rekan:{DB_PASSWORD}@relative.db"}),
    ("bad port", {**CANARIES, "REKAN_HTTP_PORT": "not-a-port"}),
    ("oauth half set", {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": CANARIES["SLACK_CLIENT_SECRET"],
                        "REKAN_DATABASE_URL": CANARIES["REKAN_DATABASE_URL"]}),
]


@pytest.mark.parametrize(("label", "env"), CONFIGS, ids=[label for label, _ in CONFIGS])
def test_check_config_shows_no_secret(logs: Recorder, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str], label: str, env: dict[str, str]) -> None:
    said = _cli(monkeypatch, capsys, ["check-config"], env)
    assert said[0].startswith("exit"), said
    assert found_in(said + logs.lines) == []


def test_a_config_file_with_wrong_values_shows_no_secret(logs: Recorder, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "rekan.toml"
    for table in (f'[slack]\nbot_token = "{CANARIES["SLACK_BOT_TOKEN"]}"\nsigning_secret = 42\n',
                  f'[slack]\nbot_token = ["{CANARIES["SLACK_BOT_TOKEN"]}"]\n',
                  f'[discord]\nbot_token = "{CANARIES["DISCORD_BOT_TOKEN"]}"\nshard_count = "x"\n',
                  f'[rekan]\ndatabase_url = "{CANARIES["REKAN_DATABASE_URL"]}"\nlog_level = "LOUD"\n',
                  f'[rekan]\ndatabase_url = "{CANARIES["REKAN_DATABASE_URL"]}"\nnot_a_key = 1\n',
                  f'[slack]\nbot_token = "{CANARIES["SLACK_BOT_TOKEN"]}\n'):  # not TOML: the parser's message
        path.write_text(table)
        said = _cli(monkeypatch, capsys, ["--config", str(path), "check-config"], {})
        assert found_in(said + logs.lines) == [], table


def test_db_current_against_an_unreachable_server_shows_no_password(
        logs: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The connection fails (nothing listens on port 1): the error and its traceback name no password."""
    url = f"postgresql+asyncpg://rekan:{DB_PASSWORD}@127.0.0.1:1/rekan"
    said = _cli(monkeypatch, capsys, ["db", "current"], {"REKAN_DATABASE_URL": url})
    assert "exit 0" not in said[0]
    assert found_in(said + logs.lines) == []


def test_settings_and_secrets_never_show_themselves() -> None:
    settings = load_settings(None, env=CANARIES)
    shown = [repr(settings), str(settings), *(repr(getattr(settings, f)) for f in ("rekan", "slack", "discord")),
             f"{settings}", repr(settings.slack.bot_token), str(settings.slack.bot_token)]
    assert found_in(shown) == []
    with pytest.raises(ConfigError) as refused:
        load_settings(None, env={**CANARIES, "SLACK_BOT_TOKEN": "CANARYnotAnXoxbToken"})
    assert found_in([str(refused.value), repr(refused.value)], [*SECRETS, "CANARYnotAnXoxbToken"]) == []


LEAKY_URLS = [
    ("an @ in the user name (Azure's user@server)",
     f"postgresql+asyncpg://rekan@server:{DB_PASSWORD}@db.invalid:5432/rekan"),
    ("the password as a query parameter", f"postgresql+asyncpg://rekan@db.invalid/rekan?password={DB_PASSWORD}"),
]


@pytest.mark.parametrize(("label", "url"), LEAKY_URLS, ids=["at-in-user", "query-password"])
def test_check_config_hides_a_password_written_any_way_the_driver_reads(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], label: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    assert DB_PASSWORD in (parsed.password or "") + str(parsed.query.get("password", ""))  # the driver reads it
    said = _cli(monkeypatch, capsys, ["check-config"], {"REKAN_DATABASE_URL": url})
    assert found_in(said) == []


def test_rekan_at_debug_keeps_slack_sdk_at_info_so_api_responses_are_not_logged() -> None:
    """`rekan run` with log_level DEBUG: slack_sdk and slack_bolt stay at INFO (their DEBUG logs whole responses)."""
    from bot.cli import _configure_logging
    from bot.config import load_settings

    saved = {name: logging.getLogger(name).level for name in ("slack_sdk", "slack_bolt")}
    try:
        _configure_logging(load_settings(env={"REKAN_LOG_LEVEL": "DEBUG"}))
        assert all(logging.getLogger(name).level == logging.INFO for name in saved)
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)

"""Logs an operator can ship: secrets never in any record, an event id on every record, JSON lines."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import MASK, JsonFormatter, TextFormatter, event_scope, install_redaction, redact

CONFIGURED = "CANARYconfiguredSecret99"


class Lines(logging.Handler):
    """A handler that is not ours: what any library's or test's handler would see."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in self.records)


@pytest.fixture
def lines() -> Iterator[Lines]:
    install_redaction([CONFIGURED])
    handler = Lines()
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)


def test_a_configured_secret_is_masked_for_every_handler_whatever_the_logging_style(lines: Lines) -> None:
    log = logging.getLogger("test.logs")
    log.debug(f"response body: {{'ok': true, 'access_token': '{CONFIGURED}'}}")
    log.info("calling with %s", CONFIGURED)
    assert CONFIGURED not in lines.text()
    assert all(r.args is None for r in lines.records)
    assert MASK in lines.records[1].getMessage()


@pytest.mark.parametrize("leak", [
    "xoxb-1234-5678-abcdefGHIJ",                                  # a Slack bot token never configured
    "xoxp-1111-2222-3333-abcdef",
    "xapp-1-A0REKAN-1-abcdef123",
    "MTE4MDAwMDAwMDAwMDAwMDAwMQ.GhIjKl.abcdefghijklmnopqrstuvwxyz0", # a Discord bot token
])
def test_credentials_shaped_like_platform_tokens_are_masked_even_unconfigured(lines: Lines, leak: str) -> None:
    logging.getLogger("test.logs").debug("installed: %s", leak)
    assert leak not in lines.text()


@pytest.mark.parametrize(("text", "kept"), [
    ("headers={'Authorization': 'Bearer abcdef123456'}", "Authorization"),
    ("GET /x client_secret=abc12345&code=1", "client_secret="),
    ("db postgresql+asyncpg://rekan:s3cretPass@db:5432/rekan", "postgresql+asyncpg://rekan:"),
])
def test_authorization_headers_key_values_and_url_passwords_are_masked(text: str, kept: str) -> None:
    out = redact(text)
    assert MASK in out and kept in out
    assert not any(s in out for s in ("abcdef123456", "abc12345", "s3cretPass"))


def test_ordinary_messages_are_left_as_they_are(lines: Lines) -> None:
    logging.getLogger("test.logs").info("planner source %s enqueued %d deliveries", "deadlines", 5)
    assert lines.records[0].getMessage() == "planner source deadlines enqueued 5 deliveries"


async def test_every_record_in_an_event_carries_its_id_across_tasks(lines: Lines) -> None:
    log = logging.getLogger("test.logs")

    async def storage_step() -> None:
        log.info("stored")

    with event_scope("slack:Ev123"):
        log.info("handled")
        await asyncio.create_task(storage_step())
    log.info("outside")
    assert [getattr(r, "event_id", None) for r in lines.records] == ["slack:Ev123", "slack:Ev123", None]


def test_json_lines_hold_time_level_logger_message_event_and_a_redacted_traceback(lines: Lines) -> None:
    log = logging.getLogger("test.logs")
    with event_scope("discord:42"):
        try:
            raise RuntimeError(f"token {CONFIGURED} refused")
        except RuntimeError:
            log.exception("send failed")
    entry = json.loads(JsonFormatter().format(lines.records[0]))
    assert {k: entry[k] for k in ("level", "logger", "message", "event_id")} == {
        "level": "ERROR", "logger": "test.logs", "message": "send failed", "event_id": "discord:42"}
    assert entry["time"].endswith("+00:00")
    assert "RuntimeError" in entry["error"] and CONFIGURED not in entry["error"]
    text = TextFormatter().format(lines.records[0])
    assert "[discord:42]" in text and CONFIGURED not in text


def test_the_settings_name_every_credential_for_redaction() -> None:
    from bot.config import load_settings, secrets_of

    settings = load_settings(None, env={
        "SLACK_BOT_TOKEN": "xoxb-1-2-abcdef", "SLACK_SIGNING_SECRET": "signing-secret-1",
        "DISCORD_BOT_TOKEN": "discord-token-1", "REKAN_DATABASE_URL": "postgresql+asyncpg://rekan:p%40ss99@db/x"})
    assert set(secrets_of(settings)) >= {"xoxb-1-2-abcdef", "signing-secret-1", "discord-token-1", "p@ss99",
                                         "p%40ss99"}


def test_rekan_with_log_format_json_writes_one_redacted_json_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import _configure_logging
    from bot.config import load_settings

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        _configure_logging(load_settings(None, env={"SLACK_BOT_TOKEN": "xoxb-9-9-jsoncanary",
                                                    "SLACK_SIGNING_SECRET": "json-signing-secret"}), "json")
        with event_scope("slack:Ev9"):
            logging.getLogger("rekan.test").warning("token %s refused", "xoxb-9-9-jsoncanary")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    [line] = [x for x in capsys.readouterr().err.splitlines() if "rekan.test" in x]
    entry = json.loads(line)
    assert (entry["level"], entry["event_id"], entry["message"]) == ("WARNING", "slack:Ev9", f"token {MASK} refused")


async def test_an_events_log_names_the_deliveries_it_enqueued_and_each_send_logs_its_own(
        db: object, lines: Lines, caplog: pytest.LogCaptureFixture) -> None:
    from datetime import UTC, datetime

    from bot.scheduling.outbox import enqueue
    from storage.session import Database
    from tests.bot.scheduling.helpers import planned, seed_workspace

    assert isinstance(db, Database)
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    ws = await seed_workspace(db, now)
    caplog.set_level(logging.INFO, logger="bot.scheduling.outbox")
    with event_scope("slack:EvDeadline"):
        async with db.session() as s:
            await enqueue(s, [planned(ws, "a", now), planned(ws, "b", now)], now=now)
    [record] = [r for r in caplog.records if r.name == "bot.scheduling.outbox"]
    assert getattr(record, "event_id", None) == "slack:EvDeadline"
    assert record.getMessage().startswith("enqueued 2 deliveries: delivery:")

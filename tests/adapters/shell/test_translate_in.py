"""A typed line becomes an event (or a shell-only instruction), with mentions made neutral."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.shell.adapter import parse_duration
from adapters.shell.translate_in import ShellInstruction, normalise_mentions, translate_line
from bot.core.events import CommandInvoked, MessageReceived
from bot.core.identity import ConversationKind

NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def line(text: str) -> object:
    return translate_line(text, workspace_id="local", speaker="me", now=NOW)


def test_a_slash_line_is_a_command_with_its_text() -> None:
    event = line("/tz set Asia/Jakarta")
    assert isinstance(event, CommandInvoked)
    assert (event.name, event.subcommand, event.text) == ("tz", None, "set Asia/Jakarta")
    assert event.actor.user_id == "me" and event.conversation.kind is ConversationKind.DM
    assert event.at == NOW


def test_any_other_line_is_a_direct_message() -> None:
    event = line("done with the report")
    assert isinstance(event, MessageReceived) and event.text == "done with the report"


def test_each_line_gets_its_own_event_id() -> None:
    first, second = line("/tz"), line("/tz")
    assert isinstance(first, CommandInvoked) and isinstance(second, CommandInvoked)
    assert first.event_id != second.event_id


def test_blank_lines_are_ignored() -> None:
    assert line("   ") is None


def test_shell_only_instructions() -> None:
    assert line("/as liam") == ShellInstruction(name="as", argument="liam")
    assert line("/clock advance 2h") == ShellInstruction(name="clock", argument="advance 2h")
    assert line("/exit") == ShellInstruction(name="quit", argument="")


def test_help_is_rekan_help() -> None:
    event = line("/help tz")
    assert isinstance(event, CommandInvoked) and (event.name, event.text) == ("rekan", "help tz")


def test_at_names_become_neutral_mentions_but_emails_do_not() -> None:
    assert normalise_mentions("/tz @liam and @emma.") == "/tz <@liam> and <@emma>."
    assert normalise_mentions("mail ayu@example.org") == "mail ayu@example.org"


def test_demo_clock_durations() -> None:
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("soon") is None
    assert parse_duration("2h later") is None
    assert parse_duration("") is None

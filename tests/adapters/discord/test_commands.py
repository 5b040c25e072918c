"""Slash command payloads from the declared specs, and the invite URL with exactly the permissions Rekan needs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from adapters.discord import commands
from adapters.discord.commands import (
    PERMISSION_REASONS,
    PERMISSIONS,
    REQUESTED,
    command_payloads,
    invite_url,
)
from bot.app import build_registry
from bot.core.actions import Action
from bot.core.commands import Args, CommandRegistry, CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.core.context import Context

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")  # Rekan's names are ASCII; Discord allows any lowercase letter
APP = "123456789012345678"
GUILD = "223456789012345678"


async def noop(ctx: Context, args: Args) -> Sequence[Action]:
    return []


def registry_of(*subs: SubcommandSpec, name: str = "demo") -> CommandRegistry:
    registry = CommandRegistry()
    registry.add(CommandSpec(name=name, help_key="commands.tz", subcommands=subs))
    return registry


def sub(*options: OptionSpec, name: str = "run") -> SubcommandSpec:
    return SubcommandSpec(name=name, help_key="commands.tz_show", example="/demo run", handler=noop, options=options)


def walk(entries: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for entry in entries:
        yield entry
        yield from walk(entry.get("options", []))


# --- the real command tree ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def payloads() -> list[dict[str, Any]]:
    return command_payloads(build_registry())


def test_every_declared_command_and_subcommand_is_in_the_tree(payloads: list[dict[str, Any]]) -> None:
    declared = {(c.name, s.name) for c in build_registry().all() for s in c.subcommands}
    sent = {(c["name"], s["name"]) for c in payloads for s in c["options"]}
    assert sent == declared
    assert all(c["type"] == 1 and all(s["type"] == 1 for s in c["options"]) for c in payloads)
    json.dumps(payloads)  # plain JSON, as PUT /applications/{id}/commands takes it


def test_every_name_and_description_is_one_discord_accepts(payloads: list[dict[str, Any]]) -> None:
    for entry in walk(payloads):
        assert NAME.match(entry["name"]), entry["name"]
        assert 1 <= len(entry["description"]) <= 100
        assert "\n" not in entry["description"]


def test_every_description_has_its_indonesian_localization(payloads: list[dict[str, Any]]) -> None:
    for entry in walk(payloads):
        assert set(entry["description_localizations"]) == {"id"}
        assert 1 <= len(entry["description_localizations"]["id"]) <= 100
    top = {c["name"]: c for c in payloads}
    assert top["tz"]["description_localizations"]["id"].startswith("Zona waktu")


def test_required_options_come_first_at_every_level(payloads: list[dict[str, Any]]) -> None:
    for entry in walk(payloads):
        flags = [o.get("required", False) for o in entry.get("options", []) if o["type"] != 1]
        assert flags == sorted(flags, reverse=True), entry["name"]


def test_the_zone_option_is_autocompleted_and_required(payloads: list[dict[str, Any]]) -> None:
    tz = next(c for c in payloads if c["name"] == "tz")
    set_ = next(s for s in tz["options"] if s["name"] == "set")
    assert set_["options"] == [{
        "type": 3, "name": "zone", "description": "A city, country, IANA zone or offset",
        "description_localizations": {"id": "Kota, negara, zona IANA, atau selisih waktu"},
        "required": True, "autocomplete": True,
    }]


def test_a_member_option_is_a_discord_user(payloads: list[dict[str, Any]]) -> None:
    tz = next(c for c in payloads if c["name"] == "tz")
    show = next(s for s in tz["options"] if s["name"] == "show")
    assert [(o["name"], o["type"], o["required"]) for o in show["options"]] == [("member", 6, False)]


def test_commands_work_in_servers_and_the_bots_dm_only(payloads: list[dict[str, Any]]) -> None:
    for command in payloads:
        assert command["contexts"] == [0, 1]
        assert command["integration_types"] == [0]
        assert "dm_permission" not in command  # deprecated; `contexts` says it


def test_the_tree_stays_within_discords_size_limits(payloads: list[dict[str, Any]]) -> None:
    for command in payloads:
        assert len(command["options"]) <= 25
        assert all(len(s["options"]) <= 25 for s in command["options"])
        assert commands._text_size(command) <= 4_000


# --- what the payloads are built from -----------------------------------------------------------


@pytest.mark.parametrize(("option_type", "discord_type"), [
    (OptionType.TEXT, 3), (OptionType.INTEGER, 4), (OptionType.BOOLEAN, 5),
    (OptionType.MEMBER, 6), (OptionType.CHANNEL, 7),
])
def test_option_types_map_to_discords(option_type: OptionType, discord_type: int) -> None:
    [payload] = command_payloads(registry_of(sub(OptionSpec(name="x", type=option_type, help_key="commands.opt_zone"))))
    assert payload["options"][0]["options"][0]["type"] == discord_type


def test_declared_order_is_kept_except_that_required_options_move_first() -> None:
    options = (OptionSpec(name="a", help_key="commands.opt_zone"),
               OptionSpec(name="b", help_key="commands.opt_zone", required=True),
               OptionSpec(name="c", help_key="commands.opt_zone"),
               OptionSpec(name="d", help_key="commands.opt_zone", required=True))
    [payload] = command_payloads(registry_of(sub(*options)))
    assert [o["name"] for o in payload["options"][0]["options"]] == ["b", "d", "a", "c"]


def test_names_are_lowercased() -> None:
    [payload] = command_payloads(registry_of(sub(OptionSpec(name="Zone", help_key="commands.opt_zone"), name="Run"),
                                             name="Demo"))
    assert (payload["name"], payload["options"][0]["name"], payload["options"][0]["options"][0]["name"]) == (
        "demo", "run", "zone")


@pytest.mark.parametrize("bad", ["two words", "", "x" * 33, "tz!", "a/b"])
def test_a_name_discord_refuses_is_refused_here_naming_it(bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        command_payloads(registry_of(sub(OptionSpec(name=bad, help_key="commands.opt_zone"))))


def test_letters_of_any_script_are_valid_names() -> None:
    assert commands.command_name("zona_waktu-2") == "zona_waktu-2"
    assert commands.command_name("時間") == "時間"


def test_two_options_with_one_name_are_refused() -> None:
    options = (OptionSpec(name="x", help_key="commands.opt_zone"), OptionSpec(name="X", help_key="commands.opt_zone"))
    with pytest.raises(ValueError, match="twice"):
        command_payloads(registry_of(sub(*options)))


def test_autocomplete_on_an_option_discord_cannot_autocomplete_is_refused() -> None:
    option = OptionSpec(name="x", type=OptionType.MEMBER, help_key="commands.opt_member", autocomplete="zone")
    with pytest.raises(ValueError, match="autocomplete"):
        command_payloads(registry_of(sub(option)))


def test_a_long_description_is_cut_to_100_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "translate", lambda key, locale: f"{locale} " + "word " * 40)
    [payload] = command_payloads(registry_of(sub()))
    assert len(payload["description"]) == 100 and payload["description"].endswith("\u2026")
    assert payload["description_localizations"]["id"].startswith("id word")


# --- the invite URL -----------------------------------------------------------------------------

NAMED_BITS = {
    "View Channels": 1 << 10,
    "Send Messages": 1 << 11,
    "Send Messages in Threads": 1 << 38,
    "Embed Links": 1 << 14,
    "Attach Files": 1 << 15,
    "Read Message History": 1 << 16,
    "Add Reactions": 1 << 6,
    "Use Application Commands": 1 << 31,
}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_invite_url_asks_for_the_bot_and_its_commands_with_exactly_the_named_permissions() -> None:
    url = invite_url(APP)
    assert url.startswith("https://discord.com/oauth2/authorize?")
    assert "scope=bot+applications.commands" in url
    assert query(url) == {"client_id": [APP], "scope": ["bot applications.commands"],
                          "permissions": [str(PERMISSIONS)]}
    assert sum(NAMED_BITS.values()) == PERMISSIONS


def test_the_permissions_are_discord_pys_flags_of_the_same_names() -> None:
    expected = discord.Permissions(view_channel=True, send_messages=True, send_messages_in_threads=True,
                                   embed_links=True, attach_files=True, read_message_history=True,
                                   add_reactions=True, use_application_commands=True)
    assert expected.value == PERMISSIONS


@pytest.mark.parametrize("bit", [1 << 3, 1 << 17])  # ADMINISTRATOR, MENTION_EVERYONE
def test_the_invite_never_asks_for_administrator_or_mention_everyone(bit: int) -> None:
    assert PERMISSIONS & bit == 0


def test_every_requested_permission_says_why() -> None:
    assert {p.name: p.bit for p in REQUESTED} == NAMED_BITS
    assert set(PERMISSION_REASONS) == set(NAMED_BITS)
    assert all(len(reason) > 10 for reason in PERMISSION_REASONS.values())


def test_a_guild_id_preselects_that_server() -> None:
    assert query(invite_url(APP, guild_id=GUILD)) == {
        "client_id": [APP], "scope": ["bot applications.commands"], "permissions": [str(PERMISSIONS)],
        "guild_id": [GUILD], "disable_guild_select": ["true"]}


@pytest.mark.parametrize(("app", "guild"), [("abc", None), ("12", None), (APP, "x&admin=1"), (APP + "&x", None)])
def test_an_id_that_is_not_a_snowflake_is_refused(app: str, guild: str | None) -> None:
    with pytest.raises(ValueError, match="not a Discord id"):
        invite_url(app, guild_id=guild)

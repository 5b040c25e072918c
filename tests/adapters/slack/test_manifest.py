"""The Slack app manifest: request URLs or Socket Mode, every command, Slack's limits, and valid YAML."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from adapters.slack.manifest import (
    APP_DESCRIPTION_MAX,
    BOT_EVENTS,
    BOT_SCOPES,
    COMMAND_DESCRIPTION_MAX,
    COMMAND_NAME_MAX,
    USAGE_HINT_MAX,
    build_manifest,
    manifest_yaml,
    slack_manifest,
    usage_hint,
)
from bot.app import build_registry
from bot.core.commands import CommandRegistry, CommandSpec, SubcommandSpec
from bot.i18n import translate

URL = "https://rekan.example.com"
URL_FIELDS = {"url", "request_url", "redirect_urls", "message_menu_options_url"}


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) pair of a nested manifest."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield f"{path}[{i}]", item
            yield from walk(item, f"{path}[{i}]")


def keys_of(manifest: dict[str, Any]) -> set[str]:
    return {path.rsplit(".", 1)[-1] for path, _ in walk(manifest) if not path.endswith("]")}


# --- HTTP mode -------------------------------------------------------------------------------------


def test_url_mode_points_everything_at_slack_events() -> None:
    registry = build_registry()
    manifest = build_manifest(registry, url=URL)

    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [f"/{spec.name}" for spec in registry.all()]
    assert {"/tz", "/rekan"} <= {c["command"] for c in commands}
    assert all(c["url"] == f"{URL}/slack/events" for c in commands)
    settings = manifest["settings"]
    assert settings["interactivity"] == {"is_enabled": True, "request_url": f"{URL}/slack/events"}
    assert settings["event_subscriptions"]["request_url"] == f"{URL}/slack/events"
    assert manifest["oauth_config"]["redirect_urls"] == [f"{URL}/slack/oauth_redirect"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


@pytest.mark.parametrize("url", [f"{URL}/", f"{URL}//", f"  {URL}/ "])
def test_trailing_slash_and_spaces_are_stripped(url: str) -> None:
    manifest = build_manifest(build_registry(), url=url)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == f"{URL}/slack/events"


def test_a_path_prefix_is_kept() -> None:
    manifest = build_manifest(build_registry(), url="https://example.com/rekan/")
    assert manifest["settings"]["interactivity"]["request_url"] == "https://example.com/rekan/slack/events"


@pytest.mark.parametrize("url", ["http://localhost:3000", "http://127.0.0.1:3000", "https://localhost"])
def test_plain_http_is_allowed_on_this_machine(url: str) -> None:
    manifest = build_manifest(build_registry(), url=url)
    assert manifest["oauth_config"]["redirect_urls"] == [f"{url}/slack/oauth_redirect"]


@pytest.mark.parametrize("url", [
    "ftp://x", "example.org", "http://example.org", "http://localhost.example.org", "https://",
    "https://host:notaport", "https://rekan.example.com/?x=1", "https://user:pw@rekan.example.com", "",
])
def test_an_unusable_url_is_refused_naming_it(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        build_manifest(build_registry(), url=url)
    message = str(caught.value)
    assert repr(url) in message
    assert "https://" in message  # says what is expected
    assert "\n" not in message


# --- Socket Mode -----------------------------------------------------------------------------------


def test_socket_mode_has_no_request_urls_anywhere() -> None:
    manifest = build_manifest(build_registry(), url=None)

    assert not URL_FIELDS & keys_of(manifest)
    assert not [path for path, value in walk(manifest) if isinstance(value, str) and "://" in value]
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"] == {"is_enabled": True}
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert len(manifest["features"]["slash_commands"]) == len(build_registry().all())


def test_socket_yaml_mentions_no_url() -> None:
    text = slack_manifest(build_registry(), url=None)
    assert "socket_mode_enabled: true" in text
    assert "request_url" not in text and "redirect_urls" not in text and "url:" not in text


# --- contents and Slack's limits ------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, None])
def test_commands_fit_slacks_limits_and_come_from_the_english_catalog(url: str | None) -> None:
    registry = build_registry()
    commands = build_manifest(registry, url=url)["features"]["slash_commands"]
    for spec, command in zip(registry.all(), commands, strict=True):
        assert re.fullmatch(r"/[a-z0-9_\-]+", command["command"])
        assert len(command["command"]) <= COMMAND_NAME_MAX
        assert command["description"] == translate(spec.help_key, "en")  # fits without clipping
        assert 1 <= len(command["description"]) <= COMMAND_DESCRIPTION_MAX
        assert 1 <= len(command["usage_hint"]) <= USAGE_HINT_MAX
        for sub in spec.subcommands:
            assert sub.name in command["usage_hint"]
        assert command["should_escape"] is True  # mentions arrive as <@U…|name>, which the adapter reads


def test_display_information_fits_the_schema() -> None:
    info = build_manifest(build_registry(), url=URL)["display_information"]
    assert info["name"] == "Rekan"
    assert 1 <= len(info["description"]) <= APP_DESCRIPTION_MAX
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_features_home_and_bot_user() -> None:
    features = build_manifest(build_registry(), url=URL)["features"]
    assert features["app_home"] == {"home_tab_enabled": True, "messages_tab_enabled": True,
                                     "messages_tab_read_only_enabled": False}
    assert features["bot_user"] == {"display_name": "rekan", "always_online": True}


def test_scopes_cover_what_the_adapter_calls_and_no_more() -> None:
    scopes = build_manifest(build_registry(), url=URL)["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"}
    assert {"commands", "chat:write", "im:history", "im:write", "users:read"} <= set(scopes["bot"])
    assert {"reactions:write", "files:write"} <= set(scopes["bot"])
    assert "users:read.email" not in scopes["bot"]
    assert "chat:write.public" not in scopes["bot"]
    assert len(set(BOT_SCOPES)) == len(BOT_SCOPES)


def test_bot_events() -> None:
    events = build_manifest(build_registry(), url=URL)["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == {"message.im", "app_home_opened", "app_uninstalled", "tokens_revoked", "user_change"}
    assert len(set(events)) == len(events)


def test_only_schema_keys_are_used() -> None:
    """Slack rejects unknown properties; these are the ones its v1 schema defines for what Rekan sets."""
    manifest = build_manifest(build_registry(), url=URL)
    assert list(manifest) == ["display_information", "features", "oauth_config", "settings"]
    assert set(manifest["features"]) == {"app_home", "bot_user", "slash_commands"}
    assert set(manifest["oauth_config"]) == {"redirect_urls", "scopes"}
    assert set(manifest["settings"]) == {"event_subscriptions", "interactivity", "org_deploy_enabled",
                                         "socket_mode_enabled", "token_rotation_enabled"}
    for command in manifest["features"]["slash_commands"]:
        assert set(command) <= {"command", "url", "description", "usage_hint", "should_escape"}


def test_the_manifest_is_plain_json_data() -> None:
    manifest = build_manifest(build_registry(), url=URL)
    assert json.loads(json.dumps(manifest)) == manifest


async def _noop(*_args: object) -> list[Any]:
    return []


def _spec(name: str, subs: Sequence[str]) -> CommandSpec:
    return CommandSpec(name=name, help_key="commands.rekan", subcommands=tuple(
        SubcommandSpec(name=s, help_key="commands.rekan_help", example=f"/{name} {s}", handler=_noop)
        for s in subs))


def test_a_long_usage_hint_falls_back_to_names_then_is_clipped() -> None:
    names = [f"subcommand{i}" for i in range(6)]
    assert usage_hint(_spec("x", names)) == " | ".join(names)
    many = [f"subcommand{i}" for i in range(20)]
    hint = usage_hint(_spec("x", many))
    assert len(hint) <= USAGE_HINT_MAX and hint.endswith("…")


def test_an_invalid_command_name_is_refused() -> None:
    registry = CommandRegistry()
    registry.add(_spec("Has Space", ["a"]))
    with pytest.raises(ValueError, match="Has Space"):
        build_manifest(registry, url=None)


def test_an_empty_registry_leaves_out_slash_commands() -> None:
    assert "slash_commands" not in build_manifest(CommandRegistry(), url=None)["features"]


# --- YAML ------------------------------------------------------------------------------------------


def test_yaml_shape_for_a_small_dict() -> None:
    data = {
        "name": "Rekan",
        "on": True,
        "count": 3,
        "quote": 'say "hi"\n\\ é',
        "list": ["a", {"k": "v", "n": False}, [1, 2]],
        "nested": {"deeper": {"x": "y"}},
        "empty_list": [],
        "empty_map": {},
    }
    assert manifest_yaml(data) == (
        'name: "Rekan"\n'
        '"on": true\n'
        "count: 3\n"
        'quote: "say \\"hi\\"\\n\\\\ é"\n'
        "list:\n"
        '  - "a"\n'
        '  - k: "v"\n'
        '    "n": false\n'  # YAML 1.1 reads a bare n as false: such keys are quoted
        "  - - 1\n"
        "    - 2\n"
        "nested:\n"
        "  deeper:\n"
        '    x: "y"\n'
        "empty_list: []\n"
        "empty_map: {}\n"
    )


def test_yaml_escapes_what_yaml_does_not_print() -> None:
    text = manifest_yaml({"s": "a\u2028b\x7fc\ufeff"})
    assert text == 's: "a\\u2028b\\u007fc\\ufeff"\n'


def test_yaml_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError):
        manifest_yaml({"x": 1.5})
    with pytest.raises(TypeError):
        manifest_yaml({"x": {1: "a"}})


def _parse_block_yaml(text: str) -> Any:
    """Reads back the subset manifest_yaml writes (block style, double-quoted JSON strings)."""
    lines = [(len(line) - len(line.lstrip(" ")), line.strip()) for line in text.splitlines() if line.strip()]

    def scalar(token: str) -> Any:
        specials: dict[str, Any] = {"true": True, "false": False, "null": None, "[]": [], "{}": {}}
        return specials[token] if token in specials else json.loads(token)

    def key_of(token: str) -> str:
        return str(json.loads(token)) if token.startswith('"') else token

    def block(i: int, indent: int) -> tuple[Any, int]:
        if lines[i][1].startswith("- "):
            items: list[Any] = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                rest = lines[i][1][2:]
                if rest.startswith("- ") or re.match(r'^("(?:[^"\\]|\\.)*"|[^":]+):( |$)', rest):
                    lines[i] = (indent + 2, rest)  # the item's first line, moved past its dash
                    value, i = block(i, indent + 2)
                    items.append(value)
                else:
                    items.append(scalar(rest))
                    i += 1
            return items, i
        mapping: dict[str, Any] = {}
        while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("- "):
            match = re.match(r'^("(?:[^"\\]|\\.)*"|[^":]+):(?: (.*))?$', lines[i][1])
            assert match, lines[i]
            key, rest = key_of(match.group(1)), match.group(2)
            if rest is None:
                mapping[key], i = block(i + 1, lines[i + 1][0])
            else:
                mapping[key] = scalar(rest)
                i += 1
        return mapping, i

    value, end = block(0, 0)
    assert end == len(lines)
    return value


@pytest.mark.parametrize("url", [URL, None])
def test_yaml_reads_back_as_the_manifest(url: str | None) -> None:
    manifest = build_manifest(build_registry(), url=url)
    text = manifest_yaml(manifest)
    assert text == slack_manifest(build_registry(), url=url)
    assert text.endswith("\n") and "\t" not in text
    assert _parse_block_yaml(text) == manifest


def test_yaml_key_lines_of_the_full_manifest() -> None:
    text = slack_manifest(build_registry(), url=URL)
    for line in (
        "display_information:",
        '  name: "Rekan"',
        "  slash_commands:",
        '    - command: "/tz"',
        '    - command: "/rekan"',
        f'      url: "{URL}/slack/events"',
        f'    - "{URL}/slack/oauth_redirect"',
        '      - "chat:write"',
        '      - "message.im"',
        f'    request_url: "{URL}/slack/events"',
        "  socket_mode_enabled: false",
        "  token_rotation_enabled: false",
    ):
        assert line in text.splitlines(), line

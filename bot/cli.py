"""The `rekan` command: run, shell, check-config, db."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot import dbcli
from bot.clock import ManualClock, SystemClock
from bot.config import ConfigError, Settings, load_settings, redact_url, secrets_of
from bot.features.meetings import cli as meetings_cli
from bot.logs import formatter, install_redaction

log = logging.getLogger("rekan.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rekan", description="Rekan: standups, deadlines and "
                                     "meetings for distributed teams.")
    parser.add_argument("--config", type=Path, help="settings file (default: $REKAN_CONFIG or ./rekan.toml)")
    parser.add_argument("--log-format", choices=["text", "json"], default=None,
                        help="log lines as text or one JSON object each (default: rekan.log_format)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve every platform with credentials; the shell when there are none")
    shell = sub.add_parser("shell", help="talk to Rekan in this terminal")
    shell.add_argument("--as", dest="speaker", metavar="NAME", help="speak as this member")
    shell.add_argument("--demo", action="store_true", help="a five-member team and a clock you can move")
    shell.add_argument("--json", action="store_true", help="print every action as one JSON line")
    sub.add_parser("check-config", help="validate the settings and exit")
    when = sub.add_parser("when", help="read a time phrase the way Rekan would")
    when.add_argument("text", help='e.g. "besok jam 9 pagi" or "every weekday at 9am"')
    when.add_argument("--tz", default="UTC", help="the speaker's IANA zone (default UTC)")
    when.add_argument("--now", help="the reference time, ISO-8601 with offset (default: now)")
    when.add_argument("--lang", default="en", choices=["en", "id"], help="the speaker's language")
    when.add_argument("--json", action="store_true", help="one JSON object; exit 2 when refused")
    manifest = sub.add_parser("manifest", help="print a platform app manifest")
    manifest.add_argument("platform", choices=["slack"])
    where = manifest.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="public https base URL of this Rekan (HTTP mode)")
    where.add_argument("--socket", action="store_true", help="Socket Mode: no public URL needed")
    discord_cmd = sub.add_parser("discord", help="Discord: sync the command tree, print the invite URL")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", required=True)
    sync = discord_sub.add_parser("sync", help="replace the application's slash commands with Rekan's")
    sync.add_argument("--guild", help="sync to one guild only (instant), by its id")
    discord_sub.add_parser("invite-url", help="print the URL that adds Rekan to a server")
    dbcli.add_parser(sub)
    meetings_cli.add_parser(sub)
    return parser


def _configure_logging(settings: Settings, log_format: str | None = None) -> None:
    """One stderr handler with Rekan's formatter; every record redacted when it is made (bot.logs)."""
    install_redaction(secrets_of(settings))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format or settings.rekan.log_format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.rekan.log_level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # At DEBUG slack_sdk logs whole API responses: redacted anyway, but noisy; never below INFO.
    for name in ("slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(settings.rekan.log_level)))
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "overlap":  # needs no settings, database or logging: a pure computation
        return meetings_cli.run(args)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    _configure_logging(settings, args.log_format)
    if args.command == "check-config":
        platforms = ", ".join(settings.platforms()) or "shell"
        print(f"configuration OK ({settings.source or 'defaults'}; database "
              f"{redact_url(settings.rekan.database_url)}; platforms: {platforms})")
        return 0
    if args.command == "db":
        return dbcli.run(args, settings.rekan.database_url)
    if args.command == "run":
        return _run(settings)
    if args.command == "when":
        return _when(args.text, args.tz, args.now, args.lang, args.json)
    if args.command == "discord":
        return _discord(settings, args.discord_command, getattr(args, "guild", None))
    if args.command == "manifest":
        return _manifest(settings, None if args.socket else args.url)
    return _shell(settings, speaker=args.speaker, demo=args.demo, json_mode=args.json)


def _run(settings: Settings) -> int:
    if not settings.platforms():
        return _shell(settings, speaker=None, demo=False, json_mode=False)
    from adapters.runner import serve  # the entry point composes adapters; the core never imports them

    return asyncio.run(serve(settings))


def _when(text: str, zone: str, now_text: str | None, lang: str, as_json: bool) -> int:
    from bot.i18n import translate
    from bot.time.when import REFUSED, when

    try:
        now = datetime.fromisoformat(now_text) if now_text else SystemClock().now()
    except ValueError:
        now = None
    if now is None or now.tzinfo is None:
        print(translate("when.bad_now", lang), file=sys.stderr)
        return REFUSED
    result = when(text, zone=zone, now=now, lang=lang, as_json=as_json)
    print(result.output)
    return result.exit_code


def _discord(settings: Settings, command: str, guild: str | None) -> int:
    from adapters.discord.tools import invite_url_text, sync_commands

    if not settings.discord.enabled:
        print("rekan discord: set DISCORD_BOT_TOKEN first", file=sys.stderr)
        return 2
    if command == "invite-url":
        print(asyncio.run(invite_url_text(settings)))
        return 0
    print(asyncio.run(sync_commands(settings, guild)))
    return 0


def _manifest(settings: Settings, url: str | None) -> int:
    from adapters.slack.manifest import slack_manifest
    from bot.app import build_registry

    try:
        print(slack_manifest(build_registry(), url=url), end="")
    except ValueError as exc:
        print(f"rekan manifest: {exc}", file=sys.stderr)
        return 2
    return 0


def _shell(settings: Settings, *, speaker: str | None, demo: bool, json_mode: bool) -> int:
    try:
        return asyncio.run(_shell_async(settings, speaker=speaker, demo=demo, json_mode=json_mode))
    except KeyboardInterrupt:
        return 130


async def _shell_async(settings: Settings, *, speaker: str | None, demo: bool, json_mode: bool) -> int:
    from adapters.shell.adapter import ShellAdapter, stdin_lines
    from bot.app import Rekan
    from bot.features.profile.demo import DEMO_TEAM, DEMO_WORKSPACE, seed_demo

    clock = ManualClock(SystemClock().now()) if demo else SystemClock()
    app = Rekan(settings, clock=clock)
    await app.start()
    ops = None
    if os.environ.get("REKAN_HTTP_PORT"):  # the probes in the shell too, when a port is asked for
        from bot.ops.http import OpsServer

        ops = OpsServer(app.probes(), settings.http.host, settings.http.port)
        await ops.start()
    try:
        if demo:
            await seed_demo(app.db, clock.now())
        workspace = DEMO_WORKSPACE.workspace_id if demo else "local"
        who = (speaker or (DEMO_TEAM[0].user_id if demo else settings.shell.member)).lstrip("@").lower()
        shell = ShellAdapter(app, workspace_id=workspace, speaker=who, json_mode=json_mode)
        interactive = sys.stdin.isatty() and not json_mode
        lines = stdin_lines(lambda: f"{shell.speaker}> ", interactive=interactive,
                            history=settings.shell.history_file if interactive else None)
        return await shell.run(lines, banner=interactive, demo=demo)
    finally:
        if ops is not None:
            await ops.stop()
        await app.stop()


if __name__ == "__main__":
    sys.exit(main())

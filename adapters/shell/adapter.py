"""`rekan shell`: the core in a terminal, for trying Rekan and for scripts (`--json`).

Interactive on a terminal (line editing and history through readline), line by line from standard
input otherwise. Each typed line is one event; each action the core returns is printed at once.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import re
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from adapters.shell.render import Viewer, destination, render_json, render_text
from adapters.shell.translate_in import PLATFORM, ShellInstruction, translate_line
from bot.app import Rekan
from bot.core.actions import Action, Send, SendResult
from bot.core.capabilities import SHELL
from bot.core.identity import AccountRef, ConversationRef, Member, WorkspaceRef
from bot.core.prompts import pending_question
from bot.features.profile import service as profile
from bot.i18n import normalize_locale, translate
from bot.time.format import format_instant
from bot.time.zones import get_zone
from storage.repositories import member_reads
from storage.repositories import members as members_repo

_DURATION = re.compile(r"(\d+)\s*(d|h|m|s)", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta | None:
    """`2h`, `30m`, `1d`, `1h30m`, `90s`: the whole text must be made of such parts."""
    compact = text.replace(" ", "").lower()
    parts = _DURATION.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        return None
    return timedelta(**{_UNITS[u]: sum(int(n) for n, uu in parts if uu == u) for _, u in parts})


class ShellAdapter:
    platform = PLATFORM
    capabilities = SHELL

    def __init__(self, app: Rekan, *, workspace_id: str, speaker: str, json_mode: bool = False,
                 out: TextIO | None = None) -> None:
        self.app = app
        self.workspace_id = workspace_id
        self.speaker = speaker
        self.json_mode = json_mode
        self.out = out or sys.stdout
        app.outbound.register(PLATFORM, self)

    async def start(self) -> None:
        """Nothing to connect to: the terminal is already there."""

    async def stop(self) -> None:
        self.out.flush()

    # --- outbound -----------------------------------------------------------------------------

    async def perform(self, action: Action) -> SendResult:
        """Scheduled deliveries (and replies) are printed; the terminal never refuses a message."""
        await self._emit(action)
        return SendResult(message_id=uuid.uuid4().hex)

    async def _viewer(self, user_id: str) -> Viewer:
        """How `user_id` reads times and words (their zone and language), in one read."""
        ref = WorkspaceRef(platform=PLATFORM, workspace_id=self.workspace_id)
        zone, locale, workspace_locale = await self.app.db.read_with(
            lambda c: member_reads.reader_prefs_on(c, ref, user_id))
        return Viewer(zone=zone or "UTC", locale=normalize_locale(locale or workspace_locale),
                      now=self.app.clock.now())

    async def _member(self, user_id: str) -> Member | None:
        async with self.app.db.read() as s:
            ref = AccountRef(platform=PLATFORM, workspace_id=self.workspace_id, user_id=user_id).workspace
            ws = await members_repo.get_workspace(s, ref)
        return None if ws is None else await profile.load_member(self.app.db, ws.id, user_id)

    async def _locale(self, user_id: str) -> str:
        async with self.app.db.read() as s:
            ref = AccountRef(platform=PLATFORM, workspace_id=self.workspace_id, user_id=user_id).workspace
            ws = await members_repo.get_workspace(s, ref)
            row = None if ws is None else await members_repo.get_member(s, ws.id, user_id)
        return normalize_locale((row.locale if row else None) or (ws.default_locale if ws else None))

    async def _emit(self, action: Action, viewers: dict[str, Viewer] | None = None) -> None:
        """Print one action as its reader sees it; `viewers` keeps readers already looked up for one line."""
        where = destination(action.to, self.speaker)
        reader = self.speaker if where is None or not where.startswith("DM") else action.to.conversation_id
        viewer = viewers.get(reader) if viewers is not None else None
        if viewer is None:
            viewer = await self._viewer(reader)
            if viewers is not None:
                viewers[reader] = viewer
        if self.json_mode:
            self._print(json.dumps(render_json(action, viewer), ensure_ascii=False))
        else:
            self._print(render_text(action, viewer, self.speaker))

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def _say(self, key: str, **values: object) -> None:
        """A shell-only message to the person at the keyboard (plain text, or JSON with --json)."""
        text = translate(key, await self._locale(self.speaker), **values)
        if self.json_mode:
            self._print(json.dumps({"type": "shell", "text": text}, ensure_ascii=False))
        else:
            self._print(text)

    # --- inbound ------------------------------------------------------------------------------

    async def run(self, lines: AsyncIterator[str], *, banner: bool = True, demo: bool = False) -> int:
        if banner and not self.json_mode:
            await self._say("shell.banner", speaker=self.speaker, workspace=self.workspace_id)
            if demo:
                await self._say("shell.banner_demo")
        await self._show_pending()
        async for line in lines:
            if not await self.feed(line):
                break
        return 0

    async def feed(self, line: str) -> bool:
        """Handle one typed line; False when the user asked to leave."""
        item = translate_line(line, workspace_id=self.workspace_id, speaker=self.speaker,
                              now=self.app.clock.now())
        if item is None:
            return True
        if isinstance(item, ShellInstruction):
            return await self._instruction(item)
        viewers: dict[str, Viewer] = {}  # the answers to one line are read as things stand after it
        for action in await self.app.handle(item, SHELL):
            await self._emit(action, viewers)
        if self.app.manual_clock is not None:
            # A stopped clock never wakes the dispatcher: send what the command made due now (a
            # deadline's notices to its assignees) before the next line is read.
            await self.app.dispatcher.run_due()
        return True

    async def _show_pending(self) -> None:
        member = await self._member(self.speaker)
        if member is None:
            return
        question = await pending_question(self.app.db, member.workspace_pk, self.speaker,
                                          self.app.clock.now(), await self._locale(self.speaker))
        if question is not None:
            await self._say("shell.pending")
            to = ConversationRef.dm(member.account)
            await self._emit(Send(to=to, content=question))

    async def _instruction(self, item: ShellInstruction) -> bool:
        if item.name == "quit":
            if not self.json_mode:
                await self._say("shell.bye")
            return False
        if item.name == "as":
            name = item.argument.lstrip("@").strip().lower()
            if not name or not re.fullmatch(r"[a-z0-9_.\-]{1,64}", name):
                await self._say("shell.as_usage")
                return True
            self.speaker = name
            await self._say("shell.now_as", speaker=name)
            await self._show_pending()
            return True
        await self._clock(item.argument)
        return True

    async def _clock(self, argument: str) -> None:
        words = argument.split(maxsplit=1)
        clock = self.app.manual_clock
        if not words:
            await self._say_now()
            return
        if clock is None:
            await self._say("shell.clock_fixed")
            return
        verb, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
        target = await self._clock_target(verb, rest, clock.now())
        if target is None:
            return
        if target < clock.now():
            await self._say("shell.clock_backwards", local=await self._local(clock.now()))
            return
        await self.app.scheduler.advance_to(target)
        await self._say("shell.clock_moved", local=await self._local(target))

    async def _clock_target(self, verb: str, rest: str, now: datetime) -> datetime | None:
        if verb == "advance":
            delta = parse_duration(rest)
            if delta is None:
                await self._say("shell.clock_bad_duration", value=rest[:40])
            return None if delta is None else now + delta
        if verb == "set":
            try:
                target = datetime.fromisoformat(rest.strip())
            except ValueError:
                await self._say("shell.clock_bad_instant", value=rest[:40])
                return None
            if target.tzinfo is None:
                viewer = await self._viewer(self.speaker)
                target = target.replace(tzinfo=get_zone(viewer.zone))
            return target
        await self._say("shell.clock_usage")
        return None

    async def _local(self, instant: datetime) -> str:
        viewer = await self._viewer(self.speaker)
        return format_instant(instant, viewer.zone, viewer.locale)

    async def _say_now(self) -> None:
        now = self.app.clock.now()
        viewer = await self._viewer(self.speaker)
        local = format_instant(now, viewer.zone, viewer.locale, with_utc=False)
        await self._say("shell.clock_now", local=local, utc=now.strftime("%Y-%m-%d %H:%M UTC"))


async def stdin_lines(prompt: Callable[[], str], *, interactive: bool,
                      history: Path | None = None) -> AsyncIterator[str]:
    """Lines from the terminal (readline editing and history) or from piped standard input."""
    loop = asyncio.get_running_loop()
    if interactive:
        _setup_readline(history)
        while True:
            try:
                yield await loop.run_in_executor(None, input, prompt())
            except EOFError:
                print(file=sys.stdout)
                return
    else:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            yield line


def _setup_readline(history: Path | None) -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        return
    if history is None:
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    readline.set_history_length(1000)
    atexit.register(_save_history, history)


def _save_history(history: Path) -> None:
    import readline

    with contextlib.suppress(OSError):
        readline.write_history_file(str(history))

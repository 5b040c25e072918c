"""A workspace full of one member's traces, built through real commands and the real scheduler.

Nadia (Makassar, a manager) has a profile, days off, her own reminder and deadline, a team deadline she
set, deadlines Priya gave her, a standup she answered and one she owns, a poll she voted in and one she
owns, two weekly series' worth of fairness tally, a zone question left unanswered, messages sent to her
and waiting for her, a stored value, a platform event id and her DM channel id. She is in a second
workspace too, whose rows must survive her being forgotten in the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import ManualClock
from bot.core.actions import AskChoice
from storage.models import Base, DeadlineRow, KeyValueRow, MemberRow, ProcessedEventRow, WorkspaceRow
from storage.repositories import dm_channels
from storage.session import Database
from tests.bot.features.deadlines.team import Harness, Teammate, seed_team
from tests.bot.features.meetings.crew import Speaker
from tests.support import Person

NADIA = "U0NADIA7"
NADIA_NAME = "Nadia Kusuma"
START = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # Sunday
TEAM = (
    Teammate(user_id="ayu", tz="Asia/Jakarta", locale="id", admin=True),
    Teammate(user_id="priya", tz="Asia/Kolkata", start=10 * 60, end=18 * 60 + 30, manager=True),
    Teammate(user_id="liam", tz="America/New_York"),
    Teammate(user_id="emma", tz="Europe/London", start=8 * 60 + 30, end=16 * 60 + 30),
    Teammate(user_id=NADIA, tz="Asia/Makassar", manager=True, country="ID"),
)
DAILY = "/standup new Daily in #team at 09:30 report 17:00 for <@ayu> <@priya> <@liam> <@U0NADIA7>"
SYNC = "/standup new Sync in #team at 10:00 for <@U0NADIA7> <@liam>"


@dataclass
class World:
    db: Database
    clock: ManualClock
    h: Harness
    ws: int
    other_ws: int

    def nadia(self, workspace: str = "T1") -> Person:
        assert self.h.router is not None
        return Person(router=self.h.router, clock=self.clock, user_id=NADIA, workspace_id=workspace,
                      name=NADIA_NAME)

    def speaker(self, user_id: str) -> Speaker:
        assert self.h.router is not None
        return Speaker(router=self.h.router, clock=self.clock, user_id=user_id)

    async def deadline_id(self, title: str) -> int:
        async with self.db.read() as s:
            found = await s.scalar(select(DeadlineRow.id).where(DeadlineRow.workspace_id == self.ws,
                                                                DeadlineRow.title == title))
        assert found is not None, title
        return int(found)


async def _name(db: Database, workspace_pk: int) -> None:
    async with db.session() as s:
        row = await s.scalar(select(MemberRow).where(MemberRow.workspace_id == workspace_pk,
                                                     MemberRow.user_id == NADIA))
        assert row is not None
        row.display_name = NADIA_NAME


async def build(db: Database, *, locale: str = "en") -> World:
    clock = ManualClock(START)
    team = tuple(t if t.user_id != NADIA else Teammate(user_id=NADIA, tz="Asia/Makassar", manager=True,
                                                        country="ID", locale=locale) for t in TEAM)
    ws = await seed_team(db, clock.now(), team)
    other_ws = await seed_team(db, clock.now(), team[-1:] + team[:1], workspace="T2")
    for pk in (ws, other_ws):
        await _name(db, pk)
    h = Harness(db, clock)
    assert h.router is not None  # build_router registers the forget-me confirmation's buttons
    w = World(db=db, clock=clock, h=h, ws=ws, other_ws=other_ws)
    await _profile_and_deadlines(w)
    await _standups(w)
    await _meetings(w)
    await _leftovers(w)
    return w


async def _profile_and_deadlines(w: World) -> None:
    nadia, priya = w.nadia(), w.h.who("priya")
    for line in ("/tz hours 08:00-16:00 Mon-Fri", "/tz off 2026-12-24..2026-12-26",
                 "/deadline remind me call the bank tomorrow 9am",
                 '/deadline add "Expense report" Fri 17:00',
                 '/deadline add "Launch checklist" Fri 15:00 for <@liam> <@U0NADIA7>'):
        await nadia.run(line)
    await priya.run('/deadline add "Ship v2.3" Fri 17:00 for <@U0NADIA7> <@liam> remind 1d')
    await priya.run('/deadline add "Docs" Tue 12:00 for <@U0NADIA7>')
    await nadia.run(f"/deadline done {await w.deadline_id('Docs')}")
    await w.nadia("T2").run("/deadline remind me stretch tomorrow 10am")


async def _standups(w: World) -> None:
    assert "Daily" in await w.h.who("ayu").run(DAILY)
    assert "Sync" in await w.nadia().run(SYNC)
    await w.h.advance(timedelta(days=1, hours=4))  # Monday 04:00 UTC: she was asked at 09:30 WITA
    for line in ("Sorted the invoices", "Payroll", "none"):
        await w.nadia().run(line)


async def _meetings(w: World) -> None:
    priya, nadia, emma = w.speaker("priya"), w.speaker(NADIA), w.speaker("emma")
    await priya.run('/meet poll 30m <@U0NADIA7> <@emma> "Planning"')
    await nadia.click(priya.only(AskChoice).key, "vote:1")
    await nadia.run('/meet poll 30m <@emma> <@priya> "Retro"')
    await w.speaker("emma").click(nadia.only(AskChoice).key, "vote:1")
    for line in ("/meet suggest 45m <@U0NADIA7> <@liam> weekly", "/meet suggest 45m <@liam> weekly"):
        await emma.run(line)
        ask = emma.only(AskChoice)
        await emma.click(ask.key, ask.choices[0].value)


async def _leftovers(w: World) -> None:
    await w.nadia().run("/tz set Indonesia")  # a zone question she never answered
    async with w.db.session() as s:
        s.add(KeyValueRow(workspace_id=w.ws, key=f"asked-zone:{NADIA}", value={"at": START.isoformat()}))
        s.add(ProcessedEventRow(platform="shell", event_id=f"action:{NADIA}:1764374400.1", seen_at=START))
        for pk in (w.ws, w.other_ws):  # her DM channel id, as the Discord sender keeps it
            await dm_channels.put(s, pk, NADIA, "1190000000000000777", now=START)


def _text(value: Any) -> str:
    return str(value).casefold()


async def traces(db: Database, workspace_pk: int, needles: tuple[str, ...] = (NADIA, NADIA_NAME)) -> dict[str, int]:
    """Rows of every table that mention a needle in any column (or point at her member row), by table;
    rows of other workspaces are left out (processed events belong to no workspace, so all count)."""
    found: dict[str, int] = {}
    async with db.read() as s:
        member_pk = await s.scalar(select(MemberRow.id).where(MemberRow.workspace_id == workspace_pk,
                                                              MemberRow.user_id == NADIA))
        for table in Base.metadata.sorted_tables:
            rows = (await s.execute(select(table))).mappings().all()
            for row in rows:
                where = row["id"] if table.name == WorkspaceRow.__tablename__ else row.get("workspace_id")
                if where is not None and where != workspace_pk:
                    continue
                text = " ".join(_text(v) for v in row.values())
                points = member_pk is not None and row.get("member_id") == member_pk
                if points or any(n.casefold() in text for n in needles):
                    found[table.name] = found.get(table.name, 0) + 1
    return found

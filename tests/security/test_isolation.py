"""Tenant isolation: every command, button and form that takes an id, tried from another workspace with
the first workspace's ids, is answered "not found" and changes no row.

Workspace ids are global sequences, so T1's deadline #1 is the only deadline #1; T2 is the same platform
(a Discord user id is global, so Liam and Emma are members of both), and T2's admin tries too. A positive
control shows each command does change rows when the right person runs it in the right workspace.
"""

from __future__ import annotations

import re

import pytest

from bot.core.actions import PublishHome
from bot.core.events import HomeOpened
from bot.core.identity import ConversationRef
from bot.core.render_text import render_plain
from tests.security.world import AYU, EMMA, EVE, LIAM, PRIYA, T2, World, attempt, scoped
from tests.support import snapshot

SECRETS = re.compile(r"(?i:Secret T1|Kolkata|shipped the T1)|\bIST\b|10:00.18:30")
"""What T1 holds that nobody in T2 may ever read: titles, answers, a T1-only member and her zone."""
NOT_FOUND = re.compile(
    r"There is no deadline #\d+ that you can see|There is no standup called|has not asked you anything|"
    r"You have no answers to|There is no poll|expired or was already answered|I don't know|Nothing due|"
    r"no deadlines you can see|No standups yet")


def attempts(w: World) -> list[tuple[str, str]]:
    """(kind, what): a command line, or `click <key> <value>`, or `form <key>`; all with T1's ids."""
    d, r, c, p = w.deadline, w.reminder, w.channel_deadline, w.poll
    return [
        ("run", f"/deadline done {d}"), ("run", f"/deadline done {r}"), ("run", f"/deadline cancel {c}"),
        ("run", f"/deadline edit {d} title Mine now"), ("run", f"/deadline edit {d} when Fri 18:00"),
        ("run", f"/deadline edit {c} for <@{LIAM}>"), ("run", f"/deadline snooze {d} 1h"),
        ("run", f"/deadline snooze {r} tomorrow"), ("run", f"/deadline edit {r} remind 1h"),
        ("run", "/deadline list"), ("run", "/deadline list team"), ("run", "/deadline list #team"),
        ("run", "/deadline list overdue"), ("run", "/deadline ics"),
        ("run", "/standup pause Daily"), ("run", "/standup resume Daily"), ("run", "/standup delete Daily"),
        ("run", "/standup edit Daily at 10:00"), ("run", f"/standup edit Daily owner <@{EVE}>"),
        ("run", "/standup report Daily"), ("run", "/standup report Daily yesterday"),
        ("run", "/standup history Daily"), ("run", f"/standup history Daily <@{LIAM}> 7d"),
        ("run", "/standup export Daily"), ("run", "/standup stats Daily"), ("run", "/standup mine Daily"),
        ("run", "/standup mine Daily delete today"), ("run", "/standup answer Daily"),
        ("run", "/standup redo Daily"), ("run", "/standup list"),
        ("run", f"/meet vote {p} 1"), ("run", f"/meet pick {p} 1"), ("run", f"/meet pick {p}"),
        ("run", f"/tz <@{PRIYA}>"), ("run", "/tz Priya"), ("run", f"/meet overlap <@{PRIYA}>"),
        ("run", f'/deadline add "x" tomorrow 9am for <@{PRIYA}>'),
        ("run", f"/standup new Mine in #team at 09:30 for <@{PRIYA}>"),
        ("click", f"dl.act:{d} done"), ("click", f"dl.act:{d} cancel"), ("click", f"dl.act:{r} snooze:1h"),
        ("click", f"dl.act:{c} done"), ("click", f"dl.list done:{d}"), ("click", f"dl.list done:{r}"),
        ("click", f"meet.poll:{p} vote:1"), ("click", f"meet.poll:{p} pick"), ("click", f"meet.poll:{p} pick:1"),
        ("click", f"meet.series:{w.series} {w.slot}"),
        ("form", f"su.answer:{w.standup}:{w.day}"),
    ]


@pytest.mark.parametrize("user", [EVE, LIAM], ids=["t2-admin", "member-of-both"])
async def test_t1_ids_used_from_t2_are_not_found_and_change_nothing(world: World, user: str) -> None:
    db = world.h.db
    who = world.who(user, T2)
    before = await snapshot(db)
    for kind, what in attempts(world):
        said = await attempt(who, kind, what)
        assert NOT_FOUND.search(said), f"{what!r} from T2 answered {said!r}"
        assert not SECRETS.search(said), f"{what!r} from T2 showed T1's data: {said!r}"
    after = await snapshot(db)
    assert scoped(after, world.t1) == scoped(before, world.t1)
    assert after == before, "a refused attempt from T2 wrote something"


async def test_each_attempt_does_change_t1_when_made_in_t1(world: World) -> None:
    """The positive control: the same ids, used in T1 by the person allowed to, do act."""
    db = world.h.db
    ayu, liam = world.who(AYU), world.who(LIAM)
    d, r, p = world.deadline, world.reminder, world.poll
    for who, kind, what in [(liam, "run", f"/deadline snooze {d} 1h"), (liam, "run", f"/deadline done {r}"),
                            (ayu, "run", f"/deadline edit {d} title Renamed"), (ayu, "run", "/standup pause Daily"),
                            (liam, "run", "/standup mine Daily delete today"),
                            (world.who(PRIYA), "run", f"/meet vote {p} 1"), (ayu, "run", f"/meet pick {p} 1"),
                            (ayu, "click", f"dl.act:{world.channel_deadline} cancel"),
                            (world.who(EMMA), "click", f"meet.series:{world.series} {world.slot}")]:
        before = await snapshot(db)
        said = await attempt(who, kind, what)
        assert await snapshot(db) != before, f"{what!r} in T1 changed nothing: {said!r}"


async def test_admin_commands_in_t2_change_only_t2(world: World) -> None:
    """T2's admin may run admin commands, on T2: Liam's T1 row, T1's settings and language stay as they were."""
    db = world.h.db
    eve = world.who(EVE, T2)
    before = scoped(await snapshot(db), world.t1)
    for line in (f"/rekan managers add <@{LIAM}>", f"/rekan managers add <@{PRIYA}>", "/rekan lang workspace id",
                 "/deadline settings assign everyone", "/deadline settings leads 2h",
                 f"/standup new Mine in #team at 09:30 for <@{LIAM}>", f'/deadline add "T2 own" tomorrow for <@{LIAM}>'):
        said = await eve.run(line)
        assert not SECRETS.search(said), said
    assert "is now a manager" in await eve.run(f"/rekan managers add <@{EMMA}>")
    assert scoped(await snapshot(db), world.t1) == before


async def test_a_home_view_and_lists_in_t2_show_nothing_of_t1(world: World) -> None:
    liam = world.who(LIAM, T2, in_channel=False)
    assert world.h.router is not None
    event = HomeOpened(platform="shell", event_id="home-t2", actor=liam.account,
                       conversation=ConversationRef.dm(liam.account), at=world.h.clock.now())
    [home] = [a for a in await world.h.router.handle(event, liam.caps) if isinstance(a, PublishHome)]
    assert not SECRETS.search(render_plain(home.content))
    for line in ("/deadline list", "/deadline list team", "/standup list", "/standup mine Daily", "/tz"):
        said = await liam.run(line)
        assert not SECRETS.search(said), said
